"""What a backup folder holds and how it is checked: `manifest.json` names the engine, the migration, the rows of
each table in the snapshot, and every part (the database file, each attachment) with its size and SHA-256."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from app.services.core.errors import Refused
from models import sqlite_trigrams

MANIFEST = "manifest.json"
FORMAT = 1
#: The database part, by engine.
DATABASE_PART = {"sqlite": "database.sqlite", "postgresql": "database.dump"}
ATTACHMENTS = "attachments"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def part(folder: Path, relative: str) -> dict:
    path = folder / relative
    return {"path": relative, "bytes": path.stat().st_size, "sha256": sha256_of(path)}


def table_counts(connection) -> dict[str, int]:
    """Rows per table, every table of the database (what a snapshot holds, read in the snapshot's transaction)."""
    derived = sqlite_trigrams.derived_tables()  # SQLite's trigrams: made from the rows of other tables
    names = sorted(n for n in sa.inspect(connection).get_table_names() if n not in derived)
    return {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in names}


def alembic_revision(counts: dict[str, int], connection) -> str | None:
    if "alembic_version" not in counts:
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def write(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(folder: Path) -> dict:
    """The manifest of a backup folder; Refused when there is none or it is not one of ours."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Refused(_("%(folder)s is not a backup: it has no %(manifest)s.", folder=folder, manifest=MANIFEST)) \
            from None
    except (OSError, ValueError) as exc:
        raise Refused(_("%(path)s cannot be read: %(problem)s.", path=path, problem=exc)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("parts"),
                                                                                           list):
        raise Refused(_("%(path)s is not a manifest this version can read (format %(format)s).", path=path,
                        format=FORMAT))
    return manifest


def check_parts(folder: Path, manifest: dict) -> int:
    """Every part there, with its size and SHA-256; Refused naming each one that is not. Returns the parts checked."""
    wrong = []
    root = folder.resolve()
    for item in manifest["parts"]:
        path = (folder / str(item.get("path", ""))).resolve()
        if root not in path.parents:  # a manifest names files inside its folder, nothing else
            wrong.append(f"{item.get('path')!r} is outside the backup")
        elif not path.is_file():
            wrong.append(f"{item['path']} is missing")
        elif path.stat().st_size != item.get("bytes") or sha256_of(path) != item.get("sha256"):
            wrong.append(f"{item['path']} does not match its SHA-256")
    if wrong:
        named = "; ".join(wrong[:20]) + (f" (+{len(wrong) - 20})" if len(wrong) > 20 else "")
        raise Refused(_("The backup is damaged, nothing was restored: %(problems)s.", problems=named))
    return len(manifest["parts"])
