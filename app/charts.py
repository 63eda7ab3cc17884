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
