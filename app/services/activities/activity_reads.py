"""Assistance activities (missions, seminars, meetings, written analyses…): the scoped reads every page, the API,
the exports and the calendar feed share.

One query per use, built by `query(scope, filters)`; the eager loads of `LOADS` bring everything a list shows
(visits and their countries, States, instruments, partners, experts) in a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.formats.tables import joined
from app.listing import Page, Paging, among, likely, ordered, paginate, text_condition
from app.rules import record_dates
from app.scoping import Scope
from app.services.registry import states as state_service
from models import (
    Activity,
    ActivityPartner,
    ActivityState,
    ActivityVisit,
    Allocation,
    Contribution,
    Deployment,
    Instrument,
    MemberState,
    db,
)
from models.activity import activity_instruments, activity_requests, first_visit_order
from models.enums import ActivityKind, ActivityStateRole, ActivityStatus

#: Where an activity without a visit sorts by date: after all the others.
UNDATED = date(2199, 12, 31)

LOADS = (
    selectinload(Activity.visits).selectinload(ActivityVisit.country),
    selectinload(Activity.states).selectinload(ActivityState.state),
    selectinload(Activity.instruments),
    selectinload(Activity.other_instruments),
    selectinload(Activity.partners).selectinload(ActivityPartner.organization),
    selectinload(Activity.deployments).selectinload(Deployment.expert),
    selectinload(Activity.requests),
)
#: What the iCalendar feed shows of each activity (no experts, no requests): the feed holds every visit.
FEED_LOADS = LOADS[:5]
#: What a State's page shows of each activity: its dates and where it went.
STATE_PAGE_LOADS = LOADS[:1]


@dataclass(frozen=True)
class ActivityFilters:
    q: str | None = None
    kind: str | None = None
    status: str | None = None
    state: str | None = None            # a State code: served, taking part or visited
    regional_group: str | None = None
    instrument: str | None = None
    expert: int | None = None
    partner: int | None = None
    date_from: date | None = None       # a visit ending on or after …
    date_to: date | None = None         # … and starting on or before
    request: int | None = None
    donor: int | None = None            # an organization: the activities its contributions fund
    funded: bool = False                # paid for by some contribution


def _first_visit():
    """The first day of the first visit (stored on the activity, see `Activity.first_visit_date`), undated last —
    read in the order of its index."""
    return first_visit_order()


#: Sort keys of the activity list (forms.activity.ActivityFilterForm.SORTS names the same keys).
SORTS = {"start_date": _first_visit(), "title": Activity.title, "kind": Activity.kind, "status": Activity.status,
         "id": Activity.id}


def _linked(links: sa.Select, activity_id, many: bool = False):
    """Activities with a row of `links` (whose `activity_id` names them): IN the list of every match, or, `many`,
    EXISTS for each activity read (see `query`)."""
    return links.where(activity_id == Activity.id).exists() if many else Activity.id.in_(links)


def _involving(state_ids, many: bool = False):
    """Activities that served a State of `state_ids`, had it take part, or visited it (`many`: see `query`)."""
    served = sa.select(ActivityState.activity_id).where(ActivityState.state_id.in_(state_ids))
    visited = sa.select(ActivityVisit.activity_id).where(ActivityVisit.country_id.in_(state_ids))
    return sa.or_(_linked(served, ActivityState.activity_id, many), _linked(visited, ActivityVisit.activity_id, many))


def _involving_matching(text: str):
    """Activities involving (as `_involving`) a State whose name contains `text`: an arm of the text filter's OR,
    each list worked out once and read from the activities' key on PostgreSQL (app.listing.among), beside the
    title's trigram index; as IN (SELECT …) the arm was tested on every activity (87 -> 5 ms, 50,000 of them)."""
    states = state_service.ids_matching(text).scalar_subquery()  # the names scanned once for both arms
    served = sa.select(ActivityState.activity_id).where(among(ActivityState.state_id, states))
    visited = sa.select(ActivityVisit.activity_id).where(among(ActivityVisit.country_id, states))
    return sa.or_(among(Activity.id, served.scalar_subquery()), among(Activity.id, visited.scalar_subquery()))


def _text_match(f: ActivityFilters):
    """The text filter's condition: built once per list, for it may count the text's matches (app.listing.holds)."""
    return text_condition(f.q, Activity.id, (Activity.title,), _involving_matching(f.q))


