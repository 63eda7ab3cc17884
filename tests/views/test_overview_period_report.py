"""/reports/period: the report of A/58/165 regenerated for any period — its tables on a hand-built period with known
answers, on the reference record's own period, scoped for donors, as CSV, in a fixed number of queries."""
import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.services.overview import period_report
from app.services.treaties import treaty_record
from models import AssistanceRequest, Expert, MemberState, Organization, TreatyAction, db
from tests import factories
from tests.conftest import login
from tests.helpers import count_queries, inline_code

PERIOD = "from=2010-03-01&to=2010-06-30"


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def section(page: str, name: str) -> str:
    start = page.index(f'id="{name}-title"')
    end = page.find("</section>", start)
    return page[start:end]


def period_rows(client, query: str, table: str) -> list[dict]:
    """One table of the period report as CSV rows; a period over a year is a job, whose file the redirect leads to."""
    return csv_rows(client.get(f"/reports/period.csv?{query}&table={table}", follow_redirects=True))


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture()
def hand_built(session):
    """A period (March–June 2010) with known contents; the treaty record cut at the end of 2009 and three deposits
    added: two in the period, one after it."""
    factories.record_until(date(2009, 12, 31))
    donor = factories.organization(name="Donor in the period")
    mission = factories.activity(title="Mission in the period", served=["BOL"],
                                 visits=[("BOL", date(2010, 2, 20), date(2010, 2, 22), "Sucre"),
                                         ("BOL", date(2010, 4, 5), date(2010, 4, 7), "La Paz")])
    meeting = factories.activity("regional_meeting", title="Meeting in the period", served=[],
                                 participants=["PER", "CHL", "ECU"],
                                 visits=[("PER", date(2010, 6, 30), date(2010, 7, 2), "Lima")])
    factories.activity(title="Cancelled in the period", status="cancelled",
                       visits=[("BOL", date(2010, 5, 1), date(2010, 5, 2))])
    factories.activity(title="Mission after the period", visits=[("BOL", date(2010, 7, 1), date(2010, 7, 2))])
    factories.allocation(factories.contribution(donor), mission)
    in_period = factories.request("URY", received=date(2010, 3, 1), subject="Request in the period")
    after_period = factories.request("URY", received=date(2010, 7, 1), subject="Request after the period")
    firearms = factories.instrument("FIREARMS")
    parties = sa.select(TreatyAction.state_id).where(TreatyAction.instrument_id == firearms.id,
                                                     TreatyAction.category == "deposit")
    a, b, c = session.scalars(sa.select(MemberState).where(MemberState.id.not_in(parties),
                                                           MemberState.kind == "state")
                              .order_by(MemberState.code).limit(3)).all()
    for state, day in ((a, date(2010, 3, 1)), (b, date(2010, 6, 30)), (c, date(2010, 7, 1))):
        session.execute(sa.delete(TreatyAction).where(TreatyAction.state_id == state.id,
                                                      TreatyAction.instrument_id == firearms.id,
                                                      TreatyAction.category == "deposit"))
        session.add(TreatyAction(state=state, instrument=firearms, kind="accession", action_date=day, source="test"))
    session.commit()
    return {"donor": donor, "mission": mission, "meeting": meeting, "states": (a, b, c), "in_period": in_period,
            "after_period": after_period}


