"""Entry into force of the Palermo Convention and its Protocols, computed from treaty actions.

Nothing here is looked up: the 40th deposit, the entry-into-force (EIF) date and each party's own
in-force date are derived from the dated actions every time, so a report "as at" any date (the annex
of A/58/165 is "as at 2 July 2003") can be rebuilt from the same data.  The rules are UNTOC art. 38
and the Protocols' matching articles:

* EIF on the 90th day after the deposit of the 40th instrument of ratification, acceptance, approval
  or accession; "the 90th day after" 1 Jul 2003 is 29 Sep 2003, i.e. deposit date + 90 days.
* An instrument deposited by a regional economic integration organization (REIO, e.g. the European
  Union) does not count toward the 40, but the REIO is still a party.
* A Protocol cannot enter into force before the Convention.
* For a participant depositing after the 40th: in force on the 30th day after its own deposit or on
  the EIF date, whichever is later.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

date = datetime.date

DEPOSIT_KINDS = ("ratification", "acceptance", "approval", "accession", "succession")
ACTION_KINDS = ("signature",) + DEPOSIT_KINDS


@dataclass(frozen=True)
class Action:
    """One dated treaty action by one participant (a signature or a deposit)."""

    participant: str
    kind: str
    date: datetime.date
    is_reio: bool = False

    def __post_init__(self) -> None:
        # Fail loudly: a misspelt kind would otherwise silently drop a deposit from the count.
        if self.kind not in ACTION_KINDS:
            raise ValueError(f"unknown treaty action kind {self.kind!r}; expected one of {ACTION_KINDS}")

    @property
    def is_deposit(self) -> bool:
        return self.kind in DEPOSIT_KINDS


@dataclass(frozen=True)
class Terms:
    """The entry-into-force terms of one instrument; `parent` is the Convention a Protocol supplements."""

    code: str
    threshold: int = 40
    days_after_threshold: int = 90
    days_after_later_deposit: int = 30
    parent: Terms | None = None

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")


@dataclass(frozen=True)
class Party:
    """A participant that has deposited an instrument, with the date the instrument is in force for it."""

    participant: str
    kind: str
    date: datetime.date
    is_reio: bool
    counted: bool
    in_force_date: datetime.date | None


@dataclass(frozen=True)
class Status:
    """The state of one instrument as at `as_of` (see module docstring for the rules)."""

    code: str
    as_of: datetime.date
    signatories: tuple[Action, ...]
    parties: tuple[Party, ...]
    parties_counted: int
    threshold_deposit: Action | None
    entry_into_force: datetime.date | None
    deposits_needed: int
    #: The counted deposits made on the threshold deposit's day, itself included, in (date, participant) order:
    #: when there are several, the depositary's table does not say which was the 40th (TIP: four on 26 Sep 2003),
    #: so pages say "one of N deposits made that day" instead of naming one by alphabetical order.
    threshold_ties: tuple[Action, ...] = ()

    @property
    def threshold_is_tied(self) -> bool:
        return len(self.threshold_ties) > 1

    @property
    def threshold_tie_positions(self) -> tuple[int, int] | None:
        """The first and last counted positions the same-day deposits occupy (TIP: the 38th to the 41st)."""
        if self.threshold_deposit is None or not self.threshold_ties:
            return None
        counted = [p for p in self.parties if p.counted]
        positions = [n for n, p in enumerate(counted, 1) if p.date == self.threshold_deposit.date]
        return (positions[0], positions[-1]) if positions else None


def _sort_key(action: Action) -> tuple[date, str]:
    return (action.date, action.participant)


def _earliest_per_participant(actions: Iterable[Action], as_of: date, deposits: bool) -> list[Action]:
    """Actions of one family (deposits or signatures) on or before `as_of`, one per participant.

    A participant is party once per instrument: if the data holds several deposits for one participant
    (a correction entered twice, a succession recorded beside a ratification), the earliest wins, since
    that is the day it became bound.  The same applies to signatures.  Returned ordered by
    (date, participant) so that ties are broken the same way every time.
    """
    earliest: dict[str, Action] = {}
    for action in actions:
        if action.is_deposit != deposits or action.date > as_of:
            continue
        seen = earliest.get(action.participant)
        if seen is None or _sort_key(action) < _sort_key(seen):
            earliest[action.participant] = action
    return sorted(earliest.values(), key=_sort_key)


def _threshold_deposit(terms: Terms, deposits: list[Action]) -> Action | None:
    counted = [d for d in deposits if not d.is_reio]
    return counted[terms.threshold - 1] if len(counted) >= terms.threshold else None


def _eif(terms: Terms, threshold: Action | None, as_of: date, parent_actions: Iterable[Action]) -> date | None:
    if threshold is None:
        return None
    own = threshold.date + datetime.timedelta(days=terms.days_after_threshold)
    if terms.parent is None:
        return own
    # A Protocol waits for its Convention; if the Convention's EIF is not known as at `as_of`,
    # neither is the Protocol's, however many deposits the Protocol has.
    parent_eif = entry_into_force(terms.parent, parent_actions, as_of)
    return None if parent_eif is None else max(own, parent_eif)


def in_force_date(terms: Terms, eif: date | None, threshold_date: date | None, deposit: date) -> date | None:
    """The date the instrument is in force for a participant that deposited on `deposit`.

    Deposits up to and including the threshold day (same-day deposits, an REIO's earlier deposit)
    take the EIF itself; later ones take deposit + 30 days, but never earlier than the EIF.
    None while the EIF is unknown.
    """
    if eif is None or threshold_date is None:
        return None
    if deposit <= threshold_date:
        return eif
    return max(deposit + datetime.timedelta(days=terms.days_after_later_deposit), eif)


def status(terms: Terms, actions: Iterable[Action], as_of: date,
           parent_actions: Iterable[Action] = ()) -> Status:
    """Signatories, parties, threshold deposit and EIF of one instrument, counting actions up to `as_of`.

    `parent_actions` are the Convention's actions, needed only when `terms.parent` is set.
    """
    actions = list(actions)
    deposits = _earliest_per_participant(actions, as_of, deposits=True)
    signatories = _earliest_per_participant(actions, as_of, deposits=False)
    threshold = _threshold_deposit(terms, deposits)
    eif = _eif(terms, threshold, as_of, parent_actions)
    threshold_date = threshold.date if threshold else None
    parties = tuple(
        Party(d.participant, d.kind, d.date, d.is_reio, not d.is_reio,
              in_force_date(terms, eif, threshold_date, d.date))
        for d in deposits
    )
    counted = sum(1 for p in parties if p.counted)
    ties = tuple(d for d in deposits if not d.is_reio and d.date == threshold_date) if threshold else ()
    return Status(
        code=terms.code,
        as_of=as_of,
        signatories=tuple(signatories),
        parties=parties,
        parties_counted=counted,
        threshold_deposit=threshold,
        entry_into_force=eif,
        deposits_needed=max(0, terms.threshold - counted),
        threshold_ties=ties,
    )


def entry_into_force(terms: Terms, actions: Iterable[Action], as_of: date,
                     parent_actions: Iterable[Action] = ()) -> date | None:
    """The instrument's EIF date as known at `as_of` (it may lie after `as_of`), or None."""
    deposits = _earliest_per_participant(actions, as_of, deposits=True)
    return _eif(terms, _threshold_deposit(terms, deposits), as_of, parent_actions)


def cumulative_parties(terms: Terms, actions: Iterable[Action], as_of: date) -> list[tuple[date, int, int]]:
    """(date, parties, parties_counted) after each deposit date up to `as_of`, for a progress chart.

    Uses the same one-deposit-per-participant rule as `status`, so the last point matches it.
    """
    deposits = _earliest_per_participant(actions, as_of, deposits=True)
    points: list[tuple[date, int, int]] = []
    parties = counted = 0
    for day, group in groupby(deposits, key=lambda d: d.date):
        for deposit in group:
            parties += 1
            counted += not deposit.is_reio
        points.append((day, parties, counted))
    return points
