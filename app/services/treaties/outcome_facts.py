"""The outcome figures kept up to date by the writes (issue 26 item 2, models/outcome_fact.py): /outcomes reads
these instead of turning every activity × State × instrument row of the record into figures on every visit.

- outcome_requests: per (State, instrument), the first day a request named it;
- outcome_facts: per (donor or every donor, State, instrument, kind, served or took part), the first day of
  assistance and the first on or after that first request — enough for each pair's first assistance under every
  filter of the page but the start of an activity period (`facts_select` then reads the period's own rows);
- outcome_months: distinct activities per month and slice of the filters (donor, instrument, regional group, served
  only), with those the donor funds by inference only — the chart of activities per month, the undated
  activities, the inferred marks.

They are kept by the services that write what they derive from, in the writer's transaction: the activity writes,
allocations and contributions take the `footprint` of the activities before and after the write and `refresh` it;
the request writes `refresh_requests`. `rebuild` (`flask outcomes rebuild`; the end of `seed reference` and `seed
synthetic`, which write in bulk) makes everything again. Treaty actions are not kept here: at most one row per
State, instrument and kind of action, the page reads them as they are.

Here in treaties, beside `assistance` (the one meaning of "assisted", which these figures count): the writers
(requests, activities, funding) sit above this package and may call it; outcomes, which reads it, above them all.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.services.treaties.assistance import ASSISTED_ROLES
from models import Activity, ActivityState, Allocation, AssistanceRequest, Contribution, MemberState, db
from models.activity import activity_instruments, first_visit_order
from models.assistance_request import assistance_request_instruments
from models.enums import ActivityStateRole, ActivityStatus
from models.outcome_fact import (
    ANY_GROUP,
    ANY_INSTRUMENT,
    EVERY_DONOR,
    UNDATED,
    OutcomeFact,
    OutcomeMonth,
    OutcomeRequest,
)

#: The regional group of a State that has none, as the page's filter names it.
NO_GROUP = "none"
SERVED = ActivityStateRole.SERVED.value
FACT_COLUMNS = ("donor_id", "state_id", "instrument_id", "kind", "is_served", "first_date", "first_after_request",
                "has_undated")
MONTH_COLUMNS = ("donor_id", "instrument_id", "regional_group", "is_served", "month", "kind", "activities",
                 "inferred")


def month_of(day: date | None) -> int:
    """The `month` key of a day (200302), `UNDATED` for none."""
    return UNDATED if day is None else day.year * 100 + day.month


def month_span(month: int) -> tuple[date, date]:
    """The first and last day of a `month` key."""
    first = date(month // 100, month % 100, 1)
    following = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return first, following - timedelta(days=1)


# ------------------------------------------------------------------ what the figures are made from
def assisted(select: sa.Select, *where) -> sa.Select:
    """`select` over the assisted rows (app.services.treaties.assistance): a non-cancelled activity, a State it
    served or that took part, an instrument it names."""
    return (select.select_from(Activity)
            .join(ActivityState, ActivityState.activity_id == Activity.id)
            .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
            .where(ActivityState.role.in_(ASSISTED_ROLES), Activity.status != ActivityStatus.CANCELLED.value, *where))


def _funded(select: sa.Select, donor_id: int | None) -> sa.Select:
    """`select` joined to the donors whose contributions pay for each activity (`donor_id`: that one only)."""
    select = (select.join(Allocation, Allocation.activity_id == Activity.id)
              .join(Contribution, Contribution.id == Allocation.contribution_id))
    return select if donor_id is None else select.where(Contribution.donor_id == donor_id)


def facts_select(*where, donors: bool, donor_id: int | None = None) -> sa.Select:
    """The rows of outcome_facts (FACT_COLUMNS) over the assisted rows within `where`: every donor's (`donors`
    False), or each donor's (`donors` True; `donor_id`: one donor's only). Used to keep the table, and as the
    table itself over the rows of an activity period."""
    day = Activity.first_visit_date
    donor = Contribution.donor_id if donors else sa.literal(EVERY_DONOR, sa.Integer)
    select = assisted(sa.select(
        donor.label("donor_id"), ActivityState.state_id.label("state_id"),
        activity_instruments.c.instrument_id.label("instrument_id"), Activity.kind.label("kind"),
        (ActivityState.role == SERVED).label("is_served"), sa.func.min(day).label("first_date"),
        sa.func.min(sa.case((day >= OutcomeRequest.first_received_date, day))).label("first_after_request"),
        (sa.func.max(sa.case((day.is_(None), 1), else_=0)) == 1).label("has_undated")), *where)
    select = select.outerjoin(OutcomeRequest, sa.and_(
        OutcomeRequest.state_id == ActivityState.state_id,
        OutcomeRequest.instrument_id == activity_instruments.c.instrument_id))
    keys = [ActivityState.state_id, activity_instruments.c.instrument_id, Activity.kind, ActivityState.role]
    if donors:
        return _funded(select, donor_id).group_by(Contribution.donor_id, *keys)
    return select.group_by(*keys)


def _masks() -> sa.Subquery:
    """The eight slices each assisted row counts in: by its instrument or any, by its group or any, among the
    States served only or among all."""
    return sa.union_all(*(
        sa.select(sa.literal(by_instrument, sa.Integer).label("by_instrument"),
                  sa.literal(by_group, sa.Integer).label("by_group"),
                  sa.literal(served_only, sa.Integer).label("served_only"))
        for by_instrument in (0, 1) for by_group in (0, 1) for served_only in (0, 1))).subquery("masks")


def months_select(*where, donors: bool) -> sa.Select:
    """The rows of outcome_months (MONTH_COLUMNS) over the assisted rows within `where`, every donor's or each
    donor's."""
    day = Activity.first_visit_date
    month = sa.case((day.is_(None), UNDATED),
                    else_=sa.cast(sa.extract("year", day) * 100 + sa.extract("month", day), sa.Integer))
    columns = [Activity.id.label("activity_id"), Activity.kind.label("kind"), month.label("month"),
               activity_instruments.c.instrument_id.label("instrument_id"),
               sa.func.coalesce(MemberState.regional_group, NO_GROUP).label("regional_group"),
               ActivityState.role.label("role")]
    if donors:
        columns += [Contribution.donor_id.label("donor_id"), Allocation.is_inferred.label("is_inferred")]
    rows = assisted(sa.select(*columns), *where).join(MemberState, MemberState.id == ActivityState.state_id)
    rows = (_funded(rows, None) if donors else rows).subquery("assisted")
    masks = _masks()
    keyed = (sa.select(
        (rows.c.donor_id if donors else sa.literal(EVERY_DONOR, sa.Integer)).label("donor_id"),
        sa.case((masks.c.by_instrument == 1, rows.c.instrument_id), else_=ANY_INSTRUMENT).label("instrument_id"),
        sa.case((masks.c.by_group == 1, rows.c.regional_group), else_=ANY_GROUP).label("regional_group"),
        (masks.c.served_only == 1).label("is_served"), rows.c.month, rows.c.kind, rows.c.activity_id,
        (rows.c.is_inferred if donors else sa.literal(True)).label("is_inferred"))
        .select_from(rows).join(masks, sa.or_(masks.c.served_only == 0, rows.c.role == SERVED))).subquery("keyed")
    activities = sa.func.count(sa.distinct(keyed.c.activity_id))
    # an activity is inferred for a donor when none of that donor's allocations to it is stated
    stated = sa.func.count(sa.distinct(sa.case((sa.not_(keyed.c.is_inferred), keyed.c.activity_id))))
    keys = [keyed.c.donor_id, keyed.c.instrument_id, keyed.c.regional_group, keyed.c.is_served, keyed.c.month,
            keyed.c.kind]
    return (sa.select(*keys, activities.label("activities"),
                      (activities - stated if donors else sa.literal(0, sa.Integer)).label("inferred"))
            .group_by(*keys))


