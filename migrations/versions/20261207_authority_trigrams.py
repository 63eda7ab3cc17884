"""A trigram index of the requests' requesting authority: the request list's text filter matches the subject, the
requesting authority or the State, in one OR, which PostgreSQL reads from indexes only when each arm has one (the
subject's is 20261207_lookup's; the State's arm is read from the State's index, app.listing.among). Without it,
"law" among 200,000 requests read every row: 150 ms; 7 ms with it.

PostgreSQL only, and only where pg_trgm can be had (models/search_indexes.py), as 20261207_lookup.

Revision ID: 20261207_authority_trgm
Revises: 20261207_queue_dates
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_authority_trgm'
down_revision = '20261207_queue_dates'
branch_labels = None
depends_on = None

NAME = 'ix_assistance_requests_authority_trgm'
USABLE = ("SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod "
          "WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin' AND pg_opclass_is_visible(c.oid)")


def upgrade():
    bind = op.get_bind()
    # 20261207_lookup installed pg_trgm where it could: without it, nothing to do here either
    if bind.dialect.name != 'postgresql' or bind.exec_driver_sql(USABLE).first() is None:
        return
    op.create_index(NAME, 'assistance_requests', [sa.text('lower(requesting_authority) gin_trgm_ops')],
                    postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'DROP INDEX IF EXISTS {NAME}')
