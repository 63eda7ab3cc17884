"""Requests for assistance: the scoped reads every page, the API and the exports share.

One query per use, built by `query(scope, filters)` from `conditions(...)`; the eager loads of `LOADS` bring what a
list shows (State, instruments, assigned officer, the activities answering and their visits) in a fixed number of
queries whatever the number of rows. The managers' queue narrows the same query (`app/services/queue.py`); the
writes are in `app/services/request_changes.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import get_translations
from sqlalchemy.orm import selectinload

from app.formatting import format_date
from app.listing import JoinedSort, Page, Paging, ordered, paginate, text_condition
from app.rules import record_dates
from app.scoping import EVERYTHING, Scope
from app.services.registry import states as state_service
from app.services.treaties import treaty_actions, treaty_record
from models import Activity, AssistanceRequest, Instrument, MemberState, RequestStatusChange, User, db
from models.assistance_request import AWAITING_DECISION, assistance_request_instruments
from models.enums import N_, AgeBucket, Role

R = AssistanceRequest

LOADS = (
    selectinload(R.state),
    selectinload(R.instruments),
    selectinload(R.assigned_officer),
    selectinload(R.logged_by),
    selectinload(R.activities).selectinload(Activity.visits),
)
#: Staff roles a request can be assigned to.
ASSIGNABLE_ROLES = (Role.OFFICER.value, Role.MANAGER.value)
AWAITING = tuple(s.value for s in AWAITING_DECISION)
#: The status filter's value for every request awaiting a decision (pending or under review): the list behind the
#: home page's "requests awaiting a decision", for those who have no queue.
AWAITING_FILTER = "awaiting"


@dataclass(frozen=True)
class RequestFilters:
    q: str | None = None
    status: str | None = None
    state: str | None = None
    regional_group: str | None = None
    instrument: str | None = None
    kind: str | None = None
    priority: str | None = None
    assigned_officer: int | str | None = None    # an account id, or "none" for unassigned requests
    logged_by: int | None = None
    age: str | None = None                       # an AgeBucket value
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None


def _joined_name(model, link, alias: str, *, inner: bool = False) -> JoinedSort:
    """The name of the record `link` points to, for sorting (unassigned requests last, in both directions);
    `inner`: every request has one."""
    other = sa.orm.aliased(model, name=alias)
    return JoinedSort(other.name, other, other.id == link, inner)


#: Sort keys of the request list (forms.request.RequestFilterForm.SORTS names the same keys). Priority sorts by
#: rank (urgent first), never alphabetically.
SORTS = {"id": R.id, "received_date": R.received_date, "status": R.status, "priority": R.priority_rank,
         "due_date": R.due_date, "state": _joined_name(MemberState, R.state_id, "sort_state", inner=True),
         "subject": R.subject, "kind": R.kind, "assigned": _joined_name(User, R.assigned_officer_id, "sort_officer")}


# ------------------------------------------------------------------ ageing
def age_limits(today: date) -> tuple[date, date]:
    """The received dates that start the 31–90 and over-90 buckets as at `today` (day 30 is still recent)."""
    return today - timedelta(days=30), today - timedelta(days=90)


def age_condition(bucket: AgeBucket | str, today: date):
    """Requests in `bucket` as at `today`, as a condition on the indexed received_date."""
    recent, old = age_limits(today)
    return {AgeBucket.RECENT: R.received_date >= recent,
            AgeBucket.MONTHS: sa.and_(R.received_date < recent, R.received_date >= old),
            AgeBucket.OLD: R.received_date < old,
            AgeBucket.UNDATED: R.received_date.is_(None)}[AgeBucket(bucket)]


def age_bucket_column(today: date):
    """The bucket of each request as at `today`, as a SQL expression (for grouped counts)."""
    recent, old = age_limits(today)
    return sa.case((R.received_date.is_(None), AgeBucket.UNDATED.value),
                   (R.received_date >= recent, AgeBucket.RECENT.value),
                   (R.received_date >= old, AgeBucket.MONTHS.value), else_=AgeBucket.OLD.value)


def bucket_of(request: AssistanceRequest, today: date) -> AgeBucket:
    """The same bucket, for a request already loaded."""
    if request.received_date is None:
        return AgeBucket.UNDATED
    days = (today - request.received_date).days
    return AgeBucket.RECENT if days <= 30 else AgeBucket.MONTHS if days <= 90 else AgeBucket.OLD


def overdue_condition(today: date):
    return sa.and_(R.due_date < today, R.status.in_(AWAITING))


# ------------------------------------------------------------------ the query
def conditions(scope: Scope, filters: RequestFilters, today: date) -> list:
    """The WHERE clauses of `filters` within `scope` (shared by the list, the queue and the queue's counts)."""
    f = filters
    where = [scope.requests()]
    if f.status == AWAITING_FILTER:
        where.append(R.status.in_(AWAITING))
    elif f.status:
        where.append(R.status == f.status)
    if f.state:
        where.append(R.state_id.in_(state_service.ids_named(f.state)))
    if f.regional_group:
        where.append(R.state_id.in_(sa.select(MemberState.id).where(MemberState.regional_group == f.regional_group)))
    if f.instrument:
        # EXISTS, looked up by the link table's primary key (request_id, instrument_id) for each request the other
        # filters leave: an IN (...) list first gathered every request of the instrument (half the record).
        links = assistance_request_instruments.c
        where.append(sa.exists().where(links.request_id == R.id, links.instrument_id == sa.select(Instrument.id)
                                       .where(Instrument.code == f.instrument).scalar_subquery()))
    if f.kind:
        where.append(R.kind == f.kind)
    if f.priority:
        where.append(R.priority == f.priority)
    if f.assigned_officer == "none":
        where.append(R.assigned_officer_id.is_(None))
    elif f.assigned_officer:
        where.append(R.assigned_officer_id == f.assigned_officer)
    if f.logged_by:
        where.append(R.logged_by_id == f.logged_by)
    if f.age:
        where.append(age_condition(f.age, today))
    if f.overdue:
        where.append(overdue_condition(today))
    if f.received_from:
        where.append(R.received_date >= f.received_from)
    if f.received_to:
        where.append(R.received_date <= f.received_to)
    if f.q:
        where.append(text_condition(f.q, R.id, (R.subject, R.requesting_authority),
                                    state_service.matching(R.state_id, f.q)))
    return where


def query(scope: Scope, filters: RequestFilters, today: date | None = None, loads=LOADS) -> sa.Select:
    """The requests `scope` may see, narrowed by `filters`, with what a list shows eagerly loaded (`loads`)."""
    return sa.select(R).where(*conditions(scope, filters, today or date.today())).options(*loads)


def sorted_query(scope: Scope, filters: RequestFilters, paging: Paging, today: date | None = None,
                 loads=LOADS) -> sa.Select:
    """`query` in the order the paging asks for (empty dates last), newest first by default."""
    return _sorted(query(scope, filters, today, loads), paging)


def _sorted(select: sa.Select, paging: Paging) -> sa.Select:
    return ordered(select, SORTS, paging, "-id", (R.id.desc(),), nulls_last=True)


def list_page(scope: Scope, filters: RequestFilters, paging: Paging, today: date | None = None) -> Page:
    rows = query(scope, filters, today, ())  # built once: the page adds the loads, the count reads it bare
    return paginate(_sorted(rows.options(*LOADS), paging), paging, counted=_counted(scope, filters, rows))


def _counted(scope: Scope, filters: RequestFilters, rows: sa.Select) -> sa.Select:
    """What the list's count reads: the requests `filters` leave (`rows`), or, when an instrument is the only filter
    of a scope that sees every request, that instrument's links alone (one per request, each naming one that
    exists): PostgreSQL joined the instrument's 100,000 requests to the whole table to count them (66–92 ms at
    200,000 requests; 10 ms from the links' index)."""
    if filters.instrument and not scope.is_donor and replace(filters, instrument=None) == RequestFilters():
        links = assistance_request_instruments.c
        instrument = sa.select(Instrument.id).where(Instrument.code == filters.instrument).scalar_subquery()
        return sa.select(links.request_id).where(links.instrument_id == instrument)
    return rows


def count(scope: Scope, filters: RequestFilters, today: date | None = None) -> int:
    """How many rows the filtered list has (one count query): whether its export runs as a job."""
    select = sa.select(R.id).where(*conditions(scope, filters, today or date.today()))
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))


