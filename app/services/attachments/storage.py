"""Where attachments' bytes live: one small interface, `Storage`, and its folder implementation.

A file is kept under a key derived from its SHA-256 (`ab/cd/abcd…`): identical files are stored once, a stored file
is never overwritten nor changed (a replaced attachment is a new version, a new key), and a key names no path a
caller chose. Writing goes to a temporary file beside the target, then a rename: a reader never sees half a file.

Installations on several machines need the same interface on S3-compatible object storage: an implementation over
boto3's client (`put_object` / `get_object` / `head_object` with the same keys in one bucket), chosen by
`ATTACHMENT_STORAGE=s3` — see the README. Only the folder implementation ships, tested.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}")


def key_for(sha256: str) -> str:
    """The storage key of a file with this SHA-256 (hex)."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Storage(Protocol):
    """What the attachments need of a store of bytes."""

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (nothing happens when the key is already held: same key, same bytes)."""

    def open(self, key: str) -> BinaryIO:
        """The bytes kept under `key`, to read; FileNotFoundError when there are none."""

    def exists(self, key: str) -> bool:
        """Whether `key` is held."""


class FolderStorage:
    """Files in a folder of the server (ATTACHMENT_FOLDER), readable by the server's user only."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key or ""):  # only keys of our own making: no caller can name another file
            raise ValueError(f"not a storage key: {key[:80]!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def storage() -> Storage:
    """The configured storage (ATTACHMENT_STORAGE, `folder` by default)."""
    kind = current_app.config.get("ATTACHMENT_STORAGE", "folder")
    if kind != "folder":
        raise RuntimeError(f"ATTACHMENT_STORAGE={kind!r} is not available in this installation: use folder "
                           "(an S3-compatible storage is described in the README).")
    return FolderStorage(current_app.config["ATTACHMENT_FOLDER"])
