"""Outcome timeline and analytics on a hand-built data set with known answers, and on the reference record.

The hand-built set runs on a record emptied for the test (every reference activity cancelled, every treaty action
removed): only the States below are assisted or party, so every figure has an answer worked out by hand.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from app.listing import Paging
from app.scoping import EVERYTHING, Scope
from app.services.outcomes import outcome_summary, outcome_timeline
from app.services.treaties import outcome_facts
from models import Activity, ActivityState, AssistanceRequest, MemberState, TreatyAction, db
from models.enums import RegionalGroup
from tests import factories
from tests.helpers import count_queries

AS_OF = date(2010, 1, 1)
F = outcome_summary.OutcomeFilters


def _action(code, kind, day, instrument="UNTOC"):
    return factories._add(TreatyAction(state=factories.state(code), instrument=factories.instrument(instrument),
                                       kind=kind, action_date=day, source="test"))


def _served(code, day, kind="mission", **kw):
    visits = [(code, day, day)] if day else []
    return factories.activity(kind, visits=visits, served=[code], **kw)


@pytest.fixture()
def data(session):
    """GHA, KEN, SEN (African) and POL, HUN (Eastern European) assisted on UNTOC; ZAF party without assistance."""
    session.execute(sa.update(Activity).values(status="cancelled"))
    session.execute(sa.update(AssistanceRequest).values(received_date=None, due_date=None))
    factories.record_until(date(1990, 1, 1))
    # the actions below are the whole record up to AS_OF: complete to that day (figures count no further)
    session.execute(sa.update(factories.Instrument).values(record_complete_to=AS_OF))
    d1, d2 = factories.organization(name="Donor one"), factories.organization(name="Donor two")
    c1, c2 = factories.contribution(d1), factories.contribution(d2)
    gha = _served("GHA", date(2003, 1, 10))
    factories.allocation(c1, gha)
    factories.request("GHA", received=date(2002, 11, 1))
    _action("GHA", "signature", date(2001, 1, 10))
    _action("GHA", "ratification", date(2003, 5, 10))           # 120 days after first assistance
    _served("KEN", date(2003, 2, 1), kind="workshop")
    _action("KEN", "signature", date(2002, 1, 1))
    _action("KEN", "ratification", date(2004, 1, 1))            # 334 days after
    factories.activity("regional_meeting", visits=[("SEN", date(2003, 3, 1), date(2003, 3, 2))],
                       served=["SEN"], participants=["UGA"])
    _action("SEN", "accession", date(2002, 6, 1))               # party before its first assistance
    pol = _served("POL", date(2004, 1, 1))
    factories.allocation(c2, pol)
    _served("HUN", date(2009, 6, 1))                            # six months elapsed by AS_OF, not twelve
    _action("ZAF", "signature", date(2003, 1, 1))
    _action("ZAF", "ratification", date(2005, 1, 1))            # not assisted: 731 days signature -> deposit
    _served("CIV", None, kind="written_analysis")               # undated: left out
    _served("TZA", date(2003, 1, 1), status="cancelled")        # cancelled: no assistance
    _served("MLI", date(2011, 1, 1))                            # after AS_OF
    session.flush()
    outcome_facts.rebuild()  # the factories and the updates above write past the services that keep the figures
    return {"d1": d1, "d2": d2, "gha": gha}


def codes(pairs):
    return sorted(p.state.code for p in pairs)


def test_the_figures_of_the_hand_built_set(data):
    a = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC"))
    m = a.summary.members
    # UGA took part in the meeting that served SEN: assisted (served, or took part), as the forecast counts it
    assert codes(m["assisted"]) == ["GHA", "HUN", "KEN", "POL", "SEN", "UGA"]
    assert codes(m["already_party"]) == ["SEN"]
    assert codes(m["deposited_after"]) == ["GHA", "KEN"]
    assert [p.state.code for p in m["not_party"]] == ["UGA", "POL", "HUN"]  # longest wait first
    assert m["not_party"][1].elapsed == 2192
    Share = outcome_summary.Share
    assert a.summary.shares == {6: Share(1, 5), 12: Share(2, 4), 24: Share(2, 4)}
    assert a.summary.shares[12].percent == 50.0
    assert a.summary.medians == {"request_to_activity": 70, "activity_to_deposit": 227,
                                 "signature_to_deposit": 790}
    assert a.record.undated == 1


def test_the_breakdowns(data):
    """A row by kind or by donor is counted in the database (no list of its own: its link opens the analysis with
    that filter added, whose pairs are the row's)."""
    a = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC"))
    rows = {b.key: {value: s.count("assisted") for value, _label, s in b.rows} for b in a.breakdowns}
    groups = next(b for b in a.breakdowns if b.key == "regional_group")
    assert {v: codes(s.members["assisted"]) for v, _l, s in groups.rows} == {
        "African": ["GHA", "KEN", "SEN", "UGA"], "Eastern European": ["HUN", "POL"]}
    assert rows["kind"] == {"mission": 3, "workshop": 1, "regional_meeting": 2}
    assert codes(outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC", kind="mission")).pairs) == [
        "GHA", "HUN", "POL"]
    assert rows["donor"] == {str(data["d1"].id): 1, str(data["d2"].id): 1}
    assert codes(outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC", donor=data["d2"].id)).pairs) == [
        "POL"]
    assert rows["instrument"] == {}  # the filter already names one
    african = next(s for v, _l, s in a.breakdowns[0].rows if v == "African")
    assert african.shares[6] == outcome_summary.Share(1, 3) and african.medians["activity_to_deposit"] == 227


def test_assisted_against_not_assisted(data):
    a = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC"))
    african = next(c for c in a.comparisons if c.group == RegionalGroup.AFRICAN.value)
    group_size = db.session.scalar(sa.select(sa.func.count()).where(
        MemberState.regional_group == "African", MemberState.kind == "state"))
    assert african.assisted_share == outcome_summary.Share(3, 4)
    assert african.not_assisted_share == outcome_summary.Share(1, group_size - 4)
    assert [s.code for s, _i in african.not_assisted_party] == ["ZAF"]
    assert "UGA" not in {s.code for s, _i in african.not_assisted}  # took part in a meeting: assisted
    assert african.not_assisted_median == 731 and african.assisted_median == 790


def test_filters_national_period_donor_and_as_of(data):
    national = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC", national=True))
    assert codes(national.pairs) == ["GHA", "HUN", "KEN", "POL"]
    period = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC", period_to=date(2003, 12, 31)))
    assert codes(period.pairs) == ["GHA", "KEN", "SEN", "UGA"]
    assert codes(period.summary.members["party_by_period_end"]) == ["GHA", "SEN"]
    assert codes(period.summary.members["party_after_period_end"]) == ["KEN"]
    earlier = outcome_summary.analytics(EVERYTHING, date(2003, 6, 1), F(instrument="UNTOC"))
    assert codes(earlier.pairs) == ["GHA", "KEN", "SEN", "UGA"]
    assert codes(earlier.summary.members["not_party"]) == ["KEN", "UGA"]  # its deposit comes after that day
    donor = outcome_summary.analytics(EVERYTHING, AS_OF, F(donor=data["d1"].id))
    assert codes(donor.pairs) == ["GHA"]


def test_a_donor_scope_counts_only_its_funded_activities(data):
    a = outcome_summary.analytics(Scope(donor_id=data["d2"].id), AS_OF, F())
    assert codes(a.pairs) == ["POL"] and a.record.requests == {}
    donors = next(b for b in a.breakdowns if b.key == "donor")
    assert [(value, label) for value, label, _s in donors.rows] == [(str(data["d2"].id), "Donor two")]


def test_drill_down_lists_the_states_behind_a_figure(data):
    a = outcome_summary.analytics(EVERYTHING, AS_OF, F(instrument="UNTOC"))
    assert codes(outcome_summary.drill_down(a, "within_12")) == ["GHA", "KEN"]
    assert [s.code for s, _i in outcome_summary.drill_down(a, "not_assisted_party", "African")] == ["ZAF"]


def test_the_chart_series(data):
    record = outcome_summary.load(EVERYTHING, AS_OF)
    years, groups = outcome_summary.deposits_by_group_and_year(record, "UNTOC")
    assert years == [2002, 2003, 2004, 2005]
    assert groups == {"African": [1, 1, 1, 1]}
    months = dict(outcome_summary.activities_by_month(record, F(instrument="UNTOC")))
    assert months["2003-01"] == 1 and months["2003-02"] == 1 and months["2003-04"] == 0 and months["2009-06"] == 1
    d = date(2003, 1, 10)
    assert outcome_summary.lead_histogram([(d, date(2003, 5, 10)), (d, date(2003, 12, 10)), (d, date(2014, 1, 1))]) == [
        ("within 6 months", 1), ("6–12 months", 1), ("12–24 months", 0), ("24–36 months", 0), ("36–60 months", 0),
        ("over 60 months", 1)]


def test_within_6_months_is_one_definition_on_the_histogram_and_the_headline():
    """184 days from 10 July to 10 January: six calendar months to the day, though more than 6 x 30.44 days. The
    headline's share and the histogram's first bar both count it (they said 18 and 16 on the reference record)."""
    first, deposit = date(2003, 7, 10), date(2004, 1, 10)
    assert outcome_summary.within_months(first, deposit, 6)
    assert not outcome_summary.within_months(first, date(2004, 1, 11), 6)
    assert outcome_summary.lead_histogram([(first, deposit)])[0] == ("within 6 months", 1)
    assert outcome_summary.lead_histogram([(first, date(2004, 1, 11))])[1] == ("6–12 months", 1)


def test_the_headline_and_the_histogram_agree_on_the_reference_record(app):
    """On the reference record every window has elapsed: the first bar counts exactly the headline's States."""
    from app.views.outcomes import tables
    a = outcome_summary.analytics(EVERYTHING, date(2014, 1, 1), F(), with_breakdowns=False)
    bars = dict((row[0], row[1]) for row in tables(a, [])["lead-times"]["rows"])
    assert a.summary.shares[6].count == bars["within 6 months"] > 0
    assert a.summary.count("window_6") == a.summary.count("at_risk")  # every window elapsed: nothing left out


def test_add_months_keeps_the_day_or_takes_the_last():
    assert outcome_summary.add_months(date(2003, 8, 31), 6) == date(2004, 2, 29)
    assert outcome_summary.add_months(date(2003, 1, 10), 24) == date(2005, 1, 10)


def test_the_analytics_cost_the_same_queries_at_two_sizes(data, session):
    def cost():
        session.expire_all()
        with count_queries() as statements:
            outcome_summary.analytics(EVERYTHING, AS_OF, F())
        return len(statements)
    small = cost()
    for code in ("BEN", "TGO", "NER", "CMR", "GAB", "ROU", "BGR", "PER", "CHL", "ECU"):
        activity = _served(code, date(2004, 3, 1))
        factories.allocation(factories.contribution(), activity)
        factories.request(code, received=date(2004, 1, 1))
        _action(code, "accession", date(2005, 3, 1))
    session.flush()
    outcome_facts.rebuild()
    assert cost() == small <= 13


# ------------------------------------------------------------------ the timeline
def _timeline(scope, state, as_of, instrument=None):
    """The whole timeline, on one page."""
    return outcome_timeline.timeline(scope, state, as_of, instrument, Paging(per_page=500)).items


@pytest.fixture()
def timeline_data(session):
    """Iceland, with nothing of the reference record: a request, a mission with an expert and its funding, a finding
    with two steps, a regional meeting it attended, its signature and deposit."""
    iceland = factories.state("ISL")
    session.execute(sa.delete(TreatyAction).where(TreatyAction.state_id == iceland.id))
    donor, other = factories.organization(name="Funder"), factories.organization(name="Other funder")
    request = factories.request("ISL", instruments=["TIP"], received=date(2003, 1, 5), subject="Help with TIP")
    mission = _served("ISL", date(2003, 3, 10), instruments=["TIP"], title="Mission to Reykjavik")
    factories.deployment(factories.expert(name="Ann Expert"), mission, start_date=date(2003, 3, 11))
    factories.allocation(factories.contribution(donor, pledged_date=date(2003, 2, 1)), mission)
    factories.allocation(factories.contribution(other), mission)
    meeting = factories.activity("regional_meeting", visits=[("NOR", date(2003, 5, 1), date(2003, 5, 2))],
                                 served=["NOR"], participants=["ISL"], instruments=["UNTOC"], title="Oslo meeting")
    issue = factories.issue(title="Trafficking offence", article="TIP art. 5")
    finding = factories.finding("ISL", legislative_issue=issue, activity=mission, on=date(2003, 3, 12))
    finding.record_status("draft_law", date(2003, 9, 1))
    _action("ISL", "signature", date(2000, 12, 13), "TIP")
    _action("ISL", "ratification", date(2004, 6, 1), "TIP")
    later = _served("ISL", date(2011, 1, 1), instruments=["TIP"], title="Later mission")
    session.flush()
    return {"state": iceland, "donor": donor, "mission": mission, "meeting": meeting, "request": request,
            "later": later}


def test_the_timeline_in_date_order(timeline_data):
    events = _timeline(EVERYTHING, timeline_data["state"], AS_OF, factories.instrument("TIP"))
    assert [(e.day, e.kind) for e in events] == [
        (date(2000, 12, 13), "signature"), (date(2003, 1, 5), "request"), (date(2003, 2, 1), "contribution"),
        (date(2003, 3, 10), "contribution"), (date(2003, 3, 10), "activity"), (date(2003, 3, 11), "deployment"),
        (date(2003, 3, 12), "finding"), (date(2003, 9, 1), "finding"), (date(2004, 6, 1), "deposit"),
        (date(2004, 7, 1), "in_force")]
    dated_by_activity = next(e for e in events if e.kind == "contribution" and e.day == date(2003, 3, 10))
    assert dated_by_activity.date_note == "the date of the first activity it paid for"
    assert "Oslo meeting" not in {e.title for e in events}  # an UNTOC meeting: not on TIP
    everything = _timeline(EVERYTHING, timeline_data["state"], AS_OF)
    assert "Oslo meeting" in {e.title for e in everything}  # attended: on the timeline of every instrument
    assert "Later mission" not in {e.title for e in everything}  # after as_of


def test_the_timeline_as_of_a_day_leaves_out_what_came_later(timeline_data):
    events = _timeline(EVERYTHING, timeline_data["state"], date(2003, 3, 10), factories.instrument("TIP"))
    assert [e.kind for e in events] == ["signature", "request", "contribution", "contribution", "activity"]


def test_a_donor_timeline_shows_its_own_money_and_the_treaty_actions(timeline_data):
    scope = Scope(donor_id=timeline_data["donor"].id)
    events = _timeline(scope, timeline_data["state"], AS_OF, factories.instrument("TIP"))
    kinds = [e.kind for e in events]
    assert "request" not in kinds and kinds.count("contribution") == 1
    assert {"signature", "deposit", "activity", "deployment", "finding"} <= set(kinds)
    stranger = Scope(donor_id=factories.organization().id)
    assert {e.kind for e in _timeline(stranger, timeline_data["state"], AS_OF)} <= {
        "signature", "deposit", "in_force"}


def test_the_timeline_costs_the_same_queries_at_two_sizes(timeline_data, session):
    state = timeline_data["state"]

    def cost():
        session.expire_all()
        with count_queries() as statements:
            _timeline(EVERYTHING, state, AS_OF)
        return len(statements)
    cost()  # the first call fills the treaty-status cache (one computation per change of the record)
    small = cost()
    for n in range(8):
        activity = _served("ISL", date(2003, 4, 1 + n), instruments=["TIP", "UNTOC"])
        factories.deployment(factories.expert(), activity)
        factories.allocation(factories.contribution(), activity)
        factories.finding("ISL", activity=activity)
        factories.request("ISL", instruments=["TIP"])
    session.flush()
    assert cost() == small


def test_the_latest_events_are_the_last_dated_ones_in_date_order(timeline_data):
    state, tip = timeline_data["state"], factories.instrument("TIP")
    whole = _timeline(EVERYTHING, state, AS_OF, tip)
    latest, total = outcome_timeline.latest(EVERYTHING, state, AS_OF, tip, 4)
    assert total == len(whole) and latest == whole[-4:]
    _served("ISL", None, instruments=["TIP"], title="Undated mission")  # undated: last, and not among the latest
    whole = _timeline(EVERYTHING, state, AS_OF, tip)
    assert whole[-1].title == "Undated mission" and whole[-1].day is None
    latest, total = outcome_timeline.latest(EVERYTHING, state, AS_OF, tip, 4)
    assert total == len(whole) and latest == whole[-5:-1]
    assert outcome_timeline.latest(EVERYTHING, state, AS_OF, tip, 50)[0] == whole  # fewer than asked: all of them


def test_a_contribution_names_the_first_activities_it_paid_for_and_counts_the_rest(timeline_data):
    money = factories.contribution(factories.organization(name="Big funder"), pledged_date=date(2003, 6, 1))
    for n in range(outcome_timeline.PAID_NAMED + 3):
        factories.allocation(money, _served("ISL", date(2003, 6, 2 + n), instruments=["TIP"], title=f"Paid {n}"))
    events = _timeline(EVERYTHING, timeline_data["state"], AS_OF, factories.instrument("TIP"))
    line = next(e for e in events if e.record == ("contribution", money.id))
    assert line.detail == "Paid for " + "; ".join(f"Paid {n}" for n in range(outcome_timeline.PAID_NAMED)) + \
        " and 3 more"
    assert line.day == date(2003, 6, 1) and line.instruments == ("TIP",)


# ------------------------------------------------------------------ the reference record (A/58/165 paras 16-18)
PARTIES_BY_2_JULY_2003 = ["BFA", "BLR", "MLI", "MUS", "NGA", "ROU"]
PARTIES_LATER = ["AGO", "BDI", "BEN", "BOL", "CHN", "COD", "CPV", "GNB", "HTI", "IDN", "MDG", "MKD", "MOZ", "NER",
                 "STP", "SVK", "UKR"]


def test_states_assisted_under_paras_16_to_18_already_parties_by_2_july_2003_and_later(session):
    """The Convention: the States served by the missions, seminars and workshops of A/58/165 paras 16-18."""
    f = F(instrument="UNTOC", national=True, period_to=date(2003, 7, 2))
    sources = set(session.scalars(sa.select(Activity.source).join(ActivityState).where(
        Activity.kind.in_(outcome_summary.NATIONAL_KINDS), ActivityState.role == "served")))
    assert sources <= {"A/58/165 para. 16", "A/58/165 para. 17", "A/58/165 para. 18"}, sources
    today = outcome_summary.analytics(EVERYTHING, date(2014, 1, 1), f)
    assert codes(today.summary.members["party_by_period_end"]) == PARTIES_BY_2_JULY_2003
    assert codes(today.summary.members["party_after_period_end"]) == PARTIES_LATER
    assert codes(today.summary.members["already_party"]) == ["BFA", "MLI", "NGA"]  # before their first assistance
    then = outcome_summary.analytics(EVERYTHING, date(2003, 7, 2), f)
    assert codes(then.summary.members["assisted_party"]) == PARTIES_BY_2_JULY_2003
    assert codes(then.summary.members["not_party"]) == PARTIES_LATER



def test_contributions_dated_by_the_activity_they_paid_for_make_one_line(timeline_data):
    """Three donors' undated contributions paid for the same mission: one line, dated by the mission and saying so
    once, naming the three; a contribution with a date of its own keeps its own line."""
    mission = timeline_data["mission"]
    extra = [factories.contribution(factories.organization(name=f"Donor {n}")) for n in ("B", "C")]
    for money in extra:
        factories.allocation(money, mission)
    events = _timeline(EVERYTHING, timeline_data["state"], AS_OF, factories.instrument("TIP"))
    money_lines = [e for e in events if e.kind == "contribution"]
    assert [(e.day, len(e.contributions)) for e in money_lines] == [(date(2003, 2, 1), 1), (date(2003, 3, 10), 3)]
    grouped = money_lines[1]
    assert grouped.title == "3 contributions: Donor B, Donor C, Other funder"
    assert grouped.date_note.startswith("the date of the first activity they paid for")
    assert not grouped.inferred


def test_the_romania_timeline_groups_the_seven_inferred_donors_once(session):
    """Para 16: the Romania mission of 2002 was paid for from a project of seven donors, which the record links to it
    by inference: one line for the seven, dated by the mission, marked inferred."""
    events = _timeline(EVERYTHING, factories.state("ROU"), date(2003, 7, 2), factories.instrument("UNTOC"))
    money = [e for e in events if e.kind == "contribution"]
    assert len(money) == 1 and len(money[0].contributions) == 7 and money[0].inferred
    assert money[0].day == date(2002, 1, 8) and "Canada" in money[0].title
    assert sum("they paid for" in (e.date_note or "") for e in events) == 1


@pytest.mark.parametrize("code, as_of", [("UNTOC", date(2003, 7, 2)), ("TIP", date(2003, 6, 1)),
                                         ("FIREARMS", date(2004, 12, 31))])
def test_the_forecast_and_outcomes_count_the_same_states_assisted(session, code, as_of):
    """"Assisted" is one definition (served, or took part: app.services.treaties.assistance): the forecast's table
    and /outcomes name the same States on the reference record, those that only took part included."""
    from app.services.treaties import forecast
    instrument = factories.instrument(code)
    in_forecast = {state_code for state_code, _n, _first in forecast._activities_begun(instrument, as_of, EVERYTHING)}
    in_outcomes = {p.state.code for p in outcome_summary.analytics(EVERYTHING, as_of, F(instrument=code),
                                                                    with_breakdowns=False).pairs}
    assert in_forecast == in_outcomes and in_outcomes
    if code == "UNTOC":  # their experts took part in the Jakarta seminar of February 2003 (para 17)
        assert {"AUS", "ESP", "JPN"} <= in_outcomes
