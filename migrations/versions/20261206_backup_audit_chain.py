"""The audit trail as a hash chain (issue 25, item 6): each entry's hash and the previous entry's, the chain's
head row, and the runs of `flask audit verify`. The chain is computed here for the entries already there.

Revision ID: 20261206_backup
Revises: 20261206_27
Create Date: 2026-12-06
"""
import hashlib
import json
from datetime import UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261206_backup'
down_revision = '20261206_27'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


# Frozen copy of app/services/core/audit_chain.content as it is today: a migration must not change with the app.
def _instant(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _as_stored(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


def _row_hash(prev_hash, row):
    fields = {"occurred_at": _instant(row.occurred_at), "actor_id": row.actor_id, "actor_label": row.actor_label,
              "action": row.action, "record_type": row.record_type, "record_id": row.record_id,
              "summary": row.summary, "before": _as_stored(row.before), "after": _as_stored(row.after),
              "ip_address": row.ip_address}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def upgrade():
    op.create_table('audit_chain_heads',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_heads_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_heads'))
    )
    op.create_table('audit_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_intact', sa.Boolean(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('problem', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verifications'))
    )
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_verifications_ran_at'), ['ran_at'], unique=False)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))

    entries = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('occurred_at', sa.DateTime(True)),
                       sa.column('actor_id', sa.Integer), sa.column('actor_label', sa.String),
                       sa.column('action', sa.String), sa.column('record_type', sa.String),
                       sa.column('record_id', sa.Integer), sa.column('summary', sa.String),
                       sa.column('before', sa.JSON), sa.column('after', sa.JSON), sa.column('ip_address', sa.String),
                       sa.column('prev_hash', sa.String), sa.column('row_hash', sa.String))
    bind = op.get_bind()
    last, links = GENESIS, []
    for row in bind.execute(sa.select(entries).order_by(entries.c.id)).all():
        this = _row_hash(last, row)
        links.append({"entry_id": row.id, "prev": last, "hash": this})
        last = this
    if links:
        bind.execute(entries.update().where(entries.c.id == sa.bindparam("entry_id"))
                     .values(prev_hash=sa.bindparam("prev"), row_hash=sa.bindparam("hash")), links)
    bind.execute(sa.text("INSERT INTO audit_chain_heads (id, last_hash) VALUES (1, :last)"), {"last": last})

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_verifications_ran_at'))
    op.drop_table('audit_verifications')
    op.drop_table('audit_chain_heads')
