"""Jobs whose worker died: a worker killed in the middle of an import (SIGKILL, the machine restarted) never
commits, so the database has rolled the import back whole; what is left is a row that says "running" for ever.
The reaper fails such rows with a message, and the owner is told (`events.job_finished`).

A job's worker is gone when its process no longer exists on this machine, or — on another machine — when RQ
itself has given the job up (its registry of started jobs cleaned of jobs whose worker stopped sending heartbeats)
or has no record of it. It runs when a worker starts, every minute from the cron scheduler, and as
`flask jobs reap`.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.languages import speaking
from app.services.jobs import broker as job_broker
from app.services.jobs import events, schedules
from models import Job, JobStatus, db

LOST = _l("The worker running this job stopped before it finished (it was killed or its machine restarted). "
          "Nothing was changed: start it again.")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process whose parent died too may linger as a zombie until init collects it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _given_up_by_rq(job: Job) -> bool:
    if not job_broker.broker_url():
        return False
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RqJob
    from rq.registry import StartedJobRegistry
    try:
        queue = job_broker.rq_queue()
        StartedJobRegistry(queue=queue).cleanup()  # moves jobs of dead workers to the failed registry
        status = RqJob.fetch(job_broker.rq_id(job.id), connection=queue.connection).get_status(refresh=True)
    except NoSuchJobError:
        return True
    except Exception:  # noqa: BLE001 — Redis down: we cannot tell, so we leave the job alone
        return False
    return status in ("failed", "stopped", "canceled")


def worker_gone(job: Job) -> bool:
    host, _, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    return _given_up_by_rq(job)


@schedules.every("reap-jobs", interval=60, time_limit=60)
def reap() -> list[int]:
    """Fail every running job whose worker is gone; returns their ids. Commits (it runs on its own)."""
    running = db.session.scalars(sa.select(Job).where(Job.status == JobStatus.RUNNING)).all()
    failed = []
    for job in running:
        if worker_gone(job):
            with speaking(getattr(job.owner, "language", None)):  # read by its owner
                job.fail(str(LOST))
            failed.append(job)
    db.session.commit()
    for job in failed:
        events.job_finished(job)
    return [job.id for job in failed]
