"""The period report's figures kept up to date (issue 26 item 2, models/period_month.py): activities per kind, per
donor and per project, by month, so that /reports/period counts a period by reading a few rows per month instead
of every activity of the period.

Kept by every flush that changes an activity, a visit, an allocation or a contribution, whoever writes it (the
services, the importers, the reference loader, a test's factory), as `Activity.first_visit_date` is: what the
activities it touches counted before it is taken away from their rows, and what they count after it added, in the
writer's transaction. `rebuild` makes every row again (`flask outcomes rebuild`, the end of `seed reference` and
`seed synthetic`, which write in bulk).

`counts` reads a period: whole months from the kept rows, and the days of a month the period cuts (its first or
last month, when it does not start on the 1st or end on the last day) from those days' own activities.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

# The month keys (200302) and their spans are the outcome figures' own: one definition for both kept tables.
from app.services.treaties.outcome_facts import month_of, month_span
from models import Activity, ActivityVisit, Allocation, Contribution, db
from models.enums import ActivityStatus
from models.period_month import ANY_PROJECT, EVERY_DONOR, NONE, UNDATED, PeriodMonth

COLUMNS = ("donor_id", "project_id", "kind", "month", "prev_month", "activities", "inferred")
CANCELLED = ActivityStatus.CANCELLED.value


def _next(month: int) -> int:
    return month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1


def months_between(first: date, last: date) -> list[int]:
    """Every month a visit from `first` to `last` touches."""
    found, month, end = [], month_of(first), month_of(last)
    while month <= end:
        found.append(month)
        month = _next(month)
    return found


# ------------------------------------------------------------------ making the rows from the record
def _funding(connection, activity_ids) -> dict[int, dict[int, tuple[bool, set[int]]]]:
    """Per activity, per donor: whether all of that donor's allocations to it are inferred, and its projects."""
    found: dict[int, dict[int, tuple[bool, set[int]]]] = defaultdict(dict)
    select = (sa.select(Allocation.activity_id, Contribution.donor_id, Contribution.project_id, Allocation.is_inferred)
              .join(Contribution, Contribution.id == Allocation.contribution_id))
    if activity_ids is not None:
        select = select.where(Allocation.activity_id.in_(activity_ids))
    for activity_id, donor_id, project_id, is_inferred in connection.execute(select):
        inferred, projects = found[activity_id].get(donor_id, (True, set()))
        if project_id is not None:
            projects.add(project_id)
        found[activity_id][donor_id] = (inferred and bool(is_inferred), projects)
    return found


def _totals(activity_ids: Iterable[int] | None) -> dict[tuple, list[int]]:
    """What `activity_ids` (None: every activity) add to each row, by key (COLUMNS but the two counts)."""
    connection = db.session.connection()
    ids = None if activity_ids is None else sorted(set(activity_ids))
    activities = sa.select(Activity.id, Activity.kind).where(Activity.status != CANCELLED)
    visits = sa.select(ActivityVisit.activity_id, ActivityVisit.start_date, ActivityVisit.end_date)
    if ids is not None:
        activities = activities.where(Activity.id.in_(ids))
        visits = visits.where(ActivityVisit.activity_id.in_(ids))
    kinds = dict(connection.execute(activities).all())
    spans: dict[int, set[int]] = defaultdict(set)
    for activity_id, start, end in connection.execute(visits):
        spans[activity_id].update(months_between(start, end or start))
    funding = _funding(connection, ids) if kinds else {}
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for activity_id, kind in kinds.items():
        order = sorted(spans.get(activity_id, ())) or [UNDATED]
        for prev, month in zip([NONE, *order[:-1]], order, strict=True):
            totals[(EVERY_DONOR, ANY_PROJECT, kind, month, prev)][0] += 1
            for donor_id, (inferred, projects) in funding.get(activity_id, {}).items():
                for project_id in (ANY_PROJECT, *projects):
                    row = totals[(donor_id, project_id, kind, month, prev)]
                    row[0] += 1
                    row[1] += int(inferred)
    return totals


