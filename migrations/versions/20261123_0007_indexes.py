"""Speed: the record's version stamp (treaty statuses computed once per change), and indexes for every filter and
ordering of the big tables.

Revision ID: 20261123_0007
Revises: 20261123_0006
Create Date: 2026-11-23
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0007'
down_revision = '20261123_0006'
branch_labels = None
depends_on = None

#: (table, index name, columns) — declared on the models too (tests/test_migrations.py compares them).
INDEXES = [
    ('activities', 'ix_activities_status', ['status']),
    ('activities', 'ix_activities_title', ['title']),
    ('activity_states', 'ix_activity_states_state_activity', ['state_id', 'activity_id']),
    ('activity_visits', 'ix_activity_visits_activity_start', ['activity_id', 'start_date']),
    ('activity_visits', 'ix_activity_visits_country_start', ['country_id', 'start_date']),
    ('activity_visits', 'ix_activity_visits_end_date', ['end_date']),
    ('allocations', 'ix_allocations_activity_contribution', ['activity_id', 'contribution_id']),
    ('assistance_requests', 'ix_assistance_requests_kind', ['kind']),
    ('assistance_requests', 'ix_assistance_requests_priority_rank', ['priority_rank', 'received_date']),
    ('assistance_requests', 'ix_assistance_requests_state_received', ['state_id', 'received_date']),
    ('audit_entries', 'ix_audit_entries_action_occurred', ['action', 'occurred_at']),
    ('audit_entries', 'ix_audit_entries_type_occurred', ['record_type', 'occurred_at']),
    ('contributions', 'ix_contributions_currency', ['currency']),
    ('contributions', 'ix_contributions_donor_status', ['donor_id', 'status']),
    ('contributions', 'ix_contributions_pledged_date', ['pledged_date']),
    ('contributions', 'ix_contributions_status', ['status']),
    ('deployments', 'ix_deployments_activity_expert', ['activity_id', 'expert_id']),
    ('deployments', 'ix_deployments_expert_start', ['expert_id', 'start_date']),
    ('treaty_actions', 'ix_treaty_actions_instrument_category_date', ['instrument_id', 'category', 'action_date']),
]


def upgrade():
    versions = op.create_table(
        'record_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_record_versions')),
    )
    op.bulk_insert(versions, [{'name': name, 'version': 1, 'stamp': uuid.uuid4().hex}
                              for name in ('treaties', 'activities')])
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table('record_versions')
