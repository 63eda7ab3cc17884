"""Uploads kept on the server between their preview and their confirmation (treaty tables, spreadsheets).

An upload is stored once, under a random id, in IMPORT_PREVIEW_FOLDER (the instance folder by default): its
preview is then a page of its own that a reload shows again without posting the file, and the confirmation names
the id instead of carrying the file back. What is committed is what was previewed: the stored file, which only the
server writes. A stored upload expires after MAX_AGE and is swept away by the next upload.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

#: A stored upload stays confirmable for an hour; after that the file must be uploaded again.
MAX_AGE = 3600
ID = re.compile(r"[A-Za-z0-9_-]{24}")


def _folder() -> Path:
    folder = Path(current_app.config["IMPORT_PREVIEW_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(upload_id: str) -> Path | None:
    # The id is part of a file name: only ids of our own making, so that no URL can name another file.
    return _folder() / f"{upload_id}.json" if ID.fullmatch(upload_id or "") else None


def is_id(upload_id: str | None) -> bool:
    return bool(ID.fullmatch(upload_id or ""))


def save(data: dict) -> tuple[str, float]:
    """Store `data` (JSON-serialisable) under a new id; returns the id and the time it was stored."""
    sweep()
    upload_id, created_at = secrets.token_urlsafe(18), time.time()
    path = _path(upload_id)
    temporary = path.with_suffix(".tmp")
    # Written whole, then renamed: a reader never sees half a file. Readable by the server's user only.
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(dict(data, created_at=created_at), handle)
    os.replace(temporary, path)
    return upload_id, created_at


def load(upload_id: str) -> dict | None:
    """The stored data (with its `created_at`), or None when there is none by that id."""
    path = _path(upload_id)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (TypeError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def discard(upload_id: str) -> None:
    path = _path(upload_id)
    if path is not None:
        path.unlink(missing_ok=True)


def expired(created_at: float) -> bool:
    return time.time() - created_at > MAX_AGE


def sweep() -> None:
    """Delete stored uploads past their age (best effort: another process may be sweeping too)."""
    limit = time.time() - MAX_AGE
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            pass
