"""The entry-into-force forecast of one instrument as at a date, and its backtest on the real record."""
from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.permissions import Permission, permission_required
from app.rules import forecast_backtest as backtesting
from app.rules.forecast import WINDOW_DAYS
from app.scoping import for_user
from app.services.treaties import forecast, forecast_store, treaty_record
from app.views.charts import fan_chart, forecast_chart
from app.views.helpers import list_filters
from forms.treaties.forecast import BacktestForm, ForecastForm

bp = Blueprint("forecast", __name__)


@bp.get("/instruments/<code>/forecast")
@permission_required(Permission.VIEW_TREATIES)
def instrument(code):
    """The projected entry into force with its calibrated intervals, the model chosen and what each model says, the
    recent rate and the States most advanced, from what was known on `as_of` only."""
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope) or abort(404)
    form, filters, _paging = list_filters(ForecastForm)
    if filters is None:
        return render_template("treaties/forecast/instrument.html", instrument=instrument, form=form, result=None), 400
    as_of = filters["as_of"] or date.today()
    result = forecast.instrument_forecast(instrument, as_of, scope, window_days=filters["window_days"] or WINDOW_DAYS)
    p = result.projection
    charts = [forecast_chart(result.points, p, instrument.adopted_date),
              forecast_chart(result.points, p, instrument.adopted_date, width=360, height=220)]
    milestones = backtesting.milestones(result.backtest) if p.reached and result.backtest else []
    return render_template("treaties/forecast/instrument.html", instrument=instrument, form=form, as_of=as_of,
                           result=result, f=result.forecast, p=p, narrowed=scope.is_donor, charts=charts,
                           milestones=milestones, labels=forecast.model_labels(), levels=(50, 80))


@bp.get("/forecast/backtest")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def backtest():
    """The forecast replayed on the real record as kept for its stamp: errors per instrument, model and horizon,
    interval coverage, the model chosen, and each instrument's fan against the real date."""
    form, filters, _paging = list_filters(BacktestForm)
    if filters is None:
        return render_template("treaties/forecast/backtest.html", form=form, result=None), 400
    result, complete_to = forecast_store.backtest()
    visible = {i.code for i in treaty_record.visible_instruments(for_user(current_user))}
    shown = [i for i in result.instruments if i.code in visible and filters["instrument"] in (None, "", i.code)]
    fans = {i.code: [fan_chart(i.code, i.rows, i.real_eif), fan_chart(i.code, i.rows, i.real_eif, 360, 240)]
            for i in shown if i.rows}
    return render_template("treaties/forecast/backtest.html", form=form, result=result, shown=shown, fans=fans,
                           complete_to=complete_to, models=forecast.model_labels(), horizons=backtesting.HORIZONS,
                           chosen=backtesting.CHOSEN, first_deposit=backtesting.FIRST_DEPOSIT, levels=(50, 80))
