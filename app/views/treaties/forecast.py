"""The entry-into-force forecast of one instrument as at a date, and its backtest on the real record."""
from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.permissions import Permission, permission_required
from app.rules.forecast import WINDOW_DAYS
from app.scoping import for_user
from app.services.treaties import forecast, treaty_record
from app.views.charts import forecast_chart
from app.views.helpers import list_filters
from forms.treaties.forecast import BacktestForm, ForecastForm

bp = Blueprint("forecast", __name__)

#: The shortest step the backtest page runs (about 500 forecasts over the four instruments).
MIN_PAGE_STEP_DAYS = 7


@bp.get("/instruments/<code>/forecast")
@permission_required(Permission.VIEW_TREATIES)
def instrument(code):
    """Deposits still needed, the States most advanced, and the projected entry into force with its range, from
    the deposits on or before `as_of` only."""
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope) or abort(404)
    form, filters, _paging = list_filters(ForecastForm)
    if filters is None:
        return render_template("treaties/forecast/instrument.html", instrument=instrument, form=form, result=None), 400
    as_of = filters["as_of"] or date.today()
    result = forecast.instrument_forecast(instrument, as_of, scope, window_days=filters["window_days"] or WINDOW_DAYS)
    charts = [forecast_chart(result.points, result.forecast, instrument.adopted_date),
              forecast_chart(result.points, result.forecast, instrument.adopted_date, width=360, height=220)]
    return render_template("treaties/forecast/instrument.html", instrument=instrument, form=form, as_of=as_of,
                           result=result,
                           f=result.forecast, narrowed=scope.is_donor, charts=charts)


@bp.get("/forecast/backtest")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def backtest():
    """The forecast made as at a series of past dates, against each instrument's real entry into force."""
    form, filters, _paging = list_filters(BacktestForm)
    if filters is None:
        return render_template("treaties/forecast/backtest.html", form=form, result=None), 400
    every = filters["every"] or "3m"
    try:
        months, days = forecast.parse_every(every)
    except ValueError as exc:
        form.every.errors = [str(exc)]
        return render_template("treaties/forecast/backtest.html", form=form, result=None), 400
    if days is not None and days < MIN_PAGE_STEP_DAYS:
        # Thousands of forecasts a request: the command line takes any step, the page a week at least.
        form.every.errors = [f"On this page the step is a week at least (1w); `flask treaties backtest --every "
                             f"{every}` takes any step."]
        return render_template("treaties/forecast/backtest.html", form=form, result=None), 400
    instruments = treaty_record.visible_instruments(for_user(current_user))
    if filters["instrument"]:
        instruments = [i for i in instruments if i.code == filters["instrument"]]
    result = forecast.backtest(instruments, every, filters["window_days"] or WINDOW_DAYS)
    return render_template("treaties/forecast/backtest.html", form=form, result=result)
