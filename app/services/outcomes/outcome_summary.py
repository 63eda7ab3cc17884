"""Outcomes: what assistance a State received on an instrument and what it did next — the descriptive analytics
over every assisted State (never a claim that one caused the other). The timeline of one State is
app.services.outcomes.outcome_timeline.

They read a fixed number of queries whatever the size of the record (outcome_record: what is read besides the
assistance, for a Scope and as at an `as_of` day; outcome_assistance: the assistance each set of filters keeps, from
the figures the writes keep) and compute the rest from one row per (State, instrument) pair, here; the charts'
series are outcome_series. Callers read all of it through this module.

Definitions (said on the page too):
- assistance on an instrument: a non-cancelled activity that names the instrument and that the State was served by
  or took part in (app.services.treaties.assistance, the forecast's definition too), dated by the first day of its
  first visit; an activity without a visit has no date and is counted apart (`undated`), never placed in time;
- first assistance: the earliest such activity on or before `as_of` (and within the activity period if one is
  asked for);
- already party: its deposit is on or before the day of first assistance;
- request -> first activity: from the State's first dated request naming the instrument to the first assistance
  on or after it;
- share deposited within N months: among assisted States not already party whose N months have fully elapsed by
  `as_of` (a State assisted last month cannot yet have deposited within 24 months), those that deposited within
  N months of first assistance — "within N months" is `outcome_series.within_months` (calendar months, the day N
  months later included), on the headline and on the histogram alike.
"""
from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.listing import Page, Paging
from app.rules.forecast import add_months
from app.rules.record_dates import counted_to
from app.scoping import Scope
from app.services.funding import reach
from app.services.outcomes import outcome_assistance, outcome_buckets, outcome_record, outcome_series
from app.services.registry import states as state_service
from app.services.treaties import assistance
from models import Instrument, MemberState
from models.enums import ActivityKind, ParticipantKind, RegionalGroup

#: The windows of the "deposited within N months of first assistance" shares.
WINDOWS = (6, 12, 24)

# What the analytics read (outcome_record) and the charts' series (outcome_series), under the names the page and
# the tests have always read them by here.
OutcomeFilters = outcome_record.OutcomeFilters
Record = outcome_record.Record
load = outcome_record.load
NATIONAL_KINDS = outcome_record.NATIONAL_KINDS
NO_GROUP = outcome_record.NO_GROUP
deposits_by_group_and_year = outcome_series.deposits_by_group_and_year
activities_by_month = outcome_series.activities_by_month
LEAD_BINS = outcome_series.LEAD_BINS
lead_histogram = outcome_series.lead_histogram
within_months = outcome_series.within_months
#: What "assisted" means, as the page says it (app.services.treaties.assistance).
ASSISTED = assistance.DEFINITION
#: What "States reached" means (app.services.funding.reach).
REACHED = reach.DEFINITION


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


# ================================================================== the analytics
@dataclass
class Pair:
    """A State assisted on an instrument: the unit every figure counts (a State counts once per instrument)."""
    state: MemberState
    instrument: Instrument
    first: date
    signature: date | None
    deposit: date | None
    request: date | None
    #: The first assistance on or after the first request (for the request -> first activity lead time).
    first_after_request: date | None
    as_of: date

    # Each derived value is computed once per pair: the page summarises thousands of pairs (by kind, by donor).
    @cached_property
    def already_party(self) -> bool:
        return self.deposit is not None and self.deposit <= self.first

    @cached_property
    def days_to_deposit(self) -> int | None:
        return (self.deposit - self.first).days if self.deposit and not self.already_party else None

    @cached_property
    def days_request_to_activity(self) -> int | None:
        return (self.first_after_request - self.request).days if self.request and self.first_after_request \
            else None

    @cached_property
    def days_signature_to_deposit(self) -> int | None:
        if self.signature and self.deposit and self.signature <= self.deposit:
            return (self.deposit - self.signature).days
        return None

    @cached_property
    def counted_to(self) -> date:
        """`as_of`, or the day the instrument's record is complete to when earlier: "still not party" is known up
        to that day only (later deposits are not recorded)."""
        return counted_to(self.instrument.record_complete_to, self.as_of)

    @cached_property
    def elapsed(self) -> int:
        """Days from first assistance to `counted_to` (never past the record's end)."""
        return (self.counted_to - self.first).days

    def window_elapsed(self, months: int) -> bool:
        """Whether the `months` after first assistance lie within what the record covers."""
        return _months_after(self.first, months) <= self.counted_to

    def deposited_within(self, months: int) -> bool:
        return (self.deposit is not None and not self.already_party
                and self.deposit <= _months_after(self.first, months))


