"""The queue sorted by received or due date read from the requests awaiting a decision only: PostgreSQL walked the
whole index of received (due) dates, oldest first, past the 192,000 requests already decided to find one page of the
2,200 awaiting (176 ms and 79 ms at 200,000 requests; 0.2 ms from these). Small indexes: only the awaiting requests
are in them.

Revision ID: 20261207_queue_dates
Revises: 20261207_received_desc
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_queue_dates'
down_revision = '20261207_received_desc'
branch_labels = None
depends_on = None

AWAITING = "status IN ('pending', 'under_review')"


def upgrade():
    op.create_index('ix_assistance_requests_awaiting_received', 'assistance_requests', ['received_date', 'id'],
                    unique=False, postgresql_where=sa.text(AWAITING), sqlite_where=sa.text(AWAITING))
    op.create_index('ix_assistance_requests_awaiting_due', 'assistance_requests',
                    ['due_date', 'received_date', 'id'], unique=False,
                    postgresql_where=sa.text(AWAITING), sqlite_where=sa.text(AWAITING))


def downgrade():
    op.drop_index('ix_assistance_requests_awaiting_due', table_name='assistance_requests')
    op.drop_index('ix_assistance_requests_awaiting_received', table_name='assistance_requests')
