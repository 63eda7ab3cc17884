"""The queue's page read in its own order from the requests awaiting a decision (issue 26 item 3): a partial index
on (priority_rank, received_date, id) where the status is pending or under review. Without it PostgreSQL walked
every request by priority and dropped the decided ones.

Revision ID: 20261206_bench
Revises: 20261206_wire
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_bench'
down_revision = '20261206_wire'
branch_labels = None
depends_on = None

AWAITING_SQL = "status IN ('pending', 'under_review')"


def upgrade():
    op.create_index('ix_assistance_requests_awaiting_order', 'assistance_requests',
                    ['priority_rank', 'received_date', 'id'], unique=False,
                    postgresql_where=sa.text(AWAITING_SQL), sqlite_where=sa.text(AWAITING_SQL))


def downgrade():
    op.drop_index('ix_assistance_requests_awaiting_order', table_name='assistance_requests')
