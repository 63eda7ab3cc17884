"""The breakdowns by kind of activity and by donor: per bucket, the figures a row of the page shows (assisted,
already party, still not party, each window's share, the median first activity → deposit), from its pairs' first
assistance (outcome_assistance.bucket_pairs: one row per pair of a bucket, grouped in the database from the kept
facts) and their deposits (the record's). The kinds' pairs number about 8,300 at 200,000 requests, one page of ten
donors' about as many: a loop over plain rows costs less than the same comparisons said in SQL (SQLite spent 60 to
100 ms a statement evaluating them and ranking the days for the median), and no date arithmetic is left to the
engines, which do not agree on it (SQLite rolls 31 August - 6 months over into March, PostgreSQL clamps it).

The definitions are outcome_summary's (`summarize`, `Pair`), said again over plain values: "within N months" is
`add_months` (31 August + 6 months is the last day of February), turned into the first day a deposit is within N
months of, once per deposit. The tests hold every figure equal to what `summarize` makes of the same pairs.
"""
from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.rules.forecast import add_months
from app.rules.record_dates import counted_to
from app.services.outcomes.outcome_record import Record
from models import db

#: The windows of the "deposited within N months of first assistance" shares (outcome_summary.WINDOWS).
WINDOWS = (6, 12, 24)
assert len(WINDOWS) == 3, "counted() says each of three windows in turn"
#: The counts of a row, in the order `counted` keeps them.
KEYS = ("assisted", "already_party", "not_party", *(f"window_{n}" for n in WINDOWS),
        *(f"within_{n}" for n in WINDOWS))


@dataclass
class Counted:
    """One bucket's figures: counts by figure key (outcome_summary.FIGURES) and the median days first activity →
    deposit."""
    counts: dict[str, int]
    median_to_deposit: float | None


@functools.lru_cache(maxsize=4096)
def last_elapsed(months: int, end: date) -> date:
    """The last first day whose `months` have elapsed by `end`: add_months(day, months) <= end exactly when day <=
    this (add_months never decreases as the day grows). A pure function of its arguments, kept for the next call."""
    day = add_months(end, -months)
    while add_months(day + timedelta(days=1), months) <= end:
        day += timedelta(days=1)
    while add_months(day, months) > end:
        day -= timedelta(days=1)
    return day


@functools.lru_cache(maxsize=16384)
def earliest_within(deposit: date) -> tuple[date, ...]:
    """Per window of WINDOWS, the first first day that `deposit` is within its months of: deposit <=
    add_months(first, months) exactly when first >= this (add_months never decreases as the day grows). A pure
    function of the day: the same deposits come back on every visit (some 1,300 of them), so they are kept."""
    return tuple(_earliest_within(n, deposit) for n in WINDOWS)


def _earliest_within(months: int, deposit: date) -> date:
    day = add_months(deposit, -months)
    while add_months(day, months) < deposit:
        day += timedelta(days=1)
    while add_months(day - timedelta(days=1), months) >= deposit:
        day -= timedelta(days=1)
    return day


def counted(record: Record, pairs: sa.Subquery) -> dict:
    """Per bucket of `pairs` (bucket, state_id, instrument_id, first), its figures as at the record's `as_of` (one
    query). What each pair's figures turn on is made once: per instrument, the last first day whose windows have
    elapsed; per deposit, the first first day it is within each window of. The three windows are said one by one
    (a loop over them cost a third of the time over 8,000 rows)."""
    latest = {i: tuple(last_elapsed(n, counted_to(instrument.record_complete_to, record.as_of)) for n in WINDOWS)
              for i, instrument in record.instruments.items()}
    deposits = record.deposits  # (State, instrument) -> its deposit on or before `as_of`
    counts: dict = {}
    days: dict = defaultdict(list)
    for bucket, state_id, instrument_id, first in db.session.execute(sa.select(pairs)).all():  # fetched at once
        row = counts.get(bucket)
        if row is None:
            row = counts[bucket] = [0] * len(KEYS)
        row[0] += 1
        deposit = deposits.get((state_id, instrument_id))
        if deposit is None:
            row[2] += 1
            within = None
        elif deposit <= first:
            row[1] += 1  # already party: in no window
            continue
        else:
            days[bucket].append((deposit - first).days)
            within = earliest_within(deposit)
        last6, last12, last24 = latest[instrument_id]
        # a longer window elapses later: a first day whose 24 months have elapsed has had its 12 and its 6
        if first <= last6:
            row[3] += 1
            if within is not None and first >= within[0]:
                row[6] += 1
            if first <= last12:
                row[4] += 1
                if within is not None and first >= within[1]:
                    row[7] += 1
                if first <= last24:
                    row[5] += 1
                    if within is not None and first >= within[2]:
                        row[8] += 1
    return {bucket: Counted(dict(zip(KEYS, row, strict=True)),
                            statistics.median(days[bucket]) if days.get(bucket) else None)
            for bucket, row in counts.items()}