def get(scope: Scope, request_id: int) -> AssistanceRequest | None:
    """One request with everything its page shows (its history and who made it), if `scope` may see it."""
    select = query(scope, RequestFilters()).where(R.id == request_id).options(
        selectinload(R.status_changes).selectinload(RequestStatusChange.actor))
    return db.session.scalars(select).first()


def of_state(scope: Scope, state: MemberState, limit: int | None = None) -> tuple[list[AssistanceRequest], int]:
    """A State's requests, oldest first (undated last), and how many there are: with `limit`, only the latest
    `limit` (the full list is the request list filtered by the State)."""
    # the page's table reads the requests' own columns only: nothing to load eagerly
    select = query(scope, RequestFilters(), loads=()).where(R.state_id == state.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(select.order_by(None).subquery()))
    if limit is not None:  # the latest found on the (State, date) index, then only those rows read
        latest = (select.with_only_columns(R.id)
                  .order_by(R.received_date.is_(None), R.received_date.desc(), R.id.desc()).limit(limit))
        select = select.where(R.id.in_(latest))
    found = db.session.scalars(select)
    return sorted(found, key=lambda r: (r.received_date is None, r.received_date or date.max, r.id)), total


# ------------------------------------------------------------------ "my requests"
@dataclass(frozen=True)
class MyRequests:
    assigned: list       # open requests assigned to the user (not completed, declined or withdrawn)
    overdue: list        # of those, past their due date and still awaiting a decision
    logged: list         # requests the user logged, newest first


