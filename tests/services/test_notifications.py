"""Notifications: raised where each event happens, told by the recipient's preference (the bell, an e-mail at once,
a digest), the bell's count in one statement, a digest sent once per person and period, an overdue reminder once
per due date."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.listing import Paging
from app.services.activities import completion
from app.services.comments import comment_writes
from app.services.core.errors import Refused
from app.services.notifications import digests, inbox, preferences
from app.services.requests import request_writes
from app.services.work import action_writes, report_review, report_writes
from models import Notification, NotificationDigest, OutboxMessage, db
from tests import factories
from tests.helpers import count_queries


def _of(user, kind=None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def _mail_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == user.email)))


def test_an_assignment_tells_the_officer_by_e_mail_at_once_by_default(session):
    officer = factories.user("officer")
    request = factories.request()
    request_writes.assign(request, officer.id, request.version)
    (told,) = _of(officer, "request_assigned")
    assert told.delivery == "email" and f"Request #{request.id}" in told.message
    assert (told.record_type, told.record_id) == ("request", request.id)
    (mail,) = _mail_to(officer)
    assert f"/requests/{request.id}" in mail.body_text and "/account/profile#preferences" in mail.body_html
    assert inbox.unread_count(officer) == 1


def test_a_new_request_tells_the_managers_in_the_app_and_a_spreadsheet_of_them_once(session):
    from app import scoping
    managers = [factories.user("manager"), factories.user("manager")]
    officer = factories.user("officer")
    rows = [{"state": "BOL", "instruments": ["UNTOC"], "kind": "legislative_review", "subject": f"Subject {i}",
             "received_date": date(2003, 1, 15), "priority": "normal", "channel": "letter"} for i in range(3)]
    try:
        request_writes.create_many(scoping.EVERYTHING, rows, officer)
    except Refused as exc:  # the shape of a row is the requests domain's: take what it asks for
        pytest.fail(f"{exc.errors}")
    for manager in managers:
        (told,) = _of(manager, "request_new")
        assert told.delivery == "app" and "3 new requests" in told.message and told.record_type == "queue"
    assert _of(officer) == []


def test_the_report_loop_tells_the_approver_and_the_author(session):
    officer, manager = factories.user("officer"), factories.user("manager")
    activity = factories.activity(status="under_way")
    report = report_writes.save(activity, None, report_writes.ReportData(summary="<p>Met them.</p>"), officer)
    report_review.submit(report, [manager.id], None, officer, report.version)
    assert [n.kind for n in _of(manager)] == ["report_submitted"]
    report_review.return_for_changes(report, "Add the dates.", manager, report.version)
    returned = _of(officer, "report_returned")
    assert len(returned) == 1 and "Add the dates." in returned[0].message and returned[0].delivery == "email"
    assert returned[0].record_type == "report" and returned[0].record_id == activity.id
    report_review.submit(report, [], None, officer, report.version)
    report_review.approve(report, None, manager, report.version)
    assert [n.kind for n in _of(officer)] == ["report_returned", "report_approved"]


def test_a_completed_activity_tells_the_donors_who_fund_it_and_no_other(session):
    officer, manager = factories.user("officer"), factories.user("manager")
    funder, other = factories.organization(name="Funder"), factories.organization(name="Other donor")
    funder_account = factories.user("donor", donor=funder)
    other_account = factories.user("donor", donor=other)
    activity = factories.activity(status="under_way")
    factories.allocation(factories.contribution(funder), activity)
    factories.contribution(other)
    report = report_writes.save(activity, None, report_writes.ReportData(summary="<p>Done.</p>"), officer)
    report_review.submit(report, [manager.id], None, officer, report.version)
    report_review.approve(report, None, manager, report.version)
    completion.mark_completed(activity, activity.version)
    (told,) = _of(funder_account, "activity_completed")
    assert told.record_type == "activity" and told.record_id == activity.id
    assert _of(other_account) == []


def test_a_mention_tells_the_colleague_by_e_mail_but_never_the_author(session):
    author = factories.user("officer", email="writer@unodc.test")
    ana = factories.user("manager", email="ana.ortiz@unodc.test")
    request = factories.request()
    comment_writes.add("request", request, "Look, @ana.ortiz and @writer.", author)
    (told,) = _of(ana, "mention")
    assert told.delivery == "email" and told.record_id == request.id and "Look, @ana.ortiz" in told.message
    assert _of(author) == []


def test_an_action_tells_its_owner_and_its_new_owner(session):
    from app import scoping
    manager, owner, next_owner = factories.user("manager"), factories.user("officer"), factories.user("officer")
    data = action_writes.ActionData(description="Send the draft law", owner_id=owner.id,
                                    due_date=date.today() + timedelta(days=7), state="BOL")
    action = action_writes.create(scoping.EVERYTHING, data, manager, date.today())
    assert [n.kind for n in _of(owner)] == ["action_assigned"]
    from dataclasses import replace
    action_writes.update(scoping.EVERYTHING, action, replace(data, owner_id=next_owner.id), manager,
                         action.version, date.today())
    assert [n.record_id for n in _of(next_owner, "action_assigned")] == [action.id]


def test_preferences_choose_how_and_the_bell_counts_in_one_statement(session):
    officer = factories.user("officer")
    assert preferences.of(officer)["request_assigned"] == "email" and preferences.of(officer)["request_new"] == "app"
    preferences.save(officer, {"request_assigned": "app"})
    with pytest.raises(Refused):
        preferences.save(officer, {"request_assigned": "pigeon"})
    request = factories.request()
    request_writes.assign(request, officer.id, request.version)
    assert _of(officer)[0].delivery == "app" and _mail_to(officer) == []
    with count_queries() as statements:
        assert inbox.unread_count(officer) == 1
    assert len(statements) == 1
    page = inbox.list_page(officer, inbox.NotificationFilters(read="no"), Paging())
    assert page.total == 1 and inbox.mark_read(page.items[0]) and not inbox.mark_read(page.items[0])
    assert inbox.unread_count(officer) == 0
    assert inbox.list_page(officer, inbox.NotificationFilters(read="no"), Paging()).total == 0


def test_a_digest_sends_one_message_with_the_period_s_events_once(session):
    officer = factories.user("officer")
    preferences.save(officer, {"request_assigned": "daily"})
    first, second = factories.request(), factories.request()
    request_writes.assign(first, officer.id, first.version)
    request_writes.assign(second, officer.id, second.version)
    assert _mail_to(officer) == []  # nothing at once
    today = date.today()
    assert digests.send_digests("daily", today) == 1
    assert digests.send_digests("daily", today) == 0  # run twice: one message
    (mail,) = _mail_to(officer)
    assert f"/requests/{first.id}" in mail.body_text and f"/requests/{second.id}" in mail.body_text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationDigest)) == 1
    duplicate = NotificationDigest(user_id=officer.id, period="daily", period_start=today)
    db.session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # the database itself holds the rule
        db.session.flush()


def test_overdue_reminders_are_raised_once_per_due_date(session):
    officer, manager = factories.user("officer"), factories.user("manager")
    late = factories.request(due_date=date(2003, 2, 1), assigned_officer=officer)
    unassigned = factories.request(due_date=date(2003, 2, 1))
    factories.request(due_date=date(2003, 2, 1), status="completed")
    today = date(2003, 3, 1)
    told = digests.remind_overdue(today)
    assert told >= 2
    assert [n.record_id for n in _of(officer, "request_overdue")] == [late.id]
    assert unassigned.id in [n.record_id for n in _of(manager, "request_overdue")]
    assert digests.remind_overdue(today) == 0  # the same day again: nobody told twice


# --- the job queue wired in (issue 28): schedules, digests through the job path, "a job of yours finished" ------

def test_the_digests_reminders_and_mail_retries_are_scheduled():
    from app.services.jobs import schedules
    found = {name: (s.cron, s.interval) for name, s in schedules.all_schedules().items()}
    assert found["notifications-digest-daily"] == ("0 6 * * *", None)
    assert found["notifications-digest-weekly"] == ("30 6 * * 1", None)
    assert found["notifications-remind-overdue"] == ("0 7 * * *", None)
    assert found["mail-deliver-due"] == (None, 60)
    scheduler = schedules.cron_scheduler(None, "palermo")
    assert {j.name for j in scheduler.get_jobs()} >= {"notifications-digest-daily", "notifications-digest-weekly",
                                                      "notifications-remind-overdue", "mail-deliver-due"}


def test_a_scheduled_digest_and_reminder_run_twice_send_once_through_the_mail_job(session, monkeypatch):
    from app.services.jobs import schedules
    from app.services.notifications import jobs as notification_jobs
    from models import Job
    officer = factories.user("officer")
    preferences.save(officer, {"request_assigned": "daily", "request_overdue": "daily"})
    late = factories.request(due_date=date(2003, 2, 1))
    request_writes.assign(late, officer.id, late.version)
    db.session.commit()
    monkeypatch.setattr(notification_jobs, "_today", lambda: date.today() + timedelta(days=1))
    for _ in range(2):  # what a worker does when the cron enqueues them; a second run tells and sends nothing
        schedules.run("notifications-remind-overdue")
        schedules.run("notifications-digest-daily")
    assert len(_of(officer, "request_overdue")) == 1
    (mail,) = _mail_to(officer)
    assert mail.category == "digest" and mail.status == "sent"
    assert f"/requests/{late.id}" in mail.body_text and "overdue" in mail.body_text
    deliveries = db.session.scalars(sa.select(Job).where(Job.kind == "mail.deliver")).all()
    assert [job.args for job in deliveries] == [[mail.id]]


def test_a_job_finished_or_failed_tells_its_owner_only_in_the_app_with_a_link(session):
    from app.services.jobs import broker as job_broker
    from app.services.jobs import events, registry
    from app.services.notifications.events import absolute_link, link_args

    @registry.job("test_wired")
    def _wired(fail: bool):
        if fail:
            raise registry.JobFailed("The file is empty.")
        return "Made 3 records."

    try:
        owner, other = factories.user("officer"), factories.user("officer")
        done = job_broker.enqueue("test_wired", False, owner=owner, label="Import of a.xlsx")
        failed = job_broker.enqueue("test_wired", True, owner=owner, label="Import of b.xlsx")
    finally:
        registry._KINDS.pop("test_wired")
    told = _of(owner, "job_finished")
    assert [(n.record_type, n.record_id, n.delivery) for n in told] == [("job", done.id, "app"), ("job", failed.id,
                                                                                                  "app")]
    assert "finished: Made 3 records." in told[0].message and "failed: The file is empty." in told[1].message
    assert link_args(told[0]) == ("jobs.detail", {"job_id": done.id})
    assert absolute_link(told[1]).endswith(f"/jobs/{failed.id}")
    assert _of(other) == [] and _mail_to(owner) == []  # the owner only, and not by e-mail by default
    assert preferences.of(owner)["job_finished"] == "app"
    events.job_finished(failed)  # ended again (the reaper after the runner, say): told once
    assert len(_of(owner, "job_finished")) == 2
