"""An index of the kept outcome facts holding every column the outcomes page reads, after their key: its groupings
(the breakdowns by kind and by donor, the States each donor reached, each pair's first assistance) are read from
the index alone. From the table, PostgreSQL fetched a row from another page for each of the 24,000 rows of ten
donors: 30 -> 8 ms for their pairs, 28 -> 8 ms for the States they reached, at 200,000 requests; SQLite 6.5 -> 1.5
ms for the latter.

Revision ID: 20261207_facts_covering
Revises: 20261207_authority_trgm
Create Date: 2026-12-07
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_facts_covering'
down_revision = '20261207_authority_trgm'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_outcome_facts_covering', 'outcome_facts',
                    ['donor_id', 'state_id', 'instrument_id', 'kind', 'is_served', 'first_date',
                     'first_after_request', 'has_undated'], unique=False)


def downgrade():
    op.drop_index('ix_outcome_facts_covering', table_name='outcome_facts')