def rebuild() -> int:
    """Make every row again from the record (in the caller's transaction); how many there are."""
    db.session.flush()
    connection = db.session.connection()
    connection.execute(sa.delete(PeriodMonth.__table__))
    rows = [dict(zip(COLUMNS, (*key, n, inferred), strict=True)) for key, (n, inferred) in _totals(None).items()]
    if rows:
        connection.execute(sa.insert(PeriodMonth.__table__), rows)
    return len(rows)


# ------------------------------------------------------------------ kept by every flush
# Each flush adds what its activities count after it and takes away what they counted before (read from the
# record just before it): a difference, not the months made again, so that two transactions writing activities
# of the same month at once add up (each row's update waits for the other's) instead of one's figures replacing
# the other's, and no lock is taken that the writers' own locks could deadlock with.
_BEFORE = "period_months.before"


def _touched(session: sa.orm.Session) -> set[int]:
    """The activities whose counts a flush may change: changed themselves, or their visits or their money."""
    ids = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Activity):
            ids.add(obj.id)
        elif isinstance(obj, ActivityVisit | Allocation):
            ids.add(obj.activity_id if obj.activity_id is not None else getattr(obj.activity, "id", None))
            ids.update(sa.inspect(obj).attrs.activity_id.history.deleted)
        elif isinstance(obj, Contribution) and obj.id is not None and obj in session.dirty:
            state = sa.inspect(obj)  # the donor or project, by its key or by its relationship (set before the flush)
            if any(name in state.attrs and state.attrs[name].history.has_changes()
                   for name in ("donor_id", "project_id", "donor", "project")):
                ids.update(session.connection().scalars(
                    sa.select(Allocation.activity_id).where(Allocation.contribution_id == obj.id)))
    ids.discard(None)
    return ids


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _before(session: sa.orm.Session, _context, _instances) -> None:
    ids = _touched(session)
    session.info[_BEFORE] = (ids, _totals(ids) if ids else {})


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _after(session: sa.orm.Session, _context) -> None:
    ids, before = session.info.pop(_BEFORE, (set(), {}))
    ids = ids | _touched(session)  # the activities this flush created have their ids now
    if not ids:
        return
    after = _totals(ids)
    changes = []
    for key in sorted(set(before) | set(after)):  # one order for every writer: no two wait on each other
        old, new = before.get(key, (0, 0)), after.get(key, (0, 0))
        if old[0] != new[0] or old[1] != new[1]:
            changes.append(dict(zip(COLUMNS, (*key, new[0] - old[0], new[1] - old[1]), strict=True)))
    if changes:
        _add(session.connection(), changes)


def _add(connection, changes: list[dict]) -> None:
    """Add each change to its row (made when missing), then drop the rows that no longer count anything."""
    table = PeriodMonth.__table__
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)
    connection.execute(insert.on_conflict_do_update(
        index_elements=[table.c.donor_id, table.c.month, table.c.prev_month, table.c.project_id, table.c.kind],
        set_={"activities": table.c.activities + insert.excluded.activities,
              "inferred": table.c.inferred + insert.excluded.inferred}), changes)
    months = sorted({c["month"] for c in changes})
    connection.execute(sa.delete(table).where(table.c.month.in_(months), table.c.activities == 0))


# ------------------------------------------------------------------ reading a period
@dataclass
class PeriodCounts:
    """What the page shows of a period's activities, in the caller's scope."""
    kinds: dict[str, int] = field(default_factory=dict)
    #: donor id -> [activities funded in the period, of them by inference only]
    donors: dict[int, list[int]] = field(default_factory=dict)
    #: donor id -> the ids of the projects its money for them came through
    projects: dict[int, set[int]] = field(default_factory=dict)
    undated: int = 0


