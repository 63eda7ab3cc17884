"""The donor portal and the staff's view of every donor, built once: the page (one page of each list, in a fixed
number of queries whatever the size of the record), the donor's home panel (totals and counts), and everything at
once for the statement and the IATI file — all from the same selects.

Everything starts from the caller's scoped money (`funding_totals.money_of`), so a donor sees only its own money
and, on an activity several donors fund, only its own allocations. Totals are `funding_totals` (SQL aggregates)
and add allocations, never activities, so an activity covering several States or instruments is counted once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.listing import Page, Paging, page_of, paginate
from app.scoping import Scope
from app.services.funding import contributions as contribution_service
from app.services.funding import reach
from app.services.funding.funding_totals import Sums, by_donor, money_of, rates_for, sums, totals, unrecorded
from app.services.treaties import treaty_actions, treaty_record
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    Contribution,
    Instrument,
    MemberState,
    Organization,
    TreatyAction,
    db,
)
from models.activity import activity_instruments
from models.enums import ActivityStateRole, ContributionStatus

SERVED = ActivityStateRole.SERVED.value


@dataclass
class FundedActivity:
    """One activity and the allocations (in the caller's scope) that paid for it."""
    activity: Activity
    allocations: list[Allocation] = field(default_factory=list)

    # Each sorted once: a page asks for them more than once per row.
    @cached_property
    def states(self) -> list[MemberState]:
        """The States it was for (served), by name. Neither a venue (Vancouver hosting an expert group) nor a
        State whose experts took part is "reached": a ratification there would be wrongly credited to the money."""
        return sorted((s.state for s in self.activity.states if s.role == ActivityStateRole.SERVED.value),
                      key=lambda s: s.name)

    @cached_property
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


@dataclass
class DonorSums:
    donor: Organization
    contributions: int
    totals: dict


@dataclass
class Overview:
    """What the home panel shows: the totals and how many of each thing there are."""
    as_of: date
    donor: Organization | None
    totals: dict
    unrecorded: int
    counts: dict  # contributions, activities, states, followed -> int


@dataclass
class PortalPage(Overview):
    contributions: Page          # of Contribution, latest first
    activities: Page             # of FundedActivity, latest first
    states: Page                 # of (MemberState, funded activities that served it), by name
    followed: Page               # of FollowedAction, latest action first
    reach: list[Reach]
    donors: list[DonorSums]      # staff without a donor: every donor's totals


#: The query parameter of each section's page (beside the filters of forms.funding.FundingFilterForm).
SECTIONS = ("contributions", "activities", "states", "followed")


def _funded_ids(condition) -> sa.Select:
    """Ids of the activities the money paid for (as a subquery)."""
    return sa.select(Allocation.activity_id).join(Contribution, Contribution.id == Allocation.contribution_id) \
        .where(condition)


def _reached(condition, as_of: date) -> tuple[list[tuple[MemberState, int]], dict[int, set[int]]]:
    """The States the money reached (`reach`): each with the number of activities that reached it, by name, and
    the States reached on each instrument (instrument id -> State ids) — one statement, a row per State, the
    reached rows read once for both (a CTE) rather than once per list; bounded by the States and instruments,
    not by the record."""
    rows = reach.reached_activities_select(condition, as_of).cte("reached")
    counts = (sa.select(rows.c.state_id, sa.func.count(sa.distinct(rows.c.activity_id)).label("n"))
              .group_by(rows.c.state_id).subquery())
    pairs = sa.select(rows.c.state_id, rows.c.instrument_id).distinct().subquery()
    # a State's instruments as one text ("1,3"): a row per State, not one per State and instrument
    on = (sa.select(pairs.c.state_id,
                    sa.func.aggregate_strings(sa.cast(pairs.c.instrument_id, sa.String), ",").label("instruments"))
          .group_by(pairs.c.state_id).subquery())
    served: list[tuple[MemberState, int]] = []
    reached_on: dict[int, set[int]] = {}
    for state, n, instruments in db.session.execute(
            sa.select(MemberState, counts.c.n, on.c.instruments)
            .join(counts, counts.c.state_id == MemberState.id).join(on, on.c.state_id == MemberState.id)
            .order_by(MemberState.name, MemberState.id)):
        served.append((state, n))
        for instrument_id in instruments.split(","):
            reached_on.setdefault(int(instrument_id), set()).add(state.id)
    return served, reached_on


def _states_count(condition, as_of: date) -> int:
    """How many States the money reached (`reach`): the number of rows of `_reached`'s list."""
    rows = reach.reached_activities_select(condition, as_of).subquery()
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(rows.c.state_id))))