@functools.lru_cache(maxsize=1 << 16)
def _months_after(day: date, months: int) -> date:
    """`add_months`, kept: many pairs share a first day, and each is asked for every window (the same day as
    `outcome_series.within_months` counts to)."""
    return add_months(day, months)


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
    #: The counts alone, without the pairs: a row of the breakdowns by kind or by donor, counted in the database
    #: (its links open the list with that filter added, which `members` then gives).
    counts: dict[str, int] | None = None

    def count(self, key: str) -> int:
        return self.counts.get(key, 0) if self.counts is not None else len(self.members.get(key, []))


#: The figures a drill-down can list (the `figure` parameter), with their labels.
FIGURES = {
    "assisted": _l("assisted"),
    "already_party": _l("already party before first assistance"),
    "at_risk": _l("not party at first assistance"),
    "deposited_after": _l("deposited after first assistance"),
    "not_party": _l("assisted and still not party"),
    **{f"within_{n}": _l("deposited within %(n)s months of first assistance", n=n) for n in WINDOWS},
    **{f"window_{n}": _l("%(n)s months elapsed since first assistance (the base of the share)", n=n)
       for n in WINDOWS},
    "with_request": _l("with a dated request before assistance"),
    "with_signature": _l("signed, then deposited"),
    "party_by_period_end": _l("party by the end of the activity period"),
    "party_after_period_end": _l("party after the end of the activity period"),
    "not_assisted": _l("not assisted (same regional group)"),
    "not_assisted_party": _l("not assisted and party"),
    "assisted_party": _l("assisted and party"),
}
#: The medians: (key, label, the figure listing the pairs behind it).
MEDIANS = (("request_to_activity", _l("request → first activity"), "with_request"),
           ("activity_to_deposit", _l("first activity → deposit"), "deposited_after"),
           ("signature_to_deposit", _l("signature → deposit"), "with_signature"))


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


def pairs(record: Record, f: OutcomeFilters) -> list[Pair]:
    """The assisted (State, instrument) pairs within the filters, each with its first assistance."""
    return _pairs_of(record, outcome_assistance.firsts(record, outcome_assistance.slice_of(record, f)))


def _pairs_of(record: Record, firsts: outcome_assistance.Firsts) -> list[Pair]:
    out = []
    for key, (first, after) in firsts.items():
        request = record.requests.get(key)  # the first on or before `as_of`: `after` is counted from it
        out.append(Pair(record.states[key[0]], record.instruments[key[1]], first, record.signatures.get(key),
                        record.deposits.get(key), request, after if request else None, record.as_of))
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
    """One dimension's rows: (value of the filter, label, summary); `title` heads the table, `column` its rows."""
    key: str
    title: str
    column: str
    rows: list[tuple[str, str, Summary]]
    #: By donor: value -> "States your contributions reached" (app.services.funding.reach, the donor's home page's
    #: and portal's figure), as at the day asked for and on the instrument chosen; the other filters leave it whole.
    reached: dict[str, int] = field(default_factory=dict)
    #: By donor: value -> how many of the row's activities the record links to the donor by inference (marked).
    inferred: dict[str, int] = field(default_factory=dict)
    #: By donor, when paged: which page of the donors `rows` is, and how many donors there are in all.
    page: Page | None = None


