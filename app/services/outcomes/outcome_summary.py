"""Outcomes: what assistance a State received on an instrument and what it did next — the descriptive analytics
over every assisted State (never a claim that one caused the other). The timeline of one State is
app.services.outcome_timeline.

They read a fixed number of queries whatever the size of the record and compute the rest in one pass in Python;
they take a Scope (a donor sees its own funded activities and contributions; treaty actions are public record)
and an `as_of` day: nothing dated after it counts, so a figure cited once can be reproduced later.

Definitions (said on the page too):
- assistance on an instrument: a non-cancelled activity that *served* the State (role "served") and names the
  instrument, dated by the first day of its first visit; an activity without a visit has no date and is counted
  apart (`undated`), never placed in time;
- first assistance: the earliest such activity on or before `as_of` (and within the activity period if one is
  asked for);
- already party: its deposit is on or before the day of first assistance;
- request -> first activity: from the State's first dated request naming the instrument to the first assistance
  on or after it;
- share deposited within N months: among assisted States not already party whose N months have fully elapsed by
  `as_of` (a State assisted last month cannot yet have deposited within 24 months), those that deposited within
  N months of first assistance.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.rules.forecast import add_months
from app.scoping import Scope
from app.services.treaties import treaty_actions
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Instrument,
    MemberState,
    Organization,
    db,
)
from models.activity import activity_instruments
from models.assistance_request import assistance_request_instruments
from models.enums import (
    ActivityKind,
    ActivityStateRole,
    ActivityStatus,
    ParticipantKind,
    RegionalGroup,
)

#: The windows of the "deposited within N months of first assistance" shares.
WINDOWS = (6, 12, 24)
#: Assistance to the State itself, as opposed to meetings that gathered a region (the `national` filter).
NATIONAL_KINDS = frozenset({ActivityKind.MISSION.value, ActivityKind.NATIONAL_SEMINAR.value,
                            ActivityKind.WORKSHOP.value, ActivityKind.WRITTEN_ANALYSIS.value,
                            ActivityKind.BRIEFING.value, ActivityKind.PRESENTATION.value})
NO_GROUP = "none"


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


# ================================================================== the analytics
@dataclass(frozen=True)
class OutcomeFilters:
    instrument: str | None = None
    regional_group: str | None = None
    kind: str | None = None
    donor: int | None = None
    national: bool = False
    period_from: date | None = None
    period_to: date | None = None

    def narrowed(self, **changes) -> OutcomeFilters:
        return replace(self, **changes)


@dataclass(frozen=True)
class _Row:
    """One activity serving one State on one instrument (a row of the served-activities query)."""
    state_id: int
    instrument_id: int
    activity_id: int
    kind: str
    day: date | None


@dataclass
class Pair:
    """A State assisted on an instrument: the unit every figure counts (a State counts once per instrument)."""
    state: MemberState
    instrument: Instrument
    first: date
    activities: int
    signature: date | None
    deposit: date | None
    request: date | None
    #: The first assistance on or after the first request (for the request -> first activity lead time).
    first_after_request: date | None
    as_of: date

    @property
    def already_party(self) -> bool:
        return self.deposit is not None and self.deposit <= self.first

    @property
    def days_to_deposit(self) -> int | None:
        return (self.deposit - self.first).days if self.deposit and not self.already_party else None

    @property
    def days_request_to_activity(self) -> int | None:
        return (self.first_after_request - self.request).days if self.request and self.first_after_request \
            else None

    @property
    def days_signature_to_deposit(self) -> int | None:
        if self.signature and self.deposit and self.signature <= self.deposit:
            return (self.deposit - self.signature).days
        return None

    @property
    def elapsed(self) -> int:
        """Days from first assistance to `as_of`."""
        return (self.as_of - self.first).days

    def window_elapsed(self, months: int) -> bool:
        return add_months(self.first, months) <= self.as_of

    def deposited_within(self, months: int) -> bool:
        return (self.deposit is not None and not self.already_party
                and self.deposit <= add_months(self.first, months))


@dataclass(frozen=True)
class Share:
    count: int
    base: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.base, 1) if self.base else None


@dataclass
class Summary:
    """The figures over a set of assisted pairs; `members[key]` lists the pairs behind each figure."""
    members: dict[str, list[Pair]] = field(default_factory=dict)
    shares: dict[int, Share] = field(default_factory=dict)
    medians: dict[str, float | None] = field(default_factory=dict)
    period_to: date | None = None

    def count(self, key: str) -> int:
        return len(self.members.get(key, []))


#: The figures a drill-down can list (the `figure` parameter), with their labels.
FIGURES = {
    "assisted": "assisted",
    "already_party": "already party before first assistance",
    "at_risk": "not party at first assistance",
    "deposited_after": "deposited after first assistance",
    "not_party": "assisted and still not party",
    **{f"within_{n}": f"deposited within {n} months of first assistance" for n in WINDOWS},
    **{f"window_{n}": f"{n} months elapsed since first assistance (the base of the share)" for n in WINDOWS},
    "with_request": "with a dated request before assistance",
    "with_signature": "signed, then deposited",
    "party_by_period_end": "party by the end of the activity period",
    "party_after_period_end": "party after the end of the activity period",
    "not_assisted": "not assisted (same regional group)",
    "not_assisted_party": "not assisted and party",
    "assisted_party": "assisted and party",
}
#: The medians: (key, label, the figure listing the pairs behind it).
MEDIANS = (("request_to_activity", "request → first activity", "with_request"),
           ("activity_to_deposit", "first activity → deposit", "deposited_after"),
           ("signature_to_deposit", "signature → deposit", "with_signature"))


def summarize(pairs: list[Pair], as_of: date, period_to: date | None = None) -> Summary:
    """Every figure of the analytics over `pairs`, in one pass."""
    m: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        m["assisted"].append(p)
        if p.already_party:
            m["already_party"].append(p)
            if p.deposit and p.deposit <= as_of:
                m["assisted_party"].append(p)
        else:
            m["at_risk"].append(p)
            if p.deposit is None:
                m["not_party"].append(p)
            else:
                m["deposited_after"].append(p)
                m["assisted_party"].append(p)
            for n in WINDOWS:
                if p.window_elapsed(n):
                    m[f"window_{n}"].append(p)
                    if p.deposited_within(n):
                        m[f"within_{n}"].append(p)
        if p.days_request_to_activity is not None:
            m["with_request"].append(p)
        if p.days_signature_to_deposit is not None:
            m["with_signature"].append(p)
        if period_to is not None:
            if p.deposit is not None and p.deposit <= period_to:
                m["party_by_period_end"].append(p)
            elif p.deposit is not None:
                m["party_after_period_end"].append(p)
    m["not_party"].sort(key=lambda p: -p.elapsed)
    shares = {n: Share(len(m[f"within_{n}"]), len(m[f"window_{n}"])) for n in WINDOWS}
    medians = {
        "request_to_activity": _median([p.days_request_to_activity for p in m["with_request"]]),
        "activity_to_deposit": _median([p.days_to_deposit for p in m["deposited_after"]]),
        "signature_to_deposit": _median([p.days_signature_to_deposit for p in m["with_signature"]]),
    }
    return Summary(dict(m), shares, medians, period_to)


@dataclass
class Record:
    """What the analytics read, loaded once (a fixed number of queries): the served activities, who funded them,
    the treaty actions, the States, the dated requests and the instruments."""
    as_of: date
    rows: list[_Row]
    donors: dict[int, set[int]]
    donor_names: dict[int, str]
    states: dict[int, MemberState]
    instruments: dict[int, Instrument]
    signatures: dict[tuple[int, int], date]
    deposits: dict[tuple[int, int], date]
    requests: dict[tuple[int, int], date]
    scope: Scope

    @property
    def undated(self) -> int:
        """Activities serving a State with no visit: assistance the record cannot place in time."""
        return len({r.activity_id for r in self.rows if r.day is None})


def load(scope: Scope, as_of: date) -> Record:
    """Read what every figure needs in eight queries, whatever the size of the record."""
    first_visit = (sa.select(ActivityVisit.activity_id, sa.func.min(ActivityVisit.start_date).label("day"))
                   .group_by(ActivityVisit.activity_id).subquery())
    served = (sa.select(ActivityState.state_id, activity_instruments.c.instrument_id, Activity.id, Activity.kind,
                        first_visit.c.day)
              .select_from(Activity)
              .join(ActivityState, ActivityState.activity_id == Activity.id)
              .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
              .outerjoin(first_visit, first_visit.c.activity_id == Activity.id)
              .where(ActivityState.role == ActivityStateRole.SERVED.value,
                     Activity.status != ActivityStatus.CANCELLED.value, scope.activities()))
    rows = [_Row(*r) for r in db.session.execute(served)]
    donors: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    funding = (sa.select(Allocation.activity_id, Contribution.donor_id, Organization.name)
               .join(Contribution, Contribution.id == Allocation.contribution_id)
               .join(Organization, Organization.id == Contribution.donor_id)
               .where(scope.contributions()))
    for activity_id, donor_id, name in db.session.execute(funding):
        donors[activity_id].add(donor_id)
        names[donor_id] = name
    signatures, deposits = {}, {}
    for state_id, instrument_id, category, day in treaty_actions.dated_up_to(as_of):
        (signatures if category == "signature" else deposits)[(state_id, instrument_id)] = day
    # with their names: every list shows a State by the name it bore on `as_of`
    states = {s.id: s for s in db.session.scalars(sa.select(MemberState).options(selectinload(MemberState.names)))}
    requests: dict[tuple[int, int], date] = {}
    if not scope.is_donor:
        dated = (sa.select(AssistanceRequest.state_id, assistance_request_instruments.c.instrument_id,
                           sa.func.min(AssistanceRequest.received_date))
                 .join(assistance_request_instruments,
                       assistance_request_instruments.c.request_id == AssistanceRequest.id)
                 .where(scope.requests(), AssistanceRequest.received_date <= as_of)
                 .group_by(AssistanceRequest.state_id, assistance_request_instruments.c.instrument_id))
        requests = {(s, i): d for s, i, d in db.session.execute(dated)}
    instruments = {i.id: i for i in db.session.scalars(sa.select(Instrument).order_by(Instrument.id))}
    return Record(as_of, rows, dict(donors), names, states, instruments, signatures, deposits, requests, scope)


def _selects(record: Record, f: OutcomeFilters) -> Callable[[_Row], bool]:
    """Whether a served-activity row falls within the filters (its date within as_of and the period)."""
    instrument_ids = {i.id for i in record.instruments.values() if f.instrument is None or i.code == f.instrument}

    def keep(row: _Row) -> bool:
        if row.day is None or row.day > record.as_of or row.instrument_id not in instrument_ids:
            return False
        if (f.period_from and row.day < f.period_from) or (f.period_to and row.day > f.period_to):
            return False
        if f.kind and row.kind != f.kind:
            return False
        if f.national and row.kind not in NATIONAL_KINDS:
            return False
        if f.donor and f.donor not in record.donors.get(row.activity_id, ()):
            return False
        if f.regional_group:
            group = record.states[row.state_id].regional_group or NO_GROUP
            if group != f.regional_group:
                return False
        return True
    return keep


def pairs(record: Record, f: OutcomeFilters) -> list[Pair]:
    """The assisted (State, instrument) pairs within the filters, each with its first assistance."""
    keep = _selects(record, f)
    return _pairs_of(record, [row for row in record.rows if keep(row)])


def _pairs_of(record: Record, rows: Iterable[_Row]) -> list[Pair]:
    by_pair: dict[tuple[int, int], list[date]] = defaultdict(list)
    for row in rows:
        by_pair[(row.state_id, row.instrument_id)].append(row.day)
    out = []
    for key, days in by_pair.items():
        request = record.requests.get(key)
        after = min((d for d in days if request and d >= request), default=None)
        out.append(Pair(record.states[key[0]], record.instruments[key[1]], min(days), len(days),
                        record.signatures.get(key), record.deposits.get(key), request, after, record.as_of))
    return sorted(out, key=lambda p: (p.state.name, p.instrument.id))


@dataclass
class Comparison:
    """Assisted against not-assisted States of one regional group (on the instruments of the filters)."""
    group: str
    assisted: list[Pair]
    assisted_party: list[Pair]
    not_assisted: list[tuple[MemberState, Instrument]]
    not_assisted_party: list[tuple[MemberState, Instrument]]
    assisted_median: float | None
    not_assisted_median: float | None

    @property
    def assisted_share(self) -> Share:
        return Share(len(self.assisted_party), len(self.assisted))

    @property
    def not_assisted_share(self) -> Share:
        return Share(len(self.not_assisted_party), len(self.not_assisted))


def comparison(record: Record, f: OutcomeFilters, assisted: list[Pair]) -> list[Comparison]:
    """Per regional group: assisted pairs against the States of the same group not assisted on the instrument (as
    the filters define assistance), with the share party as at `as_of` and the median signature -> deposit."""
    instruments = [i for i in record.instruments.values() if f.instrument is None or i.code == f.instrument]
    taken = {(p.state.id, p.instrument.id) for p in assisted}
    groups = [f.regional_group] if f.regional_group else [g.value for g in RegionalGroup]
    out = []
    for group in groups:
        mine = [p for p in assisted if (p.state.regional_group or NO_GROUP) == group]
        others = [(s, i) for s in record.states.values() for i in instruments
                  if s.regional_group == group and s.kind == ParticipantKind.STATE.value
                  and (s.id, i.id) not in taken]
        others.sort(key=lambda si: (si[0].name, si[1].id))
        party = [(s, i) for s, i in others if (s.id, i.id) in record.deposits]

        def lead(state, inst):
            sig, dep = record.signatures.get((state.id, inst.id)), record.deposits.get((state.id, inst.id))
            return (dep - sig).days if sig and dep and sig <= dep else None
        other_leads = [d for d in (lead(s, i) for s, i in others) if d is not None]
        out.append(Comparison(group, mine, [p for p in mine if p.deposit], others, party,
                              _median([p.days_signature_to_deposit for p in mine
                                       if p.days_signature_to_deposit is not None]),
                              _median(other_leads)))
    return out


@dataclass
class Breakdown:
    """One dimension's rows: (value of the filter, label, summary)."""
    key: str
    title: str
    rows: list[tuple[str, str, Summary]]


