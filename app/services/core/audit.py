"""Writing the audit trail. Every service that changes data calls `record`."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from app.listing import Page, Paging, holds, paginate
from app.services.core import audit_chain
from models import AuditEntry, Instrument, MemberState, TreatyAction, User, db
from models.base import utcnow


def _json_safe(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, so that an update's entry shows what it changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _current_actor():
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None


def record(action: str, *, record_type: str, record_id: int | None = None, summary: str,
           before: dict | None = None, after: dict | None = None, actor=None,
           actor_label: str | None = None) -> AuditEntry:
    """Add an audit entry to the session (flushed with the change it describes, committed by the caller)."""
    actor = actor or _current_actor()
    label = actor_label or (actor.email if actor is not None else ("web" if has_request_context() else "cli"))
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), actor_label=label, action=action, record_type=record_type,
        record_id=record_id, summary=summary[:500], before=_json_safe(before), after=_json_safe(after),
        ip_address=request.remote_addr if has_request_context() else None, occurred_at=utcnow(),
    )
    audit_chain.link(entry)  # locks the chain's head until the transaction ends
    db.session.add(entry)
    return entry


def record_for(obj, action: str, summary: str, **kwargs) -> AuditEntry:
    """`record` for a model instance (flushes first so that a new record has its id)."""
    if obj.id is None:
        db.session.flush()
    return record(action, record_type=type(obj).__name__, record_id=obj.id, summary=summary, **kwargs)


def link_codes(entries: Iterable[AuditEntry]) -> dict[tuple[str, int], str]:
    """(record type, id) -> the code in the URL of the record's page, for the records whose page is found by code:
    an instrument (its code), a treaty action (its State's code). At most two queries."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.record_id is not None:
            wanted.setdefault(entry.record_type, set()).add(entry.record_id)
    out: dict[tuple[str, int], str] = {}
    if wanted.get("Instrument"):
        for record_id, code in db.session.execute(sa.select(Instrument.id, Instrument.code)
                                                  .where(Instrument.id.in_(wanted["Instrument"]))):
            out[("Instrument", record_id)] = code
    if wanted.get("TreatyAction"):
        for record_id, code in db.session.execute(
                sa.select(TreatyAction.id, MemberState.code).join(MemberState, MemberState.id == TreatyAction.state_id)
                .where(TreatyAction.id.in_(wanted["TreatyAction"]))):
            out[("TreatyAction", record_id)] = code
    return out


#: The keys of an entry's before/after whose values are accounts (an id, or an e-mail: how older entries kept them).
PERSON_KEYS = frozenset({"assigned_officer", "owner", "author", "approvers", "mentions", "sent_to", "logged_by",
                         "raised_by", "actor", "user"})
#: The keys whose values are States, by code.
STATE_KEYS = frozenset({"state", "nationality", "served", "participants", "participant"})


def names_for(entries: Iterable[AuditEntry]) -> dict:
    """What the trail shows in words instead of ids and codes: ("user", id), ("user", e-mail) and ("state", code)
    -> a name, for every actor and every account or State the entries' values name. At most two queries, however
    many entries."""
    entries = list(entries)
    ids, emails, codes = set(), set(), set()

    def collect(key, value):
        for item in value if isinstance(value, list) else [value]:
            if key in STATE_KEYS and isinstance(item, str) and len(item) == 3:
                codes.add(item)
            elif key in PERSON_KEYS and isinstance(item, int):
                ids.add(item)
            elif key in PERSON_KEYS and isinstance(item, str) and "@" in item:
                emails.add(item.lower())

    for entry in entries:
        if entry.actor_id:
            ids.add(entry.actor_id)
        if "@" in (entry.actor_label or ""):
            emails.add(entry.actor_label.lower())
        for values in (entry.before, entry.after):
            for key, value in (values or {}).items() if isinstance(values, dict) else ():
                collect(key, value)
    out: dict = {}
    if ids or emails:
        for user_id, email, name in db.session.execute(sa.select(User.id, User.email, User.name).where(sa.or_(
                User.id.in_(ids), sa.func.lower(User.email).in_(emails)))):
            out[("user", user_id)] = out[("user", email.lower())] = name or email
    if codes:
        for code, name in db.session.execute(sa.select(MemberState.code, MemberState.name)
                                             .where(MemberState.code.in_(codes))):
            out[("state", code)] = name
    return out


def timeline_for(record_type: str, record_ids: int | Iterable[int], limit: int | None = None) -> list[AuditEntry]:
    """The audit entries of one record (or several of one type), newest first, for `_macros/audit.html`."""
    ids = [record_ids] if isinstance(record_ids, int) else list(record_ids)
    query = (sa.select(AuditEntry)
             .where(AuditEntry.record_type == record_type, AuditEntry.record_id.in_(ids))
             .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    record_type: str | None = None
    record_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _entries(filters: AuditFilters) -> sa.Select:
    """The audit trail, newest first, narrowed by `filters` (the end date is inclusive: the whole of that day)."""
    f = filters
    query = sa.select(AuditEntry)
    if f.actor:
        query = query.where(holds(AuditEntry.actor_label, f.actor))
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.record_type:
        query = query.where(AuditEntry.record_type == f.record_type)
    if f.record_id:
        query = query.where(AuditEntry.record_id == f.record_id)
    if f.date_from:
        query = query.where(AuditEntry.occurred_at >= _start_of(f.date_from))
    if f.date_to:
        query = query.where(AuditEntry.occurred_at < _start_of(f.date_to + timedelta(days=1)))
    return query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())


def entries_page(filters: AuditFilters, paging: Paging) -> Page:
    """One page of the audit trail, newest first, narrowed by `filters`."""
    return paginate(_entries(filters), paging)


def query(filters: AuditFilters) -> sa.Select:
    """The filtered trail's select (what its export holds, to count before deciding whether it is a job)."""
    return _entries(filters)


def export_rows(filters: AuditFilters) -> list[AuditEntry]:
    """Every entry of the filtered trail (not one page), newest first: what its exports hold."""
    return list(db.session.scalars(_entries(filters)))


def vocabulary() -> tuple[list[str], list[str]]:
    """The actions and record types the trail holds, for the filter's choices."""
    def distinct(column):
        return list(db.session.scalars(sa.select(column).distinct().order_by(column)))
    return distinct(AuditEntry.action), distinct(AuditEntry.record_type)
