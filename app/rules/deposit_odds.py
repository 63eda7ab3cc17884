"""Which States are likely to deposit an instrument within the next 12 months: a logistic regression on
State-instrument-months, fitted on what was known before the date asked about. Plain numpy and scipy, no database.

A `Panel` holds, per (State, instrument) pair, the first day of each fact the model reads (a signature, being party
to the Convention, an activity serving the State on the instrument, taking part in one, a request received, a
legislative finding at "draft law" or beyond) and the day it deposited; every feature at a month t is "that day is
on or before t", so nothing later than t enters a row. The outcome of a row is a deposit within 12 months after t:
known only once t + 12 months has passed, so the fit as at D takes only the months t with t + 12 months <= D.

It is descriptive: assistance in this model is a correlate of depositing, not a proven cause (States that were
about to ratify asked for help, and help went where ratification was likely).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from app.rules.forecast import add_months

date = datetime.date

#: The facts of a pair, each a day (or none), in the panel's column order.
FACTS = ("signed", "convention_party", "served", "took_part", "requested", "draft_law")
GROUPS = ("African", "Asia-Pacific", "Eastern European", "Latin American and Caribbean")  # WEOG: the reference
FEATURES = FACTS + tuple(f"group: {g}" for g in GROUPS) + ("is a Protocol", "recent deposits (share)")
#: The horizon of the outcome, in months.
HORIZON = 12
#: The ridge penalty on the coefficients (not the intercept): keeps rare facts (a draft law) from running away.
PENALTY = 1.0
#: Each row's weight: a pair's outcome window overlaps the next 11 months' rows, so twelve rows carry about one
#: row's worth of independent information.
ROW_WEIGHT = 1 / HORIZON
NEVER = np.iinfo(np.int64).max


def day_number(day: date | None) -> int:
    return NEVER if day is None else day.toordinal()


@dataclass(frozen=True)
class Panel:
    """Every (State, instrument) pair: `facts` (pairs × FACTS) and `deposited` as day numbers (NEVER: not yet),
    the pair's `instrument` index, its State's regional group index (-1: none or the reference group), and each
    instrument's adoption day and whether it is a Protocol."""
    states: tuple[str, ...]
    instruments: tuple[str, ...]
    state: np.ndarray
    instrument: np.ndarray
    group: np.ndarray
    facts: np.ndarray
    deposited: np.ndarray
    adopted: np.ndarray
    is_protocol: np.ndarray

    def features(self, day: date) -> np.ndarray:
        """The feature matrix of every pair as at `day` (an intercept column first)."""
        t = day.toordinal()
        n = len(self.state)
        groups = np.zeros((n, len(GROUPS)))
        known = self.group >= 0
        groups[np.arange(n)[known], self.group[known]] = 1.0
        year_ago = add_months(day, -HORIZON).toordinal()
        recent = np.zeros(len(self.instruments))
        for i in range(len(self.instruments)):
            mine = self.instrument == i
            at_risk = np.sum(mine & (self.deposited > year_ago))
            recent[i] = np.sum(mine & (self.deposited > year_ago) & (self.deposited <= t)) / max(at_risk, 1)
        return np.column_stack([np.ones(n), (self.facts <= t).astype(float), groups,
                                self.is_protocol[self.instrument].astype(float), recent[self.instrument]])

    def at_risk(self, day: date) -> np.ndarray:
        """Pairs not yet party on `day`, of an instrument adopted by then."""
        t = day.toordinal()
        return (self.deposited > t) & (self.adopted[self.instrument] <= t)

    def outcome(self, day: date) -> np.ndarray:
        """Deposited within HORIZON months after `day`."""
        t, until = day.toordinal(), add_months(day, HORIZON).toordinal()
        return (self.deposited > t) & (self.deposited <= until)


def months(start: date, until: date) -> list[date]:
    """Month starts from `start`'s month on, up to `until`."""
    out, day = [], date(start.year, start.month, 1)
    while day <= until:
        out.append(day)
        day = add_months(day, 1)
    return out