def breakdowns(record: Record, f: OutcomeFilters) -> list[Breakdown]:
    """The same figures by regional group, instrument, kind of assistance and donor: each row is the analysis with
    that one filter added (so that its links open the same list the figure counts)."""
    keep = _selects(record, f)
    kept = [row for row in record.rows if keep(row)]
    # The value(s) of each dimension a row falls under: adding that filter keeps exactly these rows.
    value_of = {
        "regional_group": lambda r: [record.states[r.state_id].regional_group or NO_GROUP],
        "instrument": lambda r: [record.instruments[r.instrument_id].code],
        "kind": lambda r: [r.kind],
        "donor": lambda r: [str(d) for d in record.donors.get(r.activity_id, ())],
    }

    def rows(key: str, values: list[tuple[str, str]]) -> list[tuple[str, str, Summary]]:
        buckets: dict[str, list[_Row]] = defaultdict(list)
        for row in kept:
            for value in value_of[key](row):
                buckets[value].append(row)
        out = []
        for value, label in values:
            if buckets.get(value):
                out.append((value, label, summarize(_pairs_of(record, buckets[value]), record.as_of, f.period_to)))
        return out
    groups = [(g.value, g.label) for g in RegionalGroup] + [(NO_GROUP, "No regional group")]
    instruments = [(i.code, i.code) for i in record.instruments.values()]
    kinds = [(k.value, k.label) for k in ActivityKind]
    donors = sorted(record.donor_names.items(), key=lambda d: d[1])
    return [
        Breakdown("regional_group", "By regional group", rows("regional_group", groups) if not f.regional_group
                  else []),
        Breakdown("instrument", "By instrument", rows("instrument", instruments) if not f.instrument else []),
        Breakdown("kind", "By kind of assistance", rows("kind", kinds) if not f.kind else []),
        Breakdown("donor", "By donor", rows("donor", [(str(i), n) for i, n in donors]) if not f.donor else []),
    ]


