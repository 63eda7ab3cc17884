"""The backtest of the entry-into-force forecast on the real record: the forecast as at every 30 days from each
instrument's 5th counted deposit to its entry into force, made from what was known on each date only
(`forecast_choice.project`), against the real date. Plain Python, no database.

Dates from the 40th deposit on have a known answer (entry into force follows by rule): they are kept apart, so
that they cannot flatter the figures, which count only the dates when there was something to forecast.
"""
from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass

from app.rules import diffusion
from app.rules import forecast_choice as choice
from app.rules import treaties as rules
from app.rules.forecast_choice import N_

date = datetime.date
timedelta = datetime.timedelta

#: The origin of the first forecast: the day of this counted deposit.
FIRST_DEPOSIT = 5
#: The horizons the errors are shown at: (key, label, fewest days before the real date, most).
HORIZONS = (("2y+", N_("2 years or more before"), 730, None), ("1-2y", N_("1 to 2 years before"), 365, 729),
            ("<1y", N_("less than a year before"), 0, 364))
#: "chosen": the model the procedure chose at each date; otherwise a key of diffusion.MODELS.
CHOSEN = "chosen"


@dataclass(frozen=True)
class Row:
    """The forecast as at `as_of` beside the real entry into force."""
    code: str
    as_of: date
    real_eif: date
    projection: choice.Projection

    @property
    def days_before(self) -> int:
        return (self.real_eif - self.as_of).days

    @property
    def horizon(self) -> str:
        return next(key for key, _label, low, high in HORIZONS
                    if self.days_before >= low and (high is None or self.days_before <= high))

    def forecast(self, key: str = CHOSEN) -> choice.ModelForecast | choice.Projection | None:
        if key == CHOSEN:
            return self.projection
        return next((m for m in self.projection.models if m.key == key), None)

    def error(self, key: str = CHOSEN) -> int | None:
        """Projected minus real entry into force, in days (positive: the forecast was late); None when that
        model projected nothing or a date past the calendar."""
        f = self.forecast(key)
        return (f.projected_eif - self.real_eif).days if f is not None and f.projected_eif else None

    def holds(self, level: int, key: str = CHOSEN) -> bool | None:
        f = self.forecast(key)
        interval = f.interval(level) if f is not None else None
        return interval.holds(self.real_eif) if interval is not None else None


@dataclass(frozen=True)
class Figures:
    """Errors and coverage over some rows: counts, mean and median absolute error in days, the share of rows whose
    interval held the real date (None where no row had one) and how many rows had an interval."""
    count: int
    mean_absolute_error: float | None
    median_absolute_error: float | None
    coverage: dict[int, float | None]
    judged: dict[int, int]

    @classmethod
    def of(cls, rows: list[Row], key: str = CHOSEN) -> Figures:
        errors = [abs(e) for e in (r.error(key) for r in rows) if e is not None]
        coverage, judged = {}, {}
        for level in choice.LEVELS:
            held = [h for h in (r.holds(level, key) for r in rows) if h is not None]
            judged[level] = len(held)
            coverage[level] = round(sum(held) / len(held), 3) if held else None
        if not errors:
            return cls(0, None, None, coverage, judged)
        return cls(len(errors), round(sum(errors) / len(errors), 1), float(statistics.median(errors)), coverage,
                   judged)


@dataclass(frozen=True)
class InstrumentBacktest:
    code: str
    threshold_date: date | None
    real_eif: date | None
    #: The dates with something to forecast (before the 40th deposit).
    rows: tuple[Row, ...]
    #: The dates from the 40th deposit to entry into force: the date was known by rule.
    known_rows: tuple[Row, ...]

    def figures(self, key: str = CHOSEN, horizon: str | None = None) -> Figures:
        return Figures.of([r for r in self.rows if horizon is None or r.horizon == horizon], key)

    @property
    def chosen(self) -> Counter:
        """How often each model was chosen."""
        return Counter(r.projection.model for r in self.rows if r.projection.model)


@dataclass(frozen=True)
class Backtest:
    instruments: tuple[InstrumentBacktest, ...]

    @property
    def rows(self) -> list[Row]:
        return [r for i in self.instruments for r in i.rows]

    def figures(self, key: str = CHOSEN, horizon: str | None = None) -> Figures:
        return Figures.of([r for r in self.rows if horizon is None or r.horizon == horizon], key)

    def with_known(self) -> Figures:
        """The chosen forecast's figures counting also the dates whose answer was known by rule."""
        return Figures.of(self.rows + [r for i in self.instruments for r in i.known_rows])

    def of(self, code: str) -> InstrumentBacktest | None:
        return next((i for i in self.instruments if i.code == code), None)

    @property
    def keys(self) -> list[str]:
        return [CHOSEN, *diffusion.MODELS]


def dates(history_now, real_eif: date) -> list[date]:
    """Every STEP_DAYS days from the FIRST_DEPOSIT-th counted deposit, up to the day before the real date."""
    if len(history_now.deposits) < FIRST_DEPOSIT:
        return []
    out, day = [], history_now.deposits[FIRST_DEPOSIT - 1]
    while day < real_eif:
        out.append(day)
        day += timedelta(days=choice.STEP_DAYS)
    return out


def run(tracks: dict[str, choice.Track], complete_to: date, fitter: choice.Fitter) -> Backtest:
    """The backtest of every instrument in force on the record (as complete to `complete_to`)."""
    memo: dict[date, choice.Errors] = {}

    def errors(day: date) -> choice.Errors:
        if day not in memo:
            memo[day] = choice.errors_known_by(tracks, day, fitter)
        return memo[day]

    out = []
    for code, track in tracks.items():
        parent_actions = tracks[track.parent].actions if track.parent in tracks else ()
        status = rules.status(track.terms(tracks), track.actions, complete_to, parent_actions)
        if status.entry_into_force is None:
            out.append(InstrumentBacktest(code, None, None, (), ()))
            continue
        threshold_date, real = status.threshold_deposit.date, status.entry_into_force
        rows = [Row(code, day, real, choice.project(tracks, code, day, fitter, errors(day)))
                for day in dates(track.history(complete_to), real)]
        out.append(InstrumentBacktest(code, threshold_date, real, tuple(r for r in rows if r.as_of < threshold_date),
                                      tuple(r for r in rows if r.as_of >= threshold_date)))
    return Backtest(tuple(out))


def milestones(result: InstrumentBacktest) -> list[Row]:
    """What was forecast at a few telling dates: the first, the last two and one year before the real date, and
    the last before the 40th deposit (each once, in date order)."""
    rows = list(result.rows)
    if not rows:
        return []
    picked = [rows[0], rows[-1]]
    for days in (730, 365):
        before = [r for r in rows if r.days_before >= days]
        if before:
            picked.append(before[-1])
    return sorted(set(picked), key=lambda r: r.as_of)