def query(scope: Scope, filters: ActivityFilters, loads=LOADS, many: bool = False, text_match=None) -> sa.Select:
    """The activities `scope` may see, narrowed by `filters`, with what a list shows eagerly loaded.

    `many`: the same rows, asked so that SQLite reads them in the list's order and stops at the page (for
    app.listing.paginate's `many`, once the count has found many matches): an equality marked `likely`, a link
    (an instrument, money, a visit within the dates, a State or region served or visited) asked as EXISTS for each
    activity read instead of IN the list of every match. Few matches are best gathered from their own index, as
    without `many`."""
    select = sa.select(Activity).where(scope.activities()).options(*loads)
    f = filters

    def most(condition):
        return likely(condition) if many else condition

    def having(links: sa.Select, activity_id):
        return _linked(links, activity_id, many)

    if f.kind:
        select = select.where(most(Activity.kind == f.kind))
    if f.status:
        select = select.where(most(Activity.status == f.status))
    if f.state:
        select = select.where(_involving(state_service.ids_named(f.state), many))
    if f.regional_group:
        select = select.where(_involving(sa.select(MemberState.id).where(MemberState.regional_group
                                                                         == f.regional_group), many))
    if f.instrument:
        links = activity_instruments.c
        select = select.where(having(sa.select(links.activity_id).join(Instrument)
                                     .where(Instrument.code == f.instrument), links.activity_id))
    if f.expert:
        select = select.where(Activity.id.in_(
            sa.select(Deployment.activity_id).where(Deployment.expert_id == f.expert)))
    if f.partner:
        select = select.where(Activity.id.in_(sa.select(ActivityPartner.activity_id).where(
            ActivityPartner.organization_id == f.partner)))
    if f.funded:
        select = select.where(having(sa.select(Allocation.activity_id), Allocation.activity_id))
    if f.donor:
        select = select.where(Activity.id.in_(sa.select(Allocation.activity_id).join(
            Contribution, Contribution.id == Allocation.contribution_id).where(Contribution.donor_id == f.donor)))
    if f.date_from or f.date_to:
        select = select.where(having(_visits_within(f), ActivityVisit.activity_id))
    if f.request:
        select = select.where(Activity.id.in_(sa.select(activity_requests.c.activity_id).where(
            activity_requests.c.request_id == f.request)))
    if f.q:
        select = select.where(text_match if text_match is not None else _text_match(f))
    return select


def _visits_within(f: ActivityFilters) -> sa.Select:
    """The activities of the visits within the dates: one visit within the range, not one visit ending after and
    another before."""
    within = sa.select(ActivityVisit.activity_id)
    if f.date_from:
        within = within.where(ActivityVisit.end_date >= f.date_from)
    if f.date_to:
        within = within.where(ActivityVisit.start_date <= f.date_to)
    return within


def list_page(scope: Scope, filters: ActivityFilters, paging: Paging) -> Page:
    matching = _text_match(filters) if filters.q else None
    rows = query(scope, filters, (), text_match=matching)  # built once: the page adds the loads, the count reads it
    def many():
        return ordered(query(scope, filters, LOADS, many=True, text_match=matching), SORTS, paging, "start_date",
                       Activity.id)
    return paginate(ordered(rows.options(*LOADS), SORTS, paging, "start_date", Activity.id), paging,
                    counted=_counted(scope, filters, rows), many=many)


def _counted(scope: Scope, filters: ActivityFilters, rows: sa.Select) -> sa.Select:
    """What the list's count reads: the activities `filters` leave (`rows`), or, when a link is the only filter of a
    scope that sees every activity, the activities its links name (each link names one that exists): an
    instrument's links (one per activity; PostgreSQL joined the instrument's activities to the whole table to count
    them, 29–35 ms at 50,000 activities), the allocations' activities (SQLite 22 -> 4 ms) or the visits' within the
    dates (64 -> 32 ms): counted from the links' index, without looking each activity up."""
    f = filters
    if scope.is_donor:
        return rows
    if f.instrument and replace(f, instrument=None) == ActivityFilters():
        links = activity_instruments.c
        return sa.select(links.activity_id).join(Instrument).where(Instrument.code == f.instrument)
    if f.funded and replace(f, funded=False) == ActivityFilters():
        return sa.select(Allocation.activity_id).distinct()
    if (f.date_from or f.date_to) and replace(f, date_from=None, date_to=None) == ActivityFilters():
        return _visits_within(f).distinct()
    return rows


def get(scope: Scope, activity_id: int) -> Activity | None:
    """One activity with everything its page shows, if `scope` may see it."""
    return db.session.scalars(query(scope, ActivityFilters()).where(Activity.id == activity_id)).first()


