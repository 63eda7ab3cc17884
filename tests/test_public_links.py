"""Absolute links come from PUBLIC_URL (app/public_address.py), never from the request's Host or X-Forwarded-*
headers (issue 25, item 3): a calendar feed asked with `Host: evil.example` links to the configured address, and a
kept page (app/page_cache.py) asked with a hostile Host never poisons what the next, ordinary, caller receives."""
import re

import pytest
import sqlalchemy as sa

from app.services.activities import calendar_feeds
from models import Organization, db
from models.enums import OrganizationKind

EVIL = "evil.example"
#: Every way a client could try to name another address for the site.
HOSTILE = [
    {"HTTP_HOST": EVIL},
    {"HTTP_X_FORWARDED_HOST": EVIL, "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_PORT": "8443"},
    {"HTTP_HOST": EVIL, "HTTP_X_FORWARDED_HOST": EVIL},
]


@pytest.fixture()
def page_cache(app):
    app.config["PAGE_CACHE"] = True
    yield
    app.config["PAGE_CACHE"] = False


def _attacker(app, client):
    """A client that sends `client`'s cookies whatever Host it names (the test client, like a browser, sends them
    only to the host that set them; an attacker sends whatever he likes)."""
    cookies = "; ".join(c._to_request_header() for c in client._cookies.values())
    attacker = app.test_client(use_cookies=False)

    def send(method, path, hostile, **kwargs):
        return attacker.open(path, method=method, headers={"Cookie": cookies},
                             environ_overrides=hostile, **kwargs)
    return send


def _feed_token(make_user) -> str:
    user = make_user("officer")
    raw = calendar_feeds.issue(user)
    db.session.commit()
    return raw


@pytest.mark.parametrize("hostile", HOSTILE, ids=["host", "forwarded host", "both"])
def test_a_feed_asked_with_a_hostile_host_links_to_the_public_address_and_poisons_nothing(
        app, page_cache, client, make_user, hostile):
    raw = _feed_token(make_user)
    public = app.config["PUBLIC_URL"].rstrip("/")
    attacked = client.get("/missions.ics", query_string={"token": raw}, environ_overrides=hostile)
    assert attacked.status_code == 200
    body = attacked.get_data(as_text=True)
    assert EVIL not in body
    links = re.findall(r"^URL:(\S+)", body, re.MULTILINE)
    assert links and all(link.startswith(public + "/activities/") for link in links)
    later = client.get("/missions.ics", query_string={"token": raw})  # a calendar polling as usual
    assert later.status_code == 200 and EVIL not in later.get_data(as_text=True)
    assert re.findall(r"^URL:(\S+)", later.get_data(as_text=True), re.MULTILINE) == links


def test_a_poisoned_entry_would_not_be_served_to_another_host(app, page_cache, client, make_user, monkeypatch):
    """The host is part of a kept page's key: even a page that did depend on it is kept apart per host."""
    raw = _feed_token(make_user)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://first.example")
    first = client.get("/missions.ics", query_string={"token": raw}, environ_overrides={"HTTP_HOST": EVIL})
    assert "http://first.example/activities/" in first.get_data(as_text=True)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://second.example")  # the bytes would differ now
    again = client.get("/missions.ics", query_string={"token": raw})
    assert "http://second.example/activities/" in again.get_data(as_text=True)  # not the evil host's entry


def test_the_feed_address_a_user_is_given_is_under_the_public_address(app, client, login_as):
    login_as("officer")
    from tests.conftest import csrf_token
    token = csrf_token(client, "/missions/feed")
    issued = client.post("/missions/feed/issue", data={"csrf_token": token},
                         environ_overrides={"HTTP_X_FORWARDED_HOST": EVIL, "HTTP_X_FORWARDED_PROTO": "https"})
    body = issued.get_data(as_text=True)
    assert issued.status_code == 200 and EVIL not in body
    assert app.config["PUBLIC_URL"].rstrip("/") + "/missions.ics?token=" in body


def _kept_paths(donor_id: int) -> dict[str, str]:
    """One address for every endpoint that keeps its pages (checked below to be all of them)."""
    return {
        "main.index": "/", "reports.ratification_status": "/reports/ratification-status?as_of=2003-07-02",
        "instruments.index": "/instruments/", "instruments.detail": "/instruments/TIP", "states.index": "/states/",
        "states.detail": "/states/BOL", "requests.index": "/requests/", "requests.mine": "/requests/mine",
        "requests.detail": "/requests/1", "queue.index": "/queue", "activities.index": "/activities/",
        "activities.calendar": "/activities/calendar?month=2002-11", "activities.detail": "/activities/1",
        "calendar_feed.feed_ics": "/missions.ics", "funding.index": "/funding/",
        "funding.donor": f"/funding/donors/{donor_id}", "outcomes.index": "/outcomes/",
        "outcomes.states": "/outcomes/states", "dashboard.index": "/dashboard",
        "period_report.period": "/reports/period",
        "api.missions_list": "/api/v1/missions", "api.activities_list": "/api/v1/activities",
        "api.missions_item": "/api/v1/missions/1", "api.activities_item": "/api/v1/activities/1",
        "api.instruments": "/api/v1/instruments", "api.instrument_parties": "/api/v1/instruments/TIP/parties",
    }


def test_every_kept_page_asked_with_a_hostile_host_names_only_the_public_address(app, page_cache, client, login_as):
    donor_id = db.session.scalar(sa.select(Organization.id).where(
        Organization.kind == OrganizationKind.DONOR_GOVERNMENT.value).order_by(Organization.id).limit(1))
    paths = _kept_paths(donor_id)
    kept = {rule.endpoint for rule in app.url_map.iter_rules()
            if getattr(app.view_functions[rule.endpoint], "keeps_pages", False)}
    assert kept == set(paths), "a page that keeps its answers needs an address here"
    login_as("manager")
    client.get("/")  # the sign-in's message shown: the pages below may be kept
    for endpoint, path in paths.items():
        for hostile in HOSTILE:
            attacked = _attacker(app, client)("GET", path, hostile)
            assert attacked.status_code == 200, (endpoint, attacked.status_code, attacked.headers.get("Location"))
            assert EVIL not in attacked.get_data(as_text=True), endpoint
        ordinary = client.get(path)
        assert ordinary.status_code == 200 and EVIL not in ordinary.get_data(as_text=True), endpoint


@pytest.mark.parametrize("target", ["http://evil.example/admin", "https://evil.example/"])
def test_the_sign_in_never_sends_to_the_host_the_request_named(app, client, make_user, target):
    from tests.conftest import PASSWORD, csrf_token
    user = make_user("officer")
    token = csrf_token(client)
    response = _attacker(app, client)("POST", "/login", {"HTTP_HOST": EVIL}, query_string={"next": target},
                                      data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_link_back_to_the_public_address_is_kept_after_sign_in(app, client, make_user):
    from tests.conftest import PASSWORD, csrf_token
    user = make_user("officer")
    token = csrf_token(client)
    target = app.config["PUBLIC_URL"].rstrip("/") + "/states/MKD?x=1"
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/states/MKD?x=1"
