"""Jobs and people wired together (issue 28): "a job of mine finished or failed" becomes a notification kind, so
the kind checks of `notifications` and `notification_preferences` admit `job_finished`.

Revision ID: 20261206_wire
Revises: 20261206_people
Create Date: 2026-12-06
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261206_wire'
down_revision = '20261206_people'
branch_labels = None
depends_on = None

OLD_KINDS = ("'request_assigned', 'request_new', 'request_overdue', 'report_submitted', 'report_returned', "
             "'report_approved', 'action_assigned', 'action_overdue', 'mention', 'activity_completed'")
NEW_KINDS = OLD_KINDS + ", 'job_finished'"
TABLES = ('notifications', 'notification_preferences')


def _kinds(kinds: str) -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_kind_valid'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_kind_valid'), f'kind IN ({kinds})')


def upgrade():
    _kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notifications WHERE kind = 'job_finished'")
    op.execute("DELETE FROM notification_preferences WHERE kind = 'job_finished'")
    _kinds(OLD_KINDS)
