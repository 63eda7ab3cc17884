"""Spreadsheet imports of requests and activities: upload, preview, confirm — all rows or none.

An upload is read at once: a file that is not a table (not CSV or XLSX, no header, no rows, a required column
missing) is refused whole. A readable one is stored (`upload_store`, like a treaty table) and previewed at a URL of
its own: every row goes through the same form and the same write service's checks as the browser's form (with the
records the rows may name loaded beforehand in a fixed number of queries, so a preview of thousands of rows sends
as many queries as one of ten). Every bad cell is named: row, column, message. Confirming checks again and writes
every row, or none, in the caller's transaction, with one audit entry for the import (file, rows, who).
Each kind of record is a module of its own domain (`request_sheet`, `activity_sheet`) with the same few names,
registered here by the application factory.
"""
from __future__ import annotations

import base64
import time
import zlib
from dataclasses import dataclass, field
from types import ModuleType

import sqlalchemy as sa
from flask_babel import gettext as _

from app.formats import sheets
from app.formats.sheets import Columns, SheetRefused
from app.formats.upload_limits import current_limits
from app.formatting import format_datetime
from app.scoping import Scope
from app.services.core import audit, planner_statistics, upload_store
from app.services.jobs.progress import report_progress
from models import AuditEntry, db

#: Bad cells listed in full; beyond that they are counted (the file has to be corrected anyway).
MAX_ERRORS = 500
#: Rows written per call of the kind's write_all, so that a job can report its progress between them.
WRITE_CHUNK = 1000


class ImportRefused(ValueError):
    """The file or the confirmation is refused as a whole; the message says why."""


@dataclass(frozen=True)
class CellError:
    row: int          # as the spreadsheet numbers it (the header is row 1)
    column: str       # as the file names it ("" for the row as a whole)
    message: str


@dataclass
class Report:
    kind: str
    filename: str
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    more_errors: int = 0
    bad_rows: set[int] = field(default_factory=set)
    unknown_columns: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    #: (row number, the values the write service takes) of every good row
    checked: list[tuple[int, object]] = field(default_factory=list)
    written: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def add(self, row: int, column: str, message: str) -> None:
        self.bad_rows.add(row)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, column, message))
        else:
            self.more_errors += 1


@dataclass(frozen=True)
class Upload:
    id: str
    kind: str
    user_id: int
    filename: str
    data: bytes
    created_at: float

    @property
    def expired(self) -> bool:
        return upload_store.expired(self.created_at)


#: Each kind of record a spreadsheet can bring in, by the name in its URL: the module that reads one row of it, with
#: the same few names (COLUMNS, MISSING_COLUMNS, RECORD_TYPE, check_rows, write…). The domain that owns the kind
#: registers it (the factory's `register_sheet_kinds`), so that this package imports no domain above it.
_KINDS: dict[str, ModuleType] = {}


def register(kind: str, handler: ModuleType) -> None:
    _KINDS[kind] = handler


def kinds() -> dict[str, ModuleType]:
    return dict(_KINDS)


def module(kind: str) -> ModuleType:
    return _KINDS[kind]


def _columns(spec, sheet: sheets.Sheet) -> Columns:
    return Columns(spec.COLUMNS, sheet.header, getattr(spec, "REPEATED", ()), getattr(spec, "REPEATS", 0))


def _read(kind: str, data: bytes, filename: str) -> tuple[sheets.Sheet, Columns]:
    """The table and its columns, or ImportRefused naming why the whole file cannot be imported."""
    spec = module(kind)
    try:
        sheet = sheets.read(data, filename, current_limits())
    except SheetRefused as exc:
        raise ImportRefused(str(exc)) from None
    columns = _columns(spec, sheet)
    if not columns.index:
        raise ImportRefused(_("No column of the first row is one the import knows (it read: %(header)s). The first "
                              "row must name the columns: download the template.",
                              header=", ".join(sheet.header[:8])[:200]))
    if columns.missing:
        raise ImportRefused(str(spec.MISSING_COLUMNS) % {"columns": ", ".join(columns.missing)})
    return sheet, columns


def upload(kind: str, data: bytes, filename: str, user_id: int) -> Upload:
    """Read and store an uploaded file (ImportRefused when it is not a table of `kind`); returns it with its id."""
    filename = (filename or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:120]
    _read(kind, data, filename)
    upload_id, created_at = upload_store.save({"kind": f"sheet:{kind}", "user_id": user_id, "filename": filename,
                                        "data": base64.b64encode(data).decode("ascii")})
    return Upload(upload_id, kind, user_id, filename, data, created_at)


