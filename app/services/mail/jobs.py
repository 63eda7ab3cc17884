"""E-mail sending as a job (issue 28): the job kind "mail.deliver" runs `outbox.deliver(message_id)`, and the
outbox's one dispatch point, `outbox.DISPATCH`, becomes `enqueue_delivery` here — the single assignment that puts
every message (at once, digests, reminders, retries) on the job queue. Without a broker the job runs at once in
this process through the same path. `deliver-due` retries the messages whose next attempt is due, every minute.

Mail sits above jobs in LAYERS, so it may import the queue; the factory imports this module (app/job_kinds.py),
so the assignment is made once, at start-up, in every process (web, worker, command)."""
from __future__ import annotations

import logging
from datetime import timedelta

from app.services.jobs import broker as job_broker
from app.services.jobs import events, registry, schedules
from app.services.mail import outbox
from models import OutboxMessage, User, db
from models.base import utcnow

log = logging.getLogger("palermo.mail")

#: The job kind that delivers one message.
DELIVER = "mail.deliver"
#: A message handed to the queue is not due again before this (its job's time limit and more): `deliver-due` does
#: not enqueue it a second time while its job waits, and takes it up again if that job is lost.
LEASE = timedelta(minutes=5)


@registry.job(DELIVER, time_limit=120, owner_facing=False)
def deliver_job(message_id: int) -> str:
    """Deliver one message (a second run of the same id sends nothing: `deliver` takes only a queued message)."""
    status = outbox.deliver(message_id)
    return f"Message {message_id}: {status or 'nothing to send'}."


def enqueue_delivery(message_id: int):
    """DISPATCH: hand the message to the job queue, owned by its recipient; a message for no account (none today)
    is delivered at once here. Raises QueueUnavailable when the broker is down (the message stays queued in the
    outbox and `deliver-due` tries it again)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    owner = db.session.get(User, message.user_id) if message.user_id is not None else None
    if owner is None:
        return outbox.deliver(message_id)
    message.next_attempt_at = utcnow() + LEASE  # committed with the job's row by enqueue
    return job_broker.enqueue(DELIVER, message_id, owner=owner, label=f"E-mail: {message.subject}")


outbox.DISPATCH = enqueue_delivery


def dispatch_after_job() -> int:
    """Under a worker, hand over the messages a job (or a listener of its end) committed, as a request's are after
    the request. In-process (no broker) the request or the command that started the job does it."""
    return outbox.dispatch_committed() if job_broker.broker_url() else 0


@events.on_job_finished
def _dispatch_after_job(job) -> None:
    dispatch_after_job()


@schedules.every("mail-deliver-due", interval=60, time_limit=300)
def deliver_due() -> int:
    """Every minute: the queued messages whose next attempt is due (a refused server's back-off) go to DISPATCH."""
    return outbox.deliver_due()