def _followed_select(funded, latest_first: bool = True) -> sa.Select:
    """Each signature or deposit in a State a funded activity served, on an instrument it dealt with, dated after
    its first visit: (action, activity, start) rows."""
    return treaty_actions.followed_activities(funded, latest_first)


def _followed_page(funded, paging: Paging) -> Page:
    """One page of the treaty actions that followed, latest first, with their number (one statement): the page
    chosen among the rows' keys (ids and the order's columns, with their count as a window), then only its rows'
    actions and activities read, not every row's full records carried through the sort."""
    offset = (paging.page - 1) * paging.per_page
    # Keys first, behind OFFSET 0 (planned on its own): PostgreSQL scaled the joins' cost down to the LIMIT and
    # chose a nested loop over 1.5 million pairs (130 ms at 200,000 requests) where a hash join takes a few.
    keys = treaty_actions.followed_activities(funded, keys_only=True).order_by(None).offset(0).subquery("followed")
    picked = (sa.select(keys, sa.func.count().over().label("total"))
              .order_by(keys.c.action_date.desc(), keys.c.start.desc(), keys.c.state_name, keys.c.instrument_id,
                        keys.c.activity_id)
              .limit(paging.per_page).offset(offset).subquery())
    rows = db.session.execute(
        sa.select(TreatyAction, Activity, picked.c.start, picked.c.total)
        .join(picked, picked.c.action_id == TreatyAction.id).join(Activity, Activity.id == picked.c.activity_id)
        .options(joinedload(TreatyAction.state), joinedload(TreatyAction.instrument))
        .order_by(picked.c.action_date.desc(), picked.c.start.desc(), picked.c.state_name, picked.c.instrument_id,
                  picked.c.activity_id)).all()
    if rows:
        total = rows[0].total
    else:  # an empty first page is none at all; past the end (no pager links there), counted apart
        total = _count(_followed_select(funded)) if offset else 0
    return Page([FollowedAction(activity, start, action) for action, activity, start, _total in rows],
                paging.page, paging.per_page, total)


def _count(select: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.order_by(None).subquery()))


def _windowed_page(select: sa.Select, paging: Paging) -> Page:
    """One page of `select`'s first column (records) and the number of rows in all, in one statement: the count is
    a window over the rows the order already reads (COUNT(*) OVER ()), not the same joins run again for a count.
    An empty first page is a count of 0; only a page past the end (which no pager links to) asks for the count
    apart."""
    offset = (paging.page - 1) * paging.per_page
    rows = db.session.execute(select.add_columns(sa.func.count().over().label("_total"))
                              .limit(paging.per_page).offset(offset)).all()
    if rows:
        total = rows[0][-1]
    else:
        total = _count(select) if offset else 0
    return Page([row[0] for row in rows], paging.page, paging.per_page, total)


