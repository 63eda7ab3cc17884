"""The outcome figures kept by the writes (app.services.treaties.outcome_facts) against the computation they replace
(tests/outcomes_oracle.py: every activity × State × instrument row read and filtered in Python).

After a random sequence of writes through the services — activities made, edited, cancelled; money allocated,
removed, moved to another donor; requests logged and edited — the kept tables are what a rebuild makes from the
record, and every figure of the page is what the old computation gives.
"""
import random
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING, Scope
from app.services.activities import activity_writes
from app.services.activities.activity_writes import ActivityData, VisitData
from app.services.core.errors import Refused
from app.services.funding import allocations as allocation_service
from app.services.funding import contributions as contribution_service
from app.services.funding.contributions import ContributionData
from app.services.outcomes import outcome_summary
from app.services.requests import request_writes
from app.services.treaties import outcome_facts
from models import Activity, MemberState, OutcomeFact, OutcomeMonth, OutcomeRequest, TreatyAction, db
from tests import factories, outcomes_oracle

F = outcome_summary.OutcomeFilters
TODAY = date(2026, 11, 23)
STATES = ("GHA", "KEN", "SEN", "POL", "HUN", "BOL", "PER", "ROU", "IDN", "NGA", "MLI", "ZAF")
INSTRUMENTS = ("UNTOC", "TIP", "SOM", "FIREARMS")
KINDS = ("mission", "workshop", "regional_meeting", "national_seminar", "written_analysis", "briefing")
#: Days that put the months' edges to work: the 31st, the end of February, the first, New Year's Eve.
DAYS = [date(2003, 1, 31), date(2003, 2, 28), date(2003, 3, 1), date(2003, 8, 31), date(2004, 2, 29),
        date(2004, 12, 31), date(2005, 1, 1), date(2009, 6, 30), date(2014, 1, 1), date(2026, 11, 20)]


def kept() -> dict:
    """The kept tables, row by row."""
    return {model.__tablename__: sorted(tuple(row) for row in db.session.execute(sa.select(model.__table__)))
            for model in (OutcomeRequest, OutcomeFact, OutcomeMonth)}


def assert_kept_equals_a_rebuild() -> None:
    before = kept()
    outcome_facts.rebuild()
    assert kept() == before


def same_figures(scope, as_of, f) -> None:
    """Every figure of the page, kept against the old computation."""
    new = outcome_summary.analytics(scope, as_of, f)
    old = outcomes_oracle.analytics(scope, as_of, f)
    assert outcomes_oracle.figures(new, outcome_summary.activities_by_month(new.record, f)) == \
        outcomes_oracle.figures(old, outcomes_oracle.activities_by_month(old.record, f)), (scope, as_of, f)


