"""Functions run on a schedule (digests, reminders, the reaper): a registry other domains add to with
`@every("name", cron="0 7 * * *")` or `@every("name", interval=60)`.

Under a broker, `flask jobs cron` runs RQ's own cron scheduler (`rq.cron.CronScheduler`, RQ 2.5+), which puts each
due function on the queue for a worker; run one such process per installation (two would enqueue everything
twice). Without a broker, `flask jobs run NAME` runs one now (from the system's cron, say). A scheduled function
takes no arguments, runs in one transaction (committed when it returns, rolled back when it raises) and must be
safe to run twice (a digest remembers what it sent).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.services.jobs import runner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    function: Callable
    cron: str | None
    interval: int | None
    time_limit: int


_SCHEDULES: dict[str, Schedule] = {}


def every(name: str, *, cron: str | None = None, interval: int | None = None, time_limit: int = 600):
    """Register the decorated function to run on `cron` (a crontab line, UTC) or every `interval` seconds."""
    if (cron is None) == (interval is None):
        raise ValueError("give a schedule either cron= or interval=")

    def register(function: Callable) -> Callable:
        _SCHEDULES[name] = Schedule(name, function, cron, interval, time_limit)
        return function
    return register


def all_schedules() -> dict[str, Schedule]:
    return dict(_SCHEDULES)


def run(name: str) -> None:
    """Run the scheduled function `name` now, in one transaction (what a worker does when the cron enqueues it)."""
    from models import db
    schedule = _SCHEDULES[name]
    with runner._context():
        try:
            schedule.function()
        except Exception:
            db.session.rollback()
            log.exception("scheduled %s failed", name)
            raise
        db.session.commit()


def cron_scheduler(connection, queue_name: str):
    """RQ's cron scheduler with every registered schedule: each due run enqueues `run(name)` for a worker."""
    from rq.cron import CronScheduler
    scheduler = CronScheduler(connection=connection)
    for schedule in _SCHEDULES.values():
        scheduler.register(run, queue_name, args=(schedule.name,), cron=schedule.cron, interval=schedule.interval,
                           job_timeout=schedule.time_limit, name=schedule.name)
    return scheduler