def overview(scope: Scope, donor: Organization | None, as_of: date) -> Overview:
    """The totals and the size of each list (the donor's home panel): five queries."""
    condition = money_of(scope, donor)
    groups = sums(condition)
    rates = rates_for(groups, as_of)
    funded = _funded_ids(condition)
    activities, inferred = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Allocation.activity_id)),
                  sa.func.count(sa.distinct(sa.case((Allocation.is_inferred, Allocation.activity_id)))))
        .join(Contribution, Contribution.id == Allocation.contribution_id).where(condition)).one()
    counts = {
        "contributions": sum(g.count for g in groups),
        "activities": activities,
        # of those, the activities the record links to this money by inference (A/58/165 paras 16-17)
        "inferred": inferred,
        "states": _states_count(condition, as_of),
        "followed": _count(_followed_select(funded)),
    }
    return Overview(as_of, donor, totals(groups, as_of, rates), unrecorded(groups), counts)


#: What the statement shows of each contribution of its page, loaded with the page (a fixed number of queries):
#: its earmarks, and each allocation's activity with the States and instruments the statement names.
STATEMENT_LOADS = (
    selectinload(Contribution.instruments),
    selectinload(Contribution.allocations).joinedload(Allocation.activity).options(
        selectinload(Activity.states).joinedload(ActivityState.state),
        selectinload(Activity.visits).joinedload(ActivityVisit.country),
        selectinload(Activity.instruments)))


def page(scope: Scope, donor: Organization | None, as_of: date, pages: dict[str, int], per_page: int,
         contribution_loads=(selectinload(Contribution.allocations),)) -> PortalPage:
    """The portal page: totals, every donor's totals (staff, no donor chosen), one page of each list and the
    instruments reached. `pages` maps a section of SECTIONS to its page number (1 when absent);
    `contribution_loads` what is loaded with each contribution of the page (the statement's STATEMENT_LOADS)."""
    condition = money_of(scope, donor)
    groups = sums(condition)
    rates = rates_for(groups, as_of)
    funded = _funded_ids(condition)

    def paging(section: str) -> Paging:
        return Paging(page=pages.get(section) or 1, per_page=per_page)

    contributions = paginate(
        sa.select(Contribution).where(condition)
        .options(joinedload(Contribution.donor), joinedload(Contribution.project), *contribution_loads)
        .order_by(Contribution.id.desc()), paging("contributions"), total=sum(g.count for g in groups))
    activities = _activities(condition, funded, paging("activities"))
    # Every State served, with its count: bounded by the States of the world, not by the record; the list pages it
    # and the instruments' reach reads it.
    served, reached_on = _reached(condition, as_of)
    states = page_of(served, paging("states"))
    followed = _followed_page(funded, paging("followed"))
    totals_ = totals(groups, as_of, rates)
    counts = {"contributions": contributions.total, "activities": activities.total, "states": states.total,
              "followed": followed.total}
    reach_ = _reach(funded, reached_on, [s for s, _n in served], as_of)
    return PortalPage(as_of, donor, totals_, unrecorded(groups), counts, contributions, activities, states,
                      followed, reach_, _donors(groups, as_of, rates) if donor is None else [])


def _activities(condition, funded, paging: Paging) -> Page:
    """One page of funded activities, latest first (undated last), each with its allocations from this money."""
    # The first visit as the activity stores it (kept by the writes of its visits), not a MIN over its visits
    start = Activity.first_visit_date
    found = _windowed_page(
        sa.select(Activity).where(Activity.id.in_(funded))
        .options(selectinload(Activity.visits).joinedload(ActivityVisit.country),
                 selectinload(Activity.states).joinedload(ActivityState.state),
                 selectinload(Activity.instruments))
        .order_by(start.is_(None), start.desc(), Activity.title, Activity.id), paging)
    allocations: dict[int, list[Allocation]] = {}
    if found.items:
        # The page's activities' allocations first (their index), each then checked against the money (EXISTS,
        # by the contribution's key): joined, SQLite walked every contribution of the donor against every
        # activity of the page instead.
        for allocation in db.session.scalars(
                sa.select(Allocation)
                .where(Allocation.activity_id.in_([a.id for a in found.items]),
                       sa.exists().where(Contribution.id == Allocation.contribution_id, condition))
                .options(joinedload(Allocation.contribution))
                .order_by(Allocation.contribution_id, Allocation.id)):
            allocations.setdefault(allocation.activity_id, []).append(allocation)
    found.items = [FundedActivity(a, allocations.get(a.id, [])) for a in found.items]
    return found


