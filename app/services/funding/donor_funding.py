"""The donor portal and the staff's view of every donor: what each contribution received and allocated, the
activities it funded, the States reached, and the treaty actions that followed there on the same instruments.

Everything starts from the caller's scoped contributions (`contributions.all_of`), so a donor sees only its own
money and, on an activity several donors fund, only its own allocations. Totals add allocations, never
activities, so an activity covering several States or instruments is counted once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.scoping import Scope
from app.services.funding import contributions as contribution_service
from app.services.funding import funding_totals
from app.services.treaties import treaty_record
from models import Activity, Allocation, Contribution, Instrument, MemberState, Organization, TreatyAction, db
from models.enums import ActivityStateRole, ContributionStatus


@dataclass
class FundedActivity:
    """One activity and the allocations (in the caller's scope) that paid for it."""
    activity: Activity
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def states(self) -> list[MemberState]:
        """The States it was for (served), by name. Neither a venue (Vancouver hosting an expert group) nor a
        State whose experts took part is "reached": a ratification there would be wrongly credited to the money."""
        return sorted((s.state for s in self.activity.states if s.role == ActivityStateRole.SERVED.value),
                      key=lambda s: s.name)

    @property
    def participants(self) -> list[MemberState]:
        """States that took part (their experts came), shown beside the States served."""
        return sorted((s.state for s in self.activity.states if s.role != ActivityStateRole.SERVED.value),
                      key=lambda s: s.name)

    @property
    def is_inferred(self) -> bool:
        return any(a.is_inferred for a in self.allocations)


@dataclass(frozen=True)
class FollowedAction:
    """A signature or deposit in a State an activity reached, on an instrument it dealt with, after it began."""
    activity: Activity
    start_date: date  # the activity's first visit
    action: TreatyAction

    @property
    def days(self) -> int:
        return (self.action.action_date - self.start_date).days


@dataclass(frozen=True)
class Reach:
    """An instrument a funded activity dealt with: its parties among the States reached, beside its total."""
    instrument: Instrument
    parties_reached: list[MemberState]
    parties_total: int


@dataclass
class DonorLine:
    donor: Organization
    contributions: list[Contribution]
    totals: dict


@dataclass
class Portal:
    as_of: date
    donor: Organization | None
    contributions: list[Contribution]
    totals: dict                          # name -> rates.Total
    unrecorded: int                       # contributions (not pledges) whose amount is not recorded
    activities: list[FundedActivity]
    states: list[tuple[MemberState, int]]  # State, number of funded activities that reached it
    followed: list[FollowedAction]
    reach: list[Reach]
    donors: list[DonorLine]


def _followed(funded: list[FundedActivity]) -> list[FollowedAction]:
    """The treaty actions that followed each dated activity in its States on its instruments — one query for the
    actions of every State and instrument concerned."""
    dated = [f for f in funded if f.activity.start_date is not None]
    state_ids = {s.id for f in dated for s in f.states}
    instrument_ids = {i.id for f in dated for i in f.activity.instruments}
    if not state_ids or not instrument_ids:
        return []
    actions = db.session.scalars(
        sa.select(TreatyAction).where(TreatyAction.state_id.in_(state_ids),
                                      TreatyAction.instrument_id.in_(instrument_ids))
        .options(joinedload(TreatyAction.state), joinedload(TreatyAction.instrument))).all()
    by_pair: dict[tuple[int, int], list[TreatyAction]] = {}
    for action in actions:
        by_pair.setdefault((action.state_id, action.instrument_id), []).append(action)
    out = []
    for f in dated:
        for state in f.states:
            for instrument in f.activity.instruments:
                out += [FollowedAction(f.activity, f.activity.start_date, a)
                        for a in by_pair.get((state.id, instrument.id), []) if a.action_date > f.activity.start_date]
    out.sort(key=lambda x: (x.start_date, x.action.action_date, x.action.state.name,
                            x.action.instrument_id))
    return out


def _reach(funded: list[FundedActivity], as_of: date) -> list[Reach]:
    instruments = {i.id: i for f in funded for i in f.activity.instruments}
    if not instruments:
        return []
    reached = {s.code: s for f in funded for s in f.states}
    statuses = treaty_record.statuses(instruments.values(), as_of)
    out = []
    for instrument in sorted(instruments.values(), key=lambda i: i.id):
        parties = statuses[instrument.code].parties
        mine = sorted((reached[p.participant] for p in parties if p.participant in reached), key=lambda s: s.name)
        out.append(Reach(instrument, mine, len(parties)))
    return out


class NotYours(LookupError):
    """A donor asked for another donor's portal, statement or file (the view answers 404)."""


def donor_for(scope: Scope, requested: int | None) -> Organization | None:
    """The donor a portal, statement or IATI file is about: a donor's own, always (another's id is NotYours); for
    staff the one asked for (NotYours when there is none such), or None for every donor."""
    if scope.is_donor:
        if requested is not None and requested != scope.donor_id:
            raise NotYours(requested)
        return db.session.get(Organization, scope.donor_id)
    if requested is None:
        return None
    found = db.session.get(Organization, requested)
    if found is None:
        raise NotYours(requested)
    return found


def portal(scope: Scope, donor: Organization | None, as_of: date) -> Portal:
    """Everything the portal, the statement and the staff's donor pages show, for one donor or (None) every donor
    the scope may see."""
    filters = contribution_service.ContributionFilters(donor_id=donor.id if donor is not None else None)
    rows = contribution_service.all_of(scope, filters)
    groups = funding_totals.sums(funding_totals.money_of(scope, donor))
    rates = funding_totals.rates_for(groups, as_of)
    funded: dict[int, FundedActivity] = {}
    for c in rows:
        for allocation in c.allocations:
            funded.setdefault(allocation.activity_id, FundedActivity(allocation.activity)).allocations.append(
                allocation)
    activities = sorted(funded.values(), key=lambda f: (f.activity.start_date is None,
                                                        f.activity.start_date or date.max, f.activity.title))
    counts: dict[int, list] = {}
    for f in activities:
        for state in f.states:
            counts.setdefault(state.id, [state, 0])[1] += 1
    by_donor: dict[int, list[Contribution]] = {}
    for c in rows:
        by_donor.setdefault(c.donor_id, []).append(c)
    groups_of = funding_totals.by_donor(groups)  # .get: a separate query, which a concurrent commit may precede
    donors = [DonorLine(cs[0].donor, cs, funding_totals.totals(groups_of.get(cs[0].donor_id, []), as_of, rates))
              for cs in sorted(by_donor.values(), key=lambda cs: cs[0].donor.name)]
    return Portal(
        as_of=as_of, donor=donor, contributions=rows, totals=funding_totals.totals(groups, as_of, rates),
        unrecorded=funding_totals.unrecorded(groups), activities=activities,
        states=sorted(((s, n) for s, n in counts.values()), key=lambda x: x[0].name),
        followed=_followed(activities), reach=_reach(activities, as_of), donors=donors)


def received_amount(c: Contribution) -> Decimal | None:
    return c.amount if c.status == ContributionStatus.RECEIVED.value else None
