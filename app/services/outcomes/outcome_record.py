"""What the outcome analytics read besides the assistance itself (outcome_summary computes the figures from it,
outcome_series the charts' series): the States, the instruments, the treaty actions, each pair's first request and
the undated activities — loaded once, in a fixed number of queries whatever the size of the record — and the
filters. The assistance each set of filters keeps is outcome_assistance's, read from the figures the writes keep.

A load takes a Scope (a donor sees its own funded activities and contributions; treaty actions are public record)
and an `as_of` day: nothing dated after it counts, so a figure cited once can be reproduced later.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.scoping import Scope
from app.services.treaties import outcome_facts, treaty_actions
from models import Instrument, MemberState, OutcomeMonth, OutcomeRequest, db
from models.enums import ActivityKind
from models.outcome_fact import ANY_GROUP, ANY_INSTRUMENT, EVERY_DONOR, UNDATED

#: Assistance to the State itself, as opposed to meetings that gathered a region (the `national` filter, which also
#: keeps only the State served: experts of another State taking part in a national seminar are not its subject).
NATIONAL_KINDS = frozenset({ActivityKind.MISSION.value, ActivityKind.NATIONAL_SEMINAR.value,
                            ActivityKind.WORKSHOP.value, ActivityKind.WRITTEN_ANALYSIS.value,
                            ActivityKind.BRIEFING.value, ActivityKind.PRESENTATION.value})
NO_GROUP = outcome_facts.NO_GROUP


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


@dataclass
class Record:
    """What the analytics read besides the assistance, loaded once (a fixed number of queries): the States, the
    instruments, the treaty actions and each pair's first request."""
    as_of: date
    states: dict[int, MemberState]
    instruments: dict[int, Instrument]
    signatures: dict[tuple[int, int], date]
    deposits: dict[tuple[int, int], date]
    requests: dict[tuple[int, int], date]
    scope: Scope
    #: Activities assisting a State with no visit, in the scope: assistance the record cannot place in time.
    undated: int = 0
    #: What the reads of one page share (outcome_assistance: the activities of the edge months, read once).
    read: dict = field(default_factory=dict, repr=False, compare=False)


def donor_of(scope: Scope) -> int:
    """The donor whose kept figures are the scope's: its own for a donor, every donor's for the staff."""
    return scope.donor_id if scope.is_donor else EVERY_DONOR


def load(scope: Scope, as_of: date) -> Record:
    """Read what every figure needs besides the assistance in six queries, whatever the size of the record."""
    signatures, deposits = {}, {}
    for state_id, instrument_id, category, day in treaty_actions.dated_up_to(as_of):
        (signatures if category == "signature" else deposits)[(state_id, instrument_id)] = day
    # with their names: every list shows a State by the name it bore on `as_of`
    states = {s.id: s for s in db.session.scalars(sa.select(MemberState).options(selectinload(MemberState.names)))}
    requests: dict[tuple[int, int], date] = {}
    if not scope.is_donor:  # a donor sees no requests
        requests = {(s, i): d for s, i, d in db.session.execute(
            sa.select(OutcomeRequest.state_id, OutcomeRequest.instrument_id, OutcomeRequest.first_received_date)
            .where(OutcomeRequest.first_received_date <= as_of))}
    instruments = {i.id: i for i in db.session.scalars(sa.select(Instrument).order_by(Instrument.id))}
    undated = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(OutcomeMonth.activities), 0)).where(
        OutcomeMonth.donor_id == donor_of(scope), OutcomeMonth.instrument_id == ANY_INSTRUMENT,
        OutcomeMonth.regional_group == ANY_GROUP, OutcomeMonth.is_served == sa.false(),
        OutcomeMonth.month == UNDATED))
    return Record(as_of, states, instruments, signatures, deposits, requests, scope, undated)
