"""Whole pages kept until the record changes (app/page_cache.py): what a kept page saves, and every reason it must
not be served — a committed change, another caller, another session, a message to show once, an old stamp. A
repeat visit is answered before the account or the token is read; what would have refused it then still does (a
closed account, a new password, a new role, a revoked token, a session replayed from another browser), and what
would have been recorded still is (a token's use, once an hour; its allowance).

The cache is off for the rest of the suite (each test counts the work itself); these tests turn it on. The
served app of the browser tests runs with it on, and tests/test_serving.py shows it across two processes sharing
Redis."""
import re
import time

import flask
import pytest

from app.page_cache import MemoryStore
from models import db
from models.record_version import RECORD, current_stamp

from . import factories
from .conftest import csrf_token
from .helpers import count_queries


@pytest.fixture()
def page_cache(app):
    app.config["PAGE_CACHE"] = True
    yield
    app.config["PAGE_CACHE"] = False


def test_a_page_asked_again_costs_only_the_stamp_and_is_the_same_page(page_cache, client, login_as):
    login_as("manager")
    factories.request("BOL", subject="Kept on the queue")
    db.session.commit()
    client.get("/")  # the sign-in's message shown
    first = client.get("/queue")
    assert first.status_code == 200 and b"Kept on the queue" in first.data
    with count_queries() as statements:
        again = client.get("/queue")
    assert again.data == first.data
    # The record's stamp, the header's bell (filled in on every page) and the signed-in user, unless the test's
    # session holds it already; nothing of the page.
    assert any("FROM record_versions" in s for s in statements)
    assert all("FROM record_versions" in s or "FROM users" in s or "FROM notifications" in s
               for s in statements), statements


def test_a_signed_in_repeat_visit_is_answered_before_the_account_is_loaded(page_cache, client, login_as):
    login_as("manager")
    client.get("/")
    first = client.get("/queue")
    db.session.expunge_all()  # nothing of the account left in the session the app shares with the test
    with count_queries() as statements:
        again = client.get("/queue")
    assert again.status_code == 200 and again.data == first.data
    # The stamps, then the bell's count for the session's account (filled in on its way out).
    assert len(statements) == 2 and "FROM record_versions" in statements[0], statements
    assert "FROM notifications" in statements[1], statements


def _close(user):
    user.is_active_account = False


def _new_password(user):
    user.set_password("Another-long-passphrase-9")


@pytest.mark.parametrize("end_the_session", [_close, _new_password], ids=["account closed", "new password"])
def test_a_kept_page_is_not_served_to_a_session_that_has_ended(page_cache, client, login_as, end_the_session):
    user = login_as("officer")
    assert client.get("/requests/").status_code == 200
    assert client.get("/requests/").status_code == 200  # kept, and answered early
    end_the_session(user)
    db.session.commit()
    refused = client.get("/requests/")
    assert refused.status_code in (302, 303) and "/login" in refused.headers["Location"]


def test_a_kept_page_follows_a_change_of_role(page_cache, client, login_as):
    user = login_as("manager")
    assert client.get("/queue").status_code == 200
    assert client.get("/queue").status_code == 200  # kept, and answered early
    user.role = "officer"
    db.session.commit()
    assert client.get("/queue").status_code == 403


def test_a_session_replayed_from_another_browser_gets_no_kept_page(page_cache, client, login_as):
    login_as("officer")
    assert client.get("/requests/").status_code == 200
    assert client.get("/requests/").status_code == 200  # kept, and served early to its own browser
    replayed = client.get("/requests/", headers={"User-Agent": "Another browser"})
    assert replayed.status_code in (302, 303) and "/login" in replayed.headers["Location"]


def test_a_token_repeat_visit_is_answered_before_the_token_is_read(page_cache, api_as):
    get, _user = api_as("officer")
    first = get("/api/v1/instruments")
    db.session.expunge_all()
    with count_queries() as statements:
        again = get("/api/v1/instruments")
    assert again.status_code == 200 and again.data == first.data
    assert len(statements) == 1 and "FROM record_versions" in statements[0], statements


def test_a_revoked_token_gets_no_kept_page(page_cache, app, api_as):
    from models import ApiToken
    from models.base import utcnow
    get, user = api_as("officer")
    assert get("/api/v1/instruments").status_code == 200
    assert get("/api/v1/instruments").status_code == 200  # kept, and answered early
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    token.revoked_at = utcnow()
    db.session.commit()
    assert get("/api/v1/instruments").status_code == 401
    # Forgotten as a token seen valid: its calls count by address again, and none is answered early.
    from app.auth_loaders import credential_noted
    with app.test_request_context("/api/v1/instruments", headers={"Authorization": get.authorization}):
        assert credential_noted(flask.request) is None


def test_a_token_use_is_still_noted_once_an_hour_on_kept_pages(page_cache, api_as, monkeypatch):
    from datetime import timedelta

    from app import auth_loaders
    from models import ApiToken
    from models.base import utcnow
    get, user = api_as("officer")
    get("/api/v1/instruments")
    get("/api/v1/instruments")  # kept
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    noted = token.last_used_at
    assert noted is not None
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(auth_loaders, "utcnow", lambda: later)
    assert get("/api/v1/instruments").status_code == 200
    db.session.expire_all()
    assert token.last_used_at.replace(tzinfo=None) == later.replace(tzinfo=None)


