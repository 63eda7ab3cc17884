"""The period report's figures kept up to date by the writes (issue 26 item 2): period_months
(models/period_month.py), what /reports/period counts instead of every activity of the period; and the index
that gives the activities with a visit in a period from the visits' index alone (ix_activity_visits_end_start).

Made empty here: `flask outcomes rebuild` fills it from the record, and so do `flask seed reference` and `seed
synthetic`; from then on every flush that changes an activity, a visit, an allocation or a contribution keeps it.

Revision ID: 20261207_period_months
Revises: 20261207_reportsorder
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261207_period_months'
down_revision = '20261207_reportsorder'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('period_months',
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('prev_month', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('inferred', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('donor_id', 'month', 'prev_month', 'project_id', 'kind', name=op.f('pk_period_months'))
    )
    with op.batch_alter_table('period_months', schema=None) as batch_op:
        batch_op.create_index('ix_period_months_month', ['month'], unique=False)
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.create_index('ix_activity_visits_end_start', ['end_date', 'start_date', 'activity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_visits_end_start')
    with op.batch_alter_table('period_months', schema=None) as batch_op:
        batch_op.drop_index('ix_period_months_month')
    op.drop_table('period_months')
