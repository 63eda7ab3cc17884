"""The forecast's backtest on the shipped record: the figures the README claims (read from it), the intervals within
10 points of their level, and no later outcome in an early choice (the later record perturbed). Computed once for
the module: fitting every model at every origin takes seconds."""
import functools
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.rules import diffusion
from app.rules import forecast_choice as choice
from app.rules.treaties import Action

README = Path(__file__).resolve().parents[2] / "README.md"
ROWS = {"chosen at each date": "chosen", "recent rate, 91 days": "rate-91", "recent rate, 182 days": "rate-182",
        "recent rate, 365 days": "rate-365", "logistic, signatories as ceiling": "logistic-signatories",
        "Gompertz, signatories as ceiling": "gompertz-signatories", "Bass, signatories as ceiling": "bass-signatories"}


def claimed() -> dict[str, tuple[int, float, float, float, float]]:
    """The README's table: model -> (forecasts, mean, median, 50% held, 80% held)."""
    out = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in ROWS:
            n, mean, median, fifty, eighty = cells[1:]
            out[ROWS[cells[0]]] = (int(n), float(mean.replace(",", "")), float(median.replace(",", "")),
                                   int(fifty.rstrip("%")) / 100, int(eighty.rstrip("%")) / 100)
    return out


@pytest.fixture(scope="module")
def record(app):
    from app.services.treaties import forecast_store
    with app.app_context():
        tracks, complete_to = forecast_store.load_record()
    return tracks, complete_to


@pytest.fixture(scope="module")
def result(record):
    from app.services.treaties import forecast_store
    return forecast_store.compute(*record).backtest


def test_the_readme_names_every_model():
    assert set(claimed()) == {"chosen", *diffusion.MODELS}


@pytest.mark.parametrize("key", ["chosen", *diffusion.MODELS])
def test_the_figures_are_those_the_readme_claims(result, key):
    n, mean, median, fifty, eighty = claimed()[key]
    figures = result.figures(key)
    assert figures.count == n
    assert figures.mean_absolute_error == pytest.approx(mean, rel=0.05)
    assert figures.median_absolute_error == pytest.approx(median, rel=0.05, abs=3)
    assert figures.coverage[50] == pytest.approx(fifty, abs=0.03)
    assert figures.coverage[80] == pytest.approx(eighty, abs=0.03)


def test_the_intervals_hold_what_they_claim_within_ten_points(result):
    figures = result.figures()
    assert figures.judged == {50: figures.count, 80: figures.count}  # every date has its intervals
    assert abs(figures.coverage[50] - 0.5) <= 0.10
    assert abs(figures.coverage[80] - 0.8) <= 0.10
    assert sum(i.figures().count for i in result.instruments) == figures.count


def test_the_backtest_dates(result):
    untoc = result.of("UNTOC")
    assert (untoc.threshold_date, untoc.real_eif) == (date(2003, 7, 1), date(2003, 9, 29))
    assert untoc.rows[0].as_of == date(2001, 12, 5)  # the 5th counted deposit
    assert all(b.as_of - a.as_of == timedelta(days=30) for a, b in zip(untoc.rows, untoc.rows[1:], strict=False))
    assert untoc.rows[-1].as_of < untoc.threshold_date <= untoc.known_rows[0].as_of
    for row in untoc.known_rows:  # from the 40th deposit on, the date is the rule's
        assert row.error() == 0 and row.holds(80)


def _perturbed(tracks: dict, after: date) -> dict:
    """Every instrument's record after `after` changed: later deposits moved a year, a few removed, others added."""
    out = {}
    for code, track in tracks.items():
        kept = []
        for n, a in enumerate(track.actions):
            if a.date <= after:
                kept.append(a)
            elif n % 5:  # one in five later actions removed, the rest a year later
                kept.append(replace(a, date=a.date + timedelta(days=365)))
        kept += [Action(f"X{n:02d}", "accession", after + timedelta(days=10 + n)) for n in range(30)]
        out[code] = replace(track, actions=tuple(kept))
    return out


@pytest.mark.parametrize("code, day", [("UNTOC", date(2002, 3, 5)), ("TIP", date(2002, 9, 20)),
                                       ("FIREARMS", date(2003, 11, 4))])
def test_an_early_choice_uses_no_later_outcome(record, code, day):
    tracks, _complete = record
    later = _perturbed(tracks, day)
    assert later[code].actions != tracks[code].actions
    fitter = functools.lru_cache(maxsize=None)(choice.plain_fitter(tracks))
    other = functools.lru_cache(maxsize=None)(choice.plain_fitter(later))
    before, after = choice.project(tracks, code, day, fitter), choice.project(later, code, day, other)
    assert before.model is not None and after == before
    # … while the same perturbation dated before the choice does change what it rests on
    earlier = _perturbed(tracks, day - timedelta(days=200))
    moved = choice.project(earlier, code, day, functools.lru_cache(maxsize=None)(choice.plain_fitter(earlier)))
    assert moved != before


def test_the_models_see_nothing_after_their_date(record):
    tracks, _complete = record
    day = date(2002, 9, 1)
    later = _perturbed(tracks, day)
    for key, model in diffusion.MODELS.items():
        assert model.fit(tracks["SOM"].history(day)) == model.fit(later["SOM"].history(day)), key
