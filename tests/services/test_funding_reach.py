""""States your contributions reached", defined once (app.services.funding.reach): the States served by a
non-cancelled activity the money paid for, per instrument, begun by the day asked for — worked out by hand on a
small record and read the same by the donor's home panel, the portal and /outcomes "by donor"."""
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from app.scoping import EVERYTHING, Scope
from app.services.funding import donor_portal, reach
from app.services.funding.funding_totals import money_of
from app.services.outcomes import outcome_summary
from app.services.treaties import outcome_facts, treaty_record
from models import MemberState, db
from tests import factories

AS_OF = date(2004, 12, 31)


def _record():
    """Donor A pays for: a mission to GHA on UNTOC and TIP; a meeting in Dakar serving SEN on UNTOC that UGA took
    part in; a written analysis for KEN on TIP (no visit); a cancelled mission to TZA; a mission to MLI after AS_OF.
    Donor B pays for the GHA mission too and for a mission to POL."""
    a, b = factories.organization(name="Donor A"), factories.organization(name="Donor B")
    ca, cb = factories.contribution(a), factories.contribution(b)
    gha = factories.activity(visits=[("GHA", date(2003, 1, 10), date(2003, 1, 12))], served=["GHA"],
                             instruments=["UNTOC", "TIP"])
    meeting = factories.activity("regional_meeting", visits=[("SEN", date(2003, 3, 1), date(2003, 3, 2))],
                                 served=["SEN"], participants=["UGA"], instruments=["UNTOC"])
    analysis = factories.activity("written_analysis", visits=[], served=["KEN"], instruments=["TIP"])
    cancelled = factories.activity(visits=[("TZA", date(2003, 5, 1), date(2003, 5, 2))], served=["TZA"],
                                   status="cancelled")
    later = factories.activity(visits=[("MLI", date(2005, 3, 1), date(2005, 3, 2))], served=["MLI"])
    pol = factories.activity(visits=[("POL", date(2004, 1, 1), date(2004, 1, 2))], served=["POL"])
    for activity in (gha, meeting, analysis, cancelled, later):
        factories.allocation(ca, activity)
    factories.allocation(cb, gha)
    factories.allocation(cb, pol)
    db.session.flush()
    outcome_facts.rebuild()  # the factories write past the services that keep the outcome figures
    return a, b


def _codes(ids):
    from models import MemberState
    return sorted(db.session.get(MemberState, i).code for i in ids)


def test_the_states_reached_worked_out_by_hand(session):
    a, b = _record()
    mine = reach.reached(money_of(Scope(a.id), a), AS_OF)
    # GHA (UNTOC, TIP), SEN (UNTOC), KEN (TIP, undated but reached); not UGA (took part), TZA (cancelled), MLI (later)
    assert mine.states == 3 and len(mine.pairs) == 4
    untoc, tip = factories.instrument("UNTOC"), factories.instrument("TIP")
    assert _codes(mine.on(untoc.id)) == ["GHA", "SEN"] and _codes(mine.on(tip.id)) == ["GHA", "KEN"]
    assert reach.reached(money_of(Scope(a.id), a), date(2005, 6, 1)).states == 4  # MLI once its mission began
    assert reach.reached(money_of(Scope(a.id), a), AS_OF, tip).states == 2
    every = reach.by_donor(EVERYTHING.contributions(), AS_OF)
    assert every[a.id].states == 3 and every[b.id].states == 2  # (the reference record's donors are there too)


def test_the_home_panel_the_portal_and_outcomes_by_donor_say_the_same(session):
    a, b = _record()
    scope = Scope(a.id)
    assert donor_portal.overview(scope, a, AS_OF).counts["states"] == 3
    page = donor_portal.page(scope, a, AS_OF, {}, 50)
    assert page.states.total == 3 and sorted(s.code for s, _n in page.states.items) == ["GHA", "KEN", "SEN"]
    assert len(donor_portal.portal(scope, a, AS_OF).states) == 3
    # the instruments' table is per instrument: KEN is reached on TIP only, SEN on UNTOC only
    analysis = outcome_summary.analytics(EVERYTHING, AS_OF, outcome_summary.OutcomeFilters())
    donors = next(x for x in analysis.breakdowns if x.key == "donor")
    assert (donors.reached[str(a.id)], donors.reached[str(b.id)]) == (3, 2)
    # staff asking about one instrument: the same function, narrowed
    on_tip = outcome_summary.analytics(EVERYTHING, AS_OF, outcome_summary.OutcomeFilters(instrument="TIP"))
    on_tip_reached = next(x for x in on_tip.breakdowns if x.key == "donor").reached
    assert on_tip_reached[str(a.id)] == 2 and on_tip_reached[str(b.id)] == 1


def _by_definition(condition, as_of):
    """From `reach.reached_select` itself: each State's activities, and the States reached on each instrument."""
    activities, on = defaultdict(set), defaultdict(set)
    for _donor, state_id, instrument_id, activity_id in db.session.execute(reach.reached_select(condition, as_of)):
        activities[state_id].add(activity_id)
        on[instrument_id].add(state_id)
    return {s: len(a) for s, a in activities.items()}, on


def test_the_portals_states_and_instruments_reached_are_reached_selects_rows(session):
    """The portal reads the reached rows once, per activity (`reached_activities_select`), for its list of States
    (each with its number of activities) and its table of instruments: the same as `reached_select`'s rows,
    for a donor whose two contributions pay for one mission (counted once) and for every donor's money, where
    two donors pay for it."""
    a, _b = _record()
    mission = next(f.activity for f in donor_portal.portal(Scope(a.id), a, AS_OF).activities
                   if [s.code for s in f.states] == ["GHA"])
    factories.allocation(factories.contribution(a), mission)  # a second contribution of A pays for it too
    db.session.flush()
    for scope, donor in ((Scope(a.id), a), (EVERYTHING, None)):
        condition = money_of(scope, donor)
        counts, on = _by_definition(condition, AS_OF)
        page = donor_portal.page(scope, donor, AS_OF, {}, 1000)
        assert {s.id: n for s, n in page.states.items} == counts
        assert [s.name for s, _n in page.states.items] == sorted(s.name for s, _n in page.states.items)
        assert donor_portal.overview(scope, donor, AS_OF).counts["states"] == len(counts)
        statuses = treaty_record.statuses([r.instrument for r in page.reach], AS_OF)
        for r in page.reach:
            parties = {p.participant for p in statuses[r.instrument.code].parties}
            expected = sorted((s for s in db.session.scalars(sa.select(MemberState).where(
                MemberState.id.in_(on.get(r.instrument.id, set())))) if s.code in parties), key=lambda s: s.name)
            assert [s.id for s in r.parties_reached] == [s.id for s in expected], r.instrument.code
    mine = {s.code: n for s, n in donor_portal.page(Scope(a.id), a, AS_OF, {}, 50).states.items}
    assert mine == {"GHA": 1, "SEN": 1, "KEN": 1}  # the mission twice paid for is one activity
