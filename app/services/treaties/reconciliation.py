"""Reconciliation: where the sources of the treaty record disagree (the report's annex, the depositary's
table, entries by hand), list each difference with what every source says.

Sources are compared through their claims (TreatyActionSource), never through TreatyAction, which holds
only the record's current answer. A source that says nothing about an action is held to disagree only
where it *covers* the action: it makes claims of that category (signature or deposit) for that
instrument, and — for a snapshot such as the annex "as at 2 July 2003" — the action lies on or before
the snapshot's date. Without that rule the annex would "miss" every deposit made after it was printed,
and a table imported only for signatures would "miss" every deposit.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.scoping import Scope
from app.services.treaties.treaty_record import ANNEX, SOURCE_HAND
from models import Instrument, MemberState, TreatyActionSource, db

date = datetime.date

#: Sources that are snapshots "as at" a date: they cover only actions on or before it.
SNAPSHOT_DATES = {ANNEX.name: ANNEX.as_at}
#: Sources that record single actions, not a whole list: silence from them means nothing.
PARTIAL_SOURCES = frozenset({SOURCE_HAND})


@dataclass(frozen=True)
class Claim:
    source: str
    kind: str
    date: date
    name_as_printed: str
    locator: str | None


@dataclass(frozen=True)
class Difference:
    """Sources disagree about one participant's signature or deposit of one instrument."""
    participant: str          # the State code
    name: str                 # today's name
    instrument: str
    category: str             # signature | deposit
    claims: dict[str, Claim | None]   # source -> its claim, None where a covering source has none

    @property
    def kinds(self) -> list[str]:
        return sorted({c.kind for c in self.claims.values() if c})

    @property
    def reason(self) -> str:
        present = [c for c in self.claims.values() if c]
        missing = [s for s, c in self.claims.items() if c is None]
        parts = []
        if missing:
            parts.append("not in " + ", ".join(missing))
        if len({c.kind for c in present}) > 1:
            parts.append("different kinds")
        if len({c.date for c in present}) > 1:
            parts.append("different dates")
        return "; ".join(parts)


def _covers(source: str, covered: set[tuple[str, str, str]], instrument: str, category: str,
            dates: Iterable[date]) -> bool:
    if source in PARTIAL_SOURCES or (source, instrument, category) not in covered:
        return False
    as_at = SNAPSHOT_DATES.get(source)
    return as_at is None or min(dates) <= as_at


def differences(scope: Scope, instrument_code: str | None = None) -> list[Difference]:
    """Every disagreement `scope` may see (a donor: the States and instruments its money touches), ordered by
    instrument, participant and category (one query). `instrument_code` narrows to one instrument."""
    query = (sa.select(TreatyActionSource, MemberState.code, MemberState.name, Instrument.code)
             .join(MemberState, MemberState.id == TreatyActionSource.state_id)
             .join(Instrument, Instrument.id == TreatyActionSource.instrument_id))
    query = query.where(scope.states(MemberState.id), scope.instruments(Instrument.id))
    # Coverage needs every claim of the instrument, so the instrument filter is the only one applied in SQL.
    if instrument_code:
        query = query.where(sa.func.upper(Instrument.code) == instrument_code.upper())
    groups: dict[tuple[str, str, str], dict[str, Claim]] = {}
    names: dict[str, str] = {}
    sources: set[str] = set()
    covered: set[tuple[str, str, str]] = set()
    for claim, code, name, instrument in db.session.execute(query):
        names[code] = name
        sources.add(claim.source)
        covered.add((claim.source, instrument, claim.category))
        groups.setdefault((instrument, code, claim.category), {})[claim.source] = Claim(
            claim.source, claim.kind, claim.action_date, claim.name_as_printed, claim.locator)

    out = []
    for (instrument, code, category), claims in groups.items():
        dates = [c.date for c in claims.values()]
        silent = [s for s in sorted(sources) if s not in claims
                  and _covers(s, covered, instrument, category, dates)]
        disagree = len({(c.kind, c.date) for c in claims.values()}) > 1
        if not silent and not disagree:
            continue
        everything = {**{s: claims[s] for s in sorted(claims)}, **{s: None for s in silent}}
        out.append(Difference(code, names[code], instrument, category, everything))
    order = {"UNTOC": 0, "TIP": 1, "SOM": 2, "FIREARMS": 3}
    out.sort(key=lambda d: (order.get(d.instrument, 9), d.instrument, d.name, d.category))
    return out


def sources_of(diffs: Iterable[Difference]) -> list[str]:
    """The sources named in a list of differences, for table columns."""
    return sorted({s for d in diffs for s in d.claims})
