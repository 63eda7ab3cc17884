"""The bar charts' geometry (app.views.charts.bar_chart): what the template draws is computed here, so it is tested
here."""
from app.views.charts import PALETTE, bar_chart, bar_charts


def test_stacked_bars_are_as_tall_as_their_values():
    chart = bar_chart("Deposits", ["2002", "2003"], [("African", [2, 4]), ("Asia-Pacific", [1, 0])])
    assert [b.label for b in chart.bars] == ["2002, African: 2", "2002, Asia-Pacific: 1", "2003, African: 4"]
    african_2002, asian_2002, african_2003 = chart.bars
    assert african_2003.height == 2 * african_2002.height  # 4 against 2
    assert asian_2002.y + asian_2002.height == african_2002.y  # stacked on top
    assert african_2002.color == PALETTE[0] and asian_2002.color == PALETTE[1]
    assert chart.legend == [(PALETTE[0], "African"), (PALETTE[1], "Asia-Pacific")]
    assert chart.y_ticks[0][1] == 0 and chart.y_ticks[-1][1] >= 4
    assert all(chart.left <= b.x and b.x + b.width <= chart.right for b in chart.bars)


def test_one_series_has_no_legend_and_nothing_is_empty():
    chart = bar_chart("Activities", ["2003-01", "2003-02"], [("activities", [0, 3])])
    assert chart.legend == [] and [b.label for b in chart.bars] == ["2003-02: 3"] and not chart.empty
    assert bar_chart("None", ["a"], [("s", [0])]).empty


def test_the_narrow_chart_thins_its_labels_to_stay_readable():
    months = [f"2003-{m:02d}" for m in range(1, 13)] + [f"2004-{m:02d}" for m in range(1, 13)]
    wide, narrow = bar_charts("Activities", months, [("activities", list(range(24)))])
    assert not wide.narrow and narrow.narrow and narrow.width <= 390
    assert len(narrow.x_labels) <= 5 < len(wide.x_labels) <= 12
