"""No lost updates: every editable record has a `version` (SQLAlchemy's version_id_col), a form or an API call
says which version it was made from, and a change made from an older one is refused with who changed the record
and when (from the audit trail).

Two checks, because two saves can race: `check` compares the version the caller saw with the one just read (the
common case: a page left open), and `flush` turns SQLAlchemy's StaleDataError (the row changed between our read
and our UPDATE, which says `WHERE version = <read>`) into the same refusal.
"""
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.services.core.errors import Refused, Stale
from models import AuditEntry, db
from models.base import utcnow


def last_change(record) -> AuditEntry | None:
    """The newest audit entry of `record`."""
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.record_type == type(record).__name__,
                                    AuditEntry.record_id == record.id)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(1)).first()


def stale_message(record, label: str, now: str | None = None) -> str:
    """Who changed `record` last, when and how (and, given `now`, how it stands), and what to do now."""
    entry = last_change(record)
    if entry is None:
        who = "Someone else changed it"
    else:
        name = entry.actor.name if entry.actor is not None else entry.actor_label
        when = entry.occurred_at.strftime("%Y-%m-%d at %H:%M UTC")
        who = f"{name} changed it on {when} ({entry.summary[:160]})"
    stands = f"it is now {now}. " if now else ""
    return (f"{label} changed since this page was loaded: {stands}{who}. Nothing was saved. Your entries are "
            "kept: compare them with the record as it stands now, then save again to apply them.")


def check(record, version: int | None, label: str, now: str | None = None) -> None:
    """Refuse (Stale) a change made from `version` when the record is at another one; Refused when no version is
    given at all (a form that does not carry it, an API call without If-Match is refused earlier)."""
    if version is None:
        raise Refused(_("The form does not say which version of the record it was made from: reload the page and "
                      "try again. Nothing was changed."))
    if version != record.version:
        raise Stale(stale_message(record, label, now), record.version)


def flush(record, label: str) -> None:
    """Flush; a concurrent change that slipped in since the record was read is refused, not overwritten."""
    model, record_id = type(record), record.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(model, record_id)
        raise Stale(stale_message(current, label) if current is not None else
                    f"{label} was changed by someone else at the same moment: nothing was saved.",
                    getattr(current, "version", None)) from None


def touch(record, version_before: int) -> None:
    """Raise the version of a record whose own row did not change (only its visits, links, instruments did), so
    that a change to any part of it moves the version on."""
    if record.version == version_before:
        record.updated_at = utcnow()
        db.session.flush()
