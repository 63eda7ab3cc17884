"""Versions on every editable record (optimistic locking) and a scope on API tokens.

activities, experts, contributions, legislative issues and findings, treaty actions and organizations get an
integer `version` (existing rows: 1), raised by every UPDATE; api_tokens get `scope`, "read" or "read write"
(existing tokens: "read", what they could do before).

Revision ID: 20261123_0006
Revises: 20261123_0005
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0006'
down_revision = '20261123_0005'
branch_labels = None
depends_on = None

VERSIONED = ('activities', 'experts', 'contributions', 'legislative_issues', 'legislative_findings',
             'treaty_actions', 'organizations')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), nullable=False, server_default='read'))
        batch_op.create_check_constraint(batch_op.f('ck_api_tokens_scope_valid'), "scope IN ('read', 'read write')")


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_api_tokens_scope_valid'), type_='check')
        batch_op.drop_column('scope')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
