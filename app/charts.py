"""Charts drawn on the server as SVG geometry (no script: the Content-Security-Policy allows none); templates only
draw what these functions compute."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from .services import treaties

date = datetime.date


@dataclass(frozen=True)
class Chart:
    """Geometry of the cumulative-parties chart, in SVG user units; the template only draws it."""
    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    parties_path: str
    counted_path: str
    threshold_y: float | None
    threshold: int
    eif_x: float | None
    eif: date | None
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    empty: bool
    #: Which way the entry-into-force label runs from its line, so that it stays inside the chart.
    eif_anchor: str = "end"

    @property
    def narrow(self) -> bool:
        return self.width < 480


def chart(progress: treaties.Progress, as_of: date, width: int = 720, height: int = 280,
          max_ticks: int = 8) -> Chart:
    """Parties over time (all, and counted toward the threshold), the threshold line and the EIF marker.

    Drawn at the size it is shown (a phone gets a narrow one with fewer year ticks, not a shrunken wide one)."""
    left, right, top, bottom = 48, width - 16, 16, height - 32
    points = progress.points
    status = progress.status
    threshold = progress.instrument.threshold
    start = min([points[0][0]] if points else [as_of])
    start = min(start, progress.instrument.adopted_date)
    end = max([as_of] + ([status.entry_into_force] if status.entry_into_force else []))
    span = max((end - start).days, 1)
    top_value = max([threshold] + [p[1] for p in points]) * 1.1

    def x(day: date) -> float:
        return round(left + (day - start).days / span * (right - left), 1)

    def y(value: float) -> float:
        return round(bottom - value / top_value * (bottom - top), 1)

    def steps(index: int) -> str:
        path, previous = [f"M{x(start)},{y(0)}"], 0
        for point in points:
            path.append(f"H{x(point[0])}V{y(point[index])}")
            previous = point[index]
        path.append(f"H{x(end)}")
        return " ".join(path) if previous or points else ""

    years = range(start.year + 1, end.year + 1)
    stride = max(1, -(-len(years) // max_ticks))
    x_ticks = [(x(date(year, 1, 1)), str(year)) for year in years if (year - start.year - 1) % stride == 0]
    y_step = 10 if top_value <= 80 else 20 if top_value <= 160 else 50
    y_ticks = [(y(v), v) for v in range(0, int(top_value) + 1, y_step)]
    eif = status.entry_into_force
    eif_x = x(eif) if eif else None
    anchor = "start" if eif_x is not None and eif_x < (left + right) / 2 else "end"
    return Chart(width, height, left, top, bottom, right, steps(1), steps(2), y(threshold), threshold,
                 eif_x, eif, x_ticks, y_ticks, not points, anchor)


# ------------------------------------------------------------------ the dashboard: progress to the threshold (bars)
@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    threshold: int
    y: float
    width: float
    #: The threshold's position, for its tick.
    threshold_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    bar_height: int
    bars: list[Bar]


def progress_bars(rows: list[tuple[str, int, int]], width: int = 360, bar_height: int = 18,
                  gap: int = 10) -> BarChart:
    """One horizontal bar per (label, counted, threshold): the bar's length is the counted deposits on a common
    scale up to the largest of the thresholds and the counts; drawn in a viewBox, so it scales to a phone."""
    left, right = 72, width - 48
    top_value = max([1] + [max(value, threshold) for _, value, threshold in rows])
    span = right - left
    bars = [Bar(label, value, threshold, gap + i * (bar_height + gap), round(value / top_value * span, 1),
                round(left + threshold / top_value * span, 1))
            for i, (label, value, threshold) in enumerate(rows)]
    return BarChart(width, gap + len(rows) * (bar_height + gap), left, right, bar_height, bars)


# ------------------------------------------------------------------ the forecast: counted deposits and the projection
@dataclass(frozen=True)
class ForecastChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    counted_path: str
    threshold_y: float
    #: The projection from (as_of, counted) toward (projected 40th deposit, threshold), cut at the chart's end.
    projection: tuple[float, float, float, float] | None
    #: The entry-into-force range as an x span, and the projected entry into force (None: beyond the chart).
    range_x: tuple[float, float] | None
    eif_x: float | None
    as_of_x: float
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    #: The chart stops here: a projection or a range reaching further is drawn to the edge.
    end: date


def forecast_chart(points: list[tuple[date, int, int]], forecast, start: date, width: int = 720, height: int = 240,
                   horizon_years: int = 8) -> ForecastChart:
    """Counted deposits up to the forecast's date (`points` as `rules.cumulative_parties` gives them), the threshold,
    the projection to the threshold and the range of the entry into force; at most `horizon_years` past the date."""
    left, right, top, bottom = 48, width - 16, 16, height - 32
    as_of, threshold = forecast.as_of, forecast.threshold
    limit = date(as_of.year + horizon_years, 12, 31)
    wanted = [d for d in (forecast.eif_high, forecast.projected_eif) if d is not None]
    end = min(max([as_of] + wanted), limit)
    start = min(start, as_of)
    span = max((end - start).days, 1)
    top_value = max(threshold, forecast.counted) * 1.1

    def x(day: date) -> float:
        return round(left + (min(max(day, start), end) - start).days / span * (right - left), 1)

    def y(value: float) -> float:
        return round(bottom - value / top_value * (bottom - top), 1)

    path = [f"M{x(start)},{y(0)}"]
    for day, _parties, counted in points:
        path.append(f"H{x(day)}V{y(counted)}")
    path.append(f"H{x(as_of)}")
    projection = None
    if forecast.projected_threshold_date and not forecast.reached:
        x0, y0 = x(as_of), y(forecast.counted)
        target = forecast.projected_threshold_date
        if target <= end:
            projection = (x0, y0, x(target), y(threshold))
        else:  # cut at the edge, on the same line
            share = (end - as_of).days / max((target - as_of).days, 1)
            projection = (x0, y0, x(end), y(forecast.counted + share * forecast.needed))
    range_x = (x(forecast.eif_low), x(forecast.eif_high)) if forecast.eif_low and forecast.eif_high else None
    eif_x = x(forecast.projected_eif) if forecast.projected_eif and forecast.projected_eif <= end else None
    years = range(start.year + 1, end.year + 1)
    stride = max(1, -(-len(years) // 8))
    x_ticks = [(x(date(year, 1, 1)), str(year)) for year in years if (year - start.year - 1) % stride == 0]
    y_ticks = [(y(v), v) for v in range(0, int(top_value) + 1, 10)]
    return ForecastChart(width, height, left, right, top, bottom, " ".join(path), y(threshold), projection, range_x,
                         eif_x, x(as_of), x_ticks, y_ticks, end)
