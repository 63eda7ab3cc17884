"""Reading attachments: the files of one record, one file by id, the bytes of one of its versions.

Nothing here narrows by scope: a caller first loads the record the files belong to through that record's own
scoped read (or, given a file's id, checks the record it belongs to the same way) — see the package's docstring.
"""
from __future__ import annotations

from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.services.attachments.storage import storage
from models import Attachment, AttachmentVersion, db
from models.attachment import ATTACHED_COLUMNS
from models.enums import AttachedTo

_LOADS = (selectinload(Attachment.versions).selectinload(AttachmentVersion.uploaded_by),)


def of(kind: AttachedTo, record_id: int) -> list[Attachment]:
    """The files of one record, oldest first, with their versions and who uploaded each (two queries)."""
    column = getattr(Attachment, ATTACHED_COLUMNS[AttachedTo(kind)])
    return list(db.session.scalars(sa.select(Attachment).where(column == record_id)
                                   .order_by(Attachment.created_at, Attachment.id).options(*_LOADS)))


def get(attachment_id: int) -> Attachment | None:
    """One file by id, whatever record it belongs to (the caller checks that record)."""
    return db.session.scalars(sa.select(Attachment).where(Attachment.id == attachment_id).options(*_LOADS)).first()


def version(attachment: Attachment, number: int | None) -> AttachmentVersion | None:
    """Version `number` of the file (the current one when None), or None when it has no such version."""
    wanted = attachment.current_number if number is None else number
    return next((v for v in attachment.versions if v.number == wanted), None)


def open_file(found: AttachmentVersion) -> BinaryIO:
    """The stored bytes of a version, to stream; FileNotFoundError when the storage lost them."""
    return storage().open(found.storage_key)


def counts(kind: AttachedTo, record_ids: list[int]) -> dict[int, int]:
    """How many files each of `record_ids` holds (one query): for lists that mark records with files."""
    if not record_ids:
        return {}
    column = getattr(Attachment, ATTACHED_COLUMNS[AttachedTo(kind)])
    return dict(db.session.execute(sa.select(column, sa.func.count()).where(column.in_(record_ids))
                                   .group_by(column)).all())
