"""Browser previews of a UN Treaty Collection import, kept on the server between the preview and its confirmation.

The uploaded table is stored once, under a random id, by app/services/upload_store.py (IMPORT_PREVIEW_FOLDER):
the preview is then a page of its own (GET /treaties/import/<id>) that a reload shows again without posting the
file, and the confirmation names the id instead of carrying the file back. What is committed is what was
previewed: the stored file, which only the server writes.

Whether a preview was already imported is read from the database, not from the folder (`confirm`): the import's
audit entry names the preview, and it is looked up under the instrument's lock, so of several confirmations at
once exactly one imports and the others are told it was done. The file is deleted afterwards; a preview not
confirmed expires after PREVIEW_MAX_AGE and is swept away by the next upload.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.formats import untc
from app.formatting import format_datetime
from app.scoping import EVERYTHING
from app.services.core import upload_store
from app.services.treaties.treaty_import import (
    ImportRefused,
    ImportReport,
    import_text,
    imported_preview,
    lock_instrument,
)
from app.services.treaties.treaty_record import get_instrument
from models import AuditEntry, Instrument, db

#: A preview stays confirmable for an hour; after that the file must be uploaded again.
PREVIEW_MAX_AGE = upload_store.MAX_AGE


class PreviewAlreadyImported(ImportRefused):
    """The preview was confirmed before (by this request's twin, a double click, another tab)."""

    def __init__(self, entry: AuditEntry):
        self.entry = entry
        instrument = db.session.get(Instrument, entry.record_id)
        self.code = instrument.code if instrument is not None else None
        super().__init__([untc.LineError(0, _("This preview was already imported into %(code)s (%(when)s, by "
                                              "%(actor)s): nothing more was done.",
                                              code=self.code or _("the record"),
                                              when=format_datetime(entry.occurred_at), actor=entry.actor_label))])


@dataclass(frozen=True)
class Preview:
    id: str
    user_id: int
    instrument: str
    filename: str
    text: str
    created_at: float
    #: The day the person says the table is complete to (the form's "record complete to"; never a default).
    complete_to: date | None = None

    @property
    def expired(self) -> bool:
        return upload_store.expired(self.created_at)


def save(text: str, instrument: str, filename: str, user_id: int, complete_to: date) -> Preview:
    """Store an upload that passed the dry run; returns its preview (with the new id)."""
    preview_id, created_at = upload_store.save({"kind": "treaty", "user_id": user_id, "instrument": instrument,
                                                "filename": filename, "text": text,
                                                "complete_to": complete_to.isoformat()})
    return Preview(preview_id, user_id, instrument, filename, text, created_at, complete_to)


def load(preview_id: str) -> Preview | None:
    """The stored preview, or None when there is none by that id (never made, expired and swept, or imported)."""
    data = upload_store.load(preview_id)
    try:
        return Preview(preview_id, data["user_id"], data["instrument"], data["filename"], data["text"],
                       data["created_at"], date.fromisoformat(data["complete_to"]))
    except (TypeError, KeyError, ValueError):  # a preview stored without its day cannot be confirmed
        return None


def discard(preview_id: str) -> None:
    upload_store.discard(preview_id)


def imported(preview_id: str) -> AuditEntry | None:
    """The audit entry of the import that confirmed this preview, if any (also once its file is gone)."""
    return imported_preview(None, preview_id) if upload_store.is_id(preview_id) else None


def dry_run(preview: Preview) -> ImportReport:
    """What confirming the preview would do now (the record may have changed since the upload)."""
    return import_text(preview.text, preview.instrument, dry_run=True, complete_to=preview.complete_to)


def confirm(preview: Preview, *, actor=None, allow_mass_removal: bool | int = False) -> ImportReport:
    """Import the previewed table, once: a preview already imported raises PreviewAlreadyImported.

    Flushes, never commits; the caller commits, then `discard`s the file. A table that changes nothing (same
    actions, same day) leaves no trace at all, so confirming it twice is harmless."""
    instrument = get_instrument(preview.instrument, EVERYTHING)
    if instrument is not None:
        lock_instrument(instrument)  # held to the commit: a twin confirmation waits here, then sees the entry
        entry = imported_preview(instrument, preview.id)
        if entry is not None:
            raise PreviewAlreadyImported(entry)
    return import_text(preview.text, preview.instrument, filename=preview.filename, actor=actor,
                       allow_mass_removal=allow_mass_removal, preview_id=preview.id,
                       complete_to=preview.complete_to)
