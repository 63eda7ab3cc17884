"""The audit trail as a hash chain: each entry carries the SHA-256 of its content and of the entry before it.

`link` is called by `audit.record`, the one place entries are written: it locks the chain's head row (PostgreSQL:
SELECT … FOR UPDATE, held to the transaction's end; SQLite: its write lock, taken by a write that changes nothing),
so two transactions appending at once cannot both follow the same entry, and entries take their ids in chain
order. `verify` walks the trail by id and names the first entry altered, removed or slipped in out of order;
`flask audit verify` records each run (`AuditVerification`) for the admin audit page.

What the chain shows is tampering by hand in the database; someone able to recompute every hash after a change
could rewrite it whole, which is why the README says to keep the verify runs' output (the last hash) elsewhere.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from models import GENESIS, AuditChainHead, AuditEntry, AuditVerification, db

#: session.info key: (the transaction, its locked chain head), so one transaction locks the head once.
_HEAD = "audit_chain_head"


def _instant(value: datetime | None) -> str | None:
    """UTC, naive, to the microsecond: SQLite gives back naive UTC, PostgreSQL aware in the session's zone."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _as_stored(value):
    """JSON as the database gives it back (keys become strings)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def content(entry) -> str:
    """The entry's content as one canonical string (the same before it is written and after it is read back)."""
    fields = {"occurred_at": _instant(entry.occurred_at), "actor_id": entry.actor_id,
              "actor_label": entry.actor_label, "action": entry.action, "record_type": entry.record_type,
              "record_id": entry.record_id, "summary": entry.summary, "before": _as_stored(entry.before),
              "after": _as_stored(entry.after), "ip_address": entry.ip_address}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, entry) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content(entry)}".encode()).hexdigest()


def _locked_head() -> AuditChainHead:
    session = db.session()  # the Session itself (the scoped proxy has no get_transaction)
    held = session.info.get(_HEAD)
    if held is not None and held[0] is not None and held[0] is session.get_transaction():
        return held[1]
    query = sa.select(AuditChainHead).where(AuditChainHead.id == 1).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite: take the database's write lock first, with a write that changes nothing; a plain read would
        # let another writer append between this read and this transaction's first write (a fork).
        session.execute(sa.update(AuditChainHead).where(AuditChainHead.id == 1)
                        .values(last_hash=AuditChainHead.last_hash).execution_options(synchronize_session=False))
    else:
        query = query.with_for_update()
    head = session.scalars(query).one_or_none()
    if head is None:  # a database made without the migration's row; the primary key settles a race
        head = AuditChainHead(id=1, last_hash=GENESIS)
        session.add(head)
    session.info[_HEAD] = (session.get_transaction(), head)
    return head


def link(entry: AuditEntry) -> None:
    """Chain a new entry after the newest one (its `occurred_at` must be set)."""
    head = _locked_head()
    entry.prev_hash = head.last_hash
    entry.row_hash = row_hash(entry.prev_hash, entry)
    head.last_hash = entry.row_hash


@dataclass(frozen=True)
class Verdict:
    entries: int
    entry_id: int | None = None
    problem: str | None = None
    #: The chain's newest hash when intact: kept elsewhere, it shows a later rewrite of the whole chain.
    last_hash: str | None = None

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def _walk(rows, head_hash: str | None) -> Verdict:
    """The first break in `rows` (id order), with the id of the entry where it shows; the chain's head, read before
    the rows, must be one of them (entries appended since may follow it)."""
    seen: dict[str, int] = {GENESIS: 0}
    previous: list = []  # the last two entries checked
    count = 0
    for entry in rows:
        count += 1
        if row_hash(entry.prev_hash, entry) != entry.row_hash:
            return Verdict(count, entry.id, f"entry #{entry.id} was altered: its content does not match its hash")
        expected = previous[-1].row_hash if previous else GENESIS
        if entry.prev_hash != expected:
            if len(previous) == 2 and entry.prev_hash == previous[0].row_hash or len(previous) == 1 \
                    and entry.prev_hash == GENESIS:
                culprit = previous[-1].id
                return Verdict(count, culprit, f"entry #{culprit} was inserted out of order: the chain skips it")
            if entry.prev_hash in seen:
                return Verdict(count, entry.id, f"entry #{entry.id} was inserted out of order: it follows entry "
                                                f"#{seen[entry.prev_hash]} in the chain, not the entry before it")
            after = f"after entry #{previous[-1].id}" if previous else "at the start"
            return Verdict(count, entry.id, f"an entry before #{entry.id} was removed ({after}): it follows an "
                                            "entry that is no longer there")
        seen[entry.row_hash] = entry.id
        previous = (previous + [entry])[-2:]
    if head_hash not in seen:
        where = f"after entry #{previous[-1].id}" if previous else "every entry"
        return Verdict(count, None, f"the newest entries were removed ({where}): the chain's head names an entry "
                                    "that is no longer there")
    return Verdict(count, last_hash=previous[-1].row_hash if previous else GENESIS)


def verify() -> Verdict:
    """Walk the whole trail by id and check it against the chain's head (read first: appends while the walk runs
    only add entries after it)."""
    head = db.session.scalar(sa.select(AuditChainHead.last_hash).where(AuditChainHead.id == 1))
    rows = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000))
    return _walk(rows.scalars(), head)


def record_verification(verdict: Verdict) -> AuditVerification:
    """Keep the run's result (flushed; the command commits)."""
    run = AuditVerification(is_intact=verdict.is_intact, entries=verdict.entries, entry_id=verdict.entry_id,
                            problem=verdict.problem[:500] if verdict.problem else None)
    db.session.add(run)
    db.session.flush()
    return run


def last_verification() -> AuditVerification | None:
    return db.session.scalar(sa.select(AuditVerification).order_by(AuditVerification.ran_at.desc(),
                                                                   AuditVerification.id.desc()).limit(1))
