"""The outcome analytics as they were computed before the figures were kept (issue 26): every activity × State ×
instrument row of the record read and filtered in Python on every visit. Slow, and plainly right: the tests hold
the kept figures (app.services.outcomes) to what this computes, on hand-built records, the reference record, a
synthetic one, and after random writes through the services.

`analytics` and `activities_by_month` take and give what app.services.outcomes.outcome_summary's do, so that a
test can render the page with either and compare the bytes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.listing import Paging, page_of
from app.scoping import Scope
from app.services.funding import reach
from app.services.outcomes import outcome_summary
from app.services.treaties import assistance, treaty_actions
from models import Allocation, AssistanceRequest, Contribution, Instrument, MemberState, Organization, db
from models.assistance_request import assistance_request_instruments
from models.enums import ActivityKind, ActivityStateRole, RegionalGroup

NO_GROUP = outcome_summary.NO_GROUP
NATIONAL_KINDS = outcome_summary.NATIONAL_KINDS


class ServedRow(NamedTuple):
    state_id: int
    instrument_id: int
    activity_id: int
    kind: str
    day: date | None
    role: str


@dataclass
class Record:
    as_of: date
    rows: list[ServedRow]
    donors: dict[int, set[int]]
    donor_names: dict[int, str]
    states: dict[int, MemberState]
    instruments: dict[int, Instrument]
    signatures: dict[tuple[int, int], date]
    deposits: dict[tuple[int, int], date]
    requests: dict[tuple[int, int], date]
    scope: Scope
    inferred: set[tuple[int, int]] = field(default_factory=set)

    @property
    def undated(self) -> int:
        return len({r.activity_id for r in self.rows if r.day is None})


def load(scope: Scope, as_of: date) -> Record:
    rows = list(map(ServedRow._make, db.session.execute(assistance.assisted_select(scope))))
    donors: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    inferred: set[tuple[int, int]] = set()
    stated: set[tuple[int, int]] = set()
    for activity_id, donor_id, name, is_inferred in db.session.execute(
            sa.select(Allocation.activity_id, Contribution.donor_id, Organization.name, Allocation.is_inferred)
            .join(Contribution, Contribution.id == Allocation.contribution_id)
            .join(Organization, Organization.id == Contribution.donor_id).where(scope.contributions())):
        donors[activity_id].add(donor_id)
        names[donor_id] = name
        (inferred if is_inferred else stated).add((activity_id, donor_id))
    signatures, deposits = {}, {}
    for state_id, instrument_id, category, day in treaty_actions.dated_up_to(as_of):
        (signatures if category == "signature" else deposits)[(state_id, instrument_id)] = day
    states = {s.id: s for s in db.session.scalars(sa.select(MemberState).options(selectinload(MemberState.names)))}
    requests: dict[tuple[int, int], date] = {}
    if not scope.is_donor:
        ari = assistance_request_instruments
        requests = {(s, i): d for s, i, d in db.session.execute(
            sa.select(AssistanceRequest.state_id, ari.c.instrument_id, sa.func.min(AssistanceRequest.received_date))
            .join(ari, ari.c.request_id == AssistanceRequest.id)
            .where(scope.requests(), AssistanceRequest.received_date <= as_of)
            .group_by(AssistanceRequest.state_id, ari.c.instrument_id))}
    instruments = {i.id: i for i in db.session.scalars(sa.select(Instrument).order_by(Instrument.id))}
    return Record(as_of, rows, dict(donors), names, states, instruments, signatures, deposits, requests, scope,
                  inferred - stated)


def row_filter(record: Record, f: outcome_summary.OutcomeFilters) -> Callable[[ServedRow], bool]:
    instrument_ids = {i.id for i in record.instruments.values() if f.instrument is None or i.code == f.instrument}

    def keep(row: ServedRow) -> bool:
        if row.day is None or row.day > record.as_of or row.instrument_id not in instrument_ids:
            return False
        if (f.period_from and row.day < f.period_from) or (f.period_to and row.day > f.period_to):
            return False
        if f.kind and row.kind != f.kind:
            return False
        if f.national and (row.kind not in NATIONAL_KINDS or row.role != ActivityStateRole.SERVED.value):
            return False
        if f.donor and f.donor not in record.donors.get(row.activity_id, ()):
            return False
        return not f.regional_group or (record.states[row.state_id].regional_group or NO_GROUP) == f.regional_group
    return keep


def pairs_of(record: Record, rows: Iterable[ServedRow]) -> list[outcome_summary.Pair]:
    by_pair: dict[tuple[int, int], dict[int, date]] = defaultdict(dict)
    for row in rows:
        by_pair[(row.state_id, row.instrument_id)][row.activity_id] = row.day
    out = []
    for key, by_activity in by_pair.items():
        days = list(by_activity.values())
        request = record.requests.get(key)
        after = min((d for d in days if request and d >= request), default=None)
        out.append(outcome_summary.Pair(record.states[key[0]], record.instruments[key[1]], min(days),
                                record.signatures.get(key), record.deposits.get(key), request, after, record.as_of))
    return sorted(out, key=lambda p: (p.state.name, p.instrument.id))


def breakdowns(record: Record, f: outcome_summary.OutcomeFilters,
               donors: Paging | None = None) -> list[outcome_summary.Breakdown]:
    keep = row_filter(record, f)
    kept = [row for row in record.rows if keep(row)]
    value_of = {
        "regional_group": lambda r: [record.states[r.state_id].regional_group or NO_GROUP],
        "instrument": lambda r: [record.instruments[r.instrument_id].code],
        "kind": lambda r: [r.kind],
        "donor": lambda r: [str(d) for d in record.donors.get(r.activity_id, ())],
    }

    def rows(key: str, values: list[tuple[str, str]]):
        buckets: dict[str, list[ServedRow]] = defaultdict(list)
        for row in kept:
            for value in value_of[key](row):
                buckets[value].append(row)
        return [(value, label, outcome_summary.summarize(pairs_of(record, buckets[value]), record.as_of, f.period_to))
                for value, label in values if buckets.get(value)]
    groups = [(g.value, g.label) for g in RegionalGroup] + [(NO_GROUP, _("No regional group"))]
    instruments = [(i.code, i.code) for i in record.instruments.values()]
    kinds = [(k.value, k.label) for k in ActivityKind]
    named = sorted(record.donor_names.items(), key=lambda d: d[1])
    inferred: dict[str, set[int]] = defaultdict(set)
    for row in kept:
        for donor_id in record.donors.get(row.activity_id, ()):
            if (row.activity_id, donor_id) in record.inferred:
                inferred[str(donor_id)].add(row.activity_id)
    breakdown = outcome_summary.Breakdown
    by_donor = rows("donor", [(str(i), n) for i, n in named]) if not f.donor else []
    page = None
    if donors is not None and not f.donor:  # every donor's row made, then the page's kept
        page = page_of(by_donor, donors)
        by_donor = page.items
    return [
        breakdown("regional_group", _("By regional group"), _("Regional group"),
                  rows("regional_group", groups) if not f.regional_group else []),
        breakdown("instrument", _("By instrument"), _("Instrument"),
                  rows("instrument", instruments) if not f.instrument else []),
        breakdown("kind", _("By kind of assistance"), _("Kind of assistance"),
                  rows("kind", kinds) if not f.kind else []),
        breakdown("donor", _("By donor"), _("Donor"), by_donor,
                  _reached_by_donor(record, f) if not f.donor else {},
                  {k: len(v) for k, v in inferred.items()} if not f.donor else {}, page),
    ]


def _reached_by_donor(record: Record, f: outcome_summary.OutcomeFilters) -> dict[str, int]:
    instrument = next((i for i in record.instruments.values() if i.code == f.instrument), None) \
        if f.instrument else None
    found = reach.by_donor(record.scope.contributions(), record.as_of, instrument)
    return {str(k): v.states for k, v in found.items() if k is not None}


def analytics(scope: Scope, as_of: date, f: outcome_summary.OutcomeFilters, *,
              with_breakdowns: bool = True, donors: Paging | None = None) -> outcome_summary.Analytics:
    record = load(scope, as_of)
    keep = row_filter(record, f)
    assisted = pairs_of(record, [row for row in record.rows if keep(row)])
    return outcome_summary.Analytics(record, f, assisted, outcome_summary.summarize(assisted, as_of, f.period_to),
                             breakdowns(record, f, donors) if with_breakdowns else [],
                             outcome_summary.comparison(record, f, assisted))


def activities_by_month(record: Record, f: outcome_summary.OutcomeFilters) -> list[tuple[str, int]]:
    keep = row_filter(record, f)
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


# ------------------------------------------------------------------ comparing
#: The counts a row of a breakdown shows (beside its shares and its median first activity -> deposit).
ROW_FIGURES = ("assisted", "already_party", "not_party", *(f"window_{n}" for n in outcome_summary.WINDOWS),
               *(f"within_{n}" for n in outcome_summary.WINDOWS))

def figures(analysis: outcome_summary.Analytics, months: list[tuple[str, int]]) -> dict:
    """Everything the page and its lists show of an analysis, as plain values (the States by code)."""
    def pair(p):
        return (p.state.code, p.instrument.code, p.first, p.signature, p.deposit, p.request, p.first_after_request)

    def of(s: outcome_summary.Summary):
        return ({k: [pair(p) for p in v] for k, v in s.members.items() if v}, s.shares, s.medians)

    def shown(s: outcome_summary.Summary):  # what a breakdown's row shows
        return ({k: s.count(k) for k in ROW_FIGURES}, s.shares, s.medians["activity_to_deposit"])
    return {
        "pairs": [pair(p) for p in analysis.pairs],
        "summary": of(analysis.summary),
        "undated": analysis.record.undated,
        "requests": dict(analysis.record.requests),
        # a donor's reach and inferred activities as its row shows them (the page shows no other donor's)
        "breakdowns": [(b.key, [(v, label, shown(s)) for v, label, s in b.rows],
                        {v: b.reached.get(v, 0) for v, _label, _s in b.rows},
                        {v: b.inferred[v] for v, _label, _s in b.rows if b.inferred.get(v)})
                       for b in analysis.breakdowns],
        "comparisons": [(c.group, [pair(p) for p in c.assisted], [pair(p) for p in c.assisted_party],
                         [(s.code, i.code) for s, i in c.not_assisted],
                         [(s.code, i.code) for s, i in c.not_assisted_party], c.assisted_median,
                         c.not_assisted_median) for c in analysis.comparisons],
        "months": months,
    }
