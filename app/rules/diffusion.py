"""The models behind the entry-into-force forecast, one interface: `model.fit(history) -> Fit | None`, and
`fit.days_to(level)`: the days after the history's date until the cumulative count of counted deposits reaches
`level` (infinite when the fitted curve never reaches it). Plain Python on numpy and scipy, no database.

A `History` holds only what was known on its date (`as_of`): the counted deposits made by then, and the
participants that had signed or deposited by then (the ceiling of the diffusion curves). Whatever a caller
passes, `history()` drops what is dated later, so a fit cannot see a later outcome.

The models:

* **rate** (the forecast the app had): counted deposits in a trailing window divided by the window, extrapolated
  in a straight line; the window (91, 182 or 365 days) is a setting the backtest chooses.
* **logistic** diffusion N(t) = K / (1 + exp(-r (t - t0))), and **Gompertz** N(t) = K exp(-b exp(-c t)), whose
  ceiling K is the number of participants that had signed or deposited by then: deposits slow down as the States
  that meant to join have joined. The Gompertz curve is the logistic's asymmetric sibling: fast early, a long tail.
* **Bass** diffusion N(t) = K (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t), t counted from adoption, same ceiling. Why
  a third curve: it splits each State's own pace (p, "innovation": legislative work done at home, assistance) from
  following others (q, "imitation": neighbours and partners ratifying), it is anchored at the adoption date instead
  of a fitted inflection time, so a young record with few deposits pins it better than the logistic's free t0, and
  it is the standard model of adoption by a finite population.

The curves are fitted by scipy.optimize.least_squares (bounded trust region) to the cumulative count on a
30-day grid from adoption to `as_of`; no hand-written optimiser.
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from app.rules import treaties as rules

date = datetime.date
timedelta = datetime.timedelta

#: Days in a year: the curves' time unit (rates of O(1) per year keep the fits well scaled).
YEAR = 365.25
#: Spacing of the points a curve is fitted to.
GRID_DAYS = 30
#: The rate model's windows, in days: the backtest chooses among them.
WINDOWS = (91, 182, 365)


@dataclass(frozen=True)
class History:
    """An instrument's record as known on `as_of`: counted deposit dates (one per participant, regional
    organizations excluded, sorted) and the dates participants joined the pool (first signature or deposit)."""
    code: str
    start: date
    as_of: date
    deposits: tuple[date, ...]
    pool: tuple[date, ...]

    @property
    def count(self) -> int:
        return len(self.deposits)

    @property
    def ceiling(self) -> int:
        """The participants that had signed or deposited by `as_of` (never less than the count plus one)."""
        return max(len(self.pool), self.count + 1)


def history(code: str, start: date, actions: Iterable[rules.Action], as_of: date) -> History:
    """The `History` of an instrument as at `as_of` from its actions (later ones dropped first)."""
    deposits: dict[str, date] = {}
    pool: dict[str, date] = {}
    for a in actions:
        if a.is_reio or a.date > as_of:
            continue
        if a.is_deposit and (a.participant not in deposits or a.date < deposits[a.participant]):
            deposits[a.participant] = a.date
        if a.participant not in pool or a.date < pool[a.participant]:
            pool[a.participant] = a.date
    return History(code, start, as_of, tuple(sorted(deposits.values())), tuple(sorted(pool.values())))


@dataclass(frozen=True)
class Fit:
    """A model fitted as at `as_of`: enough to say when the count reaches any level. Frozen, so it may be kept."""
    model: str
    as_of: date
    count: int
    #: rate: (deposits per day,); curves: (ceiling, p1, p2) in the curve's own terms, time in years from `start`.
    params: tuple[float, ...]
    #: Years from the instrument's start to `as_of` (curves), 0 for the rate.
    t_now: float = 0.0

    def days_to(self, level: int) -> float:
        """Days after `as_of` until the count reaches `level`: 0 if already reached, inf if never."""
        if level <= self.count:
            return 0.0
        kind = self.model.split("-", 1)[0]
        if kind == "rate":
            return (level - self.count) / self.params[0]
        ceiling, a, b = self.params
        if level >= ceiling:
            return math.inf
        share = level / ceiling
        if kind == "logistic":        # a = r, b = t0
            t = b + math.log(share / (1 - share)) / a
        elif kind == "gompertz":      # a = b, b = c
            t = -math.log(-math.log(share) / a) / b
        else:                         # bass: a = p, b = q
            t = -math.log((1 - share) / (1 + share * b / a)) / (a + b)
        # A curve fitted below the count already seen still takes time to reach the next level: a day at least.
        return max((t - self.t_now) * YEAR, 1.0)


@dataclass(frozen=True)
class RateModel:
    """Counted deposits in the trailing `window` days, extrapolated; the whole history when the window is empty."""
    window: int

    @property
    def key(self) -> str:
        return f"rate-{self.window}"

    @property
    def label(self) -> str:
        return f"Recent rate ({self.window}-day window)"

    def fit(self, h: History) -> Fit | None:
        if not h.deposits:
            return None
        seen = sum(1 for d in h.deposits if d > h.as_of - timedelta(days=self.window))
        window = self.window
        if seen == 0:
            window, seen = (h.as_of - h.deposits[0]).days + 1, h.count
        return Fit(self.key, h.as_of, h.count, (seen / window,))


def _logistic(x, t, ceiling):
    return ceiling / (1 + np.exp(-x[0] * (t - x[1])))


def _gompertz(x, t, ceiling):
    return ceiling * np.exp(-x[0] * np.exp(-x[1] * t))


def _bass(x, t, ceiling):
    e = np.exp(-(x[0] + x[1]) * t)
    return ceiling * (1 - e) / (1 + (x[1] / x[0]) * e)


#: Each curve: its function, starting point and bounds (time in years from the instrument's start).
_CURVES = {
    "logistic": (_logistic, (1.0, None), ((0.01, -5.0), (10.0, 40.0))),
    "gompertz": (_gompertz, (5.0, 0.5), ((1e-3, 0.01), (1e5, 10.0))),
    "bass": (_bass, (0.01, 0.5), ((1e-5, 0.0), (2.0, 10.0))),
}
_LABELS = {"logistic": "Logistic diffusion", "gompertz": "Gompertz diffusion", "bass": "Bass diffusion"}


def series(h: History) -> tuple[np.ndarray, np.ndarray]:
    """(years from start, counted deposits) every GRID_DAYS days back from `as_of` to the start, oldest first."""
    days = np.arange((h.as_of - h.start).days, -1, -GRID_DAYS)[::-1]
    offsets = np.array([(d - h.start).days for d in h.deposits])
    counts = np.searchsorted(np.sort(offsets), days, side="right") if len(offsets) else np.zeros(len(days))
    return days / YEAR, counts.astype(float)


@dataclass(frozen=True)
class CurveModel:
    """A diffusion curve with the signatories (and those that deposited without signing) as its ceiling."""
    kind: str

    @property
    def key(self) -> str:
        return f"{self.kind}-signatories"

    @property
    def label(self) -> str:
        return f"{_LABELS[self.kind]}, signatories as ceiling"

    def fit(self, h: History) -> Fit | None:
        if h.count < 2:  # two parameters: two deposits at least
            return None
        t, n = series(h)
        ceiling = float(h.ceiling)
        function, start, (low, high) = _CURVES[self.kind]
        if self.kind == "logistic":  # start where the count stands on a curve of unit rate
            share = min(max(h.count / ceiling, 0.01), 0.9)
            start = (1.0, t[-1] - math.log(share / (1 - share)))
        x0 = np.clip(start, low, high)
        result = least_squares(lambda x: function(x, t, ceiling) - n, x0, bounds=(low, high))
        return Fit(self.key, h.as_of, h.count, (ceiling, float(result.x[0]), float(result.x[1])), float(t[-1]))


#: Every model the backtest chooses among, by key.
MODELS = {m.key: m for m in [RateModel(w) for w in WINDOWS] + [CurveModel(k) for k in _CURVES]}
#: When nothing is known yet to choose by (no error measured before the date): the rate with the middle window,
#: chosen a priori (the app's earlier forecast), never by a later outcome.
DEFAULT_MODEL = "rate-182"


def label(key: str) -> str:
    return MODELS[key].label if key in MODELS else key
