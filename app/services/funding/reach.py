""""States your contributions reached", defined once: the States *served* by a non-cancelled activity the money paid
for, per instrument the activity names, begun on or before the day asked for (an activity with no visit, a written
analysis, reaches its State undated). Served only: a State whose experts merely took part, or the venue of a
meeting, is not reached (a ratification there would be wrongly credited to the money).

The donor's home panel, the portal (its list of States and its table of instruments) and /outcomes "by donor" all
count from `reached_select` (or the same rows without the donor, `reached_activities_select`), on the same
conditions (`_reaching`), so they cannot disagree.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from models import Activity, ActivityState, Allocation, Contribution, Instrument, db
from models.activity import activity_instruments
from models.enums import ActivityStateRole, ActivityStatus

DEFINITION = _l("States served by an activity the contributions paid for (not cancelled, begun by the date), "
                "counted once per instrument the activity deals with")


def _reaching(as_of: date) -> tuple:
    """What makes an activity's row reach its State on its instrument as at `as_of` (beside being paid for)."""
    return (ActivityState.role == ActivityStateRole.SERVED.value, Activity.status != ActivityStatus.CANCELLED.value,
            sa.or_(Activity.first_visit_date.is_(None), Activity.first_visit_date <= as_of))


def reached_select(condition, as_of: date) -> sa.Select:
    """(donor_id, state_id, instrument_id, activity_id) of every State reached by the money `condition` (a condition
    on Contribution, e.g. funding_totals.money_of) as at `as_of`."""
    return (sa.select(Contribution.donor_id, ActivityState.state_id, activity_instruments.c.instrument_id,
                      Activity.id.label("activity_id"))
            .select_from(Allocation)
            .join(Contribution, Contribution.id == Allocation.contribution_id)
            .join(Activity, Activity.id == Allocation.activity_id)
            .join(ActivityState, ActivityState.activity_id == Activity.id)
            .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
            .where(condition, *_reaching(as_of))
            .distinct())


def reached_activities_select(condition, as_of: date) -> sa.Select:
    """(state_id, instrument_id, activity_id) of `reached_select`'s rows, whoever's money it was: each row once
    without a DISTINCT (an activity's States and instruments are each unique to it, and the money is a semi-join,
    so an activity several contributions fund is not repeated) — a fraction of the work for every donor's money."""
    funded = (sa.select(Allocation.activity_id).join(Contribution, Contribution.id == Allocation.contribution_id)
              .where(condition))
    return (sa.select(ActivityState.state_id, activity_instruments.c.instrument_id, Activity.id.label("activity_id"))
            .select_from(Activity)
            .join(ActivityState, ActivityState.activity_id == Activity.id)
            .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
            .where(Activity.id.in_(funded), *_reaching(as_of)))


@dataclass(frozen=True)
class Reached:
    """What one donor's money (or every donor's) reached: the (State id, instrument id) pairs."""
    pairs: frozenset[tuple[int, int]]

    @property
    def states(self) -> int:
        """The figure "States reached": each State once, whatever the number of instruments."""
        return len({s for s, _i in self.pairs})

    def on(self, instrument_id: int) -> set[int]:
        """The States reached on one instrument."""
        return {s for s, i in self.pairs if i == instrument_id}


def reached(condition, as_of: date, instrument: Instrument | None = None) -> Reached:
    """The States the money `condition` reached as at `as_of` (on `instrument` only, if given): one query."""
    return by_donor(condition, as_of, instrument).get(None, Reached(frozenset()))


def by_donor(condition, as_of: date, instrument: Instrument | None = None) -> dict[int | None, Reached]:
    """Per donor id, the States its money within `condition` reached; under None, all of them together (one
    query)."""
    rows = reached_select(condition, as_of).subquery()
    select = sa.select(rows.c.donor_id, rows.c.state_id, rows.c.instrument_id).distinct()
    if instrument is not None:
        select = select.where(rows.c.instrument_id == instrument.id)
    pairs: dict[int | None, set[tuple[int, int]]] = defaultdict(set)
    for donor_id, state_id, instrument_id in db.session.execute(select):
        pairs[donor_id].add((state_id, instrument_id))
        pairs[None].add((state_id, instrument_id))
    return {k: Reached(frozenset(v)) for k, v in pairs.items()}