def involving_state(scope: Scope, state: MemberState, limit: int | None = None) -> tuple[list[Activity], int]:
    """The activities that served, gathered or visited `state`, in date order (undated last), and how many there
    are: with `limit`, only the latest `limit` dated ones (then the undated) — a State's page stays the same size
    after decades of assistance; the full list is the activity list filtered by the State."""
    # Counted and ordered on the ids the indexes give (States' activities, visits by country and by activity):
    # the activities' own rows are read for the page only.
    found = sa.union(sa.select(ActivityState.activity_id.label("id")).where(ActivityState.state_id == state.id),
                     sa.select(ActivityVisit.activity_id.label("id")).where(ActivityVisit.country_id == state.id))
    ids = found.subquery()
    visible = sa.select(ids.c.id).where(scope.activities(ids.c.id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(visible.subquery()))
    if limit is not None:
        first = sa.func.coalesce(sa.select(sa.func.min(ActivityVisit.start_date))
                                 .where(ActivityVisit.activity_id == ids.c.id).scalar_subquery(), UNDATED)
        visible = visible.order_by((first == UNDATED), first.desc(), ids.c.id.desc()).limit(limit)
    select = query(scope, ActivityFilters(), loads=STATE_PAGE_LOADS).where(Activity.id.in_(visible))
    return _in_date_order(db.session.scalars(select)), total


def _in_date_order(activities) -> list[Activity]:
    return sorted(activities, key=lambda a: (a.start_date is None, a.start_date or date.max, a.title))


def rows(scope: Scope, filters: ActivityFilters, paging: Paging) -> list[Activity]:
    """Every activity of the list (not one page), in the list's order: what the CSV and XLSX exports hold."""
    return list(db.session.scalars(ordered(query(scope, filters), SORTS, paging, "start_date", Activity.id)))


#: The calendar shows at most this many visits in a day's cell, and lists at most this many under the grid; the
#: rest of a busy day or month is a link to the activity list filtered to those dates.
DAY_ENTRIES, MONTH_LISTED = 3, 25


@dataclass(frozen=True)
class CalendarMonth:
    """A month of visits as the calendar shows it: bounded whatever the number of visits in the month."""
    days: dict[date, list[ActivityVisit]]    # each day of the grid: its first DAY_ENTRIES visits
    counts: dict[date, int]                   # each day: how many visits it holds in all
    listed: list[ActivityVisit]               # the month's first MONTH_LISTED visits
    total: int                                # how many visits the month holds


def calendar_month(scope: Scope, filters: ActivityFilters, first: date, last: date) -> CalendarMonth:
    """The visits of the activities `filters` select that overlap first..last, by start date (then end date, title):
    the calendar's month. Two queries whatever their number — the month's visits as bare (id, dates) rows, then
    the records of only the visits shown (a busy month no longer loads and renders every activity of it)."""
    narrowed = ActivityFilters(**{**filters.__dict__, "date_from": first, "date_to": last})
    selected = query(scope, narrowed, loads=()).with_only_columns(Activity.id).scalar_subquery()
    rows = db.session.execute(
        sa.select(ActivityVisit.id, ActivityVisit.start_date, ActivityVisit.end_date)
        .join(Activity, Activity.id == ActivityVisit.activity_id)
        .where(ActivityVisit.activity_id.in_(selected), ActivityVisit.start_date <= last,
               ActivityVisit.end_date >= first)
        .order_by(ActivityVisit.start_date, ActivityVisit.end_date, Activity.title, ActivityVisit.id)).all()
    counts: dict[date, int] = {}
    shown_on: dict[date, list[int]] = {}
    wanted = {row.id for row in rows[:MONTH_LISTED]}
    # The grid's whole weeks reach up to six days either side of the month: a visit overlapping both shows there too.
    for row in rows:
        day = max(row.start_date, date.fromordinal(first.toordinal() - 6))
        while day <= min(row.end_date, date.fromordinal(last.toordinal() + 6)):
            counts[day] = counts.get(day, 0) + 1
            if counts[day] <= DAY_ENTRIES:
                shown_on.setdefault(day, []).append(row.id)
                wanted.add(row.id)
            day = date.fromordinal(day.toordinal() + 1)
    loaded = {v.id: v for v in db.session.scalars(
        sa.select(ActivityVisit).where(ActivityVisit.id.in_(wanted))
        .options(selectinload(ActivityVisit.activity), selectinload(ActivityVisit.country)))} if wanted else {}
    return CalendarMonth({day: [loaded[i] for i in ids] for day, ids in shown_on.items()}, counts,
                         [loaded[row.id] for row in rows[:MONTH_LISTED]], len(rows))


#: How many visits the iCalendar feed holds: the latest by start date, planned ones first. A calendar program
#: subscribes to what is coming and what just happened; decades of history belong to the activity list and its
#: exports. A feed of every visit grows without end; 1,000 events (~575 bytes each) stay near half a megabyte,
#: a size calendar programs take in whole on every poll.
FEED_VISITS = 1000


def feed_visits(scope: Scope, limit: int | None = None) -> list[ActivityVisit]:
    """The `limit` latest visits (by start date) of the activities `scope` may see, in date order: the iCalendar
    feed. Two queries whatever the record: the visits' ids, then their activities with what the feed shows."""
    limit = limit or FEED_VISITS
    latest = db.session.execute(
        sa.select(ActivityVisit.id, ActivityVisit.activity_id).join(Activity, Activity.id == ActivityVisit.activity_id)
        .where(scope.activities()).order_by(ActivityVisit.start_date.desc(), ActivityVisit.id.desc())
        .limit(limit)).all()
    if not latest:
        return []
    wanted = {row.id for row in latest}
    activities = db.session.scalars(query(scope, ActivityFilters(), FEED_LOADS)
                                    .where(Activity.id.in_({row.activity_id for row in latest}))
                                    .order_by(Activity.id))
    return sorted((v for v in _visits_of(activities) if v.id in wanted), key=lambda v: (v.start_date, v.id))


def _visits_of(activities) -> list[ActivityVisit]:
    """The visits of `activities`, each holding its activity: the eager load fills `Activity.visits` but not the
    way back, and the session keeps no strong reference to the activities (each `visit.activity` would be a
    query of its own)."""
    visits = []
    for activity in activities:
        for visit in activity.visits:
            set_committed_value(visit, "activity", activity)
            visits.append(visit)
    return visits


def upcoming_visits(scope: Scope, today: date, limit: int = 8) -> list[ActivityVisit]:
    """Visits not over by `today`, soonest first, of activities not cancelled: the officer's home panel.

    The order key is wrapped in COALESCE (start_date is never null, so the order is the same) so that SQLite reads
    the few visits not over through the end_date index and sorts them, instead of walking every visit ever made in
    start_date order to skip the past ones (the plan it picks for a bare column with LIMIT)."""
    select = (sa.select(ActivityVisit).join(Activity, Activity.id == ActivityVisit.activity_id)
              .where(scope.activities(), ActivityVisit.end_date >= today,
                     Activity.status != ActivityStatus.CANCELLED.value)
              .order_by(sa.func.coalesce(ActivityVisit.start_date, ActivityVisit.end_date), ActivityVisit.id)
              .limit(limit)
              .options(selectinload(ActivityVisit.activity), selectinload(ActivityVisit.country)))
    return list(db.session.scalars(select))


def with_partner(scope: Scope, organization_id: int) -> list[Activity]:
    """The activities an organization was a partner of, in date order: its page."""
    return _in_date_order(db.session.scalars(query(scope, ActivityFilters(partner=organization_id))))


#: The columns of the activity list's CSV and XLSX exports: codes and labels, ISO dates.
EXPORT_HEADER = ["id", "kind", "kind_label", "status", "status_label", "title", "start_date", "end_date", "visits",
                 "states_served", "states_taking_part", "instruments", "other_instruments", "partners", "experts",
                 "requests", "topics", "source"]


def export_row(a: Activity) -> list:
    """One activity as a row of EXPORT_HEADER: dates as dates, lists through the one separator (`joined`)."""
    return [
        a.id, a.kind, ActivityKind.label_of(a.kind), a.status, ActivityStatus.label_of(a.status), a.title,
        a.start_date, a.end_date,
        joined(f"{v.city + ', ' if v.city else ''}{v.country.code} {v.start_date.isoformat()}/{v.end_date.isoformat()}"
               for v in a.visits),
        joined(s.state.code for s in a.states if s.role == ActivityStateRole.SERVED.value),
        joined(s.state.code for s in a.states if s.role == ActivityStateRole.PARTICIPANT.value),
        joined(i.code for i in a.instruments), joined(o.name for o in a.other_instruments),
        joined(f"{p.organization.display_name} ({p.role})" for p in a.partners),
        joined(f"{d.expert.name} ({d.role})" for d in a.deployments),
        joined(str(r.id) for r in sorted(a.requests, key=lambda r: r.id)), joined(a.topics or []), a.source,
    ]


def still_planned(scope: Scope, today: date) -> list[tuple[int, int]]:
    """Activities still planned or under way more than record_dates.OLD_AFTER_DAYS after their last visit ended, by
    the year of their first visit, oldest first: [(year, count)]. Records of the past (the report's plans of 2003),
    not current work. One grouped query."""
    cutoff = today - timedelta(days=record_dates.OLD_AFTER_DAYS)
    spans = (sa.select(ActivityVisit.activity_id, sa.func.min(ActivityVisit.start_date).label("first"),
                       sa.func.max(ActivityVisit.end_date).label("last"))
             .join(Activity, Activity.id == ActivityVisit.activity_id)
             .where(scope.activities(), Activity.status.in_((ActivityStatus.PLANNED.value,
                                                             ActivityStatus.UNDER_WAY.value)))
             .group_by(ActivityVisit.activity_id).subquery())
    year = sa.extract("year", spans.c.first)
    rows = db.session.execute(sa.select(year, sa.func.count()).where(spans.c.last < cutoff).group_by(year)
                              .order_by(year))
    return [(int(y), n) for y, n in rows]