@dataclass
class Analytics:
    record: Record
    filters: OutcomeFilters
    pairs: list[Pair]
    summary: Summary
    breakdowns: list[Breakdown]
    comparisons: list[Comparison]

    @property
    def as_of(self) -> date:
        return self.record.as_of


def analytics(scope: Scope, as_of: date, f: OutcomeFilters, *, with_breakdowns: bool = True) -> Analytics:
    """Every figure of the outcomes page, from one load."""
    record = load(scope, as_of)
    assisted = pairs(record, f)
    return Analytics(record, f, assisted, summarize(assisted, as_of, f.period_to),
                     breakdowns(record, f) if with_breakdowns else [], comparison(record, f, assisted))


def drill_down(analysis: Analytics, figure: str, group: str | None = None) -> list:
    """The pairs behind one figure (`FIGURES`); for the comparison's figures, those of regional group `group`.
    Items are Pair, or (MemberState, Instrument) for the not-assisted."""
    if figure in ("not_assisted", "not_assisted_party"):
        rows = [c for c in analysis.comparisons if group is None or c.group == group]
        return [item for c in rows for item in getattr(c, figure)]
    return list(analysis.summary.members.get(figure, []))


# ------------------------------------------------------------------ series for the charts
def deposits_by_group_and_year(record: Record, instrument_code: str | None) -> tuple[list[int], dict[str, list[int]]]:
    """Deposits up to `as_of` per year and regional group (States only): (years, {group: counts by year})."""
    ids = {i.id for i in record.instruments.values() if instrument_code is None or i.code == instrument_code}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for (state_id, instrument_id), day in record.deposits.items():
        if instrument_id in ids:
            counts[(day.year, record.states[state_id].regional_group or NO_GROUP)] += 1
    if not counts:
        return [], {}
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    groups = [g.value for g in RegionalGroup] + [NO_GROUP]
    return years, {g: [counts[(y, g)] for y in years] for g in groups if any(counts[(y, g)] for y in years)}


