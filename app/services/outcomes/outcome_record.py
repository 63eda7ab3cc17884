"""What the outcome analytics read (outcome_summary computes the figures from it, outcome_series the charts' series):
the activities that served a State on an instrument, who funded them, the treaty actions, the States, the dated
requests and the instruments — loaded once, in a fixed number of queries whatever the size of the record — and the
filters that choose which of those activities count.

A load takes a Scope (a donor sees its own funded activities and contributions; treaty actions are public record)
and an `as_of` day: nothing dated after it counts, so a figure cited once can be reproduced later.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.scoping import Scope
from app.services.treaties import assistance, treaty_actions
from models import (
    Allocation,
    AssistanceRequest,
    Contribution,
    Instrument,
    MemberState,
    Organization,
    db,
)
from models.assistance_request import assistance_request_instruments
from models.enums import ActivityKind, ActivityStateRole

#: Assistance to the State itself, as opposed to meetings that gathered a region (the `national` filter, which also
#: keeps only the State served: experts of another State taking part in a national seminar are not its subject).
NATIONAL_KINDS = frozenset({ActivityKind.MISSION.value, ActivityKind.NATIONAL_SEMINAR.value,
                            ActivityKind.WORKSHOP.value, ActivityKind.WRITTEN_ANALYSIS.value,
                            ActivityKind.BRIEFING.value, ActivityKind.PRESENTATION.value})
NO_GROUP = "none"


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


class ServedRow(NamedTuple):
    """One activity assisting one State on one instrument (served, or took part: `assistance.assisted_select`).
    A named tuple, not a frozen dataclass: the page builds one per row of the record (issue 26: at 20,000 requests
    the frozen dataclass's checked __init__ took 2.4 s of the outcomes page's first visit)."""
    state_id: int
    instrument_id: int
    activity_id: int
    kind: str
    day: date | None
    #: "served" or "participant" (took part): both are assistance; the `national` filter keeps the State served.
    role: str


@dataclass
class Record:
    """What the analytics read, loaded once (a fixed number of queries): the served activities, who funded them,
    the treaty actions, the States, the dated requests and the instruments."""
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
    #: (activity id, donor id) of the funding links the record infers (A/58/165 paras 16-17) rather than reads.
    inferred: set[tuple[int, int]] = field(default_factory=set)

    @property
    def undated(self) -> int:
        """Activities serving a State with no visit: assistance the record cannot place in time."""
        return len({r.activity_id for r in self.rows if r.day is None})


def load(scope: Scope, as_of: date) -> Record:
    """Read what every figure needs in eight queries, whatever the size of the record."""
    served = assistance.assisted_select(scope)
    rows = list(map(ServedRow._make, db.session.execute(served)))
    donors: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    inferred: set[tuple[int, int]] = set()
    funding = (sa.select(Allocation.activity_id, Contribution.donor_id, Organization.name, Allocation.is_inferred)
               .join(Contribution, Contribution.id == Allocation.contribution_id)
               .join(Organization, Organization.id == Contribution.donor_id)
               .where(scope.contributions()))
    stated: set[tuple[int, int]] = set()
    for activity_id, donor_id, name, is_inferred in db.session.execute(funding):
        donors[activity_id].add(donor_id)
        names[donor_id] = name
        (inferred if is_inferred else stated).add((activity_id, donor_id))
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
    return Record(as_of, rows, dict(donors), names, states, instruments, signatures, deposits, requests, scope,
                  inferred - stated)


def row_filter(record: Record, f: OutcomeFilters) -> Callable[[ServedRow], bool]:
    """Whether a served-activity row falls within the filters (its date within as_of and the period)."""
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
        if f.regional_group:
            group = record.states[row.state_id].regional_group or NO_GROUP
            if group != f.regional_group:
                return False
        return True
    return keep
