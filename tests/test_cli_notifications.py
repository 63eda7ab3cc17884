"""`flask notifications digest|remind-overdue` and `flask mail deliver-due`: run twice, they send once; the digest
reaches a real SMTP server."""
from datetime import date

import sqlalchemy as sa

from app.services.notifications import preferences
from app.services.requests import request_writes
from models import OutboxMessage, db
from tests import factories
from tests.smtp_server import pointed_at, smtp_server


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_daily_digest_run_twice_sends_one_message_with_the_day_s_events(app, session):
    officer = factories.user("officer")
    preferences.save(officer, {"request_assigned": "daily"})
    requests = [factories.request(), factories.request()]
    for r in requests:
        request_writes.assign(r, officer.id, r.version)
    db.session.commit()
    day = date.today().isoformat()
    with smtp_server() as inbox, pointed_at(app, inbox.port):
        assert "1 daily digest sent" in _run(app, "notifications", "digest", "--period", "daily", "--day", day)
        assert "0 daily digests sent" in _run(app, "notifications", "digest", "--period", "daily", "--day", day)
    (message,) = inbox.to(officer.email)
    text = inbox.text(message)
    assert all(f"/requests/{r.id}" in text for r in requests) and "daily digest: 2 notifications" in message["Subject"]


def test_overdue_reminders_and_mail_retries_from_the_command_line(app, session):
    officer = factories.user("officer")
    factories.request(due_date=date(2003, 2, 1), assigned_officer=officer)
    db.session.commit()
    assert "1 reminder raised" in _run(app, "notifications", "remind-overdue", "--day", "2003-03-01")
    assert "0 reminders raised" in _run(app, "notifications", "remind-overdue", "--day", "2003-03-01")
    assert "0 messages tried" in _run(app, "mail", "deliver-due")
    bad = app.test_cli_runner().invoke(args=["notifications", "digest", "--period", "hourly"])
    assert bad.exit_code != 0 and "hourly" in bad.output
    bad_day = app.test_cli_runner().invoke(args=["notifications", "remind-overdue", "--day", "2003-02-30"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0  # overdue: in the app
