"""The progress report of A/58/165 regenerated from data for any period: activities by kind with States, cities and
dates; meetings and their participants; requests received and their stage; deposits; donors and what they funded.

Everything is read within the caller's scope (a donor: the activities its money funds, its own allocations, the
deposits of the States those activities reached; requests only for those who may see requests). A fixed number of
queries whatever the period: the activities with their eager loads, the requests with theirs, the treaty actions
and the names of the depositing States.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.languages import current_language
from app.listing import Page, Paging, among, paginate
from app.scoping import Scope
from app.services.activities import activity_reads, period_months
from app.services.registry import states as state_service
from app.services.registry.state_names import local_name
from app.services.requests import request_reads
from app.services.treaties import stated_figures, treaty_record
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    MemberState,
    Organization,
    db,
)
from models.activity import UNDATED_ORDER, first_visit_order
from models.enums import ActivityKind, ActivityStateRole, ActivityStatus

date = datetime.date

#: The meetings of the report's section II.B and para. 12 (States take part in them rather than being served).
MEETING_KINDS = (ActivityKind.REGIONAL_MEETING.value, ActivityKind.SUBREGIONAL_MEETING.value,
                 ActivityKind.EXPERT_GROUP_MEETING.value)
#: The period A/58/165 reports on: "since 2002" (paras. 13, 16) up to the report's date, 4 July 2003.
A58_165_PERIOD = (date(2002, 1, 1), date(2003, 7, 4))
#: The tables of the report, in its order, with their titles (the CSV download takes the key).
TABLES = {"activities": _l("Activities by kind"), "meetings": _l("Meetings and participants"),
          "requests": _l("Requests received and their stage"), "deposits": _l("Deposits"),
          "donors": _l("Donors and what they funded")}


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    #: The visits within the period (a mission of two visits may have one inside it).
    visits: list[ActivityVisit]
    served: list
    participants: list
    #: The donors whose money the caller may see on this activity.
    donors: list[Organization]
    #: Those of `donors` whose funding of this activity is the record's inference (A/58/165 paras 16-17 name a
    #: project's donors, not who paid for which mission): every page and file showing them marks them.
    inferred_donor_ids: frozenset[int] = frozenset()

    def is_inferred(self, donor: Organization) -> bool:
        return donor.id in self.inferred_donor_ids

    @property
    def all_states(self) -> list:
        """Every State of a meeting, served or taking part (the record holds a meeting's attending States either
        way), by name."""
        return sorted({s.id: s for s in self.served + self.participants}.values(), key=lambda s: s.name)


@dataclass(frozen=True)
class DepositRow:
    instrument: str
    participant: str
    name: str
    kind: str
    date: date
    counted: bool
    in_force_date: date | None


@dataclass
class DonorRow:
    donor: Organization
    activities: list[Activity] = field(default_factory=list)
    projects: set[str] = field(default_factory=set)
    #: Ids of the activities whose funding by this donor is the record's inference.
    inferred: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class DonorCount:
    """A donor of the page's donors table: how many activities of the period it funded (the list is the CSV's)."""
    donor: Organization
    projects: list[str]
    activities: int
    #: Of those, how many the record links to this donor by inference only (A/58/165 paras 16-17).
    inferred: int


@dataclass
class PeriodReport:
    first: date
    last: date
    activities: list[ActivityRow]
    meetings: list[ActivityRow]
    requests: list[AssistanceRequest] | None
    deposits: list[DepositRow]
    donors: list[DonorRow]
    #: Activities of the scope with no visit (a written analysis): they cannot be dated into a period.
    undated: int = 0
    #: What a source's text states about deposits in exactly this period (A/58/165 para 6 for 2002), and where the
    #: record's count differs from it (staff only: a donor's deposits are narrowed to its States).
    stated_deposits: list[stated_figures.StatedFigure] = field(default_factory=list)
    deposit_differences: list[stated_figures.Difference] = field(default_factory=list)
    #: The page (`build_page`): each long table's Page (activities, meetings, requests), the activities per kind
    #: over the whole period, and the donors counted in SQL. Empty for the full report (files, a long period's job).
    pages: dict[str, Page] = field(default_factory=dict)
    kind_counts: dict[str, int] = field(default_factory=dict)
    donor_counts: list[DonorCount] = field(default_factory=list)

    @property
    def activities_by_kind(self) -> list[tuple[str, list[ActivityRow]]]:
        groups: dict[str, list[ActivityRow]] = {}
        for row in self.activities:
            groups.setdefault(row.activity.kind, []).append(row)
        order = [k.value for k in ActivityKind]
        return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))

    def deposits_by_instrument(self) -> dict[str, int]:
        return _count_by_instrument(self.deposits)


def _count_by_instrument(deposits: list[DepositRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in deposits:
        out[d.instrument] = out.get(d.instrument, 0) + 1
    return out


def _visited_within(first: date, last: date):
    """The activities with a visit overlapping first..last: the period's visits found first (from their dates'
    index), then the activities by their key (app.listing.among: a year's few thousand). As IN (SELECT …),
    PostgreSQL walked every activity in date order from the first one to reach the period's (2018: 80 -> 6 ms, 2010:
    34 -> 14 ms at 200,000 requests); the activity list keeps IN, which a span of decades needs."""
    visits = sa.select(ActivityVisit.activity_id).where(ActivityVisit.end_date >= first,
                                                        ActivityVisit.start_date <= last)
    return among(Activity.id, visits.scalar_subquery())


def _in_period(scope: Scope, first: date, last: date, loads=activity_reads.LOADS) -> sa.Select:
    """The activities with a visit in first..last (cancelled ones left out), with what the list shows loaded."""
    return (activity_reads.query(scope, activity_reads.ActivityFilters(), loads=loads)
            .where(_visited_within(first, last), Activity.status != ActivityStatus.CANCELLED.value))


def _activities(scope: Scope, first: date, last: date) -> tuple[list[Activity], int]:
    """The activities with a visit in first..last (cancelled ones left out), in date order, with their funding."""
    select = (_in_period(scope, first, last)
              .options(*_REPORT_LOADS))
    found = activity_reads._in_date_order(db.session.scalars(select))
    return found, _undated(scope)


def _undated(scope: Scope) -> int:
    """The activities with no visit: those without a first visit date (kept with the visits, models.activity),
    found by the index of the list's order rather than by looking for each activity's visits."""
    return int(db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        scope.activities(), Activity.status != ActivityStatus.CANCELLED.value,
        first_visit_order() == UNDATED_ORDER)) or 0)


#: What each row of the activities and meetings tables shows, loaded with them (one query each).
_REPORT_LOADS = (selectinload(Activity.allocations).selectinload(Allocation.contribution)
                       .options(selectinload(Contribution.donor), selectinload(Contribution.project)),
                       # the report names each State as it was named then: their name histories, in one query each
                       selectinload(Activity.visits).selectinload(ActivityVisit.country)
                       .selectinload(MemberState.names),
                       selectinload(Activity.states).selectinload(ActivityState.state)
                       .selectinload(MemberState.names))


def _row(activity: Activity, scope: Scope, first: date, last: date) -> ActivityRow:
    allocations = [a for a in activity.allocations
                   if not scope.is_donor or a.contribution.donor_id == scope.donor_id]
    donors = sorted({a.contribution.donor.id: a.contribution.donor for a in allocations}.values(),
                    key=lambda o: o.name)
    return ActivityRow(
        activity, [v for v in activity.visits if v.start_date <= last and v.end_date >= first],
        sorted((s.state for s in activity.states if s.role == ActivityStateRole.SERVED.value), key=lambda s: s.name),
        sorted((s.state for s in activity.states if s.role == ActivityStateRole.PARTICIPANT.value),
               key=lambda s: s.name),
        donors, frozenset(a.contribution.donor_id for a in allocations if a.is_inferred)
        - frozenset(a.contribution.donor_id for a in allocations if not a.is_inferred))


def _requests(scope: Scope, first: date, last: date) -> list[AssistanceRequest]:
    """Requests received in the period, and those whose date of receipt is not recorded (para. 19 of A/58/165 gives
    none): a report cannot leave out a request it cannot date."""
    R = AssistanceRequest
    select = (request_reads.query(scope, request_reads.RequestFilters())
              .where(sa.or_(R.received_date.between(first, last), R.received_date.is_(None)))
              .order_by(R.received_date.is_(None), R.received_date, R.id)
              .options(selectinload(R.state).selectinload(MemberState.names)))
    return list(db.session.scalars(select))


def _deposits(scope: Scope, first: date, last: date) -> list[DepositRow]:
    instruments = treaty_record.visible_instruments(scope)
    statuses = treaty_record.statuses(instruments, last)
    found = [(code, p) for code, status in statuses.items() for p in status.parties if p.date >= first]
    states = state_service.participants(p.participant for _, p in found)
    visible = state_service.visible_ids(scope)
    language = current_language()  # the page's, or the file's: a State's name as the report is read
    rows = [DepositRow(code, p.participant, local_name(states[p.participant], language, last), p.kind, p.date,
                       p.counted, p.in_force_date)
            for code, p in found if p.participant in states
            and (visible is None or states[p.participant].id in visible)]
    order = [i.code for i in instruments]
    return sorted(rows, key=lambda d: (d.date, order.index(d.instrument), d.name))


# ------------------------------------------------------------------ the page: long tables paged in SQL
#: Rows of each long table (activities, meetings, requests) per page of the report (issue 26: a year at 200,000
#: requests was 3.5 MB); the CSV of each table, and a long period's job, hold every row.
PER_PAGE = 50
#: The tables the page pages, each on `<table>_page`.
PAGED = ("activities", "meetings", "requests")


#: What a row of the page shows, and no more: the list's own loads (partners, experts, requests…) and the projects
#: are the files' (a year's page loaded 2,100 records for 100 rows).
_PAGE_LOADS = (selectinload(Activity.allocations).selectinload(Allocation.contribution)
               .selectinload(Contribution.donor),
               selectinload(Activity.visits).selectinload(ActivityVisit.country).selectinload(MemberState.names),
               selectinload(Activity.states).selectinload(ActivityState.state).selectinload(MemberState.names),
               selectinload(Activity.instruments))
#: What a row of the page's requests shows: its State (named as then), instruments, and the activities that
#: answered it (its first response).
_PAGE_REQUEST_LOADS = (selectinload(AssistanceRequest.state).selectinload(MemberState.names),
                       selectinload(AssistanceRequest.instruments),
                       selectinload(AssistanceRequest.activities).selectinload(Activity.visits))


def _request_page(scope: Scope, first: date, last: date, paging: Paging) -> Page:
    """One page of the requests received in the period, then of those whose date of receipt is not recorded
    (`_requests`' order). Said as one `received in the period OR undated`, the count and the page each read the whole
    index of received dates on PostgreSQL (12 and 17 ms at 200,000 requests): the two parts are counted in one
    statement and paged in one (each part from that index's range: 1 and 5 ms), then the page's rows are loaded by
    id with what the table shows."""
    R = AssistanceRequest
    visible = request_reads.query(scope, request_reads.RequestFilters(), loads=())
    dated = visible.where(R.received_date.between(first, last)).with_only_columns(R.id, R.received_date)
    undated = visible.where(R.received_date.is_(None)).with_only_columns(R.id, R.received_date)

    def counted(part: sa.Select):
        return sa.select(sa.func.count()).select_from(part.subquery()).scalar_subquery()
    n_dated, n_undated = db.session.execute(sa.select(counted(dated), counted(undated))).one()
    offset = (paging.page - 1) * paging.per_page
    from_dated = max(0, min(paging.per_page, n_dated - offset))
    parts = sa.union_all(
        sa.select(dated.order_by(R.received_date, R.id).limit(from_dated).offset(min(offset, n_dated))
                  .add_columns(sa.literal(0).label("part")).subquery()),
        sa.select(undated.order_by(R.id).limit(paging.per_page - from_dated).offset(max(0, offset - n_dated))
                  .add_columns(sa.literal(1).label("part")).subquery())).subquery()
    ids = list(db.session.scalars(sa.select(parts.c.id).order_by(parts.c.part, parts.c.received_date, parts.c.id)))
    rows = {r.id: r for r in db.session.scalars(
        request_reads.query(scope, request_reads.RequestFilters(), loads=_PAGE_REQUEST_LOADS).where(R.id.in_(ids)))}
    return Page([rows[i] for i in ids], paging.page, paging.per_page, n_dated + n_undated)


def _activity_page(scope: Scope, first: date, last: date, meetings: bool, paging: Paging, total: int) -> Page:
    """One page of the activities (or the meetings) of the period; `total` is the sum of their kinds' counts."""
    kinds = Activity.kind.in_(MEETING_KINDS) if meetings else Activity.kind.not_in(MEETING_KINDS)
    select = (_in_period(scope, first, last, loads=()).where(kinds).options(*_PAGE_LOADS)
              .order_by(first_visit_order(), Activity.title, Activity.id))
    return paginate(select, paging, total=total)


def _in_kind_order(found: dict[str, int]) -> dict[str, int]:
    order = [k.value for k in ActivityKind]
    return {k: found[k] for k in sorted(found, key=lambda k: order.index(k) if k in order else len(order))}


def _kept_donor_counts(kept: period_months.PeriodCounts) -> list[DonorCount]:
    """The donors table from the kept figures: the donors and their projects' titles, one statement each."""
    if not kept.donors:
        return []
    from models import Project
    ids = {p for projects in kept.projects.values() for p in projects}
    titles = dict(db.session.execute(sa.select(Project.id, Project.title).where(Project.id.in_(ids))).all())
    donors = db.session.scalars(sa.select(Organization).where(Organization.id.in_(kept.donors))
                                .order_by(Organization.name, Organization.id))
    return [DonorCount(d, sorted({titles[p] for p in kept.projects.get(d.id, ())}), kept.donors[d.id][0],
                       kept.donors[d.id][1]) for d in donors]


def build_page(scope: Scope, first: date, last: date, with_requests: bool, pages: dict[str, int]) -> PeriodReport:
    """The report's page: one page (PER_PAGE rows) of the activities, the meetings and the requests, with their
    counts and the activities per kind over the period; the deposits (bounded by the States and instruments) in
    full; the donors counted in SQL. A fixed number of queries whatever the size of the record or the period."""
    def paging(table: str) -> Paging:
        return Paging(page=pages.get(table) or 1, per_page=PER_PAGE)
    kept = period_months.counts(scope.donor_id, first, last)
    kind_counts = _in_kind_order(kept.kinds)
    meetings = sum(n for kind, n in kind_counts.items() if kind in MEETING_KINDS)
    found = {"activities": _activity_page(scope, first, last, False, paging("activities"),
                                          sum(kind_counts.values()) - meetings),
             "meetings": _activity_page(scope, first, last, True, paging("meetings"), meetings)}
    if with_requests:
        found["requests"] = _request_page(scope, first, last, paging("requests"))
    deposits = _deposits(scope, first, last)
    stated, differ = ([], []) if scope.is_donor else stated_figures.differences(
        "deposits", first, last, _count_by_instrument(deposits))
    return PeriodReport(
        first, last,
        activities=[_row(a, scope, first, last) for a in found["activities"].items],
        meetings=[_row(a, scope, first, last) for a in found["meetings"].items],
        requests=found["requests"].items if with_requests else None,
        deposits=deposits, donors=[], undated=kept.undated, stated_deposits=stated, deposit_differences=differ,
        pages=found, kind_counts=kind_counts, donor_counts=_kept_donor_counts(kept))


def build(scope: Scope, first: date, last: date, with_requests: bool) -> PeriodReport:
    """The report for first..last (both included). `with_requests` False leaves the requests out (None)."""
    found, undated = _activities(scope, first, last)
    rows = [_row(a, scope, first, last) for a in found]
    donors: dict[int, DonorRow] = {}
    for row in rows:
        for allocation in row.activity.allocations:
            contribution = allocation.contribution
            if scope.is_donor and contribution.donor_id != scope.donor_id:
                continue
            entry = donors.setdefault(contribution.donor.id, DonorRow(contribution.donor))
            if row.activity not in entry.activities:
                entry.activities.append(row.activity)
            if row.is_inferred(contribution.donor):
                entry.inferred.add(row.activity.id)
            if contribution.project is not None:
                entry.projects.add(contribution.project.title)
    deposits = _deposits(scope, first, last)
    stated, differ = ([], []) if scope.is_donor else stated_figures.differences(
        "deposits", first, last, _count_by_instrument(deposits))
    return PeriodReport(
        first, last,
        activities=[r for r in rows if r.activity.kind not in MEETING_KINDS],
        meetings=[r for r in rows if r.activity.kind in MEETING_KINDS],
        requests=_requests(scope, first, last) if with_requests else None,
        deposits=deposits,
        donors=sorted(donors.values(), key=lambda d: d.donor.name),
        undated=undated, stated_deposits=stated, deposit_differences=differ)
