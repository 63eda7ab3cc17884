"""The assistance a set of filters keeps, read from the figures the writes keep (app.services.treaties.outcome_facts,
issue 26): each (State, instrument) pair's first assistance and its first on or after the pair's first request
(and the same by kind of activity or by donor, for outcome_buckets to count), the distinct activities per month,
and the activities each donor funds by inference only. Each is one query of one slice of the kept figures, whatever
the size of the record.

Two reads go to the record's own rows, each bounded by what it covers: with the start of an activity period
(`period_from`) the pairs' figures are made from the period's rows (the same `facts_select` that keeps the table,
over them); and the kept months count whole months, so the month of the last day counted and the month the period
starts in are counted from their own activities.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.listing import Page, Paging
from app.services.outcomes.outcome_record import NATIONAL_KINDS, NO_GROUP, OutcomeFilters, Record
from app.services.treaties import outcome_facts
from models import Activity, ActivityState, Allocation, Contribution, Organization, OutcomeFact, OutcomeMonth, db
from models.activity import activity_instruments, first_visit_order
from models.enums import ActivityStateRole
from models.outcome_fact import ANY_GROUP, ANY_INSTRUMENT, EVERY_DONOR, UNDATED

#: The donor of a slice no row belongs to: a donor asking for another donor's figures.
NOBODY = -1
#: Per (State id, instrument id): the first assistance and the first on or after the pair's first request.
Firsts = dict[tuple[int, int], tuple[date, date | None]]


@dataclass(frozen=True)
class Slice:
    """The filters as the kept figures are cut: whose money, which instrument, regional group and kind, served
    States only or not, and the days counted (`low` to `high`, both included)."""
    donor_id: int
    instrument_id: int | None
    regional_group: str | None
    kind: str | None
    national: bool
    low: date | None
    high: date

    @property
    def empty(self) -> bool:
        return self.low is not None and self.low > self.high


def slice_of(record: Record, f: OutcomeFilters) -> Slice:
    """How `f` cuts the kept figures, within the record's scope and `as_of`."""
    scope = record.scope
    if scope.is_donor:  # a donor's figures count its own funded activities only
        donor = scope.donor_id if not f.donor or f.donor == scope.donor_id else NOBODY
    else:
        donor = f.donor or EVERY_DONOR
    instrument = None
    if f.instrument:
        instrument = next((i.id for i in record.instruments.values() if i.code == f.instrument), NOBODY)
    high = min(record.as_of, f.period_to) if f.period_to else record.as_of
    return Slice(donor, instrument, f.regional_group, f.kind, f.national, f.period_from, high)


# ------------------------------------------------------------------ the pairs
def _source(s: Slice, *, by_donor: bool, scope_donor: int | None = None, donor_ids: list[int] | None = None):
    """The kept facts, or the same made from the rows of the activity period when it has a start (by donor: of
    `donor_ids` only, if given)."""
    if s.low is None:
        return OutcomeFact.__table__
    donor = scope_donor if by_donor else None if s.donor_id == EVERY_DONOR else s.donor_id
    # One donor's rows are found from its money, every donor's from the days (the index of the first visits).
    days = Activity.first_visit_date if donor is not None else first_visit_order()
    window = days.between(s.low, s.high)
    if not by_donor and s.donor_id == EVERY_DONOR:
        return outcome_facts.facts_select(window, donors=False).subquery("facts")
    # (one donor's own rows need no list: a second condition on the donor led SQLite to a worse index)
    some = [Contribution.donor_id.in_(donor_ids)] if by_donor and donor is None and donor_ids is not None else []
    return outcome_facts.facts_select(window, *some, donors=True, donor_id=donor).subquery("facts")


def _conditions(record: Record, source, s: Slice) -> list:
    found = [source.c.first_date <= s.high]
    if s.instrument_id is not None:
        found.append(source.c.instrument_id == s.instrument_id)
    if s.kind:
        found.append(source.c.kind == s.kind)
    if s.national:
        found += [source.c.is_served == sa.true(), source.c.kind.in_(sorted(NATIONAL_KINDS))]
    if s.regional_group:
        found.append(source.c.state_id.in_(sorted(
            i for i, state in record.states.items() if (state.regional_group or NO_GROUP) == s.regional_group)))
    return found


def _after(source, s: Slice):
    return sa.func.min(sa.case((source.c.first_after_request <= s.high, source.c.first_after_request)))


def firsts(record: Record, s: Slice) -> Firsts:
    """Each pair's first assistance within the slice (one query)."""
    if s.empty:
        return {}
    source = _source(s, by_donor=False)
    return {(state_id, instrument_id): (first, after) for state_id, instrument_id, first, after in db.session.execute(
        sa.select(source.c.state_id, source.c.instrument_id, sa.func.min(source.c.first_date), _after(source, s))
        .where(source.c.donor_id == s.donor_id, *_conditions(record, source, s))
        .group_by(source.c.state_id, source.c.instrument_id))}