OPEN = ("pending", "under_review", "approved", "in_progress")


def mine(scope: Scope, user: User, today: date | None = None, limit: int = 500) -> MyRequests:
    """What an officer has on their desk, and what they logged (one query plus the eager loads)."""
    today = today or date.today()
    assigned_open = sa.and_(R.assigned_officer_id == user.id, R.status.in_(OPEN))
    rows = list(db.session.scalars(query(scope, RequestFilters(), today)
                                   .where(sa.or_(assigned_open, R.logged_by_id == user.id))
                                   .order_by(R.id.desc()).limit(limit)))
    assigned = sorted((r for r in rows if r.assigned_officer_id == user.id and r.status in OPEN),
                      key=lambda r: (r.priority_rank, r.due_date is None, r.due_date or today,
                                     r.received_date is None, r.received_date or today, r.id))
    return MyRequests(assigned, [r for r in assigned if r.is_overdue(today)],
                      [r for r in rows if r.logged_by_id == user.id])


def my_counts(scope: Scope, user: User, today: date | None = None) -> dict[str, int]:
    """The home panel's figures for `user`, in one query.

    Three counted subqueries, each narrowed by the user's id, rather than one SUM(CASE ...) pass: the CASE form read
    every request in the record (it grew with the whole table); these read the user's own rows by their indexes."""
    today = today or date.today()
    mine_open = sa.and_(R.assigned_officer_id == user.id, R.status.in_(OPEN))

    def count_of(*condition):
        return sa.select(sa.func.count()).select_from(R).where(scope.requests(), *condition).scalar_subquery()
    row = db.session.execute(sa.select(count_of(mine_open), count_of(mine_open, overdue_condition(today)),
                                       count_of(R.logged_by_id == user.id))).one()
    return {"assigned": int(row[0]), "overdue": int(row[1]), "logged": int(row[2])}


# ------------------------------------------------------------------ accounts and treaty status
def assignable_officers() -> list[User]:
    """Active officer and manager accounts, by name: who a request can be assigned to."""
    return list(db.session.scalars(sa.select(User).where(User.role.in_(ASSIGNABLE_ROLES),
                                                         User.is_active_account.is_(True))
                                   .order_by(User.name, User.id)))


def staff_accounts() -> list[User]:
    """Every officer and manager account, deactivated ones too (a filter must still find their requests)."""
    return list(db.session.scalars(sa.select(User).where(User.role.in_(ASSIGNABLE_ROLES))
                                   .order_by(User.name, User.id)))


#: The notes beside the form's instruments, marked for the catalogues (N_) and translated once per page: one
#: catalogue look-up per State and instrument (750 of them) was a third of the new-request form's time.
SIGNED_NOTE = N_("signed on %(day)s, not yet a party")
PARTY_NOTE = N_("already a party since %(day)s")


