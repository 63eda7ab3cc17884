"""The entry-into-force forecast on hand-built records with known answers (pure rules, no database)."""
from datetime import date, timedelta

import pytest

from app.rules import forecast as model
from app.rules.treaties import Action, Terms

AS_OF = date(2003, 1, 1)
CONVENTION = Terms("UNTOC")
PROTOCOL = Terms("TIP", parent=CONVENTION)


def deposits(n: int, start: date, step_days: int, prefix: str = "S", reio: bool = False) -> list[Action]:
    return [Action(f"{prefix}{i:02d}", "ratification", start + timedelta(days=i * step_days), reio)
            for i in range(n)]


def record() -> list[Action]:
    """30 counted deposits: 18 in 2001, then 12 in the 182 days ending on 1 January 2003 (one every 14 days)."""
    early = deposits(18, date(2001, 1, 10), 10, "E")
    recent = deposits(12, AS_OF - timedelta(days=12 * 14 - 1), 14, "R")
    return early + recent + [Action("E00", "signature", date(2000, 12, 12))]


def test_the_beta_distribution_matches_closed_forms():
    assert model.beta_quantile(0.1, 1, 1) == pytest.approx(0.1)            # Beta(1,1) is uniform
    assert model.beta_quantile(0.5, 2, 1) == pytest.approx(0.5 ** 0.5)     # I_x(2,1) = x²
    assert model.beta_cdf(0.3, 1, 3) == pytest.approx(1 - 0.7 ** 3)        # I_x(1,b) = 1-(1-x)^b
    assert model.beta_cdf(0.25, 5, 7) + model.beta_cdf(0.75, 7, 5) == pytest.approx(1)


def test_the_forecast_on_a_known_record():
    f = model.forecast(CONVENTION, record(), AS_OF)
    assert (f.counted, f.needed, f.reached, f.window_deposits, f.window_days) == (30, 10, False, 12, 182)
    assert f.window_start == date(2002, 7, 4)
    # 10 more at 12 per 182 days: 151.67 days -> 152 days after 1 January 2003; entry into force 90 days later
    assert f.projected_threshold_date == date(2003, 6, 2)
    assert f.projected_eif == date(2003, 8, 31)
    assert f.rate_per_year == round(12 / 182 * 365.25, 2)
    # The range is the central 80% of the waiting time: around the projection, wider after it than before it
    low = AS_OF + timedelta(days=round(model.waiting_days(10, 12, 182, 0.1)) + 90)
    high = AS_OF + timedelta(days=round(model.waiting_days(10, 12, 182, 0.9)) + 90)
    assert (f.eif_low, f.eif_high) == (low, high)
    assert f.eif_low < f.projected_eif < f.eif_high
    assert (f.projected_eif - f.eif_low) < (f.eif_high - f.projected_eif)


def test_the_forecast_is_deterministic():
    assert model.forecast(CONVENTION, record(), AS_OF) == model.forecast(CONVENTION, record(), AS_OF)


def test_deposits_after_the_date_change_nothing():
    """The no-future-data property: the forecast as at a date is the same whatever was deposited after it."""
    before = model.forecast(CONVENTION, record(), AS_OF)
    later = deposits(15, AS_OF + timedelta(days=1), 3, "L") + [Action("R00", "ratification", AS_OF + timedelta(1))]
    assert model.forecast(CONVENTION, record() + later, AS_OF) == before
    # and the Convention's later deposits do not move a Protocol's forecast either
    tip = model.forecast(PROTOCOL, record(), AS_OF, record())
    assert model.forecast(PROTOCOL, record() + later, AS_OF, record() + later) == tip


def test_a_regional_organization_does_not_count():
    with_eu = record() + [Action("EUU", "approval", AS_OF - timedelta(days=3), is_reio=True)]
    assert model.forecast(CONVENTION, with_eu, AS_OF) == model.forecast(CONVENTION, record(), AS_OF)


def test_a_protocol_never_enters_into_force_before_its_convention():
    slow_convention = deposits(5, date(2002, 9, 1), 20, "C")   # 5 of 40: years away
    f = model.forecast(PROTOCOL, record(), AS_OF, slow_convention)
    convention = model.forecast(CONVENTION, slow_convention, AS_OF)
    assert f.projected_eif == convention.projected_eif > date(2003, 8, 31)
    assert f.eif_high == convention.eif_high and "Convention" in f.note


def test_a_threshold_already_reached_gives_the_known_date():
    full = deposits(40, date(2001, 1, 1), 10)
    f = model.forecast(CONVENTION, full, date(2003, 1, 1))
    assert f.reached and f.needed == 0
    assert f.projected_threshold_date == date(2001, 1, 1) + timedelta(days=390)
    assert f.projected_eif == f.eif_low == f.eif_high == f.projected_threshold_date + timedelta(days=90)


def test_nothing_is_projected_without_a_deposit():
    f = model.forecast(CONVENTION, [Action("A", "signature", date(2001, 1, 1))], AS_OF)
    assert not f.projected and f.needed == 40 and "No counted deposit" in f.note


def test_a_quiet_window_falls_back_on_the_whole_history():
    old = deposits(10, date(2001, 1, 1), 30)       # the last on 28 Sep 2001, long before the window
    f = model.forecast(CONVENTION, old, AS_OF)
    assert f.window_start == date(2001, 1, 1) and f.window_deposits == 10
    assert f.window_days == (AS_OF - date(2001, 1, 1)).days + 1 and "whole history" in f.note
    assert f.projected_threshold_date == AS_OF + timedelta(days=round(30 * f.window_days / 10))


def test_add_months_clamps_the_day():
    assert model.add_months(date(2003, 1, 31), 1) == date(2003, 2, 28)
    assert model.add_months(date(2003, 11, 30), 3) == date(2004, 2, 29)


def test_the_chart_draws_the_projection_to_the_threshold_and_stops_at_its_horizon():
    from app.rules.treaties import cumulative_parties
    from app.views.charts import forecast_chart
    f = model.forecast(CONVENTION, record(), AS_OF)
    chart = forecast_chart(cumulative_parties(CONVENTION, record(), AS_OF), f, date(2000, 11, 15))
    x0, y0, x1, y1 = chart.projection
    assert (x0, y1) == (chart.as_of_x, chart.threshold_y) and x1 > x0 and y0 > y1
    assert chart.end == f.eif_high and chart.range_x[1] == chart.right          # the range ends the chart
    assert chart.counted_path.count("V") == 30                                   # a step per deposit date
    far = model.forecast(CONVENTION, deposits(2, AS_OF - timedelta(days=100), 30), AS_OF)  # 38 to go at 2 a half-year
    cut = forecast_chart([], far, date(2000, 11, 15), horizon_years=2)
    assert cut.end == date(2005, 12, 31) < far.projected_threshold_date and cut.eif_x is None
    assert cut.projection[2] == cut.right and cut.projection[3] > cut.threshold_y  # cut on its way, below the 40
