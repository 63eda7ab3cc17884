"""The dashboard of each role as at a date, each section a fixed number of queries whatever the size of the record.

- managers (and administrators): the queue's ageing buckets (`queue.figures`), the activities of the quarter, the
  counted deposits of the year, each instrument's progress to its threshold;
- officers: their requests (assigned and open, overdue) and the visits coming up, and the progress to 40;
- donors: their own contributions, the activities those fund, and the deposits in the States those reached — the
  donor's scope and nothing else.
Figures are as at `as_of`: the quarter and the year are those of `as_of`, deposits and activities after it do not
count, the queue's ages are counted to it.
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.rules import treaties as rules
from app.scoping import Scope
from app.services.activities import activity_reads
from app.services.registry import states as state_service
from app.services.requests import queue as queue_service
from app.services.requests import request_reads
from app.services.treaties import treaty_record
from app.services.work import action_reads
from models import Activity, ActivityVisit, Contribution, Instrument, Organization, db
from models.enums import ActivityStatus

date = datetime.date


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding `day`."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class Progress:
    """One instrument's progress to its threshold as at the date."""
    instrument: Instrument
    counted: int
    threshold: int
    entry_into_force: date | None
    deposits_this_year: int

    @property
    def share(self) -> float:
        return min(1.0, self.counted / self.threshold) if self.threshold else 0.0


@dataclass(frozen=True)
class Deposit:
    instrument: str
    participant: str
    name: str
    kind: str
    date: date


@dataclass(frozen=True)
class ActivityLine:
    id: int
    title: str
    kind: str
    status: str
    start: date | None


@dataclass
class Dashboard:
    role: str
    as_of: date
    progress: list[Progress] = field(default_factory=list)
    deposits: list[Deposit] = field(default_factory=list)
    queue: queue.Figures | None = None
    quarter: tuple[date, date] | None = None
    activities: list[ActivityLine] = field(default_factory=list)
    my_requests: request_reads.MyRequests | None = None
    visits: list = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    contributions_total: int = 0  # the donor's in all, when `contributions` shows only the latest
    #: How many activities there are in all and of each kind, when `activities` is only the first of them (the
    #: managers' quarter, a donor's funded activities); None: `activities` is all of them.
    activities_total: int | None = None
    activity_kinds: dict[str, int] | None = None
    #: Staff: the open and overdue follow-up actions (all, and the user's) and the reports awaiting the user's
    #: review, as at today (actions keep no history of their counts).
    work: action_reads.Figures | None = None

    @property
    def activities_count(self) -> int:
        return len(self.activities) if self.activities_total is None else self.activities_total

    @property
    def activities_by_kind(self) -> list[tuple[str, int]]:
        counts = Counter(a.kind for a in self.activities) if self.activity_kinds is None else self.activity_kinds
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# ------------------------------------------------------------------ sections
def progress_and_deposits(scope: Scope, as_of: date, since: date | None,
                          state_ids: set[int] | None = None) -> tuple[list[Progress], list[Deposit]]:
    """Each visible instrument's progress to its threshold as at `as_of`, and the deposits dated from `since`
    (None: from the beginning) to `as_of`, newest first — of the States `state_ids` only, when given. Four queries:
    the instruments, their actions, the States' names (two)."""
    instruments = treaty_record.visible_instruments(scope)
    statuses = treaty_record.statuses(instruments, as_of)
    start, year_start = since or date.min, date(as_of.year, 1, 1)
    progress, found = [], []
    for instrument in instruments:
        status: rules.Status = statuses[instrument.code]
        progress.append(Progress(instrument, status.parties_counted, instrument.threshold, status.entry_into_force,
                                 sum(1 for p in status.parties if p.counted and p.date >= year_start)))
        found += [(instrument.code, p) for p in status.parties if p.date >= start]
    states = state_service.participants(p.participant for _, p in found)
    deposits = [Deposit(code, p.participant, states[p.participant].name_on(p.date), p.kind, p.date)
                for code, p in found if p.participant in states
                and (state_ids is None or states[p.participant].id in state_ids)]
    deposits.sort(key=lambda d: (d.date, d.instrument, d.name), reverse=True)
    return progress, deposits


#: Activities of the quarter shown on the managers' dashboard; the rest are a link to the filtered list away.
QUARTER_ROWS = 20