def _reach(funded, reached_on: dict[int, set[int]], served: list[MemberState], as_of: date) -> list[Reach]:
    """The instruments the funded activities dealt with, and their parties among the States the money reached on
    that instrument (`reached_on`, from `_reached`; `served` are the States reached on any) — bounded by the
    record's instruments and States, not by its size."""
    instruments = list(db.session.scalars(
        sa.select(Instrument).where(Instrument.id.in_(
            sa.select(activity_instruments.c.instrument_id).where(activity_instruments.c.activity_id.in_(funded))))
        .order_by(Instrument.id)))
    if not instruments:
        return []
    statuses = treaty_record.statuses(instruments, as_of)
    by_code = {s.code: s for s in served}
    out = []
    for instrument in instruments:
        on = reached_on.get(instrument.id, set())
        parties = statuses[instrument.code].parties
        mine = sorted((by_code[p.participant] for p in parties
                       if p.participant in by_code and by_code[p.participant].id in on), key=lambda s: s.name)
        out.append(Reach(instrument, mine, len(parties)))
    return out


def _donors(groups: list[Sums], as_of: date, rates: dict) -> list[DonorSums]:
    """Every donor's totals from the same groups (one query for the donors' names)."""
    groups_of = by_donor(groups)
    if not groups_of:
        return []
    donors = db.session.scalars(sa.select(Organization).where(Organization.id.in_(groups_of))
                                .order_by(Organization.name, Organization.id))
    return [DonorSums(d, sum(g.count for g in groups_of[d.id]), totals(groups_of[d.id], as_of, rates))
            for d in donors]


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
    """Everything the statement, the IATI file and the staff's donor lines show, for one donor or (None) every
    donor the scope may see: the page's selects, unpaged, in date order."""
    filters = contribution_service.ContributionFilters(donor_id=donor.id if donor is not None else None)
    rows = contribution_service.all_of(scope, filters)
    condition = money_of(scope, donor)
    groups = sums(condition)
    rates = rates_for(groups, as_of)
    funded_ids = _funded_ids(condition)
    funded: dict[int, FundedActivity] = {}
    for c in rows:
        for allocation in c.allocations:
            funded.setdefault(allocation.activity_id, FundedActivity(allocation.activity)).allocations.append(
                allocation)
    activities = sorted(funded.values(), key=lambda f: (f.activity.start_date is None,
                                                        f.activity.start_date or date.max, f.activity.title))
    served, reached_on = _reached(condition, as_of)
    followed = [FollowedAction(activity, start, action)
                for action, activity, start in db.session.execute(_followed_select(funded_ids, latest_first=False))]
    by_donor_rows: dict[int, list[Contribution]] = {}
    for c in rows:
        by_donor_rows.setdefault(c.donor_id, []).append(c)
    groups_of = by_donor(groups)  # .get: a separate query, which a concurrent commit may precede
    donors = [DonorLine(cs[0].donor, cs, totals(groups_of.get(cs[0].donor_id, []), as_of, rates))
              for cs in sorted(by_donor_rows.values(), key=lambda cs: cs[0].donor.name)]
    return Portal(
        as_of=as_of, donor=donor, contributions=rows, totals=totals(groups, as_of, rates),
        unrecorded=unrecorded(groups), activities=activities, states=served, followed=followed,
        reach=_reach(funded_ids, reached_on, [s for s, _n in served], as_of), donors=donors)


def received_amount(c: Contribution) -> Decimal | None:
    return c.amount if c.status == ContributionStatus.RECEIVED.value else None
