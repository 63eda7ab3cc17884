"""Contributions, allocations, exchange rates and the portal: the rules of issue 11 in the services and models."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING, Scope
from app.services.core.errors import Refused
from app.services.funding import allocations as allocation_service
from app.services.funding import contributions as contribution_service
from app.services.funding import donor_portal
from app.services.funding import rates as rate_service
from app.services.funding.contributions import ContributionData
from models import Allocation, Contribution, ExchangeRate, TreatyAction, db
from models.contribution import IllegalContributionStep
from tests import factories
from tests.helpers import count_queries


def _data(donor, **kw) -> ContributionData:
    values = {"donor_id": donor.id, "amount": Decimal("1000.00"), "currency": "USD",
              "pledged_date": date(2003, 1, 10)}
    values.update(kw)
    return ContributionData(**values)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- the guarded steps ----------------------------------------------------------------------------------------

def test_a_pledge_is_committed_then_received_with_the_date_of_each_step(session):
    c = contribution_service.create(_data(factories.organization()), None)
    contribution_service.change_status(c, "committed", date(2003, 2, 1), None, "Agreement signed")
    contribution_service.change_status(c, "received", date(2003, 3, 1), None)
    assert (c.status, c.pledged_date, c.committed_date, c.received_date) == (
        "received", date(2003, 1, 10), date(2003, 2, 1), date(2003, 3, 1))
    assert [(h.from_status, h.to_status, h.on_date) for h in contribution_service.history(c)] == [
        (None, "pledged", date(2003, 1, 10)), ("pledged", "committed", date(2003, 2, 1)),
        ("committed", "received", date(2003, 3, 1))]


@pytest.mark.parametrize("steps, message", [
    ([("received", date(2003, 3, 1))], "can only become committed, not received"),
    ([("committed", date(2003, 1, 9))], "cannot be before the pledged date"),
    ([("committed", date(2003, 2, 1)), ("received", date(2003, 1, 31))], "cannot be before the committed date"),
    ([("committed", date(2003, 2, 1)), ("received", date(2003, 3, 1)), ("committed", date(2003, 4, 1))],
     "has been received"),
    ([("committed", None)], "Give the date"),
])
def test_illegal_steps_are_refused_and_change_nothing(session, steps, message):
    c = factories.contribution(status="pledged", pledged_date=date(2003, 1, 10))
    *legal, last = steps
    for to, on in legal:
        c.change_status(to, on, None)
    before = (c.status, c.committed_date, c.received_date, len(c.status_changes))
    with pytest.raises(IllegalContributionStep, match=message):
        c.change_status(*last, None)
    assert (c.status, c.committed_date, c.received_date, len(c.status_changes)) == before


def test_the_database_refuses_a_received_date_before_the_pledge(session):
    from tests.models.test_constraints import refused
    donor = factories.organization()
    assert refused(Contribution(donor_id=donor.id, amount=Decimal("5.00"), currency="USD", status="received",
                                pledged_date=date(2003, 5, 1), received_date=date(2003, 4, 1)))
    assert refused(Contribution(donor_id=donor.id, status="pledged", received_date=date(2003, 4, 1)))
    assert refused(Contribution(donor_id=donor.id, amount=Decimal("1000000000000.01"), currency="USD",
                                status="pledged"))
    assert not refused(Contribution(donor_id=donor.id, amount=Decimal("1000000000000.00"), currency="USD",
                                    status="pledged"))


@pytest.mark.parametrize("changes, field", [
    ({"amount": Decimal("-5.00")}, "amount"),
    ({"amount": Decimal("1000000000001")}, "amount"),
    ({"amount": Decimal("0")}, "amount"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "usd"}, "currency"),
    ({"donor_id": None}, "donor_id"),
    ({"period_start": date(2003, 5, 1), "period_end": date(2003, 4, 1)}, "period_end"),
])
def test_bad_contributions_are_refused_with_the_field_at_fault(session, changes, field):
    donor = factories.organization()
    before = _count(Contribution)
    with pytest.raises(Refused) as exc:
        contribution_service.create(_data(donor, **changes), None)
    assert field in exc.value.errors
    assert _count(Contribution) == before


def test_a_received_date_before_the_pledge_is_refused_on_creation(session):
    with pytest.raises(Refused) as exc:
        contribution_service.create(_data(factories.organization()), None, status="received",
                             committed_on=date(2003, 1, 5), received_on=date(2003, 1, 6))
    assert "committed_date" in exc.value.errors and "before the pledged date" in exc.value.message


def test_an_amount_not_recorded_is_kept_empty(session):
    c = contribution_service.create(_data(factories.organization(), amount=None, currency=None), None)
    assert c.amount is None and c.currency is None and c.unallocated is None


# --- allocations ----------------------------------------------------------------------------------------------

@pytest.fixture()
def committed(session):
    return factories.contribution(status="committed", amount=Decimal("1000.00"), currency="EUR",
                                  instruments=("TIP",), regions=["Latin American and Caribbean"],
                                  period_start=date(2003, 1, 1), period_end=date(2003, 12, 31),
                                  pledged_date=date(2002, 12, 1), committed_date=date(2002, 12, 15))


def _activity(**kw):
    values = {"visits": (("BOL", date(2003, 3, 10), date(2003, 3, 12)),), "served": ("BOL",),
              "instruments": ("TIP",)}
    values.update(kw)
    return factories.activity(**values)


def test_an_allocation_within_the_earmark_and_the_balance_is_made(committed):
    allocation = allocation_service.allocate(committed, _activity(), Decimal("600.00"))
    assert allocation.id and committed.allocated == Decimal("600.00") and committed.unallocated == Decimal("400.00")


@pytest.mark.parametrize("activity_kw, reason", [
    ({"instruments": ("FIREARMS",)}, "earmarked for TIP; the activity deals with FIREARMS"),
    ({"served": ("ROU",), "visits": (("ROU", date(2003, 3, 10), date(2003, 3, 12)),)}, "Romania is outside"),
    ({"served": ("BOL", "ROU")}, "Romania is outside"),
    ({"visits": (("BOL", date(2002, 11, 1), date(2002, 11, 3)),)}, "the activity starts on 1 November 2002"),
    ({"visits": (("BOL", date(2003, 12, 30), date(2004, 1, 2)),)}, "the activity ends on 2 January 2004"),
])
def test_an_allocation_outside_the_earmark_is_refused_with_the_reason(committed, activity_kw, reason):
    activity = _activity(**activity_kw)
    with pytest.raises(Refused) as exc:
        allocation_service.allocate(committed, activity, Decimal("10.00"))
    assert reason in exc.value.errors["activity_id"] and exc.value.message.startswith("Outside the earmark.")
    assert not committed.allocations


def test_an_allocation_beyond_the_balance_is_refused(committed):
    allocation_service.allocate(committed, _activity(), Decimal("900.00"))
    with pytest.raises(Refused) as exc:
        allocation_service.allocate(committed, _activity(), Decimal("100.01"))
    assert exc.value.errors["amount"] == ("Beyond the balance: EUR 100.00 of this contribution is left to "
                                          "allocate, and EUR 100.01 was asked.")
    assert len(committed.allocations) == 1
    allocation_service.allocate(committed, _activity(), Decimal("100.00"))  # exactly the balance is fine
    assert committed.unallocated == Decimal("0.00")


def test_a_pledge_cannot_be_allocated_and_a_project_earmark_holds(session):
    pledge = factories.contribution(status="pledged")
    with pytest.raises(Refused, match="A pledge cannot be allocated"):
        allocation_service.allocate(pledge, _activity(), Decimal("1.00"))
    from models import Project
    mine, other = Project(title="Earmarked project"), Project(title="Another project")
    db.session.add_all([mine, other])
    money = factories.contribution(project=mine)
    with pytest.raises(Refused, match="earmarked for the project “Earmarked project”"):
        allocation_service.allocate(money, _activity(project=other), Decimal("1.00"))


def test_an_unrecorded_contribution_gives_unrecorded_allocations(session):
    money = factories.contribution(amount=None)
    with pytest.raises(Refused, match="leave the amount empty"):
        allocation_service.allocate(money, _activity(), Decimal("5.00"))
    assert allocation_service.allocate(money, _activity(), None).amount is None


# --- totals and exchange rates --------------------------------------------------------------------------------

def test_totals_convert_with_the_latest_rate_on_or_before_the_day_and_show_unconverted_currencies(session):
    db.session.add_all([ExchangeRate(currency="EUR", rate=Decimal("1.10"), valid_from=date(2003, 1, 1)),
                        ExchangeRate(currency="EUR", rate=Decimal("1.20"), valid_from=date(2003, 7, 1)),
                        ExchangeRate(currency="EUR", rate=Decimal("9.99"), valid_from=date(2004, 1, 1))])
    db.session.flush()
    t = rate_service.total([("EUR", Decimal("100.00")), ("USD", Decimal("50.00")), ("NOK", Decimal("70.00")),
                     ("EUR", Decimal("100.00"))], date(2003, 12, 31))
    eur = next(line for line in t.lines if line.currency == "EUR")
    assert (eur.amount, eur.rate.valid_from, eur.converted) == (Decimal("200.00"), date(2003, 7, 1),
                                                                 Decimal("240.00"))
    assert t.converted == Decimal("290.00")
    assert [(line.currency, line.amount) for line in t.unconverted] == [("NOK", Decimal("70.00"))]


def test_rates_are_validated(session):
    for currency, rate, field in (("USD", Decimal("1"), "currency"), ("QQQ", Decimal("1"), "currency"),
                                  ("EUR", Decimal("0"), "rate"), ("EUR", Decimal("-2"), "rate")):
        with pytest.raises(Refused) as exc:
            rate_service.save(None, currency, rate, date(2003, 1, 1), None)
        assert field in exc.value.errors
    rate_service.save(None, "EUR", Decimal("1.1"), date(2003, 1, 1), "test")
    with pytest.raises(Refused, match="already has a rate"):
        rate_service.save(None, "EUR", Decimal("1.2"), date(2003, 1, 1), None)


def test_pledges_are_shown_but_not_counted_and_an_activity_is_counted_once(session):
    donor = factories.organization()
    factories.contribution(donor, status="pledged", amount=Decimal("5000.00"))
    money = factories.contribution(donor, status="received", amount=Decimal("1000.00"), instruments=())
    wide = factories.activity(served=("BOL", "CHL", "ECU"), instruments=("UNTOC", "TIP", "SOM"))
    allocation_service.allocate(money, wide, Decimal("300.00"))
    portal = donor_portal.portal(Scope(donor_id=donor.id), donor, date(2003, 12, 31))
    assert portal.totals["pledged"].converted == Decimal("5000.00")
    assert portal.totals["committed"].converted == Decimal("1000.00")
    assert portal.totals["received"].converted == Decimal("1000.00")
    assert portal.totals["allocated"].converted == Decimal("300.00")
    assert portal.totals["unallocated"].converted == Decimal("700.00")
    assert [f.activity.id for f in portal.activities] == [wide.id]
    assert sorted(s.code for s, _n in portal.states) == ["BOL", "CHL", "ECU"]


def test_a_donor_sees_only_its_own_allocations_on_a_shared_activity(session):
    a_org, b_org = factories.organization(), factories.organization()
    shared = factories.activity()
    a = factories.contribution(a_org, amount=Decimal("100.00"))
    b = factories.contribution(b_org, amount=Decimal("200.00"))
    allocation_service.allocate(a, shared, Decimal("10.00"))
    allocation_service.allocate(b, shared, Decimal("20.00"))
    portal = donor_portal.portal(Scope(donor_id=a_org.id), a_org, date.today())
    assert [x.contribution_id for f in portal.activities for x in f.allocations] == [a.id]
    assert portal.totals["allocated"].converted == Decimal("10.00")
    with pytest.raises(donor_portal.NotYours):
        donor_portal.donor_for(Scope(donor_id=a_org.id), b_org.id)


# --- what followed --------------------------------------------------------------------------------------------

def test_treaty_actions_that_followed_in_the_states_and_on_the_instruments_with_days(session):
    donor = factories.organization()
    money = factories.contribution(donor, amount=Decimal("100.00"), instruments=())
    activity = factories.activity(visits=(("NRU", date(2001, 3, 10), date(2001, 3, 12)),), served=("NRU",),
                                  instruments=("UNTOC", "TIP"))
    allocation_service.allocate(money, activity, Decimal("50.00"))
    nauru, untoc, tip = factories.state("NRU"), factories.instrument("UNTOC"), factories.instrument("TIP")
    db.session.execute(sa.delete(TreatyAction).where(TreatyAction.state_id == nauru.id))
    db.session.add_all([
        TreatyAction(state=nauru, instrument=untoc, kind="signature", action_date=date(2001, 3, 1), source="t"),
        TreatyAction(state=nauru, instrument=untoc, kind="ratification", action_date=date(2001, 6, 18),
                     source="t"),
        TreatyAction(state=nauru, instrument=tip, kind="signature", action_date=date(2001, 3, 12), source="t"),
        TreatyAction(state=nauru, instrument=factories.instrument("SOM"), kind="signature",
                     action_date=date(2001, 6, 1), source="t")])
    db.session.flush()
    portal = donor_portal.portal(Scope(donor_id=donor.id), donor, date(2003, 7, 2))
    assert [(x.action.instrument.code, x.action.kind, x.days) for x in portal.followed] == [
        ("TIP", "signature", 2), ("UNTOC", "ratification", 100)]
    untoc_reach = next(r for r in portal.reach if r.instrument.code == "UNTOC")
    assert [s.code for s in untoc_reach.parties_reached] == ["NRU"] and untoc_reach.parties_total > 1


def _fund_many(donor, n):
    for i in range(n):
        money = factories.contribution(donor, amount=Decimal("100.00"), instruments=())
        activity = factories.activity(visits=((("BOL", "CHL", "PER", "ECU")[i % 4], date(2002, 1, 1 + i),
                                                date(2002, 1, 2 + i)),), served=(("BOL", "CHL", "PER", "ECU")[i % 4],),
                                      instruments=("UNTOC", "TIP"))
        allocation_service.allocate(money, activity, Decimal("60.00"))


def test_the_portal_takes_the_same_number_of_queries_at_two_sizes(session):
    counts = []
    for n in (3, 24):
        donor = factories.organization()
        _fund_many(donor, n)
        db.session.flush()
        session.expunge_all()
        donor_portal.portal(Scope(donor_id=donor.id), db.session.get(type(donor), donor.id), date(2003, 7, 2))  # warm
        session.expunge_all()
        with count_queries() as statements:
            portal = donor_portal.portal(Scope(donor_id=donor.id), db.session.get(type(donor), donor.id),
                                    date(2003, 7, 2))
            assert len(portal.activities) == n and portal.followed is not None
        counts.append(len(statements))
    print('portal service', counts)
    assert counts[0] == counts[1], counts


def test_everything_scope_sees_every_donor(session):
    _fund_many(factories.organization(), 2)
    portal = donor_portal.portal(EVERYTHING, None, date.today())
    assert len(portal.donors) >= 8  # the seven donors of A/58/165 and the test's own
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Allocation)) >= len(
        [x for f in portal.activities for x in f.allocations])


# --- the reference record (A/58/165 paras. 7 and 9) -----------------------------------------------------------

def test_the_reference_donors_and_what_the_record_infers(session):
    rows = db.session.execute(sa.select(Contribution.reference_key, Allocation.is_inferred, Allocation.amount,
                                        Allocation.basis)
                              .join(Allocation, Allocation.contribution_id == Contribution.id)
                              .where(Contribution.reference_key.is_not(None))).all()
    inferred = {key for key, flag, _a, _b in rows if flag}
    stated = {key for key, flag, _a, _b in rows if not flag}
    assert inferred == {f"{d}-pre-ratification" for d in ("canada", "france", "italy", "japan", "norway",
                                                          "united-kingdom", "united-states")}
    assert stated == {"canada-legislative-guide-convention", "france-legislative-guides-protocols",
                      "italy-legislative-guides-protocols"}
    assert len([r for r in rows if r[1]]) == 7 * 14 and len([r for r in rows if not r[1]]) == 2 + 2 * 2
    assert all(amount is None and basis.startswith("A/58/165 para.") for _k, _f, amount, basis in rows)
    reference = db.session.scalars(sa.select(Contribution).where(Contribution.reference_key.is_not(None))).all()
    assert len(reference) == 10 and {c.amount for c in reference} == {None}
    portal = donor_portal.portal(EVERYTHING, None, date(2003, 7, 2))
    assert portal.unrecorded >= 10 and len(portal.activities) >= 18
