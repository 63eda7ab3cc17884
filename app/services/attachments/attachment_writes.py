"""Attaching a file to a record and replacing it: the file checked (file_checks), its bytes kept in the storage
under their SHA-256, the record of the file and its version written with an audit entry, flushed — never committed.

The caller has loaded the record through its scoped read and holds the permission to change it.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.services.attachments import file_checks
from app.services.attachments.storage import key_for, storage
from app.services.core import audit
from app.services.core.errors import Refused
from models import Attachment, AttachmentVersion, db
from models.attachment import ATTACHED_COLUMNS
from models.enums import AttachedTo

MAX_TITLE = 200


def max_bytes() -> int:
    """The largest file accepted (ATTACHMENT_MAX_BYTES)."""
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def _title(title: str | None, file_name: str) -> str:
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise Refused({"title": _("At most %(n)s characters.", n=MAX_TITLE)})
    return title or file_name[:MAX_TITLE]


def _stored_version(file_name: str | None, data: bytes, number: int, actor) -> AttachmentVersion:
    checked = file_checks.check(file_name, data, max_bytes())
    key = key_for(checked.sha256)
    storage().put(key, data)
    return AttachmentVersion(number=number, file_name=checked.file_name, content_type=checked.content_type,
                             size=checked.size, sha256=checked.sha256, storage_key=key,
                             uploaded_by_id=getattr(actor, "id", None))


def _describe(version: AttachmentVersion) -> dict:
    return {"file_name": version.file_name, "content_type": version.content_type, "size": version.size,
            "sha256": version.sha256, "version": version.number}


def attach(kind: AttachedTo, record, file_name: str | None, data: bytes, actor, title: str | None = None
           ) -> Attachment:
    """A new file on `record` (of `kind`); Refused (field `file` or `title`) and nothing kept when it is not
    accepted."""
    kind = AttachedTo(kind)
    version = _stored_version(file_name, data, 1, actor)
    attachment = Attachment(title=_title(title, version.file_name), current_number=1,
                            created_by_id=getattr(actor, "id", None), versions=[version])
    setattr(attachment, ATTACHED_COLUMNS[kind], record.id)
    db.session.add(attachment)
    db.session.flush()
    audit.record_for(attachment, "create", f"Attached “{version.file_name}” to {kind.label.lower()} #{record.id}",
                     after=dict(_describe(version), attached_to=f"{kind.value} {record.id}", title=attachment.title),
                     actor=actor)
    return attachment


def replace(attachment: Attachment, file_name: str | None, data: bytes, actor) -> AttachmentVersion:
    """A new version of the file; the earlier ones stay and can still be downloaded."""
    before = attachment.current
    number = max(v.number for v in attachment.versions) + 1
    version = _stored_version(file_name, data, number, actor)
    attachment.versions.append(version)
    attachment.current_number = number
    db.session.flush()
    audit.record_for(attachment, "update", f"Replaced “{before.file_name}” by “{version.file_name}” "
                                           f"(version {number})", before=_describe(before),
                     after=_describe(version), actor=actor)
    return version
