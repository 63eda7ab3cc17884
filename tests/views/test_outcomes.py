"""The outcomes pages: labelled descriptive, every figure a link to its States, the A/58/165 question answered,
charts with their tables and CSV; the State page's timeline; the timeline API."""
import csv
import io
import re
from datetime import date, timedelta

import sqlalchemy as sa

from models import Organization, db
from tests import factories
from tests.helpers import count_queries, inline_code

A58 = "instrument=UNTOC&national=y&period_to=2003-07-02&as_of=2014-01-01"


def _canada():
    return db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))


def test_the_outcomes_page_says_descriptive_not_causal_and_links_each_figure(client, login_as):
    login_as("officer")
    response = client.get(f"/outcomes/?{A58}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Descriptive, not causal." in page
    assert inline_code(page) == []
    link = re.search(r'<a href="(/outcomes/states\?[^"]*figure=party_by_period_end[^"]*)"[^>]*>6</a>', page)
    assert link, "the count of States party by 2 July 2003 opens its list"
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    for code in ("BFA", "BLR", "MLI", "MUS", "NGA", "ROU"):
        assert f">{code}<" in listed
    assert ">BOL<" not in listed
    later = client.get(f"/outcomes/states?{A58}&figure=party_after_period_end").get_data(as_text=True)
    assert ">BOL<" in later and ">ROU<" not in later


def test_the_page_shows_the_record_currency_and_its_charts(client, login_as):
    login_as("manager")
    page = client.get("/outcomes/?as_of=2026-01-01").get_data(as_text=True)
    assert "later deposits are not recorded" in page
    assert "Treaty actions recorded up to: UNTOC 1 January 2014;" in page
    for name in ("cumulative-UNTOC", "deposits-by-group", "activities-by-month", "lead-times"):
        assert f"/outcomes/csv/{name}" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" viewBox=') >= 2 * 7  # wide and narrow of each
    assert "threshold: 40" in page and "entry into force 29 September 2003" in page


def test_each_chart_table_downloads_as_csv(client, login_as):
    login_as("officer")
    response = client.get("/outcomes/csv/deposits-by-group?instrument=UNTOC&as_of=2003-07-02")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "year" and rows[0][-1] == "total"
    assert sum(int(r[-1]) for r in rows[1:]) == 40  # the 40 deposits of the annex, Armenia the 40th on 1 July
    cumulative = client.get("/outcomes/csv/cumulative-UNTOC?as_of=2003-07-02").get_data(as_text=True)
    assert "2003-07-01" in cumulative
    assert client.get("/outcomes/csv/nothing").status_code == 404
    listed = client.get(f"/outcomes/states.csv?{A58}&figure=party_by_period_end").get_data(as_text=True)
    assert len(listed.strip().splitlines()) == 7


def test_bad_parameters_are_a_400_page(client, login_as):
    login_as("officer")
    assert client.get("/outcomes/?as_of=2003-02-30").status_code == 400
    assert client.get("/outcomes/?period_from=2004-01-01&period_to=2003-01-01").status_code == 400
    assert client.get("/outcomes/states?figure=everything").status_code == 400
    assert client.get("/outcomes/?donor=abc").status_code == 400
    assert client.get("/outcomes/?donor=99999999999").status_code == 400
    assert client.get("/outcomes/states?group=Nowhere").status_code == 400
    assert client.get("/outcomes/csv/deposits-by-group?as_of=9999-12-31").status_code == 400
    for fine in ("/outcomes/?as_of=1900-01-01", "/outcomes/?regional_group=none", "/outcomes/?donor=99999",
                 "/outcomes/states?figure=not_assisted&group=African&as_of=1950-01-01"):
        assert client.get(fine).status_code == 200, fine


def test_a_donor_sees_its_own_scope_said_on_the_page(client, login_as):
    login_as("donor", donor=_canada())
    page = client.get("/outcomes/?instrument=UNTOC").get_data(as_text=True)
    assert "count only the activities your own contributions funded" in page
    # Canada funded the assistance of paras 16-17, not the joint workshops of para 18 (Angola, 24 January 2003)
    listed = client.get("/outcomes/states?instrument=UNTOC&figure=assisted").get_data(as_text=True)
    assert ">ROU<" in listed and ">AGO<" not in listed


def test_the_state_page_shows_its_timeline(client, login_as):
    login_as("officer")
    page = client.get("/states/ROU?instrument=UNTOC&as_of=2003-07-02").get_data(as_text=True)
    assert "Outcome timeline: UNTOC" in page
    timeline = page[page.index('id="timeline"'):page.index("</table>", page.index('id="timeline"'))]
    assert timeline.index("8 January 2002") < timeline.index("4 December 2002") < timeline.index("19 March 2003")
    assert "29 September 2003" not in timeline  # in force for Romania after the day asked for


# ------------------------------------------------------------------ the API
def test_the_timeline_api(api_as, session):
    get, _ = api_as("officer")
    body = get("/api/v1/states/ROU/timeline?instrument=UNTOC&as_of=2003-07-02").get_json()
    assert body["state"] == "ROU" and body["instrument"] == "UNTOC" and body["record_complete_to"]["UNTOC"]
    days = [e["date"] for e in body["items"]]
    assert days == sorted(days) and days[0] == "2000-12-14"
    assert {"kind": "deposit", "date": "2002-12-04"}.items() <= next(
        e for e in body["items"] if e["kind"] == "deposit").items()
    assert get("/api/v1/states/XYZ/timeline").status_code == 404
    assert get("/api/v1/states/ROU/timeline?instrument=NOPE").status_code == 400
    assert get("/api/v1/states/ROU/timeline?as_of=2003-13-01").status_code == 400
    doc = get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in doc["paths"]["/api/v1/states/{code}/timeline"]["get"]["parameters"]}
    assert params == {"code", "instrument", "as_of", "page", "per_page"}


