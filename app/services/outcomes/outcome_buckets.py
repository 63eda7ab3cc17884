"""The breakdowns by kind of activity and by donor, counted in the database: per bucket, the figures a row of the
page shows (assisted, already party, still not party, each window's share, the median first activity → deposit),
from its pairs' first assistance (outcome_assistance.bucket_pairs) and their deposits — without bringing the pairs
into Python, where by donor they number tens of thousands on a large record.

The definitions are outcome_summary's (`summarize`, `Pair`), said again in SQL: "within N months" compares months
and days as `add_months` clamps them, so that 31 August + 6 months is the last day of February here too. The tests
hold every figure equal to what `summarize` makes of the same pairs.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.rules.forecast import add_months
from app.rules.record_dates import counted_to
from app.services.outcomes.outcome_record import Record
from app.services.treaties import treaty_actions
from models import Instrument, db

#: The windows of the "deposited within N months of first assistance" shares (outcome_summary.WINDOWS).
WINDOWS = (6, 12, 24)


@dataclass
class Counted:
    """One bucket's figures: counts by figure key (outcome_summary.FIGURES) and the median days first activity →
    deposit."""
    counts: dict[str, int]
    median_to_deposit: float | None


def _days_between(later, earlier):
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(later) - sa.func.julianday(earlier)
    return later - earlier


def last_elapsed(months: int, end: date) -> date:
    """The last first day whose `months` have elapsed by `end`: add_months(day, months) <= end exactly when day <=
    this (add_months never decreases as the day grows)."""
    day = add_months(end, -months)
    while add_months(day + timedelta(days=1), months) <= end:
        day += timedelta(days=1)
    while add_months(day, months) > end:
        day -= timedelta(days=1)
    return day


def counted(record: Record, pairs: sa.Subquery) -> dict:
    """Per bucket of `pairs` (bucket, state_id, instrument_id, first, first_month, first_day), its figures as at
    the record's `as_of` (one query). What each (State, instrument) brings — its deposit, and the last first day
    whose windows have elapsed — is made once, as a small table of every State and instrument."""
    ends = {i: counted_to(instrument.record_complete_to, record.as_of) for i, instrument in record.instruments.items()}
    known = treaty_actions.deposits_of_every_pair(record.as_of, {
        f"latest_{n}": sa.case({i: last_elapsed(n, end) for i, end in ends.items()}, value=Instrument.id)
        for n in WINDOWS}).cte("known").prefix_with("MATERIALIZED")
    # each pair with what its figures turn on, compared once (a table the two selects below both read)
    first, deposit = pairs.c.first, known.c.deposit
    at_risk = sa.or_(deposit.is_(None), deposit > first)

    def within(n):  # deposit <= add_months(first, n): an earlier month, or that month and not a later day
        due = pairs.c.first_month + n
        return sa.or_(known.c.deposit_month < due,
                      sa.and_(known.c.deposit_month == due, known.c.deposit_day <= pairs.c.first_day))

    def flag(condition):
        return sa.case((condition, 1), else_=0)
    compared = (sa.select(pairs.c.bucket, flag(sa.and_(deposit.is_not(None), deposit <= first)).label("already_party"),
                          flag(sa.and_(at_risk, deposit.is_(None))).label("not_party"),
                          *(flag(sa.and_(at_risk, first <= known.c[f"latest_{n}"])).label(f"window_{n}")
                            for n in WINDOWS),
                          *(flag(sa.and_(at_risk, deposit.is_not(None), first <= known.c[f"latest_{n}"],
                                         within(n))).label(f"within_{n}") for n in WINDOWS),
                          sa.case((sa.and_(deposit.is_not(None), deposit > first), _days_between(deposit, first)))
                          .label("to_deposit"))
                .select_from(pairs.join(known, sa.and_(known.c.state_id == pairs.c.state_id,
                                                       known.c.instrument_id == pairs.c.instrument_id)))
                .cte("compared"))
    keys = ["already_party", "not_party", *(f"window_{n}" for n in WINDOWS), *(f"within_{n}" for n in WINDOWS)]
    figures = sa.select(compared.c.bucket, sa.literal("figures").label("what"), sa.func.count(),
                        *(sa.func.sum(compared.c[k]) for k in keys)).group_by(compared.c.bucket)
    # the median of the days first activity -> deposit of the pairs that deposited after: the middle one or two
    ranked = (sa.select(compared.c.bucket, compared.c.to_deposit,
                        sa.func.row_number().over(partition_by=compared.c.bucket, order_by=compared.c.to_deposit)
                        .label("rank"), sa.func.count().over(partition_by=compared.c.bucket).label("size"))
              .where(compared.c.to_deposit.is_not(None)).subquery("ranked"))
    middle = (sa.select(ranked.c.bucket, sa.literal("middle"), ranked.c.to_deposit,
                        *(sa.null() for _k in keys))
              .where(sa.or_(ranked.c.rank == (ranked.c.size + 1) // 2, ranked.c.rank == (ranked.c.size + 2) // 2)))
    out: dict = {}
    medians: dict = defaultdict(list)
    for bucket, what, first_value, *values in db.session.execute(sa.union_all(figures, middle)):
        if what == "figures":
            out[bucket] = Counted(dict(zip(["assisted", *keys], map(int, [first_value, *values]), strict=True)),
                                  None)
        else:
            medians[bucket].append(int(round(first_value)))
    for bucket, values in medians.items():
        out[bucket].median_to_deposit = statistics.median(values)
    return out