def requests_select(*where) -> sa.Select:
    """The rows of outcome_requests over the dated requests within `where`."""
    ari = assistance_request_instruments
    return (sa.select(AssistanceRequest.state_id, ari.c.instrument_id, sa.func.min(AssistanceRequest.received_date))
            .join(ari, ari.c.request_id == AssistanceRequest.id)
            .where(AssistanceRequest.received_date.is_not(None), *where)
            .group_by(AssistanceRequest.state_id, ari.c.instrument_id))


# ------------------------------------------------------------------ keeping them
@dataclass(frozen=True)
class Footprint:
    """What a write may change in the kept figures: the States × instruments of its pairs, and its months."""
    state_ids: frozenset[int] = frozenset()
    instrument_ids: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()

    def __or__(self, other: Footprint) -> Footprint:
        return Footprint(self.state_ids | other.state_ids, self.instrument_ids | other.instrument_ids,
                         self.months | other.months)


def footprint(activities: Iterable[Activity]) -> Footprint:
    """The footprint of activities as the session holds them: taken before a write (what it may take away) and
    after its flush (what it added), so that a State or an instrument dropped is refreshed too."""
    states, instruments, months = set(), set(), set()
    for activity in activities:
        states.update(s.state_id if s.state_id is not None else s.state.id for s in activity.states)
        instruments.update(i.id for i in activity.instruments)
        months.add(month_of(activity.first_visit_date))
    return Footprint(frozenset(states), frozenset(instruments), frozenset(months))


