"""The interface in six languages (issue 30): each account may choose its language (`users.language`, a code of
config LANGUAGES); NULL, every existing account's value, follows the browser's Accept-Language as before.

Revision ID: 20261206_i18n
Revises: 20261206_perfpages
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261206_i18n'
down_revision = '20261206_perfpages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