class Writer:
    """Random writes through the services, each in a savepoint (a refused one leaves nothing)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.officer = factories.user("officer")
        self.donors = [factories.organization(name=f"Random donor {n}") for n in range(3)]
        self.money = [factories.contribution(self.rng.choice(self.donors), amount=None) for _n in range(4)]
        self.activities: list[Activity] = []
        self.requests = []
        self.done: Counter = Counter()  # the writes made, by kind (a refused one is not counted)
        db.session.flush()

    def _activity_data(self) -> ActivityData:
        rng = self.rng
        kind = rng.choice(KINDS)
        served = rng.sample(STATES, rng.choice((1, 1, 2)))
        participants = [s for s in rng.sample(STATES, rng.choice((0, 1))) if s not in served]
        visits = () if kind == "written_analysis" or rng.random() < 0.1 else tuple(
            VisitData(country=served[0], start_date=day, end_date=day + timedelta(days=1))
            for day in sorted(rng.sample(DAYS, rng.choice((1, 1, 2)))))
        return ActivityData(kind=kind, status=rng.choice(("planned", "under_way", "cancelled", "under_way")),
                            title=f"Random {rng.randrange(10 ** 6)}", visits=visits, served=tuple(served),
                            participants=tuple(participants),
                            instruments=tuple(rng.sample(INSTRUMENTS, rng.choice((1, 2)))))

    def step(self) -> None:
        rng = self.rng
        moves = [self.new_activity, self.new_request]
        if self.activities:
            moves += [self.edit_activity, self.edit_activity, self.allocate, self.allocate, self.remove_allocation]
        if self.requests:
            moves.append(self.edit_request)
        moves.append(self.move_money)
        move = rng.choice(moves)
        try:
            with db.session.begin_nested():
                move()
        except Refused:
            return
        self.done[move.__name__] += 1

    def new_activity(self):
        activity, _overlaps = activity_writes.save(EVERYTHING, None, self._activity_data())
        self.activities.append(activity)

    def edit_activity(self):
        activity = self.rng.choice(self.activities)
        activity_writes.save(EVERYTHING, activity, self._activity_data(), activity.version)

    def allocate(self):
        inferred = self.rng.random() < 0.4
        allocation_service.allocate(self.rng.choice(self.money), self.rng.choice(self.activities), None,
                             is_inferred=inferred, basis="A test's inference" if inferred else None)

    def remove_allocation(self):
        made = [a for c in self.money for a in c.allocations]
        if made:
            allocation_service.remove(self.rng.choice(made))

    def move_money(self):
        c = self.rng.choice(self.money)
        contribution_service.update(c, ContributionData(donor_id=self.rng.choice(self.donors).id, amount=None,
                                                 currency=None, instruments=INSTRUMENTS), c.version)

    def _request_values(self) -> dict:
        rng = self.rng
        return {"state": rng.choice(STATES), "instruments": rng.sample(INSTRUMENTS, rng.choice((1, 2))),
                "kind": "legislative_review", "received_date": rng.choice([None, *DAYS[:-1]]), "channel": None,
                "requesting_authority": None, "subject": "A random request", "description": None,
                "priority": "normal", "due_date": None}

    def new_request(self):
        self.requests.append(request_writes.create(EVERYTHING, self._request_values(), self.officer, TODAY))

    def edit_request(self):
        request = self.rng.choice(self.requests)
        request_writes.update(EVERYTHING, request, self._request_values(), self.officer, request.version, TODAY)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_writes_through_the_services_the_kept_figures_are_a_full_recomputation(session, seed):
    writer = Writer(random.Random(seed))
    assert_kept_equals_a_rebuild()  # as the reference record left them
    for _round in range(4):
        for _n in range(12):
            writer.step()
        assert_kept_equals_a_rebuild()
    assert set(writer.done) == {"new_activity", "edit_activity", "allocate", "remove_allocation", "move_money",
                                "new_request", "edit_request"}, writer.done
    donor = writer.donors[0]
    for scope, as_of, f in [
            (EVERYTHING, TODAY, F()),
            (EVERYTHING, date(2004, 2, 29), F(instrument="UNTOC")),
            (EVERYTHING, TODAY, F(national=True, period_from=date(2003, 2, 1), period_to=date(2004, 12, 31))),
            (EVERYTHING, TODAY, F(donor=donor.id, regional_group="African")),
            (Scope(donor_id=donor.id), TODAY, F()),
            (Scope(donor_id=donor.id), date(2009, 6, 30), F(kind="mission", period_from=date(2003, 3, 1)))]:
        same_figures(scope, as_of, f)


@pytest.fixture()
def month_ends(session):
    """Missions and deposits on the days where "within N months" turns (31 August + 6 months is 29 February),
    with requests before them, on a record emptied of the reference's activities and treaty actions."""
    session.execute(sa.update(Activity).values(status="cancelled"))
    session.execute(sa.delete(TreatyAction))
    donor = factories.organization(name="Month-end donor")
    money = factories.contribution(donor)
    cases = [("GHA", date(2003, 8, 31), date(2004, 2, 29)), ("KEN", date(2003, 8, 31), date(2004, 3, 1)),
             ("SEN", date(2004, 1, 31), date(2004, 7, 31)), ("POL", date(2004, 1, 31), date(2004, 8, 1)),
             ("HUN", date(2003, 12, 31), date(2004, 12, 31)), ("BOL", date(2003, 12, 31), date(2005, 1, 1)),
             ("PER", date(2003, 2, 28), date(2005, 2, 28)), ("ROU", date(2004, 2, 29), None)]
    for n, (code, first, deposit) in enumerate(cases):
        activity = factories.activity(visits=[(code, first, first)], served=[code])
        if n % 2:
            factories.allocation(money, activity)
        factories.request(code, received=first - timedelta(days=40 + n))
        if deposit:
            factories._add(TreatyAction(state=factories.state(code), instrument=factories.instrument("UNTOC"),
                                        kind="ratification", action_date=deposit, source="test"))
    session.flush()
    outcome_facts.rebuild()  # the factories write past the services
    return donor


