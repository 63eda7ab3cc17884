"""What the rest of the application hears about jobs. `job_finished` is called once a job has finished or
failed and its row is committed; the notifications (issue 28, item 2) wire "a job of yours finished or failed"
here. It must not raise: a listener's failure is logged, the job stays as it ended."""
from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_LISTENERS: list[Callable] = []


def on_job_finished(listener: Callable) -> Callable:
    """Register `listener(job)` to be called by `job_finished` (a decorator)."""
    _LISTENERS.append(listener)
    return listener


def job_finished(job) -> None:
    """A job of `job.owner` finished or failed (its row committed). A no-op until a listener is registered."""
    for listener in _LISTENERS:
        try:
            listener(job)
        except Exception:  # a notification must never undo or hide the job's own outcome
            log.exception("job_finished listener %r failed for job %s", listener, job.id)
