"""The app as `make bench` serves it: `create_app()` with every request's server time measured in process.

gunicorn runs `served:create()` (from bench/). Each request is timed from the moment the worker hands it to the app
to the last byte of its body, with the SQL statements it sent, its status, its size and whether the page cache
answered it; one line of JSON per request is appended to a file of this worker's under BENCH_TIMINGS_DIR, filed
under the page named in the request's X-Bench-Page header (bench/run_mix.py). The time spent waiting in the
socket's queue is not in it: that is what the load generator's latency adds. Requests without the header (the
drain's /login) are not noted.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from app import create_app, page_cache  # noqa: E402

_counted = threading.local()
_answer_kept = page_cache._answer


def _count_statement(*_args) -> None:
    _counted.statements = getattr(_counted, "statements", 0) + 1


def _answer_and_note(kept: bytes):
    """The page cache's answer from a kept page, noted as a hit."""
    _counted.hit = True
    return _answer_kept(kept)


def install() -> None:
    """Count every statement of every engine, and note the page cache's hits (the module looks `_answer` up at
    each call: both of its callers are noted)."""
    event.listen(Engine, "before_cursor_execute", _count_statement)
    page_cache._answer = _answer_and_note


def uninstall() -> None:
    event.remove(Engine, "before_cursor_execute", _count_statement)
    page_cache._answer = _answer_kept


def create():
    """gunicorn's factory: the app as in production, measured."""
    install()
    return wrap(create_app(), Path(os.environ.get("BENCH_TIMINGS_DIR", "/tmp")))


def wrap(application, timings: Path):
    """`application` with each request carrying an X-Bench-Page header noted in a file under `timings`."""
    def measured(environ, start_response):
        page = environ.get("HTTP_X_BENCH_PAGE")
        if not page:
            return application(environ, start_response)
        _counted.statements, _counted.hit = 0, False
        started, seen = time.perf_counter(), []

        def start(status, headers, exc_info=None):
            seen.append(status)
            return start_response(status, headers, exc_info)

        return _timed(application(environ, start), timings, page, seen, started)
    return measured


def _timed(body, timings: Path, page: str, seen: list, started: float):
    size = 0
    try:
        for chunk in body:
            size += len(chunk)
            yield chunk
    finally:
        if hasattr(body, "close"):
            body.close()
        line = json.dumps({"page": page, "status": int(seen[0].split()[0]) if seen else 0,
                           "ms": round((time.perf_counter() - started) * 1000, 3),
                           "statements": getattr(_counted, "statements", 0), "bytes": size,
                           "hit": getattr(_counted, "hit", False)})
        with open(timings / f"timings-{os.getpid()}.jsonl", "a") as out:
            out.write(line + "\n")

