"""People who are told (issue 28): notifications, their preferences and digests, the mail outbox, and the flag
that makes an account choose a new password at its next sign-in.

Revision ID: 20261206_people
Revises: 20261206_jobs
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_people'
down_revision = '20261206_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_mail_outbox_sent_has_date')),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_mail_outbox_status_valid')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_mail_outbox_attempts_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.CheckConstraint("delivery IN ('app', 'email', 'daily', 'weekly')", name=op.f('ck_notification_preferences_delivery_valid')),
    sa.CheckConstraint("kind IN ('request_assigned', 'request_new', 'request_overdue', 'report_submitted', 'report_returned', 'report_approved', 'action_assigned', 'action_overdue', 'mention', 'activity_completed')", name=op.f('ck_notification_preferences_kind_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preferences_user_kind')
    )
    op.create_table('notification_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("period IN ('daily', 'weekly')", name=op.f('ck_notification_digests_period_valid')),
    sa.ForeignKeyConstraint(['message_id'], ['mail_outbox.id'], name=op.f('fk_notification_digests_message_id_mail_outbox'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digests')),
    sa.UniqueConstraint('user_id', 'period', 'period_start', name='uq_notification_digests_user_period')
    )
    with op.batch_alter_table('notification_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_digests_message_id'), ['message_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('event_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("delivery IN ('app', 'email', 'daily', 'weekly')", name=op.f('ck_notifications_delivery_valid')),
    sa.CheckConstraint("kind IN ('request_assigned', 'request_new', 'request_overdue', 'report_submitted', 'report_returned', 'report_approved', 'action_assigned', 'action_overdue', 'mention', 'activity_completed')", name=op.f('ck_notifications_kind_valid')),
    sa.ForeignKeyConstraint(['digest_id'], ['notification_digests.id'], name=op.f('fk_notifications_digest_id_notification_digests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'event_key', name='uq_notifications_user_event')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index('ix_notifications_user_created')
        batch_op.drop_index(batch_op.f('ix_notifications_digest_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('notification_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_digests_message_id'))

    op.drop_table('notification_digests')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_user_id'))
        batch_op.drop_index('ix_mail_outbox_status_next')

    op.drop_table('mail_outbox')
