"""When will an instrument reach its 40 counted deposits and enter into force? A projection from the deposits made
BEFORE the date asked about, never from later ones (plain Python, no database, deterministic).

The method, in words a reader of the page can check:

* the **rate** is the number of counted deposits (regional economic integration organizations excluded, one per
  participant: the rules of `app.rules.treaties`) in the trailing window — the 182 days ending on `as_of` — divided
  by the window; when the window holds no deposit, the whole history is the window (first counted deposit to
  `as_of`);
* the **projected 40th deposit** is `as_of + needed / rate` days; entry into force is 90 days after it, and a
  Protocol's never before its Convention's (the Convention's own projection, when it is not yet known);
* the **range** is the 10th to 90th percentile of the waiting time for `needed` more deposits, when deposits
  arrive as a Poisson process whose rate is only known from the `k` deposits seen in the window: with the rate's
  posterior Gamma(k, window), the waiting time T for `needed` deposits has T / window ~ BetaPrime(needed, k), so
  its quantiles are window * z / (1 - z) with z the Beta(needed, k) quantile. Both the randomness of future
  deposits and the uncertainty of the rate widen it; nothing is sampled, so the answer is the same every time.
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from app.rules import treaties as rules

date = datetime.date
timedelta = datetime.timedelta

#: The trailing window of the recent rate shown beside the forecast, in days (about six months). The forecast itself
#: uses the model and window the backtest chooses as at its date (`app.rules.forecast_choice`).
WINDOW_DAYS = 182
#: The range is the central 80% of the waiting time.
LOW_QUANTILE, HIGH_QUANTILE = 0.10, 0.90


# ------------------------------------------------------------------ the Beta distribution, without SciPy
def _beta_cf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (Lentz's method, as in Numerical Recipes)."""
    tiny, eps = 1e-300, 1e-14
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_cf(a, b, x) / a
    return 1.0 - front * _beta_cf(b, a, 1.0 - x) / b


