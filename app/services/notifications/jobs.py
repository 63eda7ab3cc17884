"""The notifications' timed work and their hook on the job queue (issue 28).

Schedules (RQ's cron scheduler under `flask jobs cron`, in UTC; `flask jobs run NAME` runs one now):
    notifications-digest-daily    06:00 every day   the daily digest of the day before
    notifications-digest-weekly   06:30 on Mondays  the weekly digest of the week before (Monday to Sunday)
    notifications-remind-overdue  07:00 every day   the overdue reminders
(the mail retries, `mail-deliver-due`, every minute, are the mail's: app/services/mail/jobs.py). Each is safe to run
twice: a digest is written once per person and period, a reminder once per record and due date.

"A job of yours finished or failed" is told to the job's owner (kind `job_finished`, in the app by default) with
a link to /jobs/<id>, once per job (the runner and the reaper may both end one)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app.services.jobs import events, registry, schedules
from app.services.mail import jobs as mail_jobs
from app.services.mail import outbox
from app.services.notifications import digests
from app.services.notifications.events import notify
from models import Job, JobStatus, User, db
from models.notification import DigestPeriod, NotificationKind


def _today() -> date:
    return date.today()


@schedules.every("notifications-digest-daily", cron="0 6 * * *")
def daily_digest() -> int:
    """The daily digest of yesterday (everything raised up to its end)."""
    return _digests(DigestPeriod.DAILY)


@schedules.every("notifications-digest-weekly", cron="30 6 * * 1")
def weekly_digest() -> int:
    """On Monday, the weekly digest of the week that ended yesterday (Sunday)."""
    return _digests(DigestPeriod.WEEKLY)


def _digests(period: DigestPeriod) -> int:
    sent = digests.send_digests(period.value, _today() - timedelta(days=1))
    db.session.commit()
    outbox.dispatch_committed()
    return sent


@schedules.every("notifications-remind-overdue", cron="0 7 * * *")
def remind_overdue() -> int:
    told = digests.remind_overdue(_today())
    db.session.commit()
    outbox.dispatch_committed()
    return told


def job_message(job: Job):
    """What the owner is told (a lazy string: written in the owner's language)."""
    if job.status == JobStatus.FAILED:
        return _l("Your job “%(label)s” failed: %(reason)s", label=job.label,
                  reason=job.error or _l("no reason given"))
    if job.result_summary:
        return _l("Your job “%(label)s” finished: %(summary)s", label=job.label, summary=job.result_summary)
    return _l("Your job “%(label)s” finished.", label=job.label)


@events.on_job_finished
def tell_owner(job: Job) -> None:
    """The owner of a job that finished or failed is told, with a link to the job's page."""
    if not registry.is_owner_facing(job.kind) or job.status not in (JobStatus.FINISHED, JobStatus.FAILED):
        return
    owner = db.session.get(User, job.owner_id)
    try:
        told = notify(owner, NotificationKind.JOB_FINISHED, job_message(job), record_ref=("job", job.id),
                      event_key=f"job:{job.id}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if told is not None:
        mail_jobs.dispatch_after_job()
