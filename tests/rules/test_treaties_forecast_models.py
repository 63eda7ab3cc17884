"""The forecast's models and calibration on hand-built records with known answers (pure rules, no database)."""
import math
from datetime import date, timedelta

import numpy as np
import pytest

from app.rules import diffusion
from app.rules import forecast_choice as choice
from app.rules.treaties import Action

START = date(2000, 11, 15)


def logistic_record(ceiling=100, rate=1.5, midpoint=3.0, until=date(2003, 6, 1)) -> list[Action]:
    """Deposits on a known logistic curve (years from START), and `ceiling` signatures on the first day."""
    out = [Action(f"S{n:03d}", "signature", START + timedelta(days=30)) for n in range(ceiling)]
    n = 0
    for day in range((until - START).days):
        expected = ceiling / (1 + math.exp(-rate * (day / 365.25 - midpoint)))
        while n < int(expected):
            out.append(Action(f"S{n:03d}", "ratification", START + timedelta(days=day)))
            n += 1
    return out


def test_a_history_drops_what_is_later_and_what_does_not_count():
    actions = logistic_record() + [Action("EUU", "approval", date(2002, 1, 1), is_reio=True)]
    h = diffusion.history("X", START, actions, date(2002, 1, 1))
    assert h.as_of == date(2002, 1, 1) and all(d <= h.as_of for d in h.deposits)
    assert h.count == len([a for a in actions if a.is_deposit and not a.is_reio and a.date <= h.as_of])
    assert h.ceiling == 100


def test_the_logistic_recovers_a_known_curve():
    day = date(2003, 6, 1)
    fit = diffusion.MODELS["logistic-signatories"].fit(diffusion.history("X", START, logistic_record(), day))
    ceiling, rate, midpoint = fit.params
    assert ceiling == 100 and rate == pytest.approx(1.5, rel=0.1) and midpoint == pytest.approx(3.0, abs=0.1)
    # the day it reaches 80 of 100: midpoint + ln(4)/rate years after START
    real = START + timedelta(days=(3.0 + math.log(4) / 1.5) * 365.25)
    assert abs((day + timedelta(days=fit.days_to(80)) - real).days) < 30
    assert fit.days_to(100) == math.inf and fit.days_to(fit.count) == 0


@pytest.mark.parametrize("key", list(diffusion.MODELS))
def test_every_model_forecasts_later_for_a_higher_level(key):
    fit = diffusion.MODELS[key].fit(diffusion.history("X", START, logistic_record(), date(2003, 1, 1)))
    waits = [fit.days_to(level) for level in range(fit.count + 1, 95, 5)]
    assert all(b >= a for a, b in zip(waits, waits[1:], strict=False)) and waits[0] > 0


def test_conformal_bounds():
    errors = [float(e) for e in range(1, 20)]           # 19 errors
    # 80%: the floor(0.1*20)=2nd and ceil(0.9*20)=18th smallest
    assert choice.conformal_bounds(errors, 80) == (2.0, 18.0)
    assert choice.conformal_bounds(errors, 50) == (5.0, 15.0)
    assert choice.conformal_bounds(errors[:5], 80) is None  # too few for 80% …
    assert choice.conformal_bounds(errors[:5], 50) == (1.0, 5.0)  # … enough for 50%


def test_an_interval_holds_inside_only():
    interval = choice.Interval(80, date(2003, 1, 1), date(2004, 1, 1), "model", 10)
    assert interval.holds(date(2003, 6, 1)) and not interval.holds(date(2004, 1, 2))
    assert choice.Interval(80, None, None, "none", 0).holds(date(2003, 6, 1)) is None
    assert choice.Interval(80, None, None, "model", 9).holds(date(2003, 6, 1)) is False  # past the calendar


def test_log_errors_are_clipped():
    assert choice.log_error(100, 100) == 0
    assert choice.log_error(200, 100) == pytest.approx(math.log(2))
    assert choice.log_error(100, math.inf) == -choice.CAP and choice.log_error(10 ** 9, 1) == choice.CAP


def test_a_projection_on_a_known_curve_is_near_the_real_date_and_inside_its_interval():
    actions = logistic_record(until=date(2010, 1, 1))
    track = choice.Track("X", START, 40, 90, None, tuple(actions))
    tracks = {"X": track}
    real = track.history(date(2010, 1, 1)).deposits[39] + timedelta(days=90)
    p = choice.project(tracks, "X", date(2003, 1, 1), choice.plain_fitter(tracks))
    assert p.model in diffusion.MODELS and not p.reached and p.counted < 40
    assert abs((p.projected_eif - real).days) < 120
    fifty, eighty = p.interval(50), p.interval(80)
    assert eighty.low <= fifty.low <= fifty.high <= eighty.high and eighty.holds(real)
    assert {m.key for m in p.models} == set(diffusion.MODELS)


def test_without_any_known_error_the_default_model_is_used_and_said():
    actions = logistic_record(until=date(2002, 1, 1))
    tracks = {"X": choice.Track("X", START, 40, 90, None, tuple(actions))}
    first = tracks["X"].history(date(2002, 1, 1)).deposits[0]
    p = choice.project(tracks, "X", first + timedelta(days=1), choice.plain_fitter(tracks))
    assert p.model == diffusion.DEFAULT_MODEL and "default" in p.note
    assert all(i.source == "none" for i in p.intervals)


def test_a_protocol_never_before_its_convention():
    fast = choice.Track("P", START, 40, 90, "C", tuple(logistic_record(midpoint=2.0, until=date(2010, 1, 1))))
    slow = choice.Track("C", START, 40, 90, None, tuple(logistic_record(rate=0.8, midpoint=5.0,
                                                                        until=date(2010, 1, 1))))
    tracks = {"C": slow, "P": fast}
    fitter = choice.plain_fitter(tracks)
    day = date(2002, 6, 1)
    protocol, convention = choice.project(tracks, "P", day, fitter), choice.project(tracks, "C", day, fitter)
    assert protocol.projected_eif >= convention.projected_eif
    for level in (50, 80):
        mine, theirs = protocol.interval(level), convention.interval(level)
        if mine.source != "none" and theirs.source != "none":
            assert mine.low >= theirs.low


def test_the_deposit_model_learns_a_known_effect():
    from app.rules import deposit_odds as odds
    rng = np.random.default_rng(1)
    n = 400
    signed = rng.random(n) < 0.5
    # signatories deposit at about 4 a year in 100 each year, the others at 1
    deposited = np.array([START.toordinal() + int(rng.exponential(365 * (6 if s else 24))) + 30 for s in signed])
    facts = np.full((n, len(odds.FACTS)), odds.NEVER, dtype=np.int64)
    facts[signed, 0] = START.toordinal()
    panel = odds.Panel(tuple(f"S{i}" for i in range(n)), ("X",), np.arange(n), np.zeros(n, dtype=np.int64),
                       np.full(n, -1), facts, deposited, np.array([START.toordinal()]), np.array([False]))
    fit = odds.fit(panel, date(2006, 1, 1))
    assert fit.odds_ratios["signed"] > 2.0
    predictions = odds.replay(panel, [date(2004, 1, 1), date(2005, 1, 1)])
    check = odds.calibration(predictions)
    assert check.predictions == len(predictions.deposited) > 0
    assert check.brier < check.brier_base_rate                      # it beats the base rate …
    assert sum(row[2] for row in check.reliability) == check.predictions  # … and every prediction is in the table
    assert odds.fit(panel, date(2001, 1, 1)) is None                 # nothing known yet to learn from