def test_kept_api_answers_still_count_against_the_token_allowance(page_cache, app, api_as, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    get, _user = api_as("officer")
    assert [get("/api/v1/instruments").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_committed_change_is_shown_at_the_next_visit(page_cache, client, login_as):
    login_as("officer")
    assert b"Logged after the first visit" not in client.get("/requests/").data
    factories.request("BOL", subject="Logged after the first visit")
    db.session.commit()
    assert b"Logged after the first visit" in client.get("/requests/").data


def test_a_change_through_a_form_is_shown_and_its_message_is_shown_once(page_cache, client, login_as):
    login_as("officer")
    client.get("/requests/")  # kept
    token = csrf_token(client, "/requests/new")
    logged = client.post("/requests/new", data={
        "state": "BOL", "kind": "legislative_review", "subject": "Through the form", "instruments": ["UNTOC"],
        "received_date": "2003-02-01", "channel": "letter", "priority": "normal", "csrf_token": token})
    assert logged.status_code in (302, 303), logged.get_data(as_text=True)[:800]
    shown = client.get("/requests/").get_data(as_text=True)
    assert "Through the form" in shown and "logged: it waits" in shown  # the flashed message, with the change
    again = client.get("/requests/").get_data(as_text=True)
    assert "Through the form" in again and "logged: it waits" not in again  # the message was not kept


def test_each_caller_gets_its_own_page(page_cache, app, login_as):
    first, second = app.test_client(), app.test_client()
    from .conftest import login
    one = factories.user("officer", name="Officer One")
    two = factories.user("officer", name="Officer Two")
    db.session.commit()
    login(first, one)
    login(second, two)
    assert "Officer One" in first.get("/").get_data(as_text=True)
    page = second.get("/").get_data(as_text=True)
    assert "Officer Two" in page and "Officer One" not in page


def test_a_second_session_of_the_same_account_gets_its_own_forms(page_cache, app):
    from .conftest import login
    user = factories.user("manager")
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    for client in (first, second):
        client.get("/queue")  # the sign-in's message shown, the session's CSRF secret made: not kept
        client.get("/queue")  # rendered and kept for this session
    page = second.get("/queue").get_data(as_text=True)  # served as kept
    # Its sign-out form carries a token of the second session (the first session's would be refused: a 400).
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert second.post("/logout", data={"csrf_token": token}).status_code in (302, 303)


def test_a_refusal_is_not_kept(page_cache, client, login_as):
    login_as("officer")
    assert client.get("/requests/?received_from=not-a-date").status_code == 400
    assert client.get("/requests/?received_from=not-a-date").status_code == 400
    assert client.get("/requests/").status_code == 200


def test_off_means_every_visit_does_the_work(client, login_as):
    login_as("manager")
    client.get("/queue")
    with count_queries() as statements:
        client.get("/queue")
    assert len(statements) > 2


def test_the_record_stamp_changes_with_each_committed_change_only(app):
    before = current_stamp(db.session, RECORD)
    db.session.commit()  # nothing changed
    assert current_stamp(db.session, RECORD) == before
    factories.organization(name="A change")
    db.session.commit()
    changed = current_stamp(db.session, RECORD)
    assert changed not in (None, before)
    factories.organization(name="Rolled back")
    db.session.flush()
    db.session.rollback()
    assert current_stamp(db.session, RECORD) == changed


def test_memory_store_keeps_to_its_budget_and_expires_entries(monkeypatch):
    kept = MemoryStore(budget=900)
    kept.set("a", b"x" * 200, 60)
    kept.set("b", b"y" * 200, 60)
    kept.get("a")  # a is now the most recently used
    kept.set("c", b"z" * 200, 60)
    kept.set("d", b"w" * 200, 60)
    kept.set("e", b"v" * 200, 60)  # over 900 bytes: the least recently used (b) goes
    assert kept.get("b") is None and kept.get("a") == b"x" * 200
    kept.set("huge", b"h" * 400, 60)  # more than a quarter of the budget: never kept
    assert kept.get("huge") is None
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 61)
    assert kept.get("a") is None


def test_a_kept_feed_keeps_what_its_view_told_the_client(page_cache, app, client, login_as):
    from .views.test_activities_calendar_feed import issue_address
    login_as("officer")
    token = issue_address(client).split("token=")[1]
    calendar = app.test_client()
    first = calendar.get(f"/missions.ics?token={token}")
    with count_queries() as statements:
        again = calendar.get(f"/missions.ics?token={token}")
    assert again.data == first.data and b"BEGIN:VEVENT" in again.data
    assert not any("FROM activities" in s for s in statements)  # served as kept
    assert len(statements) == 1, statements  # the stamp: answered before the token is read
    # The calendar program may keep it for itself, the second time as the first.
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"] == "private, max-age=300"