def training(panel: Panel, as_of: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows whose outcome is known by `as_of`: every month t with t + HORIZON months <= `as_of`, every pair at
    risk then. Rows alike (same month, instrument and features) are counted together: (features, rows, deposits)."""
    start = date.fromordinal(int(panel.adopted.min()))
    last = add_months(as_of, -HORIZON)
    xs, counts, deposits = [], [], []
    bits = 2 ** np.arange(len(FACTS) + len(GROUPS))
    for t in months(start, last):
        risk = panel.at_risk(t)
        if not risk.any():
            continue
        x, y = panel.features(t)[risk], panel.outcome(t)[risk]
        key = (x[:, 1:1 + len(bits)] @ bits).astype(np.int64) * len(panel.instruments) + panel.instrument[risk]
        _keys, first, which = np.unique(key, return_index=True, return_inverse=True)
        xs.append(x[first])
        counts.append(np.bincount(which, minlength=len(first)))
        deposits.append(np.bincount(which, weights=y, minlength=len(first)))
    if not xs:
        return np.zeros((0, len(FEATURES) + 1)), np.zeros(0), np.zeros(0)
    return np.vstack(xs), np.concatenate(counts).astype(float), np.concatenate(deposits)


@dataclass(frozen=True)
class Fit:
    """Coefficients (intercept first, then FEATURES), the rows and the base rate they were fitted on."""
    as_of: date
    coefficients: tuple[float, ...]
    rows: int
    base_rate: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ np.array(self.coefficients))))

    @property
    def odds_ratios(self) -> dict[str, float]:
        return {name: float(np.exp(c)) for name, c in zip(FEATURES, self.coefficients[1:], strict=True)}


def fit(panel: Panel, as_of: date) -> Fit | None:
    """The logistic regression on the rows known by `as_of` (scipy's trust-region Newton on the ridge-penalised
    log-likelihood, with its gradient and Hessian); None when there is nothing to learn from yet (no row, or no deposit
    among them)."""
    x, count, deposits = training(panel, as_of)
    rows, total = int(count.sum()), deposits.sum()
    if rows == 0 or total == 0 or total == rows:
        return None
    count, deposits = count * ROW_WEIGHT, deposits * ROW_WEIGHT
    penalty = np.full(x.shape[1], PENALTY)
    penalty[0] = 0.0

    def loss(beta):
        z = x @ beta
        # count log(1 + e^z) - deposits z, written to stay finite for large |z|
        value = np.sum(count * np.logaddexp(0.0, z) - deposits * z) + 0.5 * np.sum(penalty * beta ** 2)
        gradient = x.T @ (count / (1.0 + np.exp(-z)) - deposits) + penalty * beta
        return value, gradient

    def hessian(beta):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        return (x * (count * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
    start = np.zeros(x.shape[1])
    start[0] = np.log(total / (rows - total))
    result = minimize(loss, start, jac=True, hess=hessian, method="trust-exact")
    return Fit(as_of, tuple(float(b) for b in result.x), rows, float(total / rows))


@dataclass(frozen=True)
class Calibration:
    """The check of the model on the record: predictions made at past dates (each from the rows known then) against
    what happened in the 12 months after; the Brier score beside that of the base rate known at each date."""
    predictions: int
    brier: float | None
    brier_base_rate: float | None
    #: (low, high, predictions, mean predicted, share that deposited) per band of predicted probability.
    reliability: tuple[tuple[float, float, int, float, float], ...]
    origins: tuple[date, ...]

    @property
    def skill(self) -> float | None:
        """1 - Brier / Brier of the base rate: above 0 the model beats the base rate."""
        if not self.brier_base_rate:
            return None
        return 1 - self.brier / self.brier_base_rate


BANDS = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0)


@dataclass(frozen=True)
class Predictions:
    """Predictions made at past dates, each from the fit known then, with what happened in the next 12 months."""
    probability: np.ndarray
    base_rate: np.ndarray
    deposited: np.ndarray
    instrument: np.ndarray
    origins: tuple[date, ...]


def replay(panel: Panel, origins: list[date]) -> Predictions:
    """Predict at each origin, from the fit known then, for every pair at risk; beside the outcome."""
    ps, bases, ys, which = [], [], [], []
    for day in origins:
        model = fit(panel, day)
        if model is None:
            continue
        risk = panel.at_risk(day)
        ps.append(model.probabilities(panel.features(day)[risk]))
        bases.append(np.full(int(risk.sum()), model.base_rate))
        ys.append(panel.outcome(day)[risk].astype(float))
        which.append(panel.instrument[risk])
    if not ps:
        empty = np.zeros(0)
        return Predictions(empty, empty, empty, empty.astype(int), tuple(origins))
    return Predictions(np.concatenate(ps), np.concatenate(bases), np.concatenate(ys), np.concatenate(which),
                       tuple(origins))


def calibration(predictions: Predictions, instrument: int | None = None) -> Calibration:
    """Brier score, that of the base rate, and the reliability table, over every pair or one instrument's."""
    keep = predictions.instrument == instrument if instrument is not None else np.ones(len(predictions.deposited),
                                                                                       dtype=bool)
    p, base, y = predictions.probability[keep], predictions.base_rate[keep], predictions.deposited[keep]
    if not len(p):
        return Calibration(0, None, None, (), predictions.origins)
    table = []
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        inside = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if inside.any():
            table.append((low, high, int(inside.sum()), float(p[inside].mean()), float(y[inside].mean())))
    return Calibration(len(p), float(np.mean((p - y) ** 2)), float(np.mean((base - y) ** 2)), tuple(table),
                       predictions.origins)