def activities_between(scope: Scope, first: date, last: date, limit: int | None = None
                       ) -> tuple[list[ActivityLine], int, dict[str, int]]:
    """The first `limit` activities `scope` may see with a visit in first..last (cancelled ones left out), by
    first day; how many there are in all; and how many of each kind — one query: window functions count them
    all in SQL and only the rows shown (and one row per kind, for its count) come back."""
    limit = QUARTER_ROWS if limit is None else limit
    matching = (
        sa.select(Activity.id, Activity.title, Activity.kind, Activity.status,
                  sa.func.min(ActivityVisit.start_date).label("start"))
        .join(ActivityVisit, ActivityVisit.activity_id == Activity.id)
        .where(scope.activities(), ActivityVisit.start_date <= last, ActivityVisit.end_date >= first,
               Activity.status != ActivityStatus.CANCELLED.value)
        .group_by(Activity.id, Activity.title, Activity.kind, Activity.status)).subquery()
    m = matching.c
    numbered = sa.select(
        m.id, m.title, m.kind, m.status, m.start,
        sa.func.row_number().over(order_by=(m.start, m.id)).label("n"),
        sa.func.count().over().label("total"),
        sa.func.row_number().over(partition_by=m.kind, order_by=m.id).label("n_of_kind"),
        sa.func.count().over(partition_by=m.kind).label("of_kind")).subquery()
    c = numbered.c
    rows = db.session.execute(sa.select(numbered).where(sa.or_(c.n <= limit, c.n_of_kind == 1))
                              .order_by(c.n)).all()
    lines = [ActivityLine(r.id, r.title, r.kind, r.status, r.start) for r in rows if r.n <= limit]
    return lines, (rows[0].total if rows else 0), {r.kind: r.of_kind for r in rows if r.n_of_kind == 1}


#: Rows of each list on a donor's dashboard (latest first); the donor portal pages through all of them.
DONOR_ROWS = 20


def funded_activities(scope: Scope, as_of: date) -> tuple[list[ActivityLine], int]:
    """The latest DONOR_ROWS activities a donor's money funds, begun by `as_of` (or without travel), newest first,
    and how many there are in all: one query (a window function counts them)."""
    start = sa.func.min(ActivityVisit.start_date)
    rows = db.session.execute(
        sa.select(Activity.id, Activity.title, Activity.kind, Activity.status, start, sa.func.count().over())
        .outerjoin(ActivityVisit, ActivityVisit.activity_id == Activity.id)
        .where(scope.activities())
        .group_by(Activity.id, Activity.title, Activity.kind, Activity.status)
        .having(sa.or_(start.is_(None), start <= as_of))
        .order_by(start.desc(), Activity.id).limit(DONOR_ROWS)).all()
    return [ActivityLine(*row[:5]) for row in rows], (rows[0][5] if rows else 0)


def own_contributions(scope: Scope, as_of: date) -> tuple[list[Contribution], int]:
    """The donor's latest DONOR_ROWS contributions pledged by `as_of` (or undated), with their donor, and how many
    there are in all: one query."""
    rows = db.session.execute(
        sa.select(Contribution, sa.func.count().over())
        .join(Organization, Organization.id == Contribution.donor_id)
        .where(scope.contributions(), sa.or_(Contribution.pledged_date.is_(None), Contribution.pledged_date <= as_of))
        .options(sa.orm.contains_eager(Contribution.donor))
        .order_by(Contribution.pledged_date.desc().nulls_last(), Contribution.id).limit(DONOR_ROWS)).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


# ------------------------------------------------------------------ per role
def for_role(role: str, scope: Scope, user, as_of: date) -> Dashboard:
    """The dashboard of `role` (manager, officer, donor; an administrator gets the manager's)."""
    if role == "donor":
        visible = state_service.visible_ids(scope) or set()
        progress, deposits = progress_and_deposits(scope, as_of, None, visible)
        contributions, contributions_total = own_contributions(scope, as_of)
        funded, funded_total = funded_activities(scope, as_of)
        return Dashboard("donor", as_of, progress, deposits, contributions=contributions,
                         contributions_total=contributions_total, activities=funded, activities_total=funded_total)
    if role == "officer":
        progress, _ = progress_and_deposits(scope, as_of, date(as_of.year, 1, 1))
        return Dashboard("officer", as_of, progress, my_requests=request_reads.mine(scope, user, as_of),
                         visits=activity_reads.upcoming_visits(scope, as_of),
                         work=action_reads.figures(scope, user, date.today()))
    year_start = date(as_of.year, 1, 1)
    progress, deposits = progress_and_deposits(scope, as_of, year_start)
    first, last = quarter_of(as_of)
    lines, total, kinds = activities_between(scope, first, last)
    return Dashboard("manager", as_of, progress, deposits,
                     queue=queue_service.figures(scope, queue_service.QueueFilters(received_by=as_of), as_of),
                     quarter=(first, last), activities=lines, activities_total=total, activity_kinds=kinds,
                     work=action_reads.figures(scope, user, date.today()))