def load(upload_id: str, kind: str) -> Upload | None:
    """The stored upload of `kind` by that id, or None (never made, another kind, expired and swept, imported)."""
    data = upload_store.load(upload_id)
    if not data or data.get("kind") != f"sheet:{kind}":
        return None
    try:
        return Upload(upload_id, kind, data["user_id"], data["filename"], base64.b64decode(data["data"]),
                      data["created_at"])
    except (KeyError, TypeError, ValueError):
        return None


def discard(upload: Upload) -> None:
    upload_store.discard(upload.id)


def preview(upload: Upload, scope: Scope, context=None) -> Report:
    """Every row checked as the form and the write service would check it; nothing is written."""
    spec = module(upload.kind)
    sheet, columns = _read(upload.kind, upload.data, upload.filename)
    report = Report(upload.kind, upload.filename, rows=len(sheet.rows), unknown_columns=columns.unknown,
                    columns=[columns.shown(n) for n in columns.index])
    context = context if context is not None else spec.prepare(scope)
    steps = 2 * len(sheet.rows)  # a job's progress: checking every row, then writing every row
    for index, (number, cells) in enumerate(sheet.rows):
        if index % 100 == 0:
            report_progress(index, steps)
        values, problems = spec.check_row(context, columns, cells)
        for column, message in problems:
            report.add(number, column, message)
        if not problems:
            report.checked.append((number, values))
    return report


def imported(upload_id: str) -> AuditEntry | None:
    """The audit entry of the import that confirmed this upload, if it was confirmed (also once its file is gone)."""
    if not upload_store.is_id(upload_id):
        return None
    return db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "import", AuditEntry.record_type.in_([m.RECORD_TYPE for m in kinds().values()]),
        AuditEntry.after["preview"].as_string() == upload_id).limit(1)).first()


def _lock(upload: Upload, actor) -> None:
    """Serialise confirmations of one upload to the end of the transaction (a double click, two tabs)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": zlib.crc32(upload.id.encode()) - 2**31})
    else:  # SQLite: take the database's write lock now, with a write that changes nothing
        db.session.execute(sa.text("UPDATE users SET id = id WHERE id = :id"), {"id": actor.id})


def confirm(upload: Upload, scope: Scope, actor) -> Report:
    """Write every row of the upload, or none: ImportRefused when it was imported before or when any row is bad
    now (the report then names them). Flushes, never commits; the caller commits, then `discard`s the upload."""
    _lock(upload, actor)
    done = imported(upload.id)
    if done is not None:
        raise ImportRefused(already_message(done))
    spec = module(upload.kind)
    context = spec.prepare(scope)
    report = preview(upload, scope, context)
    if not report.ok:
        return report
    source = f"Imported from {upload.filename}"
    rows = [values for _number, values in report.checked]
    for start in range(0, len(rows), WRITE_CHUNK):
        report.written += spec.write_all(scope, context, rows[start:start + WRITE_CHUNK], actor, source)
        report_progress(len(rows) + start + len(rows[start:start + WRITE_CHUNK]), 2 * len(rows))
    audit.record("import", record_type=spec.RECORD_TYPE, actor=actor,
                 summary=f"Imported {len(report.written):,} {spec.PLURAL} from {upload.filename}",
                 after={"preview": upload.id, "filename": upload.filename, "rows": len(report.written),
                        "ids": report.written})
    db.session.flush()
    planner_statistics.analyze(*spec.TABLES, "audit_entries")  # thousands of new rows the next pages plan on
    return report


def import_file(kind: str, data: bytes, filename: str, scope: Scope, actor, *, dry_run: bool = False) -> Report:
    """The command line's import: no stored preview; `dry_run` checks every row and writes nothing. ImportRefused
    when the file is not a table of `kind`; a report that is not `ok` names the bad cells (nothing written)."""
    upload = Upload("", kind, actor.id, filename, data, time.time())
    return preview(upload, scope) if dry_run else confirm(upload, scope, actor)


def already_message(entry: AuditEntry) -> str:
    return _("This file was already imported (%(when)s, by %(actor)s): nothing more was done.",
             when=format_datetime(entry.occurred_at), actor=entry.actor_label)
