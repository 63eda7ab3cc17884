"""The whole record's stamp (models.record_version.RECORD), which pages are kept by (app/page_cache.py).

Every committed change replaces it; a database upgraded from before has no row yet, and pages would be rendered
afresh until the first change. The row is created here, so that an installation's pages are kept from its first
visit.

Revision ID: 20261123_0008
Revises: 20261123_0007
Create Date: 2026-11-23
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0008'
down_revision = '20261123_0007'
branch_labels = None
depends_on = None

_versions = sa.table('record_versions', sa.column('name', sa.String), sa.column('version', sa.Integer),
                     sa.column('stamp', sa.String))


def upgrade():
    exists = op.get_bind().execute(sa.select(_versions.c.name).where(_versions.c.name == 'record')).first()
    if exists is None:
        op.execute(_versions.insert().values(name='record', version=0, stamp=uuid.uuid4().hex))


def downgrade():
    op.execute(_versions.delete().where(_versions.c.name == 'record'))
