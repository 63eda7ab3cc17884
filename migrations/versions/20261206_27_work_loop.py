"""The work loop (issue 27): activity reports and their review, follow-up actions, attachments (metadata and
versions; the files live in the attachment storage) and comments with their mentions.

Revision ID: 20261206_27
Revises: 20261206_0010
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_27'
down_revision = '20261206_0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('recommendations', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'approved' OR approved_at IS NOT NULL", name=op.f('ck_activity_reports_approved_has_date')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f('ck_activity_reports_status_valid')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_reports_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_activity_reports_approved_by_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_activity_reports_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_reports')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_activity_reports_activity_id')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_activity_reports_reference_key'))
    )
    with op.batch_alter_table('activity_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_reports_approved_by_id'), ['approved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_reports_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_reports_status'), ['status'], unique=False)
        batch_op.create_index('ix_activity_reports_status_updated', ['status', 'updated_at'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('current_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN request_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN activity_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN report_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN finding_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_attachments_one_parent')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attachments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_attachments_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_attachments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['finding_id'], ['legislative_findings.id'], name=op.f('fk_attachments_finding_id_legislative_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'], name=op.f('fk_attachments_report_id_activity_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_attachments_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_request_id'), ['request_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(CASE WHEN request_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN activity_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN report_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_comments_one_parent')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_comments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'], name=op.f('fk_comments_report_id_activity_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_comments_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_activity_created', ['activity_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_comments_report_created', ['report_id', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_request_created', ['request_id', 'created_at'], unique=False)

    op.create_table('follow_up_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('priority_rank', sa.Integer(), server_default='2', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("closed_at IS NULL OR status NOT IN ('open', 'in_progress')", name=op.f('ck_follow_up_actions_closed_when_closed')),
    sa.CheckConstraint("priority IN ('low', 'normal', 'high', 'urgent')", name=op.f('ck_follow_up_actions_priority_valid')),
    sa.CheckConstraint("priority_rank = CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 WHEN 'low' THEN 3 END", name=op.f('ck_follow_up_actions_priority_rank_matches')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_follow_up_actions_status_valid')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_follow_up_actions_activity_id_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['finding_id'], ['legislative_findings.id'], name=op.f('fk_follow_up_actions_finding_id_legislative_findings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_follow_up_actions_owner_id_users')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_follow_up_actions_raised_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_follow_up_actions_request_id_assistance_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_follow_up_actions_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_actions'))
    )
    with op.batch_alter_table('follow_up_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_actions_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_actions_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_follow_up_actions_owner_status_due', ['owner_id', 'status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_actions_raised_by_id'), ['raised_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_actions_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_follow_up_actions_state_status', ['state_id', 'status'], unique=False)
        batch_op.create_index('ix_follow_up_actions_status_due', ['status', 'due_date'], unique=False)

    op.create_table('report_approvers',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'], name=op.f('fk_report_approvers_report_id_activity_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_approvers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_report_approvers'))
    )
    with op.batch_alter_table('report_approvers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_approvers_user_id'), ['user_id'], unique=False)

    op.create_table('report_counterparts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=True),
    sa.Column('institution', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=160), nullable=True),
    sa.CheckConstraint('name IS NOT NULL OR institution IS NOT NULL', name=op.f('ck_report_counterparts_named')),
    sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'], name=op.f('fk_report_counterparts_report_id_activity_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_counterparts'))
    )
    with op.batch_alter_table('report_counterparts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_counterparts_report_id'), ['report_id'], unique=False)

    op.create_table('report_status_changes',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('sent_to', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("from_status IS NULL OR from_status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f('ck_report_status_changes_from_status_valid')),
    sa.CheckConstraint("to_status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f('ck_report_status_changes_to_status_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'], name=op.f('fk_report_status_changes_report_id_activity_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_status_changes'))
    )
    with op.batch_alter_table('report_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_status_changes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status_changes_report_id'), ['report_id'], unique=False)

    op.create_table('action_status_changes',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("from_status IS NULL OR from_status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_action_status_changes_from_status_valid')),
    sa.CheckConstraint("to_status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_action_status_changes_to_status_valid')),
    sa.ForeignKeyConstraint(['action_id'], ['follow_up_actions.id'], name=op.f('fk_action_status_changes_action_id_follow_up_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_action_status_changes_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_status_changes'))
    )
    with op.batch_alter_table('action_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_status_changes_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_status_changes_actor_id'), ['actor_id'], unique=False)

    op.create_table('attachment_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachment_versions_sha256_length')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_attachment_versions_size_not_negative')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_attachment_versions_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachment_versions_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment_versions')),
    sa.UniqueConstraint('attachment_id', 'number', name='uq_attachment_versions_number')
    )
    with op.batch_alter_table('attachment_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_versions_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_versions_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('follow_up_action_instruments',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['follow_up_actions.id'], name=op.f('fk_follow_up_action_instruments_action_id_follow_up_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_follow_up_action_instruments_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('action_id', 'instrument_id', name=op.f('pk_follow_up_action_instruments'))
    )
    with op.batch_alter_table('follow_up_action_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_action_instruments_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_mentions_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions')),
    sa.UniqueConstraint('comment_id', 'user_id', name='uq_mentions_comment_user')
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index('ix_mentions_user_created', ['user_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_user_created')

    op.drop_table('mentions')
    with op.batch_alter_table('follow_up_action_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_action_instruments_instrument_id'))

    op.drop_table('follow_up_action_instruments')
    with op.batch_alter_table('attachment_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_versions_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_versions_sha256'))

    op.drop_table('attachment_versions')
    with op.batch_alter_table('action_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status_changes_actor_id'))
        batch_op.drop_index(batch_op.f('ix_action_status_changes_action_id'))

    op.drop_table('action_status_changes')
    with op.batch_alter_table('report_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_status_changes_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_status_changes_actor_id'))

    op.drop_table('report_status_changes')
    with op.batch_alter_table('report_counterparts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_counterparts_report_id'))

    op.drop_table('report_counterparts')
    with op.batch_alter_table('report_approvers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_approvers_user_id'))

    op.drop_table('report_approvers')
    with op.batch_alter_table('follow_up_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_actions_status_due')
        batch_op.drop_index('ix_follow_up_actions_state_status')
        batch_op.drop_index(batch_op.f('ix_follow_up_actions_request_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_actions_raised_by_id'))
        batch_op.drop_index('ix_follow_up_actions_owner_status_due')
        batch_op.drop_index(batch_op.f('ix_follow_up_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_actions_finding_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_actions_activity_id'))

    op.drop_table('follow_up_actions')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_request_created')
        batch_op.drop_index('ix_comments_report_created')
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))
        batch_op.drop_index('ix_comments_activity_created')

    op.drop_table('comments')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_request_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_report_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_finding_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_contribution_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_activity_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('activity_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_reports_status_updated')
        batch_op.drop_index(batch_op.f('ix_activity_reports_status'))
        batch_op.drop_index(batch_op.f('ix_activity_reports_author_id'))
        batch_op.drop_index(batch_op.f('ix_activity_reports_approved_by_id'))

    op.drop_table('activity_reports')
