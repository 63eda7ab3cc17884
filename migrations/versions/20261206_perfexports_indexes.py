"""Indexes chosen from the queries (issue 26 item 6): the EXPLAIN of every key page at 200,000 requests on
PostgreSQL. The queue's default order, over the requests awaiting a decision, gets a partial index it can read in
order (`status IN (two values)` cannot walk ix_assistance_requests_queue in order: every awaiting request was
sorted, 209 ms). The request list's first page needed no index, only an order the primary key serves (listing.py).

Revision ID: 20261206_perfexports
Revises: 20261206_wire
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261206_perfexports'
down_revision = '20261206_wire'
branch_labels = None
depends_on = None

AWAITING = "status IN ('pending', 'under_review')"


def upgrade():
    op.create_index('ix_assistance_requests_awaiting_order', 'assistance_requests',
                    ['priority_rank', 'received_date', 'id'], unique=False,
                    postgresql_where=sa.text(AWAITING), sqlite_where=sa.text(AWAITING))


def downgrade():
    op.drop_index('ix_assistance_requests_awaiting_order', table_name='assistance_requests')