def test_a_donor_timeline_has_no_requests_and_only_its_money(api_as, session):
    canada = _canada()
    request = factories.request("ROU", instruments=["UNTOC"], received=date(2001, 12, 1))
    session.commit()
    get, _ = api_as("donor", donor=canada)
    items = get("/api/v1/states/ROU/timeline?instrument=UNTOC").get_json()["items"]
    assert "request" not in {e["kind"] for e in items}
    donors = {e["title"].split(":")[0] for e in items if e["kind"] == "contribution"}
    assert donors == {"Canada"}
    staff, _ = api_as("officer")
    staff_items = staff("/api/v1/states/ROU/timeline?instrument=UNTOC").get_json()["items"]
    assert {"type": "request", "id": request.id} in [e["record"] for e in staff_items]


def _assisted_again(times: int, start: int = 1):
    for n in range(start, start + times):
        activity = factories.activity(visits=[("ROU", date(2004, 1, n), date(2004, 1, n + 1))], served=["ROU"])
        factories.deployment(factories.expert(), activity)
        factories.allocation(factories.contribution(), activity)
        factories.finding("ROU", activity=activity)


def test_the_timeline_api_costs_the_same_queries_at_two_sizes(api_as, session):
    get, _ = api_as("officer")
    _assisted_again(1)  # one of each kind of event, so that every eager load runs at both sizes
    session.commit()
    get("/api/v1/states/ROU/timeline")

    def cost(path="/api/v1/states/ROU/timeline?per_page=500"):  # every kind of event on the page, at both sizes
        session.expunge_all()
        with count_queries() as statements:
            assert get(path).status_code == 200
        return len(statements)
    small = cost()
    _assisted_again(8, start=2)
    session.commit()
    assert cost() == small
    # a page loads the records of the kinds of event on it: never more than all of them
    assert cost("/api/v1/states/ROU/timeline") <= small


