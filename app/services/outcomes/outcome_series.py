"""The series behind the outcomes page's charts: deposits per regional group and year (from the record
outcome_record loads), activities per month (from the months the writes keep, outcome_assistance), and lead times
binned in months. Numbers only: app/views/charts.py draws them."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from app.rules.forecast import add_months
from app.services.outcomes import outcome_assistance, outcome_record
from models.enums import RegionalGroup


def deposits_by_group_and_year(record: outcome_record.Record,
                               instrument_code: str | None) -> tuple[list[int], dict[str, list[int]]]:
    """Deposits up to `as_of` per year and regional group (States only): (years, {group: counts by year})."""
    ids = {i.id for i in record.instruments.values() if instrument_code is None or i.code == instrument_code}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for (state_id, instrument_id), day in record.deposits.items():
        if instrument_id in ids:
            counts[(day.year, record.states[state_id].regional_group or outcome_record.NO_GROUP)] += 1
    if not counts:
        return [], {}
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    groups = [g.value for g in RegionalGroup] + [outcome_record.NO_GROUP]
    return years, {g: [counts[(y, g)] for y in years] for g in groups if any(counts[(y, g)] for y in years)}


def activities_by_month(record: outcome_record.Record, f: outcome_record.OutcomeFilters) -> list[tuple[str, int]]:
    """Distinct activities serving a State within the filters, per month of their first visit ("2003-02"), from
    the first month with one to the last, the months between with none included."""
    seen = {m: n for m, n in outcome_assistance.months(record, outcome_assistance.slice_of(record, f)).items() if n}
    if not seen:
        return []
    first, last = min(seen), max(seen)
    months, year, month = [], first // 100, first % 100
    while year * 100 + month <= last:
        months.append((f"{year:04d}-{month:02d}", seen.get(year * 100 + month, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


#: Bins of the lead-time histograms, in months: [0, 6], (6, 12] … and more than 60.
LEAD_BINS = (0, 6, 12, 24, 36, 60)


def within_months(start: date, end: date, months: int) -> bool:
    """Whether `end` falls within `months` calendar months of `start` (on or before the same day `months` months
    later): the one meaning of "within N months", used by the headline shares and by the histogram's bins."""
    return end <= add_months(start, months)


def lead_histogram(spans: Iterable[tuple[date, date]]) -> list[tuple[str, int]]:
    """How many (start, end) spans fall in each bin of LEAD_BINS: a span is in the first bin whose upper edge it is
    `within_months` of, so the first bar counts exactly what "deposited within 6 months" counts."""
    labels = ([f"within {LEAD_BINS[1]} months"]
              + [f"{a}–{b} months" for a, b in zip(LEAD_BINS[1:], LEAD_BINS[2:], strict=False)]
              + [f"over {LEAD_BINS[-1]} months"])
    counts = [0] * len(labels)
    for start, end in spans:
        index = next((i for i, edge in enumerate(LEAD_BINS[1:]) if within_months(start, end, edge)), len(labels) - 1)
        counts[index] += 1
    return list(zip(labels, counts, strict=True))
