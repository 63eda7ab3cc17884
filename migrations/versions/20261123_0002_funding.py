"""Funding: the dates of a contribution's steps and their history, sanity limits on amounts, inferred
allocations, and the exchange-rate table.

- contributions: `contribution_date` becomes `pledged_date` (existing dates are kept as the pledge date), plus
  `committed_date` and `received_date`; CHECKs: amounts at most 10^12, dates in step order, a step's date only
  once the contribution has reached that step.
- contribution_status_changes: who moved a contribution from pledged to committed to received, when, and why.
- allocations: `is_inferred` and `basis` (where the record, not the source, links money to an activity), the same
  amount limit.
- exchange_rates: a currency's value in USD from a date on, kept by admins.

Revision ID: 20261123_0002
Revises: 0001 (the file 20261123_0001_initial_schema.py)
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '20261123_0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_NOT_ABSURD = 'amount IS NULL OR amount <= 1000000000000'
_CONTRIBUTION_CHECKS = {
    'amount_not_absurd': _NOT_ABSURD,
    'committed_after_pledged':
        'committed_date IS NULL OR pledged_date IS NULL OR committed_date >= pledged_date',
    'received_after_pledged': 'received_date IS NULL OR pledged_date IS NULL OR received_date >= pledged_date',
    'received_after_committed':
        'received_date IS NULL OR committed_date IS NULL OR received_date >= committed_date',
    'committed_date_when_committed': "committed_date IS NULL OR status IN ('committed', 'received')",
    'received_date_when_received': "received_date IS NULL OR status = 'received'",
}


def upgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.alter_column('contribution_date', new_column_name='pledged_date', existing_type=sa.Date(),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('committed_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('received_date', sa.Date(), nullable=True))
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        for name, sql in _CONTRIBUTION_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_contributions_{name}'), sql)

    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_inferred', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('basis', sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_allocations_amount_not_absurd'), _NOT_ABSURD)

    op.create_table('contribution_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("from_status IS NULL OR from_status IN ('pledged', 'committed', 'received')",
                       name=op.f('ck_contribution_status_changes_from_status_valid')),
    sa.CheckConstraint("to_status IN ('pledged', 'committed', 'received')",
                       name=op.f('ck_contribution_status_changes_to_status_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_contribution_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'],
                            name=op.f('fk_contribution_status_changes_contribution_id_contributions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_status_changes'))
    )
    with op.batch_alter_table('contribution_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_status_changes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_status_changes_contribution_id'), ['contribution_id'],
                              unique=False)

    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=18, scale=8), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rate > 0', name=op.f('ck_exchange_rates_rate_positive')),
    sa.CheckConstraint('rate < 1000000', name=op.f('ck_exchange_rates_rate_not_absurd')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_exchange_rates_currency_iso4217')),
    sa.CheckConstraint("currency <> 'USD'", name=op.f('ck_exchange_rates_not_the_base_currency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('currency', 'valid_from', name='uq_exchange_rates_currency_valid_from')
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_rates_currency'), ['currency'], unique=False)


def downgrade():
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_rates_currency'))
    op.drop_table('exchange_rates')

    with op.batch_alter_table('contribution_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_status_changes_contribution_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_status_changes_actor_id'))
    op.drop_table('contribution_status_changes')

    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_allocations_amount_not_absurd'), type_='check')
        batch_op.drop_column('basis')
        batch_op.drop_column('is_inferred')

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        for name in _CONTRIBUTION_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_contributions_{name}'), type_='check')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_column('received_date')
        batch_op.drop_column('committed_date')
        batch_op.alter_column('pledged_date', new_column_name='contribution_date', existing_type=sa.Date(),
                              existing_nullable=True)