def test_the_outcomes_pages_cost_the_same_queries_at_two_sizes(client, login_as, session):
    login_as("officer")
    paths = ["/outcomes/?as_of=2014-01-01", "/outcomes/states?figure=assisted&as_of=2014-01-01",
             "/outcomes/states?figure=not_party&as_of=2014-01-01"]

    def cost():
        counts = []
        for path in paths:
            session.expunge_all()
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
        return counts
    cost()  # the first round fills the treaty-status cache (one computation per change of the record)
    small = cost()
    donor = factories.organization(name="A new donor")
    for n, code in enumerate(("KAZ", "BTN", "FJI", "JPN", "KOR", "PNG", "ERI", "COG", "SOM", "TUV")):
        activity = factories.activity(visits=[(code, date(2005, 1, 1 + n), date(2005, 1, 2 + n))], served=[code],
                                      instruments=["UNTOC", "TIP"])
        factories.allocation(factories.contribution(donor), activity)
        factories.request(code, instruments=["UNTOC"], received=date(2004, 6, 1))
    session.commit()
    assert cost() == small


def test_the_timeline_api_pages_like_every_list(api_as, session):
    for n in range(30):
        factories.request("ROU", instruments=["UNTOC"], received=date(2004, 1, 1) + timedelta(days=n),
                          subject=f"Paged {n:02}")
    session.commit()
    get, _ = api_as("officer")
    whole = get("/api/v1/states/ROU/timeline?per_page=500").get_json()
    assert whole["page"] == 1 and whole["pages"] == 1 and whole["total"] == len(whole["items"]) > 30
    first = get("/api/v1/states/ROU/timeline?per_page=10").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 10, whole["total"])
    assert first["pages"] == -(-whole["total"] // 10) and first["state"] == "ROU"
    pages = [get(f"/api/v1/states/ROU/timeline?per_page=10&page={p}").get_json()["items"]
             for p in range(1, first["pages"] + 1)]
    assert [e for page in pages for e in page] == whole["items"]  # the pages, end to end, are the timeline
    assert get(f"/api/v1/states/ROU/timeline?page={first['pages'] + 1}").get_json()["items"] == []
    assert get("/api/v1/states/ROU/timeline?per_page=0").status_code == 400
    assert get("/api/v1/states/ROU/timeline?page=x").status_code == 400


def test_the_timeline_marks_inferred_funding_on_the_page_and_in_the_api(client, login_as, api_as):
    get, _ = api_as("officer")
    items = get("/api/v1/states/ROU/timeline?instrument=UNTOC&as_of=2003-07-02").get_json()["items"]
    money = [e for e in items if e["kind"] == "contribution"]
    assert len(money) == 1 and money[0]["inferred"] is True and len(money[0]["contributions"]) == 7
    assert money[0]["date"] == "2002-01-08" and "they paid for" in money[0]["date_note"]
    assert all(e["inferred"] is False for e in items if e["kind"] != "contribution")
    doc = get("/api/v1/openapi.json").get_json()
    assert "inferred" in str(doc["paths"]["/api/v1/states/{code}/timeline"])
    login_as("officer")
    page = client.get("/states/ROU?instrument=UNTOC&as_of=2003-07-02").get_data(as_text=True)
    row = re.search(r'<tr class="timeline-contribution[^"]*">.*?</tr>', page, re.S).group(0)
    assert "7 contributions" in row and "inferred-mark" in row


def test_a_page_past_the_end_of_the_states_behind_a_figure_keeps_its_pager(client, login_as):
    login_as("manager")
    first = client.get("/outcomes/states?figure=assisted&per_page=5").get_data(as_text=True)
    pages = int(re.search(r"Page 1 of (\d+)", first).group(1))
    assert pages > 1
    past = client.get(f"/outcomes/states?figure=assisted&per_page=5&page={pages + 3}")
    assert past.status_code == 200
    text = past.get_data(as_text=True)
    assert f"Page {pages + 3} of {pages}" in text and "outcome-states" not in text  # no rows, the way back shown
    assert re.search(r'<a class="page-link" href="[^"]*page=' + str(pages + 2), text)
