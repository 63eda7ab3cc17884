"""Activity pages: the list (filters, sort, paging, exports of exactly the filtered rows), one activity's page, the
officers' one form with its rows, bad input kept and refused, the overlap warning, the home panel."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from models import Activity, ActivityVisit, AuditEntry, Deployment, Organization, db
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import field_errors


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def activity_by_key(key):
    return db.session.scalar(sa.select(Activity).filter_by(reference_key=key))


def titles_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/activities/\d+">([^<]+)</a></td>', page)


@pytest.fixture()
def officer(login_as):
    return login_as("officer")


def counts():
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Activity, ActivityVisit, Deployment, AuditEntry)}


# ------------------------------------------------------------------ the list
def test_the_list_paginates_sorts_and_counts(client, officer):
    page = client.get("/activities/").get_data(as_text=True)
    assert "52 activities" in page and "Page 1 of 3" in page and len(titles_on(page)) == 25
    first = titles_on(client.get("/activities/?sort=start_date&per_page=1").get_data(as_text=True))
    assert first == ["Legislative assistance to Romania on ratification of the Convention"]  # 8 January 2002
    last = titles_on(client.get("/activities/?sort=-start_date&per_page=2").get_data(as_text=True))
    assert last == ["Comprehensive written analysis of draft legislation on trafficking in persons for the Government "
                    "of Cambodia",  # no travel: after every dated activity, so first in reverse, on every engine
                    "Treaty event 2003: United Nations treaties against organized crime and terrorism"]


@pytest.mark.parametrize("query, expected", [
    ("state=ROU&kind=mission", {"Legislative assistance to Romania on ratification of the Convention"}),
    ("kind=regional_meeting&regional_group=African", {"Ministerial conference for the African region",
                                                      "Ministerial seminar for the member States of la Francophonie"}),
    ("partner={imf}", {"Joint workshop on the ratification and legislative incorporation of the universal "
                       "instruments against terrorism and transnational organized crime, Madagascar"}),
    ("status=planned&kind=expert_group_meeting", {"Final meeting of the three groups of experts on the legislative "
                                                  "guides"}),
    ("instrument=FIREARMS&date_from=2002-12-01&date_to=2002-12-31",
     {"Group of experts on the legislative guide to the Firearms Protocol",
      "International Conference on Trafficking: Networks and Logistics of Transnational Crime and International "
      "Terrorism"}),
])
def test_the_list_filters(client, officer, query, expected):
    query = query.format(imf=org("imf").id)
    assert set(titles_on(client.get(f"/activities/?{query}&per_page=100").get_data(as_text=True))) == expected


def test_the_date_range_needs_one_visit_inside_it(client, officer):
    """Romania's mission (January and November 2002) had no visit in June 2002."""
    page = client.get("/activities/?state=ROU&kind=mission&date_from=2002-06-01&date_to=2002-06-30")
    assert titles_on(page.get_data(as_text=True)) == []


def test_the_list_filters_by_expert(client, officer):
    expert = factories.expert(name="Ana Filter")
    mission = factories.activity(title="Mission with Ana")
    factories.deployment(expert, mission)
    db.session.commit()
    assert titles_on(client.get(f"/activities/?expert={expert.id}").get_data(as_text=True)) == ["Mission with Ana"]


@pytest.mark.parametrize("query, field", [("kind=voyage", "kind"), ("date_from=2003-02-30", "date_from"),
                                          ("date_from=2003-05-01&date_to=2003-04-01", "date_to"),
                                          ("expert=abc", "expert"), ("sort=colour", "sort")])
def test_a_bad_filter_is_a_400_with_the_message_beside_it(client, officer, query, field):
    response = client.get(f"/activities/?{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert field_errors(body, field) or (field == "sort" and "Sort by one of" in body)


def test_exports_hold_exactly_the_filtered_rows(client, officer):
    query = "instrument=UNTOC&regional_group=African&sort=start_date"
    listed = client.get(f"/activities/?{query}&per_page=500").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/activities/export.csv?{query}").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert [r["title"] for r in rows] == [t.replace("&#39;", "'") for t in titles_on(listed)]
    assert len(rows) > 10 and all("UNTOC" in r["instruments"].split("\n") for r in rows)
    algiers = next(r for r in rows if r["title"] == "Ministerial conference for the African region")
    assert algiers["kind"] == "regional_meeting" and algiers["kind_label"] == "Regional meeting"
    assert algiers["start_date"] == "2002-10-29" and "DZA" in algiers["states_served"].split("\n")
    workbook = load_workbook(io.BytesIO(client.get(f"/activities/export.xlsx?{query}").get_data()))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet[0]) == list(rows[0].keys()) and [r[5] for r in sheet[1:]] == [r["title"] for r in rows]


