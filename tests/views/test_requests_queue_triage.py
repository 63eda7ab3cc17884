"""The queue as a triage tool (issue 29): bulk start review, approve and decline with one reason, all or nothing
with a message naming the rows that could not move; "every request matching the filters"; every column that can
sort does; the keyboard shortcuts are on the page."""
import html
import re

import sqlalchemy as sa

from models import AuditEntry, RequestStatusChange
from tests import factories
from tests.conftest import csrf_token


def row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="request-(\d+)"', page)]


def _token(client) -> str:
    token = getattr(client, "_triage_token", None) or csrf_token(client, "/views")  # a small page carries it too
    client._triage_token = token
    return token


def _move(client, name, ticks, reason="", query="?q=triage", selection="ticked"):
    token = _token(client)
    return client.post(f"/queue/move/{name}{query}", data={"csrf_token": token, "requests": ticks,
                                                           "reason": reason, "selection": selection})


def _audits(session, ids, action="status") -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.record_type == "AssistanceRequest", AuditEntry.record_id.in_(ids)))


def test_bulk_start_review_moves_every_ticked_request_with_its_history(client, login_as, session):
    login_as("manager")
    a, b = factories.request(subject="triage a"), factories.request(subject="triage b")
    session.commit()
    response = _move(client, "review", [f"{a.id}:1", f"{b.id}:1"])
    assert response.status_code == 302 and response.headers["Location"] == "/queue?q=triage"
    session.expire_all()
    assert (a.status, b.status, a.version, b.version) == ("under_review", "under_review", 2, 2)
    assert _audits(session, [a.id, b.id]) == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(RequestStatusChange).where(
        RequestStatusChange.request_id.in_([a.id, b.id]), RequestStatusChange.to_status == "under_review")) == 2
    assert "2 requests moved to under review." in client.get("/queue?q=triage").get_data(as_text=True)


def test_bulk_decide_is_all_or_nothing_and_names_the_rows_that_cannot_move(client, login_as, session):
    manager = login_as("manager")
    a, b, c = (factories.request(subject=f"triage {x}") for x in "abc")
    c.change_status("under_review", manager)
    c.change_status("approved", manager, "fine")
    c.version = 3
    session.commit()
    ticks = [f"{a.id}:1", f"{b.id}:1", f"{c.id}:3"]
    no_reason = _move(client, "decline", ticks)
    assert no_reason.status_code == 422 and "needs a reason" in html.unescape(no_reason.get_data(as_text=True))
    refused = _move(client, "decline", ticks, reason="Out of mandate")
    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "Nothing was changed" in body and f"#{c.id}: Request #{c.id} is approved" in body
    assert f"#{a.id}:" not in body.split("Nothing was changed")[1].split("</li>")[0]  # only the row at fault
    session.expire_all()
    assert (a.status, b.status, a.version, b.version) == ("pending", "pending", 1, 1)
    assert _audits(session, [a.id, b.id]) == 0
    # Stale rows are named too (someone changed them since the queue was loaded).
    stale = html.unescape(_move(client, "review", [f"{a.id}:1", f"{b.id}:7"]).get_data(as_text=True))
    assert f"#{b.id}:" in stale and "Nothing was changed" in stale
    session.expire_all()
    assert a.status == "pending"
    ok = _move(client, "decline", [f"{a.id}:1", f"{b.id}:1"], reason="Out of mandate")
    assert ok.status_code == 302
    session.expire_all()
    assert (a.status, b.status, a.decision_reason) == ("declined", "declined", "Out of mandate")
    assert _audits(session, [a.id, b.id]) == 2


def test_every_request_matching_the_filters_without_ticking(client, login_as, make_user, session):
    login_as("manager")
    officer = make_user("officer")
    a, b = factories.request(subject="triage a"), factories.request(subject="triage b")
    other = factories.request(subject="elsewhere")
    session.commit()
    token = _token(client)
    response = client.post("/queue/assign?q=triage", data={"csrf_token": token, "officer": str(officer.id),
                                                            "selection": "matching"})
    assert response.status_code == 302
    session.expire_all()
    assert (a.assigned_officer_id, b.assigned_officer_id, other.assigned_officer_id) == (officer.id, officer.id, None)
    assert _move(client, "review", [], selection="matching").status_code == 302
    session.expire_all()
    assert (a.status, b.status, other.status) == ("under_review", "under_review", "pending")
    nothing = _move(client, "review", [], query="?q=nomatchatall", selection="matching")
    assert nothing.status_code == 422 and "No request matches" in nothing.get_data(as_text=True)


def test_only_the_queue_s_decisions_go_in_bulk(client, login_as, session):
    login_as("manager")
    a = factories.request(subject="triage a")
    session.commit()
    token = _token(client)
    assert client.post("/queue/move/withdraw", data={"csrf_token": token, "requests": [f"{a.id}:1"],
                                                     "reason": "x"}).status_code == 404


def test_every_column_that_can_sort_does(client, login_as, session):
    login_as("manager")
    x = factories.request("NGA", subject="triage zz", kind="implementation_support")
    y = factories.request("BOL", subject="triage aa")
    session.commit()
    page = client.get("/queue?q=triage").get_data(as_text=True)
    for key in ("id", "state", "subject", "kind", "priority", "received_date", "due_date", "status", "assigned"):
        assert re.search(rf"sort=-?{key}\b", html.unescape(page)), key
    assert row_ids(client.get("/queue?q=triage&sort=subject").get_data(as_text=True)) == [y.id, x.id]
    assert row_ids(client.get("/queue?q=triage&sort=-subject").get_data(as_text=True)) == [x.id, y.id]
    assert row_ids(client.get("/queue?q=triage&sort=-id").get_data(as_text=True)) == [y.id, x.id]
    assert client.get("/queue?sort=instruments").status_code == 400


def test_the_page_shows_its_keyboard_shortcuts_and_select_all(client, login_as, session):
    login_as("manager")
    page = client.get("/queue").get_data(as_text=True)
    assert 'id="queue-keys"' in page and "<kbd>j</kbd>" in page and "<kbd>x</kbd>" in page
    assert "<kbd>a</kbd>" in page and 'id="select-page"' in page and "/static/queue_triage.js" in page
    assert 'value="matching"' in page and "All 15 requests matching the filters" in page
