"""The outbox against a real SMTP server in the test process (aiosmtpd): a message arrives in plain text and HTML
with absolute links; a server refusing (550) or unreachable gets the message retried later and later, then marked
failed; with no MAIL_SERVER the message is logged, not sent; a message is never sent twice."""
import logging
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from app.services.mail import compose, outbox
from models import OutboxMessage, db
from models.base import utcnow
from tests import factories
from tests.smtp_server import free_port, pointed_at, smtp_server


def aware(moment):
    """SQLite gives back naive UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture()
def person(session):
    user = factories.user("officer", name="Ana Ortiz")
    db.session.commit()
    return user


def _queued(user) -> OutboxMessage:
    message = compose.send("password_reset", user.email, "Choose a new password", "password_reset", user.id,
                           user=user, link=compose.url("account.profile"))
    db.session.commit()
    return message


def test_a_message_arrives_in_text_and_html_with_absolute_links(app, person):
    with smtp_server() as inbox, pointed_at(app, inbox.port):
        message = _queued(person)
        assert outbox.dispatch_committed() == 1  # handed over once committed, not before
        assert outbox.deliver(message.id) is None  # already sent: a second delivery sends nothing
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    (arrived,) = inbox.to(person.email)
    assert arrived["Subject"] == "Choose a new password" and arrived["From"] == app.config["MAIL_DEFAULT_SENDER"]
    public = app.config["PUBLIC_URL"].rstrip("/")
    assert f"{public}/account/profile" in inbox.text(arrived)
    assert f'href="{public}/account/profile#preferences"' in inbox.html(arrived)


def test_nothing_is_dispatched_from_a_transaction_rolled_back(app, person):
    compose.send("password_reset", person.email, "x", "password_reset", person.id, user=person, link="x")
    db.session.rollback()
    assert outbox.dispatch_committed() == 0


def test_a_refusing_server_gets_the_message_retried_with_back_off_then_failed(app, person):
    app.config["MAIL_MAX_ATTEMPTS"], saved = 3, app.config["MAIL_MAX_ATTEMPTS"]
    try:
        with smtp_server(refuse=True) as inbox, pointed_at(app, inbox.port):
            message = _queued(person)
            assert outbox.deliver(message.id) == "queued"
            first = db.session.get(OutboxMessage, message.id)
            assert first.attempts == 1 and "550" in first.last_error
            delay1 = aware(first.next_attempt_at) - utcnow()
            assert outbox.deliver_due() == 0  # not due yet
            assert outbox.deliver_due(utcnow() + timedelta(days=1)) == 1
            second = db.session.get(OutboxMessage, message.id)
            assert second.attempts == 2 and aware(second.next_attempt_at) - utcnow() > delay1  # later and later
            assert outbox.deliver(message.id) == "failed"
        failed = db.session.get(OutboxMessage, message.id)
        assert failed.status == "failed" and failed.attempts == 3 and failed.next_attempt_at is None
        assert inbox.messages == []
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = saved


def test_an_unreachable_server_gets_the_message_retried(app, person):
    with pointed_at(app, free_port()):  # nothing listens there
        message = _queued(person)
        assert outbox.deliver(message.id) == "queued"
    kept = db.session.get(OutboxMessage, message.id)
    assert kept.attempts == 1 and aware(kept.next_attempt_at) > utcnow() and "Connection" in kept.last_error


def test_without_a_mail_server_the_message_is_logged_not_sent(app, person, caplog):
    with pointed_at(app, None), caplog.at_level(logging.INFO, logger="palermo.mail"):
        message = _queued(person)
        assert outbox.deliver(message.id) == "sent"
    assert "MAIL_SERVER is not set" in caplog.text and person.email in caplog.text


def test_admins_see_the_outbox_and_nobody_else(app, client, login_as, person):
    with pointed_at(app, free_port()):
        outbox.deliver(_queued(person).id)
    login_as("officer")
    assert client.get("/admin/mail").status_code == 403
    admin_client = app.test_client()
    from tests.conftest import login
    login(admin_client, factories.user("admin"))
    db.session.commit()
    body = admin_client.get("/admin/mail?status=queued").get_data(as_text=True)
    assert person.email in body and "Connection" in body
    assert admin_client.get("/admin/mail?status=nonsense").status_code == 400


# --- e-mail sending as a job (issue 28: the queue and the outbox wired together) --------------------------------

def test_a_message_is_delivered_by_a_mail_job_owned_by_its_recipient_in_process(app, person):
    from app.listing import Paging
    from app.services.jobs import reads as job_reads
    from app.services.mail import jobs as mail_jobs
    from models import Job, Notification
    assert outbox.DISPATCH is mail_jobs.enqueue_delivery  # the one dispatch point enqueues
    with smtp_server() as inbox, pointed_at(app, inbox.port):
        message = _queued(person)
        assert outbox.dispatch_committed() == 1
        assert outbox.deliver_due(utcnow() + timedelta(days=1)) == 0  # sent: nothing left to retry
    (job,) = db.session.scalars(sa.select(Job).where(Job.kind == "mail.deliver"))
    assert job.args == [message.id] and job.owner_id == person.id and job.status == "finished"
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert len(inbox.to(person.email)) == 1
    # plumbing on the recipient's behalf: not in their downloads and imports, and nobody is told of it
    assert job_reads.list_page(person.id, job_reads.JobFilters(), Paging()).total == 0
    assert job_reads.get(person.id, job.id) is None
    assert db.session.scalars(sa.select(Notification).where(Notification.kind == "job_finished")).all() == []


def test_a_message_handed_to_the_queue_is_not_due_again_while_its_job_waits(app, person, monkeypatch):
    from app.services.mail import jobs as mail_jobs
    handed = []
    monkeypatch.setattr(mail_jobs.job_broker, "enqueue", lambda kind, *args, **kw: handed.append((kind, args)))
    message = _queued(person)
    assert outbox.dispatch_committed() == 1 and handed == [("mail.deliver", (message.id,))]
    db.session.commit()
    assert outbox.deliver_due() == 0  # leased while its job waits for a worker
    assert outbox.deliver_due(utcnow() + mail_jobs.LEASE + timedelta(seconds=1)) == 1  # the job was lost: again


def test_a_message_another_worker_is_sending_is_left_to_it_until_its_claim_runs_out(app, person):
    with smtp_server() as inbox, pointed_at(app, inbox.port):
        message = _queued(person)
        assert outbox._claim(message.id)  # another worker took it and is sending
        assert outbox.deliver(message.id) is None and inbox.messages == []
        db.session.get(OutboxMessage, message.id).claimed_until = utcnow() - timedelta(seconds=1)  # it died mid-send
        db.session.commit()
        assert outbox.deliver(message.id) == "sent"
    assert len(inbox.to(person.email)) == 1