def test_the_tables_of_a_hand_built_period(client, login_as, hand_built):
    login_as("manager")
    response = client.get(f"/reports/period?{PERIOD}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and inline_code(page) == []
    assert "Progress report: 1 March 2010 – 30 June 2010" in page and "print.css" in page
    activities = section(page, "activities")
    assert "Mission in the period" in activities and "La Paz" in activities and "Sucre" not in activities
    assert "Cancelled" not in activities and "after the period" not in activities
    assert "Donor in the period" in activities
    meetings = section(page, "meetings")
    assert "Meeting in the period" in meetings and "3: " in meetings and "Lima" in meetings
    requests = section(page, "requests")
    assert f"Request #{hand_built['in_period'].id}<" in requests
    assert f"Request #{hand_built['after_period'].id}<" not in requests
    a, b, c = hand_built["states"]
    deposits = section(page, "deposits")
    assert f"/states/{a.code}" in deposits and f"/states/{b.code}" in deposits and f"/states/{c.code}" not in deposits
    assert "Deposits: 2" in deposits and "FIREARMS: 2" in deposits
    donors = section(page, "donors")
    # counted in SQL (issue 26): the page says how many activities each donor funded, the CSV names them
    assert "Donor in the period" in donors and "<td>1</td>" in donors

    rows = period_rows(client, PERIOD, "requests")
    dated = [r for r in rows if r["received_date"]]
    assert [r["subject"] for r in dated] == ["Request in the period"]
    assert all(r["received_date"] == "" for r in rows if r not in dated)  # undated: para. 19's, in every period
    assert [(r["participant"], r["date"], r["action"]) for r in csv_rows(
        client.get(f"/reports/period.csv?{PERIOD}&table=deposits"))] == [
        (a.code, "2010-03-01", "accession"), (b.code, "2010-06-30", "accession")]
    meeting_rows = period_rows(client, PERIOD, "meetings")
    assert [(r["title"], r["participants"], r["participating_states"]) for r in meeting_rows] == [
        ("Meeting in the period", "3", "CHL\nECU\nPER")]
    activity_rows = period_rows(client, PERIOD, "activities")
    bolivia = factories.state("BOL").name_on(date(2010, 4, 5))
    assert [(r["title"], r["visits"], r["states_served"], r["donors"]) for r in activity_rows] == [
        ("Mission in the period", f"La Paz, {bolivia} 2010-04-05/2010-04-07", "BOL", "Donor in the period")]
    donor_rows = period_rows(client, PERIOD, "donors")
    assert [(r["donor"], r["activities"], r["activity_titles"]) for r in donor_rows] == [
        ("Donor in the period", "1", "Mission in the period")]


def test_the_period_of_a_58_165_on_the_reference_record(client, login_as):
    login_as("officer")
    query = "from=2002-01-01&to=2003-07-04"
    # over a year: a job (issue 28), run in-process here, whose page the browser is sent to
    page = client.get(f"/reports/period?{query}", follow_redirects=True).get_data(as_text=True)
    activities = section(page, "activities")
    # para. 16: "to Romania in Bucharest from 8 to 11 January and on 5 and 6 November" — two visits
    romania = re.search(r"Legislative assistance to Romania.*?</tr>", activities, re.S).group(0)
    assert romania.count("Bucharest") == 2 and "8 January 2002" in romania and "5 November 2002" in romania
    meetings = {r["title"]: r for r in period_rows(client, query, "meetings")}
    quito = next(r for t, r in meetings.items() if "Regional Ministerial Seminar" in t)
    assert quito["participants"] == "14" and "Quito" in quito["visits"]          # para. 13 (b)
    vilnius = next(r for r in meetings.values() if "Vilnius" in r["visits"])
    assert vilnius["participants"] == "15"                                        # para. 13 (c)
    requests = period_rows(client, query, "requests")
    para19 = {"BOL", "BIH", "CHL", "HRV", "ECU", "GMB", "GIN", "HUN", "JOR", "NAM", "NRU", "RWA", "THA", "URY", "VEN"}
    assert para19 <= {r["state"] for r in requests}
    assert {r["status_label"] for r in requests if r["source"] == "A/58/165 para. 19"} == {"Pending"}
    deposits = period_rows(client, query, "deposits")
    assert ("ARM", "2003-07-01", "UNTOC") in {(r["participant"], r["date"], r["instrument"]) for r in deposits}
    for instrument in treaty_record.visible_instruments(EVERYTHING):
        after = {p.participant for p in treaty_record.instrument_status(instrument, date(2003, 7, 4)).parties}
        before = {p.participant for p in treaty_record.instrument_status(instrument, date(2001, 12, 31)).parties}
        assert {r["participant"] for r in deposits if r["instrument"] == instrument.code} == after - before
    donors = {r["donor"] for r in period_rows(client, query, "donors")}
    assert {"Canada", "France", "Italy", "Japan", "Norway"} <= donors                  # para. 7


def test_a_donor_sees_its_own_money_only(app, make_user, hand_built):
    other = factories.organization(name="Other donor")
    factories.allocation(factories.contribution(other), hand_built["meeting"])
    factories.allocation(factories.contribution(other), hand_built["mission"])   # co-funded
    db.session.commit()
    client = app.test_client()
    login(client, make_user("donor", donor=hand_built["donor"]))
    page = client.get(f"/reports/period?{PERIOD}").get_data(as_text=True)
    assert "Mission in the period" in page and "Meeting in the period" not in page
    assert "Other donor" not in page                      # not even beside the activity it co-funds
    assert 'id="requests-title"' not in page              # donors do not see requests
    assert client.get(f"/reports/period.csv?{PERIOD}&table=requests").status_code == 403
    deposits = section(page, "deposits")
    assert "None in the period" in deposits               # no deposit in Bolivia in the period
    assert [r["donor"] for r in period_rows(client, PERIOD, "donors")] == [
        "Donor in the period"]


@pytest.mark.parametrize("query", ["from=2003-07-04&to=2002-01-01", "from=2003-02-30", "to=9999-12-31"])
def test_bad_periods_are_a_400(client, login_as, query):
    login_as("officer")
    assert client.get(f"/reports/period?{query}").status_code == 400
    assert client.get(f"/reports/period.csv?{query}&table=deposits").status_code == 400


def test_a_csv_needs_a_known_table(client, login_as):
    login_as("officer")
    assert client.get(f"/reports/period.csv?{PERIOD}").status_code == 400
    assert client.get(f"/reports/period.csv?{PERIOD}&table=nope").status_code == 400


def test_the_table_keys_of_the_form_are_the_reports():
    from forms.overview.period_report import TABLE_KEYS
    assert TABLE_KEYS == list(period_report.TABLES)


def test_the_report_costs_a_fixed_number_of_queries(client, login_as, session, hand_built):
    login_as("manager")
    expert_id, donor_id = factories.expert().id, factories.organization().id

    def grow(n):
        expert, donor = session.get(Expert, expert_id), session.get(Organization, donor_id)
        for i in range(n):
            a = factories.activity(served=["BOL", "PER"], participants=["CHL"],
                                   visits=[("BOL", date(2010, 4, 1 + i), date(2010, 4, 2 + i))])
            factories.deployment(expert, a)
            factories.allocation(factories.contribution(donor), a)
            a.requests.append(factories.request("BOL", received=date(2010, 4, 1 + i)))
        session.commit()

    def cost():
        session.expunge_all()
        with count_queries() as statements:
            assert client.get(f"/reports/period?{PERIOD}").status_code == 200
        return len(statements)
    grow(1)
    client.get(f"/reports/period?{PERIOD}")  # the treaty figures are then cached (services.treaties.FIGURES)
    small = cost()
    grow(12)
    large = cost()
    # Issue 26: one page of activities and one of meetings (with only the loads a row shows), counted with the
    # donors from the figures the writes keep (period_months); the signed-in user and the header's bell included.
    # The requests: their two parts (received in the period, undated) counted in one statement, paged in one, and
    # the page's rows loaded by id.
    assert large == small == 38, (small, large)


def test_the_requests_pages_run_through_the_periods_then_the_undated(session, monkeypatch):
    """The requests received in the period in date order, then those without a date of receipt, page after page
    across the seam; none received outside the period."""
    monkeypatch.setattr(period_report, "PER_PAGE", 3)
    first, last = date(2010, 1, 1), date(2010, 12, 31)
    made = [factories.request("BOL", received=day) for day in
            (date(2010, 5, 2), date(2010, 1, 1), date(2010, 12, 31), date(2010, 5, 2), date(2009, 12, 31))]
    made += [factories.request("PER", received=None) for _ in range(3)]
    session.flush()
    R = AssistanceRequest
    expected = [r.id for r in session.scalars(
        sa.select(R).where(sa.or_(R.received_date.between(first, last), R.received_date.is_(None)))
        .order_by(R.received_date.is_(None), R.received_date, R.id))]
    assert {r.id for r in made} - set(expected) == {made[4].id}  # 31 December 2009: outside
    pages = [period_report.build_page(EVERYTHING, first, last, True, {"requests": n}).pages["requests"]
             for n in range(1, len(expected) // 3 + 3)]
    assert [r.id for p in pages for r in p.items] == expected
    assert {p.total for p in pages} == {len(expected)} and pages[-1].items == []


def test_the_2002_report_says_where_its_firearms_figure_differs_from_para_6(client, login_as):
    """A/58/165 para 6: "During 2002 … 2 the Firearms Protocol"; its annex and the depositary list 3 (Mali, Burkina
    Faso, Bulgaria). The period report for 2002 counts 3 and says where and how it differs from the report."""
    login_as("officer")
    page = client.get("/reports/period?from=2002-01-01&to=2002-12-31").get_data(as_text=True)
    deposits = section(page, "deposits")
    assert "FIREARMS: 3" in deposits
    notes = re.findall(r'<div class="alert alert-warning stated-differs".*?</div>', deposits, re.S)
    assert len(notes) == 1 and "FIREARMS: the record counts 3, A/58/165, para. 6 says 2" in notes[0]
    assert "and 2 the Firearms Protocol" in notes[0] and "annex lists 3" in notes[0]
    for code in ("UNTOC", "TIP", "SOM"):  # 22, 17 and 16: the record agrees with the text
        assert f"{code}: the record counts" not in notes[0]
    other = client.get("/reports/period?from=2002-01-01&to=2002-12-30").get_data(as_text=True)
    assert "stated-differs" not in other  # para 6 speaks of the whole of 2002 only


def test_inferred_donors_are_marked_on_the_page_and_in_the_files(client, login_as):
    """Canada's funding of the Romania mission (para 16) is the record's inference: marked in the activities table,
    in the donors table and in both CSV files."""
    login_as("officer")
    query = "from=2002-01-01&to=2003-07-04"
    page = client.get(f"/reports/period?{query}", follow_redirects=True).get_data(as_text=True)  # a job: over a year
    romania = re.search(r"Legislative assistance to Romania.*?</tr>", section(page, "activities"), re.S).group(0)
    assert re.search(r"Canada <span class=\"badge text-bg-warning inferred-mark\"", romania)
    assert "inferred-mark" in section(page, "donors")
    rows = period_rows(client, query, "activities")
    row = next(r for r in rows if r["title"].startswith("Legislative assistance to Romania"))
    assert re.search(r"(^|\W)Canada \(inferred\)", row["donors"])
    donors = {r["donor"]: r for r in period_rows(client, query, "donors")}
    assert re.search(r"Legislative assistance to Romania[^;|\n]*? \(inferred\)", donors["Canada"]["activity_titles"])


def test_the_para_19_requests_instruments_are_marked_inferred(client, login_as):
    login_as("officer")
    query = "from=2002-01-01&to=2003-07-04"
    requests = section(client.get(f"/reports/period?{query}", follow_redirects=True).get_data(as_text=True),
                       "requests")
    bih = re.search(r"<tr>(?:(?!</tr>).)*Bosnia and Herzegovina.*?</tr>", requests, re.S).group(0)
    assert "inferred-mark" in bih
    rows = period_rows(client, query, "requests")
    assert {r["subject_inferred"] for r in rows if r["source"] == "A/58/165 para. 19"} == {"yes"}



def test_the_page_shows_one_page_of_each_long_table_and_the_csv_every_row(client, login_as, session, monkeypatch):
    """Issue 26: a year at 200,000 requests was 3.5 MB on one page; the page now pages its long tables (each on
    its own parameter, the count over the whole period beside the title), and each table's CSV holds every row."""
    from app.services.overview import period_report
    monkeypatch.setattr(period_report, "PER_PAGE", 2)
    titles = [f"Paged mission {i}" for i in range(3)]
    for i, title in enumerate(titles):
        factories.activity(title=title, served=["BOL"], visits=[("BOL", date(2010, 4, 1 + i), date(2010, 4, 2 + i))])
    session.commit()
    login_as("manager")
    first = section(client.get(f"/reports/period?{PERIOD}").get_data(as_text=True), "activities")
    second = section(client.get(f"/reports/period?{PERIOD}&activities_page=2").get_data(as_text=True), "activities")
    assert "Activities by kind: 3" in first and "Advisory mission (3)" in first  # counted over the whole period
    assert [t in first for t in titles] == [True, True, False] and [t in second for t in titles] == [False, False, True]
    assert "activities_page=2" in first and "Page 2 of 2" in second
    assert {r["title"] for r in period_rows(client, PERIOD, "activities")} >= set(titles)
    assert client.get(f"/reports/period?{PERIOD}&activities_page=0").status_code == 400
