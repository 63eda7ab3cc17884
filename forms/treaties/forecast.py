"""Forms of the forecast pages: the date a forecast is made as at, and the backtest's step and window."""
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional, Regexp

from forms.base import strip
from forms.filters import instrument_filter
from forms.treaties.record import AsOfForm

#: app.rules.forecast.WINDOW_DAYS (forms do not import the app; a test keeps the two equal).
WINDOW_DAYS = 182


def window_field() -> IntegerField:
    return IntegerField("Window (days)", validators=[Optional(), NumberRange(30, 1830)],
                        description=f"The trailing window the deposit rate is measured over (30 to 1830 days; "
                                    f"empty for {WINDOW_DAYS}).")


class ForecastForm(AsOfForm):
    """An instrument's forecast: the date it is made as at (only deposits on or before it count) and the window."""
    window_days = window_field()


class BacktestForm(ForecastForm):
    """The backtest: which instrument (all when empty), how often, over which window."""
    instrument = instrument_filter()
    every = StringField("Every", filters=[strip], validators=[Optional(), Regexp(
        r"^\d{1,4}[mwd]$", message="A step like 3m (months), 2w (weeks) or 45d (days).")],
        description="How often to forecast: 3m, 2w, 45d… (empty for 3m).")