def activities_by_month(record: Record, f: OutcomeFilters) -> list[tuple[str, int]]:
    """Distinct activities serving a State within the filters, per month of their first visit ("2003-02")."""
    keep = _selects(record, f)
    seen: dict[str, set[int]] = defaultdict(set)
    for row in record.rows:
        if keep(row):
            seen[row.day.strftime("%Y-%m")].add(row.activity_id)
    if not seen:
        return []
    first, last = min(seen), max(seen)
    months, year, month = [], int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        months.append((key, len(seen.get(key, ()))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


#: Bins of the lead-time histograms, in months: [0, 6), [6, 12) … and 60 or more.
LEAD_BINS = (0, 6, 12, 24, 36, 60)


def lead_histogram(days: Iterable[int]) -> list[tuple[str, int]]:
    """How many lead times fall in each bin of LEAD_BINS (days counted as months of 30.44 days)."""
    labels = [f"{a}–{b} months" for a, b in zip(LEAD_BINS, LEAD_BINS[1:], strict=False)] + [f"{LEAD_BINS[-1]}+ months"]
    counts = [0] * len(labels)
    for d in days:
        months = d / 30.44
        index = next((i for i, edge in enumerate(LEAD_BINS[1:]) if months < edge), len(labels) - 1)
        counts[index] += 1
    return list(zip(labels, counts, strict=True))