def test_a_donor_exports_only_what_it_funds(client, login_as):
    login_as("donor", donor=org("japan"))
    rows = list(csv.DictReader(io.StringIO(client.get("/activities/export.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert rows and all(r["source"] in ("A/58/165 para. 16", "A/58/165 para. 17") for r in rows)
    assert not any("Madagascar" in r["title"] for r in rows)


# ------------------------------------------------------------------ one activity's page
def test_the_page_links_states_partners_experts_and_findings(client, officer):
    madagascar = activity_by_key("workshop-2003-madagascar")
    page = client.get(f"/activities/{madagascar.id}").get_data(as_text=True)
    assert f'href="/organizations/{org("imf").id}">International Monetary Fund (IMF)</a> — co-operating' in page
    assert 'href="/states/MDG">Madagascar</a>' in page and 'href="/experts/' in page
    assert 'href="/findings/' in page and "Money-laundering" in page


def test_the_romania_mission_shows_its_two_visits(client, officer):
    romania = activity_by_key("mission-2002-romania")
    page = client.get(f"/activities/{romania.id}").get_data(as_text=True)
    assert "8 January 2002 – 11 January 2002" in page and "5 November 2002 – 6 November 2002" in page
    assert page.count("Bucharest, ") == 2


def test_minsk_topics_and_the_monaco_meeting(client, officer):
    minsk = client.get(f"/activities/{activity_by_key('seminar-2003-minsk-national').id}").get_data(as_text=True)
    for topic in ("international judicial assistance in criminal matters", "smuggling of migrants",
                  "border control relating to transnational organized crime"):
        assert f"<li>{topic}</li>" in minsk
    monaco = client.get(f"/activities/{activity_by_key('egm-2003-q3-monaco-legislative-guides-final').id}")
    text = monaco.get_data(as_text=True)
    assert "Planned" in text and "Government of Monaco</a> — host (offered)" in text and "(quarter only)" in text


def test_a_donor_cannot_open_an_activity_it_does_not_fund(client, login_as):
    login_as("donor", donor=org("japan"))
    assert client.get(f"/activities/{activity_by_key('workshop-2003-madagascar').id}").status_code == 404
    assert client.get(f"/activities/{activity_by_key('mission-2002-romania').id}").status_code == 200
    assert client.get("/activities/new").status_code == 403


# ------------------------------------------------------------------ the form
def visit(n, country="ROU", start="2004-03-01", end="2004-03-04", city="Bucharest", precision="day"):
    return {f"visits-{n}-city": city, f"visits-{n}-country": country, f"visits-{n}-start_date": start,
            f"visits-{n}-end_date": end, f"visits-{n}-date_precision": precision}


def form_data(client, **overrides) -> dict:
    data = {"csrf_token": csrf_token(client, "/activities/new"), "kind": "mission", "status": "planned",
            "title": "Follow-up mission to Romania", "description": "", "served": ["ROU"], "instruments": ["UNTOC"],
            "other_instruments": "", "topics": "", "outcome": "", "source": "",
            **visit(0), **visit(1, start="2004-06-07", end="2004-06-08"),
            "partners-0-organization": "", "partners-0-role": "",
            "deployments-0-expert": "", "deployments-0-role": "", "deployments-0-start_date": "",
            "deployments-0-end_date": ""}
    data.update(overrides)
    return data


def test_an_officer_logs_a_mission_with_two_visits_a_request_and_an_expert(client, officer):
    request = factories.request("ROU", subject="Help with the Palermo Convention")
    expert = factories.expert(name="Maria Expert")
    db.session.commit()
    before = counts()
    response = client.post("/activities/new", data=form_data(
        client, requests=[str(request.id)], topics="extradition, mutual legal assistance",
        **{"deployments-0-expert": str(expert.id), "deployments-0-role": "legal adviser",
           "partners-0-organization": str(org("osce").id), "partners-0-role": "co-organizer"}))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    saved = db.session.scalar(sa.select(Activity).filter_by(title="Follow-up mission to Romania"))
    assert [(v.start_date, v.end_date) for v in saved.visits] == [(date(2004, 3, 1), date(2004, 3, 4)),
                                                                   (date(2004, 6, 7), date(2004, 6, 8))]
    assert saved.requests == [request] and [d.expert for d in saved.deployments] == [expert]
    assert saved.topics == ["extradition", "mutual legal assistance"] and saved.partners[0].role == "co-organizer"
    after = counts()
    assert after["Activity"] == before["Activity"] + 1 and after["ActivityVisit"] == before["ActivityVisit"] + 2
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_type="Activity", record_id=saved.id))
    assert entry.action == "create" and entry.actor_id == officer.id and len(entry.after["visits"]) == 2


def test_a_new_activity_answering_a_request_is_prefilled(client, officer):
    request = factories.request("BOL", instruments=("UNTOC", "TIP"))
    db.session.commit()
    page = client.get(f"/activities/new?request={request.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{request.id}">#{request.id} ', page)
    assert '<option selected value="BOL">' in page and '<option selected value="TIP">' in page


def test_add_another_visit_keeps_what_was_typed_and_saves_nothing(client, officer):
    before = counts()
    response = client.post("/activities/new", data=form_data(client, add="visits", title="Still typing"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and counts() == before
    assert 'name="visits-2-city"' in body and 'value="Still typing"' in body
    assert 'value="2004-06-07"' in body and field_errors(body) == []


def test_an_edit_replaces_the_rows_and_keeps_the_visit_ids(client, officer):
    activity = factories.activity(visits=[("ROU", date(2004, 1, 5), date(2004, 1, 6), "Cluj"),
                                          ("ROU", date(2004, 2, 5), date(2004, 2, 6), "Iasi")])
    expert = factories.expert()
    factories.deployment(expert, activity)
    db.session.commit()
    first, second = (v.id for v in activity.visits)
    data = form_data(client, title="Renamed", served=["ROU"], **visit(0, start="2004-01-05", end="2004-01-07",
                                                                       city="Cluj-Napoca"))
    data.update({"visits-0-id": str(first), "version": str(activity.version)})
    for key in [k for k in data if k.startswith("visits-1-")]:
        data[key] = ""
    response = client.post(f"/activities/{activity.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert [(v.id, v.city, v.end_date) for v in activity.visits] == [(first, "Cluj-Napoca", date(2004, 1, 7))]
    assert db.session.get(ActivityVisit, second) is None and activity.deployments == []
    entry = db.session.scalars(sa.select(AuditEntry).filter_by(record_type="Activity", record_id=activity.id,
                                                               action="update")).one()
    assert entry.before["title"] != "Renamed" and entry.after["title"] == "Renamed" and "experts" in entry.after


BAD = [
    ("end before start", {**visit(1, start="2004-06-08", end="2004-06-07")}, "visits-1-end_date",
     "The visit ends before it starts."),
    ("unknown country", {**visit(1, country="XYZ")}, "visits-1-country", "not one the record knows"),
    ("written analysis with a visit", {"kind": "written_analysis"}, "visits", "without travel"),
    ("regional meeting without States", {"kind": "regional_meeting", "served": []}, "served",
     "name at least one State"),
    ("empty title", {"title": "   "}, "title", "Give the activity a title."),
    ("overlong text", {"description": "x" * 5001}, "description", "At most 5,000 characters."),
    ("markup in the title", {"title": "<script>alert(1)</script> Mission"}, "title", "Write plain text"),
    ("a request number that is not one", {"requests": "#12, twelve"}, "requests", "Nothing you may choose matches"),
    ("a request that does not exist", {"requests": "#987654"}, "requests", "No request #987654 that you may"),
]


@pytest.mark.parametrize("case, overrides, field, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_beside_the_field_keeping_every_row(client, officer, case, overrides, field, message):
    before = counts()
    response = client.post("/activities/new", data=form_data(client, **overrides))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(message in m for m in field_errors(body, field)), field_errors(body)
    assert counts() == before  # nothing saved
    assert 'value="2004-03-01"' in body and 'name="visits-1-start_date"' in body  # every visit row kept
    assert "nothing was saved" in body
    if case == "markup in the title":
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Mission" in body and "<script>alert" not in body


def test_an_overlapping_deployment_is_a_warning_after_save_and_on_the_form(client, officer):
    expert = factories.expert(name="Busy Expert")
    first = factories.activity(title="First mission", visits=[("BOL", date(2004, 3, 2), date(2004, 3, 6))])
    factories.deployment(expert, first)
    db.session.commit()
    response = client.post("/activities/new", data=form_data(
        client, **{"deployments-0-expert": str(expert.id), "deployments-0-role": "lecturer"}), follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Busy Expert is also deployed on “First mission” from 2 March 2004 to 6 March 2004" in body
    saved = db.session.scalar(sa.select(Activity).filter_by(title="Follow-up mission to Romania"))
    form = client.get(f"/activities/{saved.id}/edit").get_data(as_text=True)
    assert "Overlapping deployments" in form and f'href="/activities/{first.id}">First mission</a>' in form


def test_upcoming_visits_on_the_officers_home_page(client, officer):
    soon = date.today() + timedelta(days=10)
    factories.activity(title="Mission next week", status="planned", visits=[("BOL", soon, soon + timedelta(days=2))])
    factories.activity(title="Mission called off", status="cancelled", visits=[("BOL", soon, soon)])
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Upcoming visits" in home and "Mission next week" in home and "Mission called off" not in home


# ------------------------------------------------------------------ the calendar
def test_the_calendar_shows_the_month_and_filters(client, officer):
    page = client.get("/activities/calendar?month=2002-11").get_data(as_text=True)
    assert "November 2002" in page and "Legislative assistance to Romania" in page
    assert "Legislative assistance to Nigeria" in page and 'href="/activities/calendar?month=2002-12"' in page
    african = client.get("/activities/calendar?month=2002-11&regional_group=African").get_data(as_text=True)
    assert "Legislative assistance to Nigeria" in african and "Legislative assistance to Romania" not in african
    firearms = client.get("/activities/calendar?month=2002-12&instrument=FIREARMS").get_data(as_text=True)
    assert "Firearms Protocol" in firearms and "Legislative assistance to Haiti" not in firearms
    assert client.get("/activities/calendar?month=2002-13").status_code == 400


def test_a_busy_calendar_month_is_bounded_with_links_to_the_rest(client, officer, session, monkeypatch):
    """A day shows its first visits and "n more" (the list filtered to that day); the month's table lists its
    first visits and links to the list of the month: the page no longer grows with the number of visits."""
    from app.services.activities import activity_reads
    monkeypatch.setattr(activity_reads, "DAY_ENTRIES", 2)
    monkeypatch.setattr(activity_reads, "MONTH_LISTED", 3)
    for n in range(5):
        factories.activity(title=f"Busy day mission {n}", visits=[("BOL", date(2031, 5, 14), date(2031, 5, 14),
                                                                     f"Busytown {n}")])
    factories.activity(title="Later mission", visits=[("PER", date(2031, 5, 20), date(2031, 5, 21), "Quietville")])
    session.commit()
    group = "regional_group=Latin+American+and+Caribbean"
    page = client.get(f"/activities/calendar?month=2031-05&{group}").get_data(as_text=True)
    grid = page[page.index("calendar-grid"):page.index("Visits this month")]
    assert grid.count("Busytown") == 2 and grid.count("Quietville") == 2  # the 20th and the 21st
    assert f'href="/activities/?date_from=2031-05-14&amp;date_to=2031-05-14&amp;{group}">3 more' in grid
    listed = page[page.index("Visits this month"):]
    assert "Visits this month: 6" in page and listed.count("Busy day mission") == 3 and "Later mission" not in listed
    assert f'href="/activities/?date_from=2031-05-01&amp;date_to=2031-05-31&amp;{group}"' in listed
    assert titles_on(client.get("/activities/?date_from=2031-05-14&date_to=2031-05-14").get_data(as_text=True)) \
        == [f"Busy day mission {n}" for n in range(5)]


def test_no_warning_for_a_deployment_between_two_visits(session):
    from app.services.activities.activity_writes import overlaps
    expert = factories.expert()
    two_visits = factories.activity(visits=[("ROU", date(2004, 1, 8), date(2004, 1, 11)),
                                            ("ROU", date(2004, 11, 5), date(2004, 11, 6))])
    factories.deployment(expert, two_visits)
    june = factories.activity(visits=[("BOL", date(2004, 6, 1), date(2004, 6, 3))])
    factories.deployment(expert, june)
    november = factories.activity(visits=[("PER", date(2004, 11, 6), date(2004, 11, 9))])
    factories.deployment(expert, november, start_date=date(2004, 11, 6), end_date=date(2004, 11, 6))
    session.flush()
    assert overlaps(june) == []
    assert [(o.other, o.start, o.end) for o in overlaps(november)] == [(two_visits, date(2004, 11, 5),
                                                                        date(2004, 11, 6))]


def test_the_lists_record_filters_offer_only_what_can_match(client, login_as, session):
    """An expert and a request are typed by number (the roster and the requests answered grow without bound: a
    select of them made the page grow with the record), and filter the same."""
    deployed, idle = factories.expert(name="Deployed expert"), factories.expert(name="Idle expert")
    mission = factories.activity(title="Answering mission")
    factories.deployment(deployed, mission)
    answered, unanswered = factories.request("BOL"), factories.request("PER")
    mission.requests.append(answered)
    session.commit()
    login_as("officer")
    page = client.get("/activities/").get_data(as_text=True)
    assert re.search(r'<input[^>]+name="expert"[^>]+type="text"|<input[^>]+type="text"[^>]+name="expert"', page)
    assert "Deployed expert" not in page and "Idle expert" not in page
    assert "Answering mission" in titles_on(client.get(f"/activities/?expert=%23{deployed.id}").get_data(
        as_text=True))
    assert re.search(r'<input[^>]+name="request"[^>]+type="text"|<input[^>]+type="text"[^>]+name="request"', page)
    assert "Answering mission" in titles_on(client.get(f"/activities/?request=%23{answered.id}").get_data(
        as_text=True))
    assert titles_on(client.get(f"/activities/?request={unanswered.id}").get_data(as_text=True)) == []
    assert titles_on(client.get(f"/activities/?expert={idle.id}").get_data(as_text=True)) == []
