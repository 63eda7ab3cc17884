"""The figures a source states in its text (A/58/165 para 6: "During 2002, a total of 22 States ratified the
Convention … and 2 the Firearms Protocol"), kept as reference data with their paragraph and words
(app/data/reference/report_figures.csv), so that a page counting the same thing from the record can say where the
two differ instead of silently disagreeing. The report's own annex lists 3 FIREARMS deposits in 2002 (Mali, Burkina
Faso, Bulgaria): the text and the annex of one report disagree, and the record follows the depositary.
"""
from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parents[2] / "data" / "reference" / "report_figures.csv"


@dataclass(frozen=True)
class StatedFigure:
    source: str
    paragraph: str
    figure: str         # what is counted: "deposits" (instruments deposited in the period)
    instrument: str
    period_from: datetime.date
    period_to: datetime.date
    value: int
    quote: str
    #: What else the source says about it (its annex's own count), or "".
    note: str = ""

    @property
    def citation(self) -> str:
        return f"{self.source}, para. {self.paragraph}"


@dataclass(frozen=True)
class Difference:
    """A figure of the record that differs from what a source states for the same thing and period."""
    stated: StatedFigure
    counted: int


@cache
def stated_figures() -> tuple[StatedFigure, ...]:
    """Every stated figure of the reference data, in file order (read once per process)."""
    with FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(StatedFigure(r["source"], r["paragraph"], r["figure"], r["instrument"],
                                  datetime.date.fromisoformat(r["period_from"]),
                                  datetime.date.fromisoformat(r["period_to"]), int(r["value"]), r["quote"],
                                  r.get("note") or "")
                     for r in csv.DictReader(handle))


def for_period(figure: str, first: datetime.date, last: datetime.date) -> list[StatedFigure]:
    """The stated figures of kind `figure` about exactly the period first..last."""
    return [s for s in stated_figures() if s.figure == figure and (s.period_from, s.period_to) == (first, last)]


def differences(figure: str, first: datetime.date, last: datetime.date,
                counted: dict[str, int]) -> tuple[list[StatedFigure], list[Difference]]:
    """(the stated figures about this period, those the record's `counted` per instrument differs from)."""
    stated = for_period(figure, first, last)
    return stated, [Difference(s, counted.get(s.instrument, 0)) for s in stated
                     if counted.get(s.instrument, 0) != s.value]
