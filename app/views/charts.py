"""Charts drawn on the server as SVG geometry (no script: the Content-Security-Policy allows none); templates only
draw what these functions compute."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.services.treaties import treaty_record

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
    #: Where the lines stop when the record ends before the chart does (later deposits are not recorded): its day
    #: and x; None when the record covers the whole chart.
    recorded_to: date | None = None
    recorded_x: float | None = None

    @property
    def narrow(self) -> bool:
        return self.width < 480


def chart(progress: treaty_record.Progress, as_of: date, width: int = 720, height: int = 280,
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

    # The lines stop where the record does: drawn flat to today, they would claim no deposit since.
    complete_to = progress.instrument.record_complete_to
    stop = min(end, max(complete_to, points[-1][0] if points else start)) if complete_to else end

    def steps(index: int) -> str:
        path, previous = [f"M{x(start)},{y(0)}"], 0
        for point in points:
            path.append(f"H{x(point[0])}V{y(point[index])}")
            previous = point[index]
        path.append(f"H{x(stop)}")
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
                 eif_x, eif, x_ticks, y_ticks, not points, anchor,
                 stop if stop < end else None, x(stop) if stop < end else None)


# ------------------------------------------------------------------ bar charts (counts per category)
#: Colours that stay distinct for the common forms of colour blindness (Okabe–Ito), one per series.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    #: What a pointer's tooltip (the SVG <title>) says: "2003, African States: 4".
    label: str


@dataclass(frozen=True)
class BarChart:
    """Geometry of a (stacked) bar chart, in SVG user units; the template only draws it, beside its table."""
    title: str
    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    bars: list[Bar]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    legend: list[tuple[str, str]]
    empty: bool

    @property
    def narrow(self) -> bool:
        return self.width < 480

    def rects(self) -> Markup:
        """The bars as SVG, each with its tooltip, one per line: a chart of months has hundreds of bars, drawn wide
        and narrow, and a template's loop spent more on them than on the rest of the page's markup."""
        return Markup("".join(
            f'    <rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" fill="{b.color}">'
            f"<title>{escape(b.label)}</title></rect>\n" for b in self.bars))


def _nice_step(top: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return max(1, int(top // 6))


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[int]]], width: int = 720,
              height: int = 260, max_labels: int = 12) -> BarChart:
    """Bars per category, the series stacked in order (one series: plain bars). Labels of the x axis are thinned
    to `max_labels` so that they stay readable: drawn at the size it is shown (a phone gets a narrow one)."""
    left, right, top, bottom = 40, width - 12, 12, height - 36
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top_value = max(totals, default=0)
    step = _nice_step(top_value or 1)
    ceiling = max(step, -(-top_value // step) * step)
    slot = (right - left) / max(len(categories), 1)
    gap = min(4.0, slot * 0.2)

    def y(value: float) -> float:
        return round(bottom - value / ceiling * (bottom - top), 1)

    bars = []
    for index, category in enumerate(categories):
        base = 0
        for number, (name, values) in enumerate(series):
            value = values[index]
            if value:
                bars.append(Bar(round(left + index * slot + gap / 2, 1), y(base + value), round(slot - gap, 1),
                                round(y(base) - y(base + value), 1), PALETTE[number % len(PALETTE)],
                                f"{category}{', ' + name if len(series) > 1 else ''}: {value}"))
            base += value
    stride = max(1, -(-len(categories) // max_labels))
    x_labels = [(round(left + (i + 0.5) * slot, 1), c) for i, c in enumerate(categories) if i % stride == 0]
    y_ticks = [(y(v), v) for v in range(0, ceiling + 1, step)]
    legend = [(PALETTE[n % len(PALETTE)], name) for n, (name, _) in enumerate(series)] if len(series) > 1 else []
    return BarChart(title, width, height, left, top, bottom, right, bars, x_labels, y_ticks, legend,
                    not any(totals))


def bar_charts(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> list[BarChart]:
    """The chart drawn wide and narrow: the stylesheet shows the one that fits the screen."""
    return [bar_chart(title, categories, series),
            bar_chart(title, categories, series, width=360, height=240, max_labels=5)]


def table_rows(rows: list[list]) -> Markup:
    """A chart's numbers as the rows of its table, the first cell of each its heading: the outcomes page has
    about 1,200 such rows (a cumulative series per instrument, a month per row), and a template's loop over their
    cells cost more than the rest of its tables."""
    return Markup("".join(
        f'<tr><th scope="row">{_cell(row[0])}</th>{"".join(f"<td>{_cell(cell)}</td>" for cell in row[1:])}</tr>\n'
        for row in rows))


def _cell(value) -> str:
    """A cell as `{{ value }}` writes it; whole numbers, most of them, need no escaping."""
    return str(value) if type(value) is int else escape(value)


# ------------------------------------------------------------------ the dashboard: progress to the threshold (bars)
@dataclass(frozen=True)
class ProgressBar:
    label: str
    value: int
    threshold: int
    y: float
    width: float
    #: The threshold's position, for its tick.
    threshold_x: float


@dataclass(frozen=True)
class ProgressBars:
    width: int
    height: int
    left: int
    right: int
    bar_height: int
    bars: list[ProgressBar]


def progress_bars(rows: list[tuple[str, int, int]], width: int = 360, bar_height: int = 18,
                  gap: int = 10) -> ProgressBars:
    """One horizontal bar per (label, counted, threshold): the bar's length is the counted deposits on a common
    scale up to the largest of the thresholds and the counts; drawn in a viewBox, so it scales to a phone."""
    left, right = 72, width - 48
    top_value = max([1] + [max(value, threshold) for _, value, threshold in rows])
    span = right - left
    bars = [ProgressBar(label, value, threshold, gap + i * (bar_height + gap), round(value / top_value * span, 1),
                round(left + threshold / top_value * span, 1))
            for i, (label, value, threshold) in enumerate(rows)]
    return ProgressBars(width, gap + len(rows) * (bar_height + gap), left, right, bar_height, bars)


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


# ------------------------------------------------------------------ the backtest: the forecast's fan over time
@dataclass(frozen=True)
class FanChart:
    """The forecast made at each date of the backtest (x) of the entry into force (y): the 80% and 50% bands as
    polygons, the forecast as a line, the real date as a horizontal line; drawn clipped to the chart."""
    code: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    band80: str
    band50: str
    line: str
    real_y: float
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    #: How many forecasts or bounds lay beyond the chart's top or bottom (drawn at the edge).
    clipped: int


def fan_chart(code: str, rows, real: date, width: int = 720, height: int = 260) -> FanChart | None:
    """The fan of `rows` (backtest rows: as_of, projection) against `real`; y from the first date to two years
    after the real date."""
    if not rows:
        return None
    left, right, top, bottom = 64, width - 16, 12, height - 32
    x0, x1 = rows[0].as_of, max(rows[-1].as_of, rows[0].as_of + datetime.timedelta(days=1))
    y0, y1 = min(rows[0].as_of, real), date(real.year + 2, 12, 31)
    clipped = 0

    def x(day: date) -> float:
        return round(left + (day - x0).days / (x1 - x0).days * (right - left), 1)

    def y(day: date | None) -> float:
        nonlocal clipped
        if day is None or day > y1 or day < y0:
            clipped += 1
        day = y1 if day is None else min(max(day, y0), y1)
        return round(bottom - (day - y0).days / (y1 - y0).days * (bottom - top), 1)

    def band(level: int) -> str:
        spans = [(r.as_of, r.projection.interval(level)) for r in rows]
        spans = [(day, i) for day, i in spans if i is not None and i.source != "none" and i.low is not None]
        if not spans:
            return ""
        upper = [f"{x(day)},{y(i.high)}" for day, i in spans]
        lower = [f"{x(day)},{y(i.low)}" for day, i in reversed(spans)]
        return "M" + " L".join(upper + lower) + " Z"

    points = [f"{x(r.as_of)},{y(r.projection.projected_eif)}" for r in rows if r.projection.projected_eif]
    line = ("M" + " L".join(points)) if points else ""
    band80, band50 = band(80), band(50)
    x_ticks = [(x(date(year, 1, 1)), str(year)) for year in range(x0.year + 1, x1.year + 1)]
    stride = max(1, (y1.year - y0.year) // 5)
    y_ticks = [(y(date(year, 1, 1)), str(year)) for year in range(y0.year + 1, y1.year + 1, stride)]
    return FanChart(code, width, height, left, right, top, bottom, band80, band50, line, y(real), x_ticks, y_ticks,
                    clipped)
