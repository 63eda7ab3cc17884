"""Starting a job: the row in the database, then RQ on Redis (`JOB_QUEUE_URL`) or, without a broker, at once in
this process through the same `runner.perform`.

Redis down: starting a job is *refused* with `QueueUnavailable` (a message the page shows), before anything is
written, never queued into the void; pages that start nothing keep serving. A job whose hand-over fails after
its row was written is marked failed with the same message.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from app.services.core.errors import Refused
from app.services.jobs import registry, runner
from models import Job, db

#: The RQ queue every job goes to (workers on every machine listen to it).
QUEUE_NAME = "palermo"
#: How long RQ keeps its own record of a job (ours is in the database, for good).
RQ_RESULT_TTL = 24 * 3600

_CONNECTIONS: dict[str, Redis] = {}


class QueueUnavailable(Refused):
    """The job was not started: the broker cannot be reached (or, on SQLite, the database is locked by a write)."""


UNAVAILABLE = _l("The job queue cannot be reached just now, so the work was not started and nothing was changed. "
                 "Try again in a few minutes; if it goes on, tell an administrator (the queue's Redis server is "
                 "down).")


BUSY = _l("The database is busy with another import just now, so the work was not started and nothing was changed. "
          "Try again in a moment.")


def broker_url() -> str | None:
    return current_app.config.get("JOB_QUEUE_URL") or None


def connection(url: str | None = None) -> Redis:
    """One Redis client per URL and process, with short time-outs so that a dead server is noticed at once."""
    url = url or broker_url()
    if url not in _CONNECTIONS:
        _CONNECTIONS[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    return _CONNECTIONS[url]


def rq_queue(url: str | None = None):
    from rq import Queue
    return Queue(current_app.config.get("JOB_QUEUE_NAME", QUEUE_NAME), connection=connection(url))


def rq_id(job_id: int) -> str:
    return f"palermo-job-{job_id}"


def enqueue(kind: str, *args, owner, label: str, total: int | None = None) -> Job:
    """Start the job of `kind` with `args` (ids and plain values) for `owner`; returns its row.

    Unlike a write service this *commits*: a worker elsewhere can only take a job that is in the database, and the
    page that starts a job has nothing else to write. Raises QueueUnavailable (nothing written) when the broker
    cannot be reached. Without a broker the job has run, and ended, when this returns."""
    spec = registry.get(kind)
    url = broker_url()
    if url:
        try:
            connection(url).ping()
        except RedisError:
            raise QueueUnavailable(str(UNAVAILABLE)) from None
    job = Job(owner_id=owner.id, kind=kind, label=label[:200], args=list(args), time_limit=spec.time_limit,
              total=total, done=0)
    db.session.add(job)
    try:
        db.session.commit()
    except OperationalError:  # SQLite: another write (an import) holds the database past its busy time-out
        db.session.rollback()
        raise QueueUnavailable(str(BUSY)) from None
    if not url:
        runner.perform(job.id)
        db.session.refresh(job)
        return job
    try:
        rq_queue(url).enqueue_call(runner.perform, args=(job.id,), job_id=rq_id(job.id), timeout=job.time_limit,
                                   result_ttl=RQ_RESULT_TTL, failure_ttl=RQ_RESULT_TTL)
    except RedisError:
        job.fail(str(UNAVAILABLE))
        db.session.commit()
        raise QueueUnavailable(str(UNAVAILABLE)) from None
    return job


def live_progress(job: Job) -> tuple[int, int | None]:
    """(done, total) of a job: from its worker's last report in Redis while it runs, else from its row."""
    url = broker_url()
    if url and job.status == "running":
        from rq.job import Job as RqJob
        try:
            meta = RqJob.fetch(rq_id(job.id), connection=connection(url)).get_meta(refresh=False)
            done, total = meta.get("progress") or (job.done, job.total)
            return int(done), (None if total is None else int(total))
        except Exception:  # noqa: BLE001 — Redis gone or the job expired there: the row's figures serve
            pass
    return job.done, job.total