# Treaty facts are public: the notes beside the form's instruments look at every instrument, whoever asks.
def party_notes(as_of: date) -> dict[str, dict[str, str]]:
    """{State code: {instrument code: its status in words}} as at `as_of`, for every State at once (one query):
    "already a party since 24 April 2002", "signed on 12 December 2000, not yet a party"."""
    translations = get_translations()
    signed, party_since = translations.ugettext(SIGNED_NOTE), translations.ugettext(PARTY_NOTE)
    notes: dict[str, dict[str, str]] = {}
    for code, status in treaty_record.statuses(treaty_record.visible_instruments(EVERYTHING), as_of).items():
        for action in status.signatories:
            notes.setdefault(action.participant, {})[code] = signed % {"day": format_date(action.date)}
        for party in status.parties:
            notes.setdefault(party.participant, {})[code] = party_since % {"day": format_date(party.date)}
    return notes


def parties_among(state: MemberState, codes: list[str], as_of: date) -> dict[str, date]:
    """The instruments of `codes` that `state` had deposited by `as_of`, with the date of deposit."""
    found = {}
    for code, status in treaty_record.statuses(treaty_record.visible_instruments(EVERYTHING), as_of).items():
        party = next((p for p in status.parties if p.participant == state.code), None)
        if code in codes and party is not None:
            found[code] = party.date
    return found


def first_deposits() -> dict[str, dict[str, date]]:
    """{State code: {instrument code: its first deposit}} for every State at once (one query): a State is a party
    on a day when its first deposit is on or before it (what `parties_among` finds one State at a time)."""
    found: dict[str, dict[str, date]] = {}
    far = date(2199, 12, 31)
    for code, status in treaty_record.statuses(treaty_record.visible_instruments(EVERYTHING), far).items():
        for party in status.parties:
            found.setdefault(party.participant, {})[code] = party.date
    return found


def treaty_rows(request: AssistanceRequest) -> list[dict]:
    """The requesting State's signatures and deposits of the instruments the request concerns, with the date each
    deposit put the instrument in force for it (as at today)."""
    instruments = list(request.instruments)
    if not instruments:
        return []
    actions = treaty_actions.of_state(request.state_id, [i.id for i in instruments])
    statuses = treaty_record.statuses(instruments, date.today())
    rows = []
    for instrument in instruments:
        mine_ = {a.category: a for a in actions if a.instrument_id == instrument.id}
        party = next((p for p in statuses[instrument.code].parties if p.participant == request.state.code), None)
        rows.append({"instrument": instrument, "signature": mine_.get("signature"), "deposit": mine_.get("deposit"),
                     "in_force": party.in_force_date if party else None})
    return rows


@dataclass(frozen=True)
class OldWork:
    """Work of one year still open today: how many, since that year, how many whole years ago."""
    year: int
    count: int
    years: int


def awaiting_since(scope: Scope, today: date) -> list[OldWork]:
    """Requests awaiting a decision for more than record_dates.OLD_AFTER_DAYS, by the year they wait since (their
    received date, or where the source gives none their report's), oldest first: records of the past, not current
    work (the para 19 requests of A/58/165, pending as at 4 July 2003). One grouped query."""
    cutoff = today - timedelta(days=record_dates.OLD_AFTER_DAYS)
    year = sa.extract("year", R.received_date)
    undated_source = sa.case((R.received_date.is_(None), R.source))
    counts: dict[int, int] = {}
    for y, source, n in db.session.execute(
            sa.select(year, undated_source, sa.func.count())
            .where(scope.requests(), R.status.in_(AWAITING),
                   sa.or_(R.received_date < cutoff, R.received_date.is_(None)))
            .group_by(year, undated_source)):
        if y is None:  # no date of its own: the date of the report that records it, if any
            reported = record_dates.report_date(source)
            if reported is None or reported >= cutoff:
                continue
            y = reported.year
        counts[int(y)] = counts.get(int(y), 0) + n
    return [OldWork(y, n, today.year - y) for y, n in sorted(counts.items())]


def ages(requests, today: date) -> dict[int, record_dates.Age]:
    """Request id -> its Age, for the requests of a page that have waited more than a year."""
    out = {}
    for r in requests:
        found = record_dates.age(r.received_date, r.source, today)
        if found is not None:
            out[r.id] = found
    return out
