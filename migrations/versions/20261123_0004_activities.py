"""Activities, experts, legislative issues: "under way" status, quarter precision, topics, calendar feed tokens.

- activities.status may be "under_way" (issue 10: planned, under way, completed, cancelled);
- activity_visits.date_precision may be "quarter" (A/58/165 para. 11: "the third quarter of 2003");
- activities.topics: the subjects dealt with besides the instruments (para. 17, the Minsk seminar);
- calendar_feed_tokens: the per-user secret a calendar client reads /missions.ics with.

Downgrade: "under_way" becomes "planned" and "quarter" becomes "month" (the closest values the old CHECKs allow),
then the column and the table go.

Revision ID: 20261123_0004
Revises: 20261123_0003 (initial schema, file 20261123_0001_initial_schema.py)
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '20261123_0004'
down_revision = '20261123_0003'
branch_labels = None
depends_on = None

STATUS_OLD = "status IN ('planned', 'completed', 'cancelled')"
STATUS_NEW = "status IN ('planned', 'under_way', 'completed', 'cancelled')"
PRECISION_OLD = "date_precision IN ('day', 'month')"
PRECISION_NEW = "date_precision IN ('day', 'month', 'quarter')"


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.drop_constraint(op.f('ck_activities_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activities_status_valid'), STATUS_NEW)
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_activity_visits_date_precision_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activity_visits_date_precision_valid'), PRECISION_NEW)

    op.create_table('calendar_feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feed_tokens_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_tokens_token_hash'))
    )
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_tokens_user_id'))
    op.drop_table('calendar_feed_tokens')

    op.execute("UPDATE activity_visits SET date_precision = 'month' WHERE date_precision = 'quarter'")
    op.execute("UPDATE activities SET status = 'planned' WHERE status = 'under_way'")
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_activity_visits_date_precision_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activity_visits_date_precision_valid'), PRECISION_OLD)
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_activities_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activities_status_valid'), STATUS_OLD)
        batch_op.drop_column('topics')
