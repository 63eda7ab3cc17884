"""One shape for every history of status changes: a contribution's steps take the same 20-character status
columns as a request's (models.base.StatusChangeMixin).

Revision ID: 20261206_0010
Revises: 20261123_0009
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_0010'
down_revision = '20261123_0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contribution_status_changes', schema=None) as batch_op:
        batch_op.alter_column('from_status', existing_type=sa.String(length=12), type_=sa.String(length=20),
                              existing_nullable=True)
        batch_op.alter_column('to_status', existing_type=sa.String(length=12), type_=sa.String(length=20),
                              existing_nullable=False)


def downgrade():
    # Every contribution status fits in 12 characters (pledged, committed, received).
    with op.batch_alter_table('contribution_status_changes', schema=None) as batch_op:
        batch_op.alter_column('from_status', existing_type=sa.String(length=20), type_=sa.String(length=12),
                              existing_nullable=True)
        batch_op.alter_column('to_status', existing_type=sa.String(length=20), type_=sa.String(length=12),
                              existing_nullable=False)
