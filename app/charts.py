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
