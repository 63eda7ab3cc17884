"""The day a rule or a figure is judged at, on a record that describes the past (issue 24, items 2 and 3).

The treaty record is complete to a day (`Instrument.record_complete_to`, 2014 for the shipped tables) and the
requests and activities of A/58/165 are facts of 2002-2003. A rule that depends on the treaty record ("already a
party", pre-ratification advice) is judged as at the date of the fact it guards — the request's received date, or,
where the source gives none, the date of the report that records it — never as at the day someone edits the record.
A figure counted "to today" stops at the day the record is complete to.

Pure functions: no database, no clock (the caller passes `today`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

#: The reports the reference record is drawn from, by symbol, and the day each speaks as at (A/58/165 reports on
#: the period to 4 July 2003; its annex is "as at 2 July 2003").
REPORT_DATES = {"A/58/165": date(2003, 7, 4)}

_SYMBOL = re.compile(r"[A-Z]+/\d+/\d+")


def report_date(source: str | None) -> date | None:
    """The day of the report a record's `source` names ("A/58/165 para. 19" -> 4 July 2003), or None."""
    match = _SYMBOL.match((source or "").strip())
    return REPORT_DATES.get(match.group(0)) if match else None


def fact_date(own: date | None, source: str | None, today: date) -> date:
    """The day a fact is judged at: its own date, else the date of the report that records it, else today (a fact
    logged now, with no date of its own, happens now)."""
    return own or report_date(source) or today


def counted_to(complete_to: date | None, today: date) -> date:
    """The last day a figure "as at today" can count deposits for: today, or the day the record is complete to when
    that is earlier (later deposits are not recorded)."""
    return min(complete_to, today) if complete_to else today


def years_between(since: date, today: date) -> int:
    """Whole years from `since` to `today` (0 within the first year)."""
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


#: Work older than this (a request awaiting a decision, an activity still planned after its dates) is a record of the
#: past, shown with its age, not as current work.
OLD_AFTER_DAYS = 365


@dataclass(frozen=True)
class Age:
    """How long a piece of work has been in its state: since `since` (its own date, or its report's when
    `reported`), `years` whole years as at the day asked."""
    since: date
    years: int
    reported: bool = False

    def describe(self, state: str) -> str:
        """"pending since 2003 — 23 years" (the state's word given by the caller)."""
        unit = "year" if self.years == 1 else "years"
        return f"{state} since {self.since.year} — {self.years} {unit}"


def age(own: date | None, source: str | None, today: date) -> Age | None:
    """The Age of work dated `own` (else by the report of `source`) when it is older than OLD_AFTER_DAYS, else None
    (current work, or no date at all)."""
    since = own or report_date(source)
    if since is None or (today - since).days <= OLD_AFTER_DAYS:
        return None
    return Age(since, years_between(since, today), reported=own is None)
