"""Kept pages survive writes they do not depend on (issue 26, item 5): each page is kept with the stamps of the
tables it read (app/page_cache.py, models/record_version.py), so a write to the requests keeps the treaty pages and
a new treaty action keeps the request pages — while neither page of the written domain is ever served stale.
CACHES_OFF turns every cache off at once, for measuring (issue 26, item 3)."""
from datetime import date

import pytest

from models import TreatyAction, db
from models.record_version import RECORD, TABLE_PREFIX, all_stamps

from . import factories
from .helpers import count_queries

STATUS = "/reports/ratification-status?as_of=2003-07-02"


@pytest.fixture()
def page_cache(app):
    app.config["PAGE_CACHE"] = True
    yield
    app.config["PAGE_CACHE"] = False


def _kept(client, path: str, before: bytes) -> bool:
    """Whether `path` is answered as kept: the same bytes, for the query of the stamps and the header's bell."""
    db.session.expunge_all()
    with count_queries() as statements:
        again = client.get(path)
    return (again.data == before and len(statements) == 2 and "FROM record_versions" in statements[0]
            and "FROM notifications" in statements[1])


def _visit_twice(client, path: str) -> bytes:
    client.get(path)
    return client.get(path).data


def test_a_new_request_keeps_the_treaty_pages_and_drops_the_request_pages(page_cache, client, login_as):
    login_as("manager")
    client.get("/")  # the sign-in's message shown once
    status, queue = _visit_twice(client, STATUS), _visit_twice(client, "/queue")
    factories.request("BOL", subject="Logged while the pages were kept")
    db.session.commit()
    assert _kept(client, STATUS, status)
    assert b"Logged while the pages were kept" not in queue
    assert b"Logged while the pages were kept" in client.get("/queue").data


def test_a_new_treaty_action_keeps_the_request_pages_and_drops_the_treaty_pages(page_cache, client, login_as):
    login_as("manager")
    client.get("/")
    status, queue = _visit_twice(client, STATUS), _visit_twice(client, "/queue")
    db.session.add(TreatyAction(state=factories.state("NZL"), instrument=factories.instrument("FIREARMS"),
                                kind="accession", action_date=date(2003, 7, 1), source="test"))
    db.session.commit()
    assert _kept(client, "/queue", queue)
    db.session.expunge_all()
    with count_queries() as statements:
        changed = client.get(STATUS)
    assert changed.status_code == 200 and changed.data != status
    assert any("treaty_actions" in s for s in statements)  # rendered from the record, not from the cache


def test_a_write_changes_the_stamps_of_its_tables_only(app):
    factories.request("BOL")
    db.session.commit()  # the tables' rows exist from here on
    before = all_stamps(db.session)
    factories.organization(name="A donor written alone")
    db.session.commit()
    after = all_stamps(db.session)
    changed = {name for name in after if after[name] != before.get(name)}
    assert TABLE_PREFIX + "organizations" in changed and RECORD in changed
    assert TABLE_PREFIX + "assistance_requests" not in changed and TABLE_PREFIX + "treaty_actions" not in changed


def test_caches_off_turns_every_cache_off(page_cache, app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CACHES_OFF", True)
    login_as("manager")
    client.get("/")
    client.get(STATUS)
    db.session.expunge_all()
    with count_queries() as statements:
        again = client.get(STATUS)
    assert again.status_code == 200
    # Neither the page nor the treaty statuses kept per stamp: the actions are read again.
    assert any("treaty_actions" in s for s in statements), statements
    assert not any("FROM record_versions" in s for s in statements), statements


def test_a_delete_changes_the_stamps_of_the_tables_it_may_cascade_to(app):
    """Rows the database deletes with their parent (ON DELETE CASCADE) are not seen by the session: the tables
    the deleted row's relationships point to count as changed too, so no page that read them outlives them."""
    activity = factories.activity()
    db.session.commit()
    before = all_stamps(db.session)
    db.session.delete(activity)
    db.session.commit()
    after = all_stamps(db.session)
    changed = {name for name in after if after[name] != before.get(name)}
    assert {TABLE_PREFIX + "activities", TABLE_PREFIX + "activity_visits", TABLE_PREFIX + "activity_states"} <= changed


def test_a_notification_for_anyone_keeps_every_page_and_the_bell_still_counts_it(page_cache, client, login_as):
    """The bell is filled in after the page is rendered or taken from the cache: a kept page does not depend on the
    notifications, yet its owner's bell counts a new one at once."""
    from app.services.notifications import events as notification_events
    from models import User
    from models.notification import NotificationKind
    manager = login_as("manager").id
    someone_else = factories.user(role="officer").id  # before the page is kept: a new account changes every page's key
    db.session.commit()
    client.get("/")
    queue = _visit_twice(client, "/queue")
    assert _bell(queue) == 0
    notification_events.notify(db.session.get(User, someone_else), NotificationKind.REQUEST_NEW, "For another account")
    db.session.commit()
    assert _kept(client, "/queue", queue)
    notification_events.notify(db.session.get(User, manager), NotificationKind.REQUEST_NEW, "For the page's account")
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as statements:
        again = client.get("/queue")
    assert _bell(again.data) == 1 and _without_bell(again.data) == _without_bell(queue)
    assert not any("FROM assistance_requests" in s for s in statements)  # the page itself still the kept one


def _bell(body: bytes) -> int:
    import re
    return int(re.search(rb'data-unread="(\d+)"', body).group(1))


def _without_bell(body: bytes) -> bytes:
    start = body.index(b'id="bell"')
    return body[:start] + body[body.index(b"</a>", start):]
