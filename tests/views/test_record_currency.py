""""Today" on a record that ends earlier (issue 24, item 2): figures counted to today either stop at the day the
treaty record is complete to or say beside them that later deposits are not recorded; requests and activities of
2003 still pending or planned are shown with their age, not as current work."""
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from models import Organization, db


# ------------------------------------------------------------------ "today" on a record that ends earlier (item 2)
def test_the_annex_envelope_says_its_figures_stop_at_2_july_2003(api_as):
    get, _ = api_as("officer")
    today = date.today()
    annex = get("/api/v1/instruments?source=annex").get_json()
    assert annex["as_of"] == today.isoformat() and annex["counted_to"] == "2003-07-02"
    assert annex["note"].startswith("The annex of A/58/165 as printed holds deposits up to 2 July 2003: deposits "
                                    "after that day are not recorded")
    record = get("/api/v1/instruments").get_json()
    assert record["counted_to"] == "2014-01-01" and "not recorded" in record["note"]
    within = get("/api/v1/instruments?as_of=2003-07-02&source=annex").get_json()
    assert within["counted_to"] == "2003-07-02" and within["note"] is None
    parties = get("/api/v1/instruments/SOM/parties").get_json()
    assert parties["counted_to"] == "2014-07-01" and "1 July 2014" in parties["note"]


NOTE = ("(deposits are recorded up to 1 January 2014 for UNTOC, TIP and 1 July 2014 for SOM, FIREARMS; later "
        "deposits are not recorded)")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("role", ["manager", "officer"])
def test_the_dashboards_deposits_of_this_year_say_later_deposits_are_not_recorded(client, login_as, role):
    login_as(role)
    page = text_of(client.get("/dashboard").get_data(as_text=True))
    today = date.today()
    assert "later deposits are not recorded, so the figures shown for" in page  # the notice at the top
    assert f"Progress to entry into force {NOTE}" in page
    if role == "manager":
        assert f"Deposits in {today.year} to {today.day} {today:%B} {today.year}: 0 {NOTE}" in page
    # Asked as at a day the record covers: no note.
    covered = text_of(client.get("/dashboard?as_of=2003-07-02").get_data(as_text=True))
    assert "later deposits are not recorded" not in covered


def test_the_donor_portal_says_beside_all_parties_that_later_deposits_are_not_recorded(client, login_as):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    login_as("donor", donor=canada)
    page = text_of(client.get("/funding/").get_data(as_text=True))
    assert "All parties as at" in page and "later deposits are not recorded)" in page
    dashboard = text_of(client.get("/dashboard").get_data(as_text=True))
    assert "Deposits in the States your contributions reached: " in dashboard and NOTE.split(";")[0] in dashboard


def test_outcomes_still_not_party_counts_days_to_the_records_end(client, login_as):
    login_as("officer")
    page = client.get("/outcomes/?instrument=FIREARMS").get_data(as_text=True)
    section = page[page.index("Assisted and still not party</h2>"):]
    section = section[:section.index("</table>")]
    rows = re.findall(r"<tr><td>.*?</tr>", section, re.S)
    assert rows
    for row in rows:
        first = re.search(r'<td class="text-nowrap">(\d+ \w+ \d{4})</td>', row).group(1)
        started = datetime.strptime(first, "%d %B %Y").date()
        days = int(re.search(r"<td>(\d+) days", row).group(1))
        assert days == (date(2014, 7, 1) - started).days  # not to today
        assert "to 1 July 2014, the last day recorded for FIREARMS; later deposits are not recorded" in row


def test_the_cumulative_chart_stops_where_the_record_does(client, login_as):
    login_as("officer")
    page = client.get("/instruments/SOM").get_data(as_text=True)
    assert "recorded to 1 July 2014" in page
    assert "The lines stop on 1 July 2014, the day the record is complete to: later deposits are not recorded." in page
    early = client.get("/instruments/SOM?as_of=2005-01-01").get_data(as_text=True)
    assert "recorded to" not in early and "The lines stop on" not in early


# ------------------------------------------------------------------ old work shown with its age
def test_the_home_page_shows_the_reports_open_requests_and_plans_with_their_age(client, login_as):
    login_as("manager")
    page = text_of(client.get("/").get_data(as_text=True))
    years = date.today().year - 2003
    assert (f"Requests awaiting a decision 15 Of those, waiting more than a year 15 pending since 2003 — {years} "
            "years (records of the past, not current work; 0 current)") in page
    assert re.search(rf"Of those, still marked planned or under way, more than a year after their dates \d+ planned "
                     rf"since 2003 — {years} years", page), page[page.index("The record"):][:800]


def test_a_request_logged_now_is_current_work(client, login_as):
    from tests import factories
    factories.request("BOL", received=date.today())
    db.session.commit()
    login_as("manager")
    page = text_of(client.get("/").get_data(as_text=True))
    assert "Requests awaiting a decision 16 Of those, waiting more than a year 15 pending since 2003" in page
    assert "1 current)" in page


def test_the_queue_shows_each_old_request_with_its_age(client, login_as):
    login_as("manager")
    body = client.get("/queue").get_data(as_text=True)
    page = text_of(body)
    years = date.today().year - 2003
    assert (f"15 requests in the queue have waited more than a year: 15 pending since 2003 — {years} years. They are "
            "records of the past") in page
    rows = re.findall(r'<tr id="request-\d+".*?</tr>', body, re.S)
    assert len(rows) == 15
    for row in rows:
        assert f"pending since 2003 — {years} years" in row and "as reported on 4 July 2003" in row