def _edges(first: date, last: date) -> tuple[int, int, list[tuple[date, date]]]:
    """The whole months of first..last (`low` > `high` when there is none) and the days outside them (at most one
    range in each of the period's first and last months)."""
    low = month_of(first) if first.day == 1 else _next(month_of(first))
    high = month_of(last) if last == month_span(month_of(last))[1] else _previous(month_of(last))
    if low > high:
        return low, high, [(first, last)]
    edges = []
    if first < month_span(low)[0]:
        edges.append((first, month_span(low)[0] - timedelta(days=1)))
    if last > month_span(high)[1]:
        edges.append((month_span(high)[1] + timedelta(days=1), last))
    return low, high, edges


def _previous(month: int) -> int:
    return month - 1 if month % 100 > 1 else (month // 100 - 1) * 100 + 12


def counts(donor_id: int | None, first: date, last: date) -> PeriodCounts:
    """The non-cancelled activities with a visit in first..last, per kind, per donor (with those funded by
    inference only, and the projects), and the undated ones: every donor's (`donor_id` None) or one donor's.
    Two statements whatever the period: the kept rows of its whole months (and the undated), and the activities
    of the days of a month it cuts."""
    low, high, edges = _edges(first, last)
    out = PeriodCounts()
    M = PeriodMonth
    kept = (sa.select(M.donor_id, M.project_id, M.kind, M.month == UNDATED, sa.func.sum(M.activities),
                      sa.func.sum(M.inferred))
            .where(sa.or_(sa.and_(M.month.between(low, high), M.prev_month < low), M.month == UNDATED))
            .group_by(M.donor_id, M.project_id, M.kind, M.month == UNDATED))
    if donor_id is not None:
        kept = kept.where(M.donor_id == donor_id)
    own = EVERY_DONOR if donor_id is None else donor_id
    kinds: dict[str, int] = defaultdict(int)
    for donor, project, kind, undated, n, inferred in db.session.execute(kept):
        if undated:
            out.undated += n if (donor, project) == (own, ANY_PROJECT) else 0
        elif donor == own and project == ANY_PROJECT:
            kinds[kind] += n
        if undated or donor == EVERY_DONOR:
            continue
        if project == ANY_PROJECT:
            totals = out.donors.setdefault(donor, [0, 0])
            totals[0] += n
            totals[1] += inferred
        else:
            out.projects.setdefault(donor, set()).add(project)
    _add_edges(out, kinds, donor_id, low, high, edges)
    out.kinds = dict(kinds)
    return out


def _add_edges(out: PeriodCounts, kinds: dict[str, int], donor_id: int | None, low: int, high: int,
               edges: list[tuple[date, date]]) -> None:
    """Count the activities of the cut days that the whole months did not count already."""
    V = ActivityVisit
    within = sa.or_(*(sa.and_(V.start_date <= end, V.end_date >= start) for start, end in edges)) if edges \
        else sa.false()
    select = (sa.select(Activity.id, Activity.kind, Contribution.donor_id, Contribution.project_id,
                        Allocation.is_inferred)
              .outerjoin(Allocation, Allocation.activity_id == Activity.id)
              .outerjoin(Contribution, Contribution.id == Allocation.contribution_id)
              .where(Activity.status != CANCELLED, Activity.id.in_(sa.select(V.activity_id).where(within))))
    if low <= high:
        whole = sa.and_(V.start_date <= month_span(high)[1], V.end_date >= month_span(low)[0])
        select = select.where(~Activity.id.in_(sa.select(V.activity_id).where(whole)))
    found: dict[int, tuple[str, dict[int, tuple[bool, set[int]]]]] = {}
    for activity_id, kind, donor, project, is_inferred in db.session.execute(select):
        funders = found.setdefault(activity_id, (kind, {}))[1]
        if donor is None:
            continue
        inferred, projects = funders.get(donor, (True, set()))
        if project is not None:
            projects.add(project)
        funders[donor] = (inferred and bool(is_inferred), projects)
    for kind, funders in found.values():
        if donor_id is None or donor_id in funders:
            kinds[kind] += 1
        for donor, (inferred, projects) in funders.items():
            if donor_id is not None and donor != donor_id:
                continue
            totals = out.donors.setdefault(donor, [0, 0])
            totals[0] += 1
            totals[1] += int(inferred)
            if projects:
                out.projects.setdefault(donor, set()).update(projects)