def bucket_pairs(record: Record, s: Slice, by: str, donor_ids: list[int] | None = None) -> sa.Subquery:
    """(bucket, state_id, instrument_id, first): each pair's first assistance within the slice, by kind of activity
    (`by` "kind") or by donor ("donor": each donor whose money paid for it, of `donor_ids` if given; a donor's
    scope sees its own only), as a subquery for the breakdowns to count (outcome_buckets)."""
    scope = record.scope
    if by == "kind":
        source = _source(s, by_donor=False)
        mine, bucket = source.c.donor_id == s.donor_id, source.c.kind
    else:
        source = _source(s, by_donor=True, scope_donor=scope.donor_id if scope.is_donor else None,
                         donor_ids=donor_ids)
        # donors' ids are positive: a range of the key, not a scan of every row
        mine = source.c.donor_id == scope.donor_id if scope.is_donor else source.c.donor_id > EVERY_DONOR
        if donor_ids is not None:
            mine = sa.and_(mine, source.c.donor_id.in_(donor_ids))
        bucket = source.c.donor_id
    # grouped in the order of the kept rows' key (donor, State, instrument, kind): SQLite then groups as it reads,
    # without sorting 8,000 rows first (the kinds' statement 29 -> 17 ms at 200,000 requests)
    keys = [bucket, source.c.state_id, source.c.instrument_id] if by == "donor" else \
        [source.c.state_id, source.c.instrument_id, bucket]
    return (sa.select(bucket.label("bucket"), source.c.state_id, source.c.instrument_id,
                      sa.func.min(source.c.first_date).label("first"))
            .where(mine, sa.false() if s.empty else sa.true(), *_conditions(record, source, s))
            .group_by(*keys).subquery("pairs"))


def donor_page(record: Record, s: Slice, paging: Paging | None) -> Page:
    """The donors with assistance within the slice (a donor's scope: itself), in the order of their names, as (id,
    name): one page of them, or all without `paging` (one query; the breakdown counts the page's only)."""
    scope = record.scope
    source = _source(s, by_donor=True, scope_donor=scope.donor_id if scope.is_donor else None)
    found = sa.select(source.c.donor_id).where(*_conditions(record, source, s))
    if source is OutcomeFact.__table__:  # a donor's kept rows are a range of the key: the first that counts will do
        assisted = sa.exists(found.where(source.c.donor_id == Organization.id))
    else:  # the period's rows, made once
        assisted = Organization.id.in_(found)
    select = (sa.select(Organization.id, Organization.name, sa.func.count().over())
              .where(assisted, sa.false() if s.empty else sa.true())
              .order_by(_in_code_order(Organization.name), Organization.id))
    if scope.is_donor:
        select = select.where(Organization.id == scope.donor_id)
    if paging is not None:
        select = select.limit(paging.per_page).offset((paging.page - 1) * paging.per_page)
    rows = db.session.execute(select).all()
    total = rows[0][2] if rows else 0
    paging = paging or Paging(page=1, per_page=max(total, 1))
    return Page([(donor_id, name) for donor_id, name, _total in rows], paging.page, paging.per_page, total)


def _in_code_order(column):
    """A text column ordered by code point, as Python sorts strings (PostgreSQL's collation would not be)."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column


def reached_by_donor(record: Record, instrument_id: int | None, donor_ids: list[int]) -> dict[str, int]:
    """Per donor id of `donor_ids` (as the breakdown's values are), the States its money reached as at `as_of` (on
    one instrument if given): app.services.funding.reach's figure, counted from the kept facts of the States served
    (one query)."""
    select = (sa.select(OutcomeFact.donor_id, sa.func.count(sa.distinct(OutcomeFact.state_id)))
              .where(OutcomeFact.donor_id.in_(_mine(record, donor_ids)), OutcomeFact.is_served == sa.true(),
                     sa.or_(OutcomeFact.has_undated == sa.true(), OutcomeFact.first_date <= record.as_of))
              .group_by(OutcomeFact.donor_id))
    if instrument_id is not None:
        select = select.where(OutcomeFact.instrument_id == instrument_id)
    return {str(donor_id): states for donor_id, states in db.session.execute(select)}


def _mine(record: Record, donor_ids: list[int]) -> list[int]:
    """Of `donor_ids`, those the record's scope may see (a donor: itself)."""
    scope = record.scope
    return sorted(i for i in donor_ids if i > EVERY_DONOR and (not scope.is_donor or i == scope.donor_id))


# ------------------------------------------------------------------ the months
def _month_conditions(s: Slice) -> list:
    top = outcome_facts.month_of(s.high)
    found = [OutcomeMonth.instrument_id == (ANY_INSTRUMENT if s.instrument_id is None else s.instrument_id),
             OutcomeMonth.regional_group == (s.regional_group or ANY_GROUP), OutcomeMonth.is_served == s.national,
             OutcomeMonth.month > (outcome_facts.month_of(s.low) if s.low else UNDATED), OutcomeMonth.month < top]
    if s.kind:
        found.append(OutcomeMonth.kind == s.kind)
    if s.national:
        found.append(OutcomeMonth.kind.in_(sorted(NATIONAL_KINDS)))
    return found


