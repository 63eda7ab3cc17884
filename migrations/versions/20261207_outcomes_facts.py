"""The outcome figures kept up to date by the writes (issue 26): outcome_requests, outcome_facts and outcome_months
(models/outcome_fact.py), what /outcomes reads instead of every activity × State × instrument row.

Made empty here: `flask outcomes rebuild` fills them from the record, and so does `flask seed reference` (which
`make serve` runs after upgrading); from then on the services keep them in step with every write.

Revision ID: 20261207_outcomes
Revises: 20261207_mailclaim
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261207_outcomes'
down_revision = '20261207_mailclaim'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_months',
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('regional_group', sa.String(length=40), nullable=False),
    sa.Column('is_served', sa.Boolean(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('inferred', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('instrument_id', 'regional_group', 'is_served', 'donor_id', 'month', 'kind', name=op.f('pk_outcome_months'))
    )
    with op.batch_alter_table('outcome_months', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_months_month', ['month'], unique=False)

    op.create_table('outcome_facts',
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('is_served', sa.Boolean(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=True),
    sa.Column('first_after_request', sa.Date(), nullable=True),
    sa.Column('has_undated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_outcome_facts_instrument_id_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_outcome_facts_state_id_member_states'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('donor_id', 'state_id', 'instrument_id', 'kind', 'is_served', name=op.f('pk_outcome_facts'))
    )
    with op.batch_alter_table('outcome_facts', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_facts_state_instrument', ['state_id', 'instrument_id'], unique=False)

    op.create_table('outcome_requests',
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('first_received_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_outcome_requests_instrument_id_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_outcome_requests_state_id_member_states'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('state_id', 'instrument_id', name=op.f('pk_outcome_requests'))
    )
    with op.batch_alter_table('outcome_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_requests_instrument_id'), ['instrument_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outcome_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_requests_instrument_id'))

    op.drop_table('outcome_requests')
    with op.batch_alter_table('outcome_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_facts_state_instrument')

    op.drop_table('outcome_facts')
    with op.batch_alter_table('outcome_months', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_months_month')

    op.drop_table('outcome_months')