def beta_quantile(q: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = q, by bisection (monotone, so it always converges)."""
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if beta_cdf(middle, a, b) < q:
            low = middle
        else:
            high = middle
        if high - low < 1e-13:
            break
    return (low + high) / 2


def waiting_days(needed: int, seen: int, window: int, q: float) -> float:
    """The q-quantile of the days until `needed` more deposits, having seen `seen` in `window` days."""
    z = beta_quantile(q, needed, seen)
    return window * z / (1.0 - z) if z < 1.0 else math.inf


# ------------------------------------------------------------------ the forecast
@dataclass(frozen=True)
class Forecast:
    """One instrument's projection as at `as_of`. `reached` when the threshold deposit is already made (the dates
    are then the known ones, low = high = projected); `projected_*` None when nothing can be projected (no deposit
    yet)."""

    code: str
    as_of: date
    threshold: int
    counted: int
    needed: int
    reached: bool
    #: Counted deposits in the window, and the window's length and first day.
    window_deposits: int
    window_days: int
    window_start: date | None
    rate_per_year: float | None
    projected_threshold_date: date | None
    projected_eif: date | None
    eif_low: date | None
    eif_high: date | None
    #: Why a Protocol's date is its Convention's, or why nothing is projected; empty otherwise.
    note: str = ""

    @property
    def projected(self) -> bool:
        return self.projected_eif is not None


def _add_days(day: date, days: float) -> date | None:
    """`day` + `days` rounded to the day; None past the calendar (a rate so low the date means nothing)."""
    try:
        return day + timedelta(days=round(days))
    except (OverflowError, ValueError):
        return None


def _counted_deposits(actions: Iterable[rules.Action], as_of: date) -> list[rules.Action]:
    """Counted deposits on or before `as_of`, one per participant (the earliest), in date order."""
    return [d for d in rules._earliest_per_participant(actions, as_of, deposits=True) if not d.is_reio]


def forecast(terms: rules.Terms, actions: Iterable[rules.Action], as_of: date,
             parent_actions: Iterable[rules.Action] = (), window_days: int = WINDOW_DAYS) -> Forecast:
    """The projection of `terms`' entry into force from the actions dated on or before `as_of` (later ones are
    dropped first: whatever the caller passes, they cannot change the answer)."""
    actions = [a for a in actions if a.date <= as_of]
    parent_actions = [a for a in parent_actions if a.date <= as_of]
    deposits = _counted_deposits(actions, as_of)
    counted, threshold = len(deposits), terms.threshold
    needed = max(0, threshold - counted)
    base = dict(code=terms.code, as_of=as_of, threshold=threshold, counted=counted, needed=needed)
    if needed == 0:
        reached_on = deposits[threshold - 1].date
        eif = rules.entry_into_force(terms, actions, as_of, parent_actions)
        note = ""
        if eif is None and terms.parent is not None:  # its own 40 are in; its Convention's are not
            parent = forecast(terms.parent, parent_actions, as_of, window_days=window_days)
            own = reached_on + timedelta(days=terms.days_after_threshold)
            return Forecast(**base, reached=True, window_deposits=0, window_days=0, window_start=None,
                            rate_per_year=None, projected_threshold_date=reached_on,
                            projected_eif=_later(own, parent.projected_eif),
                            eif_low=_later(own, parent.eif_low), eif_high=_later(own, parent.eif_high),
                            note=f"Waits for the {terms.parent.code}: {parent.note or 'its projected date'}.")
        return Forecast(**base, reached=True, window_deposits=0, window_days=0, window_start=None, rate_per_year=None,
                        projected_threshold_date=reached_on, projected_eif=eif, eif_low=eif, eif_high=eif, note=note)

    window_start = as_of - timedelta(days=window_days - 1)
    seen = sum(1 for d in deposits if d.date >= window_start)
    window = window_days
    note = ""
    if seen == 0 and deposits:  # a quiet year: fall back on the whole history
        window_start = deposits[0].date
        window = (as_of - window_start).days + 1
        seen = counted
        note = f"No counted deposit in the last {window_days} days: the rate is that of the whole history."
    if seen == 0:
        return Forecast(**base, reached=False, window_deposits=0, window_days=window, window_start=None,
                        rate_per_year=None, projected_threshold_date=None, projected_eif=None, eif_low=None,
                        eif_high=None, note="No counted deposit yet: there is no rate to project from.")
    rate = seen / window
    point = _add_days(as_of, needed / rate)
    low = _add_days(as_of, waiting_days(needed, seen, window, LOW_QUANTILE))
    high = _add_days(as_of, waiting_days(needed, seen, window, HIGH_QUANTILE))
    after = timedelta(days=terms.days_after_threshold)
    eif, eif_low, eif_high = (d + after if d else None for d in (point, low, high))
    if terms.parent is not None:
        parent = forecast(terms.parent, parent_actions, as_of, window_days=window_days)
        if parent.projected_eif and eif and parent.projected_eif > eif:
            note = (note + " " if note else "") + (
                f"A Protocol cannot enter into force before the Convention: the {terms.parent.code}'s date applies.")
        eif, eif_low, eif_high = (_later(eif, parent.projected_eif), _later(eif_low, parent.eif_low),
                                  _later(eif_high, parent.eif_high))
    return Forecast(**base, reached=False, window_deposits=seen, window_days=window, window_start=window_start,
                    rate_per_year=round(rate * 365.25, 2), projected_threshold_date=point, projected_eif=eif,
                    eif_low=eif_low, eif_high=eif_high, note=note)


def _later(a: date | None, b: date | None) -> date | None:
    """The later of two dates; None when either is unknown (a Protocol waits for an unknown Convention date)."""
    if a is None or b is None:
        return None
    return max(a, b)


# ------------------------------------------------------------------ dates
def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day clamped to the month's length (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable
