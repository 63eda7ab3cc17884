"""A stamp per table (issue 26, item 5): whole pages are kept by the stamps of the tables they read, so that a write
keeps every page that read none of what it changed. One row per table, made here, so that a write changes its
tables' stamps in one statement; a table added later gets its row at its first write (until then a page that read
it stands on the whole record's stamp).

Revision ID: 20261206_perfpages
Revises: 20261206_perfexports
Create Date: 2026-12-06
"""
import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261206_perfpages'
down_revision = '20261206_perfexports'
branch_labels = None
depends_on = None

PREFIX = 'table:'
#: Not part of the record: the migrations' own row and the stamps themselves.
BOOKKEEPING = {'alembic_version', 'record_versions'}


def _record_versions() -> sa.Table:
    return sa.table('record_versions', sa.column('name', sa.String), sa.column('version', sa.Integer),
                    sa.column('stamp', sa.String))


def upgrade():
    bind = op.get_bind()
    table = _record_versions()
    present = set(bind.execute(sa.select(table.c.name)).scalars())
    names = [PREFIX + '*'] + [PREFIX + t for t in sorted(sa.inspect(bind).get_table_names())
                              if t not in BOOKKEEPING]
    # Each row starts with a stamp of its own: nothing kept under the single stamp of before can match one.
    rows = [{'name': n, 'version': 1, 'stamp': uuid.uuid4().hex} for n in names if n not in present]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    table = _record_versions()
    op.execute(table.delete().where(table.c.name.like(PREFIX + '%')))
