"""Forms of the forecast pages: the date a forecast is made as at (and the window of the recent rate shown beside
it), and the backtest's instrument."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from forms.base import FilterForm
from forms.filters import instrument_filter
from forms.treaties.record import AsOfForm

#: app.rules.forecast.WINDOW_DAYS (forms do not import the app; a test keeps the two equal).
WINDOW_DAYS = 182


def window_field() -> IntegerField:
    return IntegerField(_l("Rate window (days)"), validators=[Optional(), NumberRange(30, 1830)],
                        description=_l("The trailing window of the recent deposit rate shown beside the forecast (30 "
                                       "to 1830 days; empty for %(days)s). The forecast itself uses the model and "
                                       "window the backtest chose.", days=WINDOW_DAYS))


class ForecastForm(AsOfForm):
    """An instrument's forecast: the date it is made as at (only deposits on or before it count) and the window."""
    window_days = window_field()


class BacktestForm(FilterForm):
    """The backtest: which instrument (all when empty). The backtest itself is fixed: every 30 days from each
    instrument's 5th counted deposit, computed once per state of the record."""
    instrument = instrument_filter()