def _edge_ranges(s: Slice) -> list[tuple[date, date]]:
    """The days of the slice in months the kept figures cannot cut: the month of its last day and, with a start,
    the month of its first."""
    if s.empty:
        return []
    top = outcome_facts.month_of(s.high)
    first_of_top = outcome_facts.month_span(top)[0]
    ranges = [(max(first_of_top, s.low) if s.low else first_of_top, s.high)]
    if s.low and outcome_facts.month_of(s.low) != top:
        ranges.append((s.low, outcome_facts.month_span(outcome_facts.month_of(s.low))[1]))
    return ranges


@dataclass
class _Edge:
    """One activity of the edge months: its month, whether a row of it is within the slice, its donors (in the
    scope) and those of them whose funding of it is stated (not inferred)."""
    month: int
    kept: bool = False
    donors: set[int] = field(default_factory=set)
    stated: set[int] = field(default_factory=set)


def _edges(record: Record, s: Slice) -> list[_Edge]:
    """The activities of the edge months, from their rows (one query, bounded by what those months hold; once per
    record and slice: the chart and the inferred marks both count them)."""
    if ("edges", s) not in record.read:
        record.read[("edges", s)] = _read_edges(record, s)
    return record.read[("edges", s)]


def _read_edges(record: Record, s: Slice) -> list[_Edge]:
    ranges = _edge_ranges(s)
    if not ranges:
        return []
    scope = record.scope
    select = outcome_facts.assisted(
        sa.select(Activity.id, Activity.kind, Activity.first_visit_date, ActivityState.state_id,
                  activity_instruments.c.instrument_id, ActivityState.role, Contribution.donor_id,
                  Allocation.is_inferred),
        scope.activities(), sa.or_(*(first_visit_order().between(a, b) for a, b in ranges)))
    select = (select.outerjoin(Allocation, Allocation.activity_id == Activity.id)
              .outerjoin(Contribution, sa.and_(Contribution.id == Allocation.contribution_id,
                                               scope.contributions())))
    found: dict[int, _Edge] = {}
    for activity_id, kind, day, state_id, instrument_id, role, donor_id, inferred in db.session.execute(select):
        edge = found.setdefault(activity_id, _Edge(outcome_facts.month_of(day)))
        if donor_id is not None:
            edge.donors.add(donor_id)
            if not inferred:
                edge.stated.add(donor_id)
        edge.kept = edge.kept or _within(record, s, kind, state_id, instrument_id, role)
    return list(found.values())


def _within(record: Record, s: Slice, kind: str, state_id: int, instrument_id: int, role: str) -> bool:
    """Whether one assisted row of a day within the slice falls within its other filters (not the donor's)."""
    if s.instrument_id is not None and instrument_id != s.instrument_id:
        return False
    if s.kind and kind != s.kind:
        return False
    if s.national and (kind not in NATIONAL_KINDS or role != ActivityStateRole.SERVED.value):
        return False
    return not s.regional_group or (record.states[state_id].regional_group or NO_GROUP) == s.regional_group


def months(record: Record, s: Slice) -> dict[int, int]:
    """Distinct activities within the slice per month of their first visit (the `month` key): the kept months,
    and the edge months from their rows (two queries)."""
    out: dict[int, int] = defaultdict(int)
    if s.empty:
        return out
    for month, count in db.session.execute(
            sa.select(OutcomeMonth.month, sa.func.sum(OutcomeMonth.activities))
            .where(OutcomeMonth.donor_id == s.donor_id, *_month_conditions(s)).group_by(OutcomeMonth.month)):
        out[month] += count
    for edge in _edges(record, s):
        if edge.kept and (s.donor_id == EVERY_DONOR or s.donor_id in edge.donors):
            out[edge.month] += 1
    return out


def inferred_by_donor(record: Record, s: Slice, donor_ids: list[int]) -> dict[str, int]:
    """Per donor id of `donor_ids` (as the breakdown's values are), the activities within the slice the record links
    to it by inference only (two queries). The slice names no donor (a donor's scope: its own)."""
    out: dict[str, int] = defaultdict(int)
    mine = _mine(record, donor_ids)
    if s.empty:
        return {}
    for donor_id, count in db.session.execute(
            sa.select(OutcomeMonth.donor_id, sa.func.sum(OutcomeMonth.inferred))
            .where(OutcomeMonth.donor_id.in_(mine), *_month_conditions(s)).group_by(OutcomeMonth.donor_id)):
        out[str(donor_id)] += count
    for edge in _edges(record, s):
        if edge.kept:
            for donor_id in (edge.donors - edge.stated).intersection(mine):
                out[str(donor_id)] += 1
    return {k: v for k, v in out.items() if v}