def breakdowns(record: Record, f: OutcomeFilters, assisted: list[Pair] | None = None,
               donors: Paging | None = None) -> list[Breakdown]:
    """The same figures by regional group, instrument, kind of assistance and donor: each row is the analysis with
    that one filter added (so that its links open the same list the figure counts). A pair's regional group and
    instrument are its own: those rows divide the pairs; the rows by kind and by donor are counted in the database
    (outcome_buckets), from each pair's first assistance by kind and by donor — the donors of one page of them
    only, in the order of their names, with `donors` (without: every donor)."""
    s = outcome_assistance.slice_of(record, f)
    if assisted is None:
        assisted = _pairs_of(record, outcome_assistance.firsts(record, s))

    def divided(value_of, values: list[tuple[str, str]]) -> list[tuple[str, str, Summary]]:
        buckets: dict[str, list[Pair]] = defaultdict(list)
        for p in assisted:
            buckets[value_of(p)].append(p)
        return [(value, label, summarize(buckets[value], record.as_of, f.period_to))
                for value, label in values if buckets.get(value)]

    def counted(by: str, donor_ids: list[int] | None = None) -> dict:
        return outcome_buckets.counted(record, outcome_assistance.bucket_pairs(record, s, by, donor_ids))
    groups = [(g.value, g.label) for g in RegionalGroup] + [(NO_GROUP, _("No regional group"))]
    instruments = [(i.code, i.code) for i in record.instruments.values()]
    kinds = counted("kind") if not f.kind else {}
    out = [
        Breakdown("regional_group", _("By regional group"), _("Regional group"),
                  divided(lambda p: p.state.regional_group or NO_GROUP, groups) if not f.regional_group else []),
        Breakdown("instrument", _("By instrument"), _("Instrument"),
                  divided(lambda p: p.instrument.code, instruments) if not f.instrument else []),
        Breakdown("kind", _("By kind of assistance"), _("Kind of assistance"),
                  [(k.value, k.label, _counted_summary(kinds[k.value], f)) for k in ActivityKind
                   if k.value in kinds]),
    ]
    if f.donor:
        return out + [Breakdown("donor", _("By donor"), _("Donor"), [])]
    page = outcome_assistance.donor_page(record, s, donors)
    ids = [donor_id for donor_id, _name in page.items]
    found = counted("donor", ids) if ids else {}
    rows = [(str(i), name, _counted_summary(found[i], f)) for i, name in page.items]
    return out + [Breakdown("donor", _("By donor"), _("Donor"), rows,
                            outcome_assistance.reached_by_donor(record, s.instrument_id, ids),
                            outcome_assistance.inferred_by_donor(record, s, ids),
                            page if donors is not None else None)]


def _counted_summary(found: outcome_buckets.Counted, f: OutcomeFilters) -> Summary:
    """A breakdown's row counted in the database, as a Summary (counts, shares and the median it shows)."""
    shares = {n: Share(found.counts[f"within_{n}"], found.counts[f"window_{n}"]) for n in WINDOWS}
    return Summary({}, shares, {"activity_to_deposit": found.median_to_deposit}, f.period_to, found.counts)


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


def analytics(scope: Scope, as_of: date, f: OutcomeFilters, *, with_breakdowns: bool = True,
              donors: Paging | None = None) -> Analytics:
    """Every figure of the outcomes page, from one load; the breakdown by donor one page of donors with `donors`."""
    record = load(scope, as_of)
    assisted = pairs(record, f)
    return Analytics(record, f, assisted, summarize(assisted, as_of, f.period_to),
                     breakdowns(record, f, assisted, donors) if with_breakdowns else [],
                     comparison(record, f, assisted))


def drill_down(analysis: Analytics, figure: str, group: str | None = None) -> list:
    """The pairs behind one figure (`FIGURES`); for the comparison's figures, those of regional group `group`.
    Items are Pair, or (MemberState, Instrument) for the not-assisted."""
    if figure in ("not_assisted", "not_assisted_party"):
        rows = [c for c in analysis.comparisons if group is None or c.group == group]
        return [item for c in rows for item in getattr(c, figure)]
    return list(analysis.summary.members.get(figure, []))


def drill_down_visible(scope: Scope, analysis: Analytics, figure: str, group: str | None = None) -> tuple[list, int]:
    """`drill_down` narrowed to the States `scope` may see by name, and how many items that left out (a donor is
    not shown the not-assisted States outside its scope, only their number)."""
    items = drill_down(analysis, figure, group)
    visible = state_service.visible_ids(scope)
    if visible is None:
        return items, 0
    shown = [i for i in items if (i.state.id if isinstance(i, Pair) else i[0].id) in visible]
    return shown, len(items) - len(shown)
