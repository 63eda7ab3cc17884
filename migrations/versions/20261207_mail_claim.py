"""Mail outbox: who is sending a message right now (claimed_until), so that two workers never send it twice — on
SQLite too, where SELECT … FOR UPDATE locks nothing.

Revision ID: 20261207_mailclaim
Revises: 20261206_lists
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_mailclaim'
down_revision = '20261206_lists'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox') as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('mail_outbox') as batch_op:
        batch_op.drop_column('claimed_until')
