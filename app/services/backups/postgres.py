"""PostgreSQL's own tools, run as the server's client programs: `pg_dump` of an exported snapshot, `pg_restore`.

The password goes through the environment (PGPASSWORD), never the command line another user's `ps` would show.
A `pg_dump` older than the server refuses to dump it: checked first, with the versions named.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.services.core.errors import Refused


def _program(name: str) -> str:
    configured = current_app.config.get(f"{name.upper()}_PATH")
    found = configured or shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).is_file():
        raise Refused(_("%(program)s was not found (set %(setting)s): PostgreSQL's client programs are needed.",
                        program=name, setting=name.upper() + "_PATH"))
    return found


def _major(program: str) -> int:
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)", output)  # "pg_dump (PostgreSQL) 15.20 …"
    return int(match.group(1)) if match else 0


def _target(url: sa.engine.URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(_("%(program)s failed (exit status %(status)s): %(output)s", program=what,
                        status=result.returncode, output=result.stderr.strip()[-1500:]))


def dump(url: sa.engine.URL, server_major: int, snapshot: str, path: Path) -> None:
    """`pg_dump` of the exported `snapshot` (the caller's transaction stays open meanwhile) into `path`."""
    program = _program("pg_dump")
    if _major(program) < server_major:
        raise Refused(_("%(program)s is version %(version)s, older than the server (%(server)s): install the client "
                        "programs of PostgreSQL %(server)s or newer.", program=program, version=_major(program),
                        server=server_major))
    uri, env = _target(url)
    _run([program, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
          f"--file={path}", f"--dbname={uri}"], env, "pg_dump")


def restore(url: sa.engine.URL, path: Path) -> None:
    """`pg_restore` of a dump into the (empty) database at `url`, in one transaction: all or nothing."""
    program = _program("pg_restore")
    uri, env = _target(url)
    _run([program, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={uri}", str(path)], env, "pg_restore")
