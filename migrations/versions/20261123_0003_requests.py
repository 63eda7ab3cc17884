"""Requests for assistance: issue 9's kinds and channels, the queue's priority rank, optimistic locking, who
logged a request, inferred subjects, and indexes for every filter and ordering of the queue and the list.

Existing rows are carried over:
- kinds: legislative_assistance -> legislative_review (review or drafting of legislation), advisory_mission ->
  pre_ratification_advice, institution_building -> implementation_support; legislative_review, training and other
  keep their value;
- channels: permanent_mission -> note_verbale (a permanent mission writes by note verbale), field_office -> email;
- priority_rank is computed from priority; version starts at 1; is_subject_inferred is false (`flask seed
  reference` marks the report's own requests).
The downgrade maps the new values back onto the nearest old ones (needs_assessment becomes other).

Revision ID: 20261123_0003
Revises: 20261123_0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0003'
down_revision = '20261123_0002'
branch_labels = None
depends_on = None

TABLE = 'assistance_requests'

NEW_KINDS = ('legislative_review', 'needs_assessment', 'pre_ratification_advice', 'training',
             'implementation_support', 'other')
OLD_KINDS = ('legislative_assistance', 'legislative_review', 'training', 'advisory_mission', 'institution_building',
             'other')
NEW_CHANNELS = ('note_verbale', 'letter', 'meeting', 'email')
OLD_CHANNELS = ('note_verbale', 'letter', 'permanent_mission', 'field_office', 'email', 'meeting')

KINDS_UP = {'legislative_assistance': 'legislative_review', 'advisory_mission': 'pre_ratification_advice',
            'institution_building': 'implementation_support'}
KINDS_DOWN = {'pre_ratification_advice': 'advisory_mission', 'implementation_support': 'institution_building',
              'needs_assessment': 'other'}
CHANNELS_UP = {'permanent_mission': 'note_verbale', 'field_office': 'email'}

RANK_SQL = ("priority_rank = CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 "
            "WHEN 'low' THEN 3 END")
INDEXES = (('ix_assistance_requests_priority', ['priority']),
           ('ix_assistance_requests_due_date', ['due_date']),
           ('ix_assistance_requests_logged_by_id', ['logged_by_id']),
           ('ix_assistance_requests_queue', ['status', 'priority_rank', 'received_date']))


def _in(column: str, values, nullable: bool = False) -> str:
    rule = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {rule}" if nullable else rule


def _rename(column: str, mapping: dict) -> None:
    table = sa.table(TABLE, sa.column(column, sa.String))
    for old, new in mapping.items():
        op.execute(table.update().where(table.c[column] == old).values({column: new}))


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_kind_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_channel_valid'), type_='check')
        batch_op.add_column(sa.Column('is_subject_inferred', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('priority_rank', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('logged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    _rename('kind', KINDS_UP)
    _rename('channel', CHANNELS_UP)
    op.execute(f"UPDATE {TABLE} SET priority_rank = CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 "
               "WHEN 'normal' THEN 2 WHEN 'low' THEN 3 END")

    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_kind_valid'), _in('kind', NEW_KINDS))
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_channel_valid'),
                                         _in('channel', NEW_CHANNELS, nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_priority_rank_matches'), RANK_SQL)
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_version_positive'), 'version >= 1')
        batch_op.create_foreign_key(batch_op.f('fk_assistance_requests_logged_by_id_users'), 'users', ['logged_by_id'], ['id'])
        for name, columns in INDEXES:
            batch_op.create_index(batch_op.f(name), columns, unique=False)


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for name, _columns in reversed(INDEXES):
            batch_op.drop_index(batch_op.f(name))
        batch_op.drop_constraint(batch_op.f('fk_assistance_requests_logged_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_version_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_priority_rank_matches'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_channel_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_assistance_requests_kind_valid'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('logged_by_id')
        batch_op.drop_column('priority_rank')
        batch_op.drop_column('is_subject_inferred')

    _rename('kind', KINDS_DOWN)

    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_kind_valid'), _in('kind', OLD_KINDS))
        batch_op.create_check_constraint(batch_op.f('ck_assistance_requests_channel_valid'),
                                         _in('channel', OLD_CHANNELS, nullable=True))
