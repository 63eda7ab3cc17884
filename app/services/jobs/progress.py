"""Progress from inside a running job: `report_progress(done, total)`.

The job's own transaction is open while it works (an import writes all its rows or none), so progress cannot go
to its row without a second connection that SQLite's write lock would block. Under a worker it is kept in the
RQ job's meta in Redis (throttled), where the progress page reads it; the figures reach the job's row when the
job ends. Run in-process nobody can watch, and only the row is updated.
"""
from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar
from dataclasses import dataclass

#: Seconds between two writes of the progress to Redis (the last one is always written).
PUBLISH_EVERY = 0.3


@dataclass
class Running:
    job_id: int
    rq_job: object | None = None      # the RQ job under a worker, None in-process
    done: int = 0
    total: int | None = None
    published_at: float = 0.0


_running: ContextVar[Running | None] = ContextVar("palermo_running_job", default=None)


def begin(job_id: int, rq_job=None):
    return _running.set(Running(job_id, rq_job))


def end(token) -> Running | None:
    running = _running.get()
    _running.reset(token)
    return running


def current() -> Running | None:
    """The job this code runs in, if any (None in a request or a command)."""
    return _running.get()


def report_progress(done: int, total: int | None = None) -> None:
    """`done` steps of `total` are done. Outside a job it does nothing, so a job's code can be called directly."""
    running = _running.get()
    if running is None:
        return
    running.done, running.total = max(0, int(done)), (None if total is None else max(0, int(total)))
    if running.rq_job is None:
        return
    now = time.monotonic()
    if now - running.published_at >= PUBLISH_EVERY or (running.total is not None and running.done >= running.total):
        running.published_at = now
        running.rq_job.meta["progress"] = [running.done, running.total]
        with contextlib.suppress(Exception):  # progress is a courtesy: Redis failing must not fail the job
            running.rq_job.save_meta()
