"""The record's currency: instruments.record_complete_to; the shipped tables become the depositary's record.

`flask seed reference` now loads the shipped UN Treaty Collection tables as an import would (source "UNTC table")
and stamps each instrument with the day its table was taken. The claims of the former separate source
"UNTC tables shipped (2014)" would stand beside the same table's "UNTC table" claims as a third, redundant source
in the reconciliation: they are deleted here, and the actions that named that source name the table instead (the
next `seed reference` writes the table's claims).

Revision ID: 20261123_0005
Revises: 20261123_0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0005'
down_revision = '20261123_0004'
branch_labels = None
depends_on = None

OLD_SOURCE = "UNTC tables shipped (2014)"
TABLE_SOURCE = "UNTC table"


def upgrade():
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_complete_to', sa.Date(), nullable=True))
    claims = sa.table('treaty_action_sources', sa.column('source', sa.String))
    op.execute(claims.delete().where(claims.c.source == OLD_SOURCE))
    actions = sa.table('treaty_actions', sa.column('source', sa.String))
    op.execute(actions.update().where(actions.c.source == OLD_SOURCE).values(source=TABLE_SOURCE))


def downgrade():
    # The deleted claims are not rebuilt here: the earlier `seed reference` writes them again.
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_column('record_complete_to')
