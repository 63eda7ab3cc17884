"""/missions.ics: an iCalendar feed that parses, holds every visit of the record with stable UIDs and all-day
dates (DTEND exclusive), scoped to its reader; per-user feed addresses that a calendar client can read without a
session, revoked and re-issued by their owner."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from models import ActivityVisit, CalendarFeedToken, Organization, db
from tests import factories
from tests.conftest import csrf_token


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def events(body: bytes) -> dict:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_the_feed_holds_every_visit_of_the_record(client, login_as):
    login_as("officer")
    response = client.get("/missions.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"  # a signed-in answer, like every other
    found = events(response.get_data())
    visits = db.session.scalars(sa.select(ActivityVisit)).all()
    assert len(found) == len(visits) > 50
    assert {f"activity-{v.activity_id}-visit-{v.id}@palermo.cicp" for v in visits} == set(found)


def test_the_feed_holds_the_latest_visits_when_there_are_more_than_it_keeps(client, login_as, monkeypatch):
    from app.services.activities import activity_reads
    login_as("officer")
    soon = date.today() + timedelta(days=30)
    newest = [factories.activity(title=f"Latest visit {i}", status="planned",
                                 visits=[("BOL", soon + timedelta(days=i), soon + timedelta(days=i))])
              for i in range(3)]
    db.session.commit()
    monkeypatch.setattr(activity_reads, "FEED_VISITS", 4)
    found = events(client.get("/missions.ics").get_data())
    latest_past = db.session.scalars(sa.select(ActivityVisit).where(ActivityVisit.start_date < soon)
                                     .order_by(ActivityVisit.start_date.desc(), ActivityVisit.id.desc())).first()
    expected = {f"activity-{a.id}-visit-{a.visits[0].id}@palermo.cicp" for a in newest} | {
        f"activity-{latest_past.activity_id}-visit-{latest_past.id}@palermo.cicp"}
    assert set(found) == expected


def test_an_event_is_all_day_with_an_exclusive_end_a_place_and_a_description(client, login_as):
    login_as("officer")
    found = events(client.get("/missions.ics").get_data())
    romania = [e for e in found.values() if e["SUMMARY"] == "Legislative assistance to Romania on ratification of "
                                                            "the Convention"]
    spans = sorted((e.decoded("DTSTART"), e.decoded("DTEND")) for e in romania)
    assert spans == [(date(2002, 1, 8), date(2002, 1, 12)), (date(2002, 11, 5), date(2002, 11, 7))]
    assert all(e["DTSTART"].params.get("VALUE") == "DATE" or type(e.decoded("DTSTART")) is date for e in romania)
    event = romania[0]
    assert str(event["LOCATION"]) == "Bucharest, Romania"
    description = str(event["DESCRIPTION"])
    assert "UNTOC (" in description and "States served: Romania" in description
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/activities/\d+", str(event["URL"]))  # PUBLIC_URL
    algiers = next(e for e in found.values() if str(e["SUMMARY"]) == "Ministerial conference for the African region")
    assert "Algeria" in str(algiers["DESCRIPTION"]) and "Zimbabwe" in str(algiers["DESCRIPTION"])


def test_uids_stay_when_a_visit_is_edited(client, login_as, session):
    login_as("officer")
    activity = factories.activity(title="Mission that moves", visits=[("BOL", date(2004, 5, 3), date(2004, 5, 4))])
    session.commit()
    uid = next(u for u, e in events(client.get("/missions.ics").get_data()).items()
               if str(e["SUMMARY"]) == "Mission that moves")
    activity.visits[0].end_date = date(2004, 5, 6)
    session.commit()
    moved = events(client.get("/missions.ics").get_data())[uid]
    assert moved.decoded("DTEND") == date(2004, 5, 7)


def test_a_donor_reads_only_what_it_funds(client, login_as):
    login_as("donor", donor=org("japan"))
    summaries = {str(e["SUMMARY"]) for e in events(client.get("/missions.ics").get_data()).values()}
    assert "Legislative assistance to Romania on ratification of the Convention" in summaries
    assert not any("Madagascar" in s or "Algiers" in s or "African region" in s for s in summaries)


def issue_address(client) -> str:
    response = client.post("/missions/feed/issue", data={"csrf_token": csrf_token(client, "/missions/feed")})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.search(r'<code id="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def test_a_feed_address_opens_the_feed_without_a_session_and_nothing_else(app, client, login_as):
    login_as("donor", donor=org("japan"))
    address = issue_address(client)
    token = address.split("token=")[1]
    calendar_client = app.test_client()  # no cookie: a calendar program
    response = calendar_client.get(f"/missions.ics?token={token}")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "private, max-age=300"  # the program may keep it, for itself
    summaries = {str(e["SUMMARY"]) for e in events(response.get_data()).values()}
    assert summaries and not any("Madagascar" in s for s in summaries)  # the owner's scope
    assert calendar_client.get(f"/activities/?token={token}").status_code == 302  # not a way in elsewhere
    assert calendar_client.get("/missions.ics").status_code == 302
    assert calendar_client.get("/missions.ics?token=cal_forged").status_code == 401


def test_the_token_owners_scope_applies_whoever_is_signed_in(app, client, login_as):
    login_as("donor", donor=org("japan"))
    token = issue_address(client).split("token=")[1]
    officer_browser = app.test_client()
    from tests.conftest import login
    assert login(officer_browser, factories.user("officer", password="correct-horse-battery-staple")).status_code \
        == 302
    summaries = {str(e["SUMMARY"]) for e in events(officer_browser.get(f"/missions.ics?token={token}")
                                                   .get_data()).values()}
    assert not any("Madagascar" in s for s in summaries)


def test_revoking_ends_the_address_and_reissuing_replaces_it(app, client, login_as, session):
    user = login_as("officer")
    first = issue_address(client).split("token=")[1]
    second = issue_address(client).split("token=")[1]
    calendar_client = app.test_client()
    assert calendar_client.get(f"/missions.ics?token={first}").status_code == 401
    assert calendar_client.get(f"/missions.ics?token={second}").status_code == 200
    live = session.scalars(sa.select(CalendarFeedToken).filter_by(user_id=user.id, revoked_at=None)).all()
    assert len(live) == 1 and live[0].last_used_at is not None
    page = client.get("/missions/feed").get_data(as_text=True)
    assert f"token={second[:8]}" in page and second not in page  # only the prefix is shown again
    response = client.post("/missions/feed/revoke", data={"csrf_token": csrf_token(client, "/missions/feed")})
    assert response.status_code == 302
    assert calendar_client.get(f"/missions.ics?token={second}").status_code == 401


def test_a_deactivated_owner_ends_the_feed(app, client, login_as, session):
    user = login_as("officer")
    token = issue_address(client).split("token=")[1]
    user.is_active_account = False
    session.commit()
    assert app.test_client().get(f"/missions.ics?token={token}").status_code == 401


@pytest.mark.parametrize("path", ["/missions.ics", "/activities/calendar?month=2002-11"])
def test_planned_visits_show_too(client, login_as, path):
    login_as("officer")
    soon = date.today() + timedelta(days=40)
    factories.activity(title="Planned seminar", status="planned", visits=[("BOL", soon, soon)])
    db.session.commit()
    target = path if path.endswith(".ics") else f"/activities/calendar?month={soon.strftime('%Y-%m')}"
    assert "Planned seminar" in client.get(target).get_data(as_text=True)


def test_the_feed_is_built_once_per_change_of_the_activities(client, login_as, session):
    """Polled again with nothing changed, the feed is not rebuilt (no activity is read); a change to an activity,
    its visits or the money that makes a donor see it is in the very next answer."""
    from tests.helpers import count_queries
    login_as("officer")
    first = client.get("/missions.ics").get_data()
    with count_queries() as statements:
        assert client.get("/missions.ics").get_data() == first
    assert not [s for s in statements if "FROM activities" in s], statements
    mission = factories.activity(title="A mission added later", visits=(("PER", date(2004, 5, 3), date(2004, 5, 4)),))
    session.commit()
    assert "A mission added later" in {str(e["SUMMARY"]) for e in events(client.get("/missions.ics").get_data())
                                       .values()}
    mission.title = "A mission renamed"
    session.commit()
    assert "A mission renamed" in {str(e["SUMMARY"]) for e in events(client.get("/missions.ics").get_data()).values()}


def test_a_donor_feed_follows_its_allocations(client, login_as, session):
    donor = factories.organization(name="Feed donor")
    login_as("donor", donor=donor)
    assert events(client.get("/missions.ics").get_data()) == {}
    money = factories.contribution(donor)
    factories.allocation(money, factories.activity(title="Funded mission"))
    session.commit()
    assert [str(e["SUMMARY"]) for e in events(client.get("/missions.ics").get_data()).values()] == ["Funded mission"]


def test_text_with_separators_other_scripts_and_long_lines_reads_back_exactly(client, login_as, session):
    """The feed is written by hand (app/formats/ical.py): escaping and folding must give back what was typed."""
    login_as("officer")
    title = "Séminaire; «traite», \\ Ukraine — 研讨会 🌍 " + "very long title " * 12
    factories.activity(title=title, visits=[("UKR", date(2004, 5, 3), date(2004, 5, 4))])
    session.commit()
    body = client.get("/missions.ics").get_data()
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded at 75 octets
    found = [e for e in events(body).values() if str(e["SUMMARY"]) == title]
    assert len(found) == 1 and found[0].decoded("DTSTART") == date(2004, 5, 3)
    assert str(found[0]["CATEGORIES"].cats[0]) == "Advisory mission"