@pytest.mark.parametrize("as_of", [date(2004, 2, 28), date(2004, 2, 29), date(2004, 7, 31), date(2004, 8, 1),
                                   date(2005, 2, 28), date(2005, 12, 31), TODAY])
def test_the_windows_turn_on_the_same_days_as_before(month_ends, as_of):
    """The shares counted in the database (the breakdowns by kind and by donor) and in Python (the headline)
    turn on the same days as the old computation, month ends included."""
    same_figures(EVERYTHING, as_of, F())
    same_figures(EVERYTHING, as_of, F(instrument="UNTOC", period_from=date(2003, 8, 31)))
    same_figures(Scope(donor_id=month_ends.id), as_of, F())


def test_the_reference_record_and_a_synthetic_one_give_the_same_figures(session):
    """On the reference record, then with synthetic data beside it, under filters of every kind."""
    from app.seed.synthetic import generate
    cases = [(EVERYTHING, date(2014, 1, 1), F()),
             (EVERYTHING, date(2003, 7, 2), F(instrument="UNTOC", national=True, period_to=date(2003, 7, 2))),
             (EVERYTHING, date(2014, 1, 1), F(instrument="UNTOC", national=True, period_from=date(2002, 1, 1),
                                              period_to=date(2003, 7, 2))),
             (EVERYTHING, date(2010, 5, 17), F(regional_group="African", kind="mission"))]
    for scope, as_of, f in cases:
        same_figures(scope, as_of, f)
    generate(300, seed=7)
    donor = db.session.scalar(sa.select(factories.Contribution.donor_id).group_by(factories.Contribution.donor_id)
                              .order_by(sa.func.count().desc(), factories.Contribution.donor_id).limit(1))
    cases += [(EVERYTHING, TODAY, F()), (Scope(donor_id=donor), TODAY, F()),
              (EVERYTHING, TODAY, F(donor=donor, period_from=date(2012, 3, 15), period_to=date(2020, 6, 30))),
              (Scope(donor_id=donor), date(2019, 12, 31), F(regional_group="Asia-Pacific", national=True))]
    for scope, as_of, f in cases:
        same_figures(scope, as_of, f)


def test_a_rebuild_counts_what_it_made_and_changes_nothing_twice(session):
    counts = outcome_facts.rebuild()
    assert counts == {name: len(rows) for name, rows in kept().items()}
    assert counts["outcome_facts"] > 0 and counts["outcome_months"] > 0  # (no request of the record is dated)
    assert_kept_equals_a_rebuild()


def test_a_new_activity_counts_at_once_and_a_cancelled_one_no_more(session):
    """Through the service, in the writer's transaction: the figures move with the write."""
    def assisted(code):
        a = outcome_summary.analytics(EVERYTHING, TODAY, F(instrument="SOM"), with_breakdowns=False)
        return code in {p.state.code for p in a.pairs}
    state = db.session.scalar(sa.select(MemberState).where(MemberState.code == "ISL"))
    assert not assisted(state.code)
    data = ActivityData(kind="mission", status="under_way", title="To Iceland", served=("ISL",),
                        instruments=("SOM",), visits=(VisitData("ISL", date(2020, 5, 4), date(2020, 5, 6)),))
    activity, _ = activity_writes.save(EVERYTHING, None, data)
    assert assisted("ISL")
    activity_writes.save(EVERYTHING, activity, ActivityData(**{**data.__dict__, "status": "cancelled"}),
                         activity.version)
    assert not assisted("ISL")


def test_a_write_past_the_services_is_counted_only_after_a_rebuild(session):
    """What the services do for the figures is needed: a factory's activity (no service) is not counted until the
    figures are made again — so the tests above, which would see it, hold the services to their part."""
    factories.activity(visits=[("ISL", date(2021, 3, 1), date(2021, 3, 2))], served=["ISL"], instruments=["SOM"])
    session.flush()
    before = kept()
    outcome_facts.rebuild()
    assert kept() != before
