"""The job queue (issue 28): one row per job of work run outside the request (imports, large exports, reports),
its progress, its result and why it failed.

Revision ID: 20261206_jobs
Revises: 20261206_backup
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_jobs'
down_revision = '20261206_backup'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('time_limit', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result_summary', sa.String(length=500), nullable=True),
    sa.Column('result_name', sa.String(length=200), nullable=True),
    sa.Column('result_type', sa.String(length=120), nullable=True),
    sa.Column('result_link', sa.String(length=500), nullable=True),
    sa.Column('result_data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')", name=op.f('ck_jobs_status_valid')),
    sa.CheckConstraint('done >= 0', name=op.f('ck_jobs_done_not_negative')),
    sa.CheckConstraint('time_limit > 0', name=op.f('ck_jobs_time_limit_positive')),
    sa.CheckConstraint('total IS NULL OR total >= 0', name=op.f('ck_jobs_total_not_negative')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_jobs_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_owner_created', ['owner_id', 'created_at'], unique=False)
        batch_op.create_index('ix_jobs_status', ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status')
        batch_op.drop_index('ix_jobs_owner_created')

    op.drop_table('jobs')
