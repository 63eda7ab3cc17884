"""`flask backup create`: one consistent snapshot of the database, then the attachment files, then the manifest.

Consistent: SQLite through its online backup API (`sqlite3.Connection.backup`, the whole file in one step, under
a read lock: writers wait, then go on); PostgreSQL through `pg_dump` of a snapshot exported by a REPEATABLE READ
transaction that also counts the rows, so the counts in the manifest are the dump's. Writes go on meanwhile.

The attachment files are copied after the database: a file is stored before the row naming it is committed and is
never changed (its name is its SHA-256), so every file the snapshot names is there. The backup is written in a
hidden folder renamed when whole: a folder named `palermo-…` is a finished backup.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.services.backups import manifest as mf
from app.services.backups import postgres
from app.services.core.errors import Refused
from models import db

#: Storage keys: ab/cd/<sha256> (app/services/attachments/storage.py).
KEY_PARTS = 3


def attachment_root() -> Path:
    if current_app.config.get("ATTACHMENT_STORAGE", "folder") != "folder":
        raise Refused(_("Backups cover attachments kept in a folder (ATTACHMENT_STORAGE=folder); back up an object "
                      "store with its own tools."))
    return Path(current_app.config["ATTACHMENT_FOLDER"])


def _sqlite(folder: Path) -> tuple[dict, str | None]:
    target = folder / mf.DATABASE_PART["sqlite"]
    raw = db.engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            raw.driver_connection.backup(copy)  # pages=-1: in one step, so one state of the database
        copy.close()
    finally:
        raw.close()
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            counts = mf.table_counts(connection)
            return counts, mf.alembic_revision(counts, connection)
    finally:
        engine.dispose()


def _postgresql(folder: Path) -> tuple[dict, str | None]:
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        counts = mf.table_counts(connection)
        revision = mf.alembic_revision(counts, connection)
        server_major = connection.dialect.server_version_info[0]
        postgres.dump(db.engine.url, server_major, snapshot, folder / mf.DATABASE_PART["postgresql"])
    return counts, revision


def _copy_attachments(folder: Path) -> list[str]:
    root, copied = attachment_root(), []
    if not root.is_dir():
        return copied
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        # Only stored files (ab/cd/<sha256>), not a write under way (.name.tmp).
        if not path.is_file() or len(relative.parts) != KEY_PARTS or relative.name.startswith("."):
            continue
        destination = folder / mf.ATTACHMENTS / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied.append(f"{mf.ATTACHMENTS}/{relative.as_posix()}")
    return copied


def create(to: Path) -> tuple[Path, dict]:
    """Write a backup into a new folder under `to`; returns the folder and its manifest."""
    engine = db.engine.dialect.name
    if engine not in mf.DATABASE_PART:
        raise Refused(f"Backups know SQLite and PostgreSQL, not {engine}.")
    if engine == "sqlite" and db.engine.url.database in (None, "", ":memory:"):
        raise Refused(_("An in-memory SQLite database cannot be backed up: it lives in one process."))
    created_at = datetime.now(UTC)
    to.mkdir(parents=True, exist_ok=True)
    name = f"palermo-{created_at:%Y%m%dT%H%M%S%fZ}"
    partial = to / f".{name}.partial"
    partial.mkdir(mode=0o700)
    try:
        counts, revision = (_sqlite if engine == "sqlite" else _postgresql)(partial)
        files = _copy_attachments(partial)
        parts = [mf.part(partial, mf.DATABASE_PART[engine])] + [mf.part(partial, f) for f in files]
        manifest = {"format": mf.FORMAT, "created_at": created_at.isoformat(), "engine": engine,
                    "alembic_revision": revision, "tables": counts, "parts": parts}
        mf.write(partial, manifest)
        os.replace(partial, to / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return to / name, manifest
