"""The outbox: queue a message (kept in `mail_outbox`), deliver it once its transaction is committed, retry with
back-off when the server refuses or cannot be reached, then give up (`failed`, shown to administrators).

Configuration: MAIL_SERVER (none: the message is logged, not sent), MAIL_PORT, MAIL_USE_TLS (STARTTLS),
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER, MAIL_TIMEOUT, MAIL_MAX_ATTEMPTS, MAIL_RETRY_SECONDS.
"""
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy import event, orm

from app.listing import Page, Paging, holds, ordered, paginate
from models import OutboxMessage, db
from models.base import utcnow
from models.mail import MailStatus

log = logging.getLogger("palermo.mail")

#: session.info key: ids of messages queued in the session's open transaction.
_QUEUED = "palermo.mail_queued"
#: g key: ids whose transaction committed, waiting for `dispatch_committed`.
_COMMITTED = "palermo.mail_committed"


def queue(to_address: str, subject: str, text: str, html: str, category: str, user_id: int | None = None
          ) -> OutboxMessage:
    """Keep a message to send: it is handed to DISPATCH once the current transaction commits (never before)."""
    message = OutboxMessage(to_address=to_address, subject=subject[:200], body_text=text, body_html=html,
                            category=category, user_id=user_id, status=MailStatus.QUEUED.value, attempts=0,
                            next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_QUEUED, []).append(message.id)
    return message


@event.listens_for(orm.Session, "after_commit")
def _committed(session) -> None:
    ids = session.info.pop(_QUEUED, None)
    if ids and has_app_context():
        g.setdefault(_COMMITTED, []).extend(ids)


@event.listens_for(orm.Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_QUEUED, None)


def dispatch_committed() -> int:
    """Hand every message committed since the last call to DISPATCH (after each request, and by the commands)."""
    ids = g.pop(_COMMITTED, []) if has_app_context() else []
    for message_id in ids:
        try:
            DISPATCH(message_id)
        except Exception:  # a delivery fault must never break the page that queued the message
            log.exception("dispatching message %s failed; `flask mail deliver-due` will retry it", message_id)
            db.session.rollback()
    return len(ids)


def _retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… times MAIL_RETRY_SECONDS after the 1st, 2nd, 3rd… failed attempt."""
    return timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0))


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = f"<palermo-{message.id}-{int(message.created_at.timestamp())}@{_domain()}>"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def _domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(">") or "localhost"


def _send(email: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def deliver(message_id: int) -> str | None:
    """Try to send one queued message, then commit what happened to it; returns its status (None: not found, no
    longer queued, or being sent by another worker — a second delivery of the same id sends nothing). Idempotent,
    takes an id: a job as is."""
    if not _claim(message_id):
        db.session.rollback()
        return None
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.claimed_until = None
    if not current_app.config["MAIL_SERVER"]:
        log.info("MAIL_SERVER is not set: not sent, logged instead. To: %s Subject: %s\n%s",
                 message.to_address, message.subject, message.body_text)
        _mark_sent(message)
    else:
        try:
            _send(_email(message))
        except (smtplib.SMTPException, OSError) as exc:
            _mark_refused(message, exc)
        else:
            _mark_sent(message)
    db.session.commit()
    return message.status


def _claim(message_id: int) -> bool:
    """Make the message this worker's to send, committed before anything is sent: one conditional UPDATE, which
    only one of several workers asking at once can make (a row lock on PostgreSQL, the database's write lock on
    SQLite, where SELECT … FOR UPDATE locks nothing). The claim lasts while an SMTP exchange may (MAIL_TIMEOUT,
    twice over); a worker that dies mid-send leaves the message to be taken again after that."""
    now = utcnow()
    lease = timedelta(seconds=2 * current_app.config["MAIL_TIMEOUT"] + 30)
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.QUEUED.value,
               sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + lease)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _mark_sent(message: OutboxMessage) -> None:
    message.status, message.sent_at, message.next_attempt_at, message.last_error = (
        MailStatus.SENT.value, utcnow(), None, None)


def _mark_refused(message: OutboxMessage, exc: Exception) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status, message.next_attempt_at = MailStatus.FAILED.value, None
        log.error("message %s to %s failed for good after %s attempts: %s", message.id, message.to_address,
                  message.attempts, message.last_error)
    else:
        message.next_attempt_at = utcnow() + _retry_delay(message.attempts)
        log.warning("message %s to %s not sent (attempt %s), retried at %s: %s", message.id, message.to_address,
                    message.attempts, message.next_attempt_at.isoformat(), message.last_error)


def due_ids(now: datetime | None = None) -> list[int]:
    """The queued messages whose next attempt is due."""
    now = now or utcnow()
    return list(db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.status == MailStatus.QUEUED.value, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)))


def deliver_due(now: datetime | None = None) -> int:
    """Hand every due message to DISPATCH (`flask mail deliver-due`, to be run on a schedule); returns how many."""
    ids = due_ids(now)
    db.session.rollback()
    for message_id in ids:
        DISPATCH(message_id)
    return len(ids)


#: The one point every message goes through to be delivered: a callable taking the message's id.
DISPATCH: Callable[[int], object] = deliver


# --- the administrators' page ---------------------------------------------------------------------------------

#: Sort keys of /admin/mail (forms.mail.OutboxFilterForm.SORTS names the same keys).
SORTS = {"created": OutboxMessage.created_at, "status": OutboxMessage.status, "to": OutboxMessage.to_address,
         "attempts": OutboxMessage.attempts}


def list_page(status: str | None, q: str | None, paging: Paging) -> Page:
    """The outbox for administrators (not scoped: only administrators see it)."""
    select = sa.select(OutboxMessage)
    if status:
        select = select.where(OutboxMessage.status == status)
    if q:
        select = select.where(sa.or_(holds(OutboxMessage.to_address, q), holds(OutboxMessage.subject, q)))
    return paginate(ordered(select, SORTS, paging, "-created", OutboxMessage.id.desc()), paging)


def counts() -> dict[str, int]:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return {status: n for status, n in rows}
