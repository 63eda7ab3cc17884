"""The request list newest received first, undated last, read from an index on PostgreSQL
(models/assistance_request.py, NEWEST_RECEIVED): an instrument's 100,000 requests were sorted for one page at
200,000 requests (132 ms; 15 ms from the index). SQLite's indexes take no NULLS LAST: nothing is done there.

Revision ID: 20261207_received_desc
Revises: 20261207_period_months
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_received_desc'
down_revision = '20261207_period_months'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_assistance_requests_received_desc', 'assistance_requests',
                    [sa.text('received_date DESC NULLS LAST'), sa.text('id DESC')], unique=False)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_assistance_requests_received_desc', table_name='assistance_requests')
