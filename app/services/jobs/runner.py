"""Running one job: the function RQ's worker calls (`perform(job_id)`), and the one the in-process default calls.

The job's row goes running (committed, so the page shows it), the function runs in one transaction, and the row
goes finished *in that same transaction* — the import and "finished" commit together, or neither does. On any
failure everything the function wrote is rolled back and the row says why, in words. A job taken twice (a retry,
a second worker) runs once: only a queued job starts.
"""
from __future__ import annotations

import logging
import os
import socket
from contextlib import nullcontext

from flask import current_app, has_app_context
from flask_babel import gettext as _

from app.languages import speaking
from app.services.jobs import events, progress, registry
from models import Job, JobStatus, User, db

log = logging.getLogger(__name__)

#: The process that imported this module: a job run in another (RQ's forked work horse) opens its own connections.
_PARENT_PID = os.getpid()
#: The application a worker runs jobs in (set by `flask jobs worker`; a thread without a context uses it).
_APP = None



def bind_app(app) -> None:
    global _APP
    _APP = app


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _context():
    if has_app_context():
        return nullcontext()
    if _APP is None:
        raise RuntimeError("runner.perform needs an application: call runner.bind_app(app) first")
    return _APP.app_context()


def _rq_job():
    try:
        from rq import get_current_job
        return get_current_job()
    except Exception:  # noqa: BLE001
        return None


def perform(job_id: int) -> str:
    """Run the job `job_id` if it is still queued; returns its final status."""
    with _context():
        rq_job = _rq_job()
        if rq_job is not None and os.getpid() != _PARENT_PID:  # a forked work horse: never share the parent's
            # database connections
            db.engine.dispose(close=False)
        job = db.session.get(Job, job_id)
        if job is None or job.status != JobStatus.QUEUED:
            return job.status if job is not None else "missing"
        job.start(worker_name())
        db.session.commit()
        return _run(job, rq_job)


def _timeout_error() -> tuple[type[BaseException], ...]:
    try:
        from rq.timeouts import JobTimeoutException
        return (JobTimeoutException,)
    except ImportError:  # pragma: no cover
        return ()


def _run(job: Job, rq_job) -> str:
    spec = registry.get(job.kind)
    token = progress.begin(job.id, rq_job)
    message = None
    # What the job says (its summary, why it failed) is in its owner's language when the account chose one; a job
    # started from a page that carries the page's language (an export, an import) speaks that one inside.
    owner = db.session.get(User, job.owner_id) if job.owner_id else None
    with speaking(getattr(owner, "language", None)):
        try:
            result = spec.function(*job.args)
        except registry.JobFailed as exc:
            message = str(exc)
        except _timeout_error():
            message = _("The job ran longer than its limit of %(limit)s seconds and was stopped; nothing was changed. "
                        "Try a smaller file or narrower filters.", limit=job.time_limit)
        except Exception:
            current_app.logger.exception("job %s (%s) failed", job.id, job.kind)
            message = _("An unexpected error stopped the job; nothing was changed. Try again; if it fails again, an "
                        "administrator can read the details in the log (job %(id)s).", id=job.id)
        finally:
            running = progress.end(token)
    if message is None:
        _finish(job, result, running)
        db.session.commit()
    else:
        db.session.rollback()
        job = db.session.get(Job, job.id)
        job.fail(message)
        db.session.commit()
    events.job_finished(job)
    return job.status


def _finish(job: Job, result, running) -> None:
    if running is not None and running.total is not None:
        job.total = running.total
    if isinstance(result, registry.Result):
        job.result_name, job.result_type, job.result_data = result.file_name, result.file_type, result.data
        job.result_link = result.link
        job.finish(result.summary)
    else:
        job.finish(result if isinstance(result, str) else None)
