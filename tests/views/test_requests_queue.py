"""The managers' queue at /queue: the reference requests with their buckets, filters, bulk assignment (all or
nothing), decisions from a row, overdue rows marked."""
import html
import re
from datetime import date, timedelta

import sqlalchemy as sa

from models import AssistanceRequest, AuditEntry, db
from tests import factories
from tests.conftest import csrf_token

TODAY = date.today()


def bucket_counts(page: str) -> dict[str, int]:
    return {key: int(n) for key, n in re.findall(
        r'data-bucket="([^"]+)"[^>]*>[^<]*<span class="badge[^"]*">(\d+)</span>', page)}


def row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="request-(\d+)"', page)]


def test_the_fifteen_reference_requests_wait_in_the_queue_undated(client, login_as):
    login_as("manager")
    page = client.get("/queue").get_data(as_text=True)
    assert bucket_counts(page) == {"0-30": 0, "31-90": 0, "over-90": 0, "not-recorded": 15}
    assert len(row_ids(page)) == 15 and "Venezuela" in page and "inferred" in page
    assert "Triage: assign, review or decide" in page and page.count("Decide…") == 15


def test_an_officer_is_not_a_manager(client, login_as):
    login_as("officer")
    assert client.get("/queue").status_code == 403
    assert 'href="/queue"' not in client.get("/").get_data(as_text=True)


def test_order_marks_and_bucket_counts_follow_the_filters(client, login_as, session):
    login_as("manager")
    old = factories.request("NGA", received=TODAY - timedelta(days=120), subject="qq old")
    urgent = factories.request("NGA", received=TODAY - timedelta(days=2), priority="urgent", subject="qq urgent",
                               due_date=TODAY - timedelta(days=1))
    mid = factories.request("NGA", received=TODAY - timedelta(days=45), subject="qq mid", status="under_review")
    session.commit()
    page = client.get("/queue?q=qq").get_data(as_text=True)
    assert row_ids(page) == [urgent.id, old.id, mid.id]  # urgent first; then, at one priority, the oldest
    assert bucket_counts(page) == {"0-30": 1, "31-90": 1, "over-90": 1, "not-recorded": 0}
    assert f'<tr id="request-{urgent.id}" class="table-danger">' in page and "Overdue" in page
    # The bucket links keep the other filters; the counts stay those of the other filters.
    assert 'href="/queue?q=qq&amp;age=31-90"' in page
    page = client.get("/queue?q=qq&age=31-90").get_data(as_text=True)
    assert row_ids(page) == [mid.id] and bucket_counts(page)["over-90"] == 1
    assert row_ids(client.get("/queue?q=qq&status=under_review").get_data(as_text=True)) == [mid.id]
    assert row_ids(client.get("/queue?q=qq&overdue=y").get_data(as_text=True)) == [urgent.id]
    assert row_ids(client.get("/queue?regional_group=African&q=qq").get_data(as_text=True)) == [urgent.id, old.id,
                                                                                               mid.id]


def _assign(client, query, officer, ticks):
    token = csrf_token(client, "/queue")
    return client.post(f"/queue/assign{query}", data={"csrf_token": token, "officer": officer,
                                                      "requests": ticks})


def test_assign_many_requests_in_one_action(client, login_as, make_user, session):
    login_as("manager")
    officer = make_user("officer")
    a, b = factories.request(subject="bulk a"), factories.request(subject="bulk b")
    session.commit()
    page = client.get("/queue?q=bulk").get_data(as_text=True)
    assert f'value="{a.id}:1" form="bulk-assign"' in page and 'action="/queue/assign?q=bulk"' in page
    response = _assign(client, "?q=bulk", str(officer.id), [f"{a.id}:1", f"{b.id}:1"])
    assert response.status_code == 302 and response.headers["Location"] == "/queue?q=bulk"
    session.expire_all()
    assert (a.assigned_officer_id, b.assigned_officer_id, a.version, b.version) == (officer.id, officer.id, 2, 2)
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "assign", AuditEntry.record_id.in_([a.id, b.id]))) == 2
    page = client.get("/queue?q=bulk&assigned_officer=" + str(officer.id)).get_data(as_text=True)
    assert row_ids(page) == [a.id, b.id] and "2 requests assigned" in page


def test_a_bulk_assignment_with_a_bad_row_changes_nothing(client, login_as, make_user, session):
    manager = login_as("manager")
    officer = make_user("officer")
    a, b = factories.request(subject="bulk a"), factories.request(subject="bulk b")
    b.change_status("under_review", manager)
    b.version = 2
    session.commit()
    cases = [([f"{a.id}:1", "999999:1"], "#999999 does not exist"),
             ([f"{a.id}:1", f"{b.id}:1"], f"#{b.id} has changed since the queue was loaded"),
             ([], "Tick at least one request"), (["12; DROP TABLE users"], "does not name a request"),
             ([f"{a.id}:1"], None)]
    for ticks, message in cases:
        choice = str(officer.id) if message else "42424242"
        response = _assign(client, "?q=bulk", choice, ticks)
        body = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 422, ticks
        assert (message or "Assign to an active officer's or manager's account, or to nobody.") in body, body[:2000]
        session.expire_all()
        assert a.assigned_officer_id is None and b.assigned_officer_id is None and a.version == 1
    # The queue is shown again as it stands, with the rows that were ticked still ticked.
    response = _assign(client, "?q=bulk", str(officer.id), [f"{a.id}:1", f"{b.id}:1"])
    body = response.get_data(as_text=True)
    assert f'value="{b.id}:2" form="bulk-assign" id="tick-{b.id}" aria-label="Tick request #{b.id}" checked' in body


def test_deciding_from_a_row_returns_to_the_queue(client, login_as, session):
    login_as("manager")
    request = factories.request(subject="row decision")
    session.commit()
    page = client.get("/queue?q=row").get_data(as_text=True)
    assert f'formaction="/requests/{request.id}/approve"' in page
    assert 'name="next" value="/queue?q=row"' in page
    response = client.post(f"/requests/{request.id}/approve", data={
        "csrf_token": csrf_token(client, "/queue"), "version": "1", "reason": "Ready", "next": "/queue?q=row"})
    assert response.status_code == 302 and response.headers["Location"] == "/queue?q=row"
    assert row_ids(client.get("/queue?q=row").get_data(as_text=True)) == []
    assert db.session.get(AssistanceRequest, request.id).status == "approved"


def test_a_next_pointing_elsewhere_is_ignored(client, login_as, session):
    login_as("manager")
    request = factories.request()
    session.commit()
    response = client.post(f"/requests/{request.id}/review", data={
        "csrf_token": csrf_token(client, "/queue"), "version": "1", "next": "https://evil.example/queue"})
    assert response.headers["Location"] == f"/requests/{request.id}"


def test_bad_queue_parameters_are_a_400_naming_them(client, login_as):
    login_as("manager")
    response = client.get("/queue?status=approved&age=ancient")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not a valid choice" in body and "Correct the filters above" in body