def request_footprint(requests: Iterable[AssistanceRequest]) -> Footprint:
    """The pairs of requests as the session holds them (before and after a write, as `footprint`)."""
    states, instruments = set(), set()
    for request in requests:
        states.add(request.state_id if request.state_id is not None else request.state.id)
        instruments.update(i.id for i in request.instruments)
    return Footprint(frozenset(states), frozenset(instruments))


#: The PostgreSQL advisory lock of the writers of the kept figures (an arbitrary number of this module's own).
WRITERS_LOCK = 726_001


def _one_writer() -> None:
    """One writer of the kept figures at a time, until its transaction ends. Two transactions making the same pair's
    or month's rows again at once would each delete only what the other had not committed, then both insert (a key
    violation), or keep figures counted before the other's change; the second now waits, and its statements then
    see the first's rows. PostgreSQL: a transaction-scoped advisory lock; SQLite writes one transaction at a time
    anyway. The writers refresh after writing their audit entry: the audit chain's head is locked first by every
    one of them, so the two locks are always taken in that order (the other order deadlocked)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK})


def refresh(changed: Footprint) -> None:
    """Make the kept figures of `changed` again from the record, in the writer's transaction (after its changes,
    which are flushed first)."""
    db.session.flush()
    _one_writer()
    if changed.state_ids and changed.instrument_ids:
        _refresh_pairs(changed)
    if changed.months:
        _refresh_months(changed.months)


def refresh_requests(changed: Footprint) -> None:
    """`refresh` for a write of requests: their pairs' first request, then the pairs' facts that depend on it."""
    db.session.flush()
    if not (changed.state_ids and changed.instrument_ids):
        return
    _one_writer()
    ari = assistance_request_instruments
    db.session.execute(sa.delete(OutcomeRequest).where(OutcomeRequest.state_id.in_(changed.state_ids),
                                                       OutcomeRequest.instrument_id.in_(changed.instrument_ids)))
    _insert(OutcomeRequest, ("state_id", "instrument_id", "first_received_date"), requests_select(
        AssistanceRequest.state_id.in_(changed.state_ids), ari.c.instrument_id.in_(changed.instrument_ids)))
    _refresh_pairs(changed)


def _refresh_pairs(changed: Footprint) -> None:
    db.session.execute(sa.delete(OutcomeFact).where(OutcomeFact.state_id.in_(changed.state_ids),
                                                    OutcomeFact.instrument_id.in_(changed.instrument_ids)))
    where = (ActivityState.state_id.in_(changed.state_ids),
             activity_instruments.c.instrument_id.in_(changed.instrument_ids))
    for donors in (False, True):
        _insert(OutcomeFact, FACT_COLUMNS, facts_select(*where, donors=donors))


def _refresh_months(months: Iterable[int]) -> None:
    months = sorted(set(months))
    db.session.execute(sa.delete(OutcomeMonth).where(OutcomeMonth.month.in_(months)))
    # the activities of those months, found by the index of the activities' first visit date
    ranges = [first_visit_order().between(*month_span(m)) for m in months if m != UNDATED]
    if UNDATED in months:
        ranges.append(Activity.first_visit_date.is_(None))
    for donors in (False, True):
        _insert(OutcomeMonth, MONTH_COLUMNS, months_select(sa.or_(*ranges), donors=donors))


def _insert(model, columns: tuple[str, ...], select: sa.Select) -> None:
    db.session.execute(sa.insert(model).from_select(list(columns), select))


def rebuild() -> dict[str, int]:
    """Make every kept figure again from the record (in the caller's transaction); the rows of each table."""
    db.session.flush()
    _one_writer()
    for model in (OutcomeFact, OutcomeMonth, OutcomeRequest):
        db.session.execute(sa.delete(model))
    _insert(OutcomeRequest, ("state_id", "instrument_id", "first_received_date"), requests_select())
    for donors in (False, True):
        _insert(OutcomeFact, FACT_COLUMNS, facts_select(donors=donors))
        _insert(OutcomeMonth, MONTH_COLUMNS, months_select(donors=donors))
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (OutcomeRequest, OutcomeFact, OutcomeMonth)}
