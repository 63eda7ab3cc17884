"""`flask backup restore FOLDER`: check the backup's parts against its manifest, refuse a database that holds
anything, load the snapshot and the attachment files, then count every table against the manifest."""
from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from app.services.backups import manifest as mf
from app.services.backups import postgres
from app.services.backups.snapshot import attachment_root
from app.services.core.errors import Refused
from models import db

#: Rows a migrated, never used installation already holds: `flask db upgrade` writes them.
BOOKKEEPING = {"alembic_version", "audit_chain_heads", "record_versions"}


@dataclass
class Report:
    parts: int
    files: int
    tables: dict[str, int]
    #: table -> (rows in the manifest, rows found after loading), for every table that differs.
    mismatches: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def is_whole(self) -> bool:
        return not self.mismatches


def _rows_per_table() -> dict[str, int]:
    with db.engine.connect() as connection:
        return mf.table_counts(connection)


def check_empty() -> None:
    """Refuse a database with rows in any table but the bookkeeping a fresh `db upgrade` writes."""
    holding = {name: n for name, n in _rows_per_table().items() if n and name not in BOOKKEEPING}
    if holding:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(holding.items())[:8])
        more = f" and {len(holding) - 8} more tables" if len(holding) > 8 else ""
        raise Refused(f"The database is not empty: {listed}{more}. A backup restores "
                      "only into an empty installation: create a new database (or drop this one's tables) and "
                      "run the restore again.")


def _load_sqlite(source: Path) -> None:
    target = db.engine.url.database
    if target in (None, "", ":memory:"):
        raise Refused(_("Restore into a SQLite file (DATABASE_URL=sqlite:///…), not an in-memory database."))
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old file's state
    with sqlite3.connect(source) as snapshot, sqlite3.connect(target) as destination:
        snapshot.backup(destination)  # replaces the whole destination, in one step
    snapshot.close()
    destination.close()


def _load_postgresql(source: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    postgres.restore(db.engine.url, source)


def _put_files(folder: Path, manifest: dict) -> int:
    root, count = attachment_root(), 0
    for item in manifest["parts"]:
        relative = Path(item["path"])
        if relative.parts[0] != mf.ATTACHMENTS:
            continue
        destination = root.joinpath(*relative.parts[1:])
        count += 1
        if destination.is_file() and mf.sha256_of(destination) == item["sha256"]:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.tmp")
        shutil.copyfile(folder / relative, temporary)
        os.replace(temporary, destination)
    return count


def restore(folder: Path) -> Report:
    """Check, load and count. Refused (nothing loaded) when the backup is damaged, of another engine, or the
    database is not empty; the report names every table whose rows differ from the manifest."""
    manifest = mf.read(folder)
    engine = db.engine.dialect.name
    if manifest.get("engine") != engine:
        raise Refused(f"This backup is of a {manifest.get('engine')} database; this installation uses {engine}.")
    parts = mf.check_parts(folder, manifest)
    check_empty()
    source = folder / mf.DATABASE_PART[engine]
    (_load_sqlite if engine == "sqlite" else _load_postgresql)(source)
    files = _put_files(folder, manifest)
    found = _rows_per_table()
    expected = manifest.get("tables", {})
    mismatches = {name: (expected.get(name), found.get(name)) for name in sorted(set(expected) | set(found))
                  if expected.get(name) != found.get(name)}
    return Report(parts=parts, files=files, tables=found, mismatches=mismatches)
