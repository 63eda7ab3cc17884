"""GET /api/v1/instruments/<code>/forecast: the projected entry into force as at a date, from what was known by then
only, with the model the backtest chose and its calibrated intervals; GET /api/v1/forecast/backtest: the backtest."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import ApiError, as_of_param, documented, validated_args
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.rules import diffusion
from app.rules import forecast_backtest as backtesting
from app.rules.forecast import WINDOW_DAYS
from app.scoping import for_user
from app.services.treaties import forecast, treaty_record
from forms.treaties.forecast import ForecastForm

_DATE = {"type": "string", "format": "date", "nullable": True}
_SHARE = {"type": "number", "nullable": True}
_INTERVAL = {"type": "object", "properties": {
    "low": _DATE, "high": {**_DATE, "description": "null: past the calendar, or no interval."},
    "calibrated_on": {"type": "string", "enum": ["model", "pooled", "none"],
                      "description": "model: the model's own backtest errors known by as_of; pooled: every model's "
                                     "(too few of its own); none: too few errors known by as_of, no interval."},
    "errors": {"type": "integer", "description": "How many backtest errors calibrated it."}}}
_INTERVALS = {"type": "object", "description": "The 50% and 80% intervals of the entry into force.",
              "properties": {"50": _INTERVAL, "80": _INTERVAL}}
_MODEL = {"type": "object", "properties": {
    "key": {"type": "string", "enum": list(diffusion.MODELS)}, "label": {"type": "string"},
    "projected_entry_into_force": _DATE, "intervals": _INTERVALS,
    "score": {**_SHARE, "description": "Mean absolute log error over the backtest errors known by as_of."},
    "errors": {"type": "integer"}}}
_CANDIDATE = {"type": "object", "properties": {
    "participant": {"type": "string"}, "name": {"type": "string", "description": "The name in force on as_of."},
    "signed": _DATE, "convention_party": {**_DATE, "description": "Protocols: party to the Convention since."},
    "activities": {"type": "integer"}, "first_activity": _DATE, "requests": {"type": "integer"},
    "draft_law": {"type": "array", "items": {"type": "string"}}, "score": {"type": "integer"}}}
_HAD = {"type": "object", "properties": {
    "as_of": {"type": "string", "format": "date"}, "model": {"type": "string", "nullable": True},
    "projected_entry_into_force": _DATE, "intervals": _INTERVALS,
    "models": {"type": "object", "additionalProperties": _DATE}}}
_FORECAST = {"type": "object", "properties": {
    "code": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
    "threshold": {"type": "integer"}, "parties_counted": {"type": "integer"},
    "deposits_needed": {"type": "integer"},
    "reached": {"type": "boolean", "description": "The threshold deposit is made: the dates are the known ones."},
    "model": {"type": "string", "nullable": True, "description": "The model the backtest chose as at as_of."},
    "model_label": {"type": "string", "nullable": True},
    "projected_threshold_date": _DATE, "projected_entry_into_force": _DATE,
    "intervals": _INTERVALS,
    "range": {"type": "object", "description": "The 80% interval (as in intervals).",
              "properties": {"low": _DATE, "high": _DATE}},
    "models": {"type": "array", "items": _MODEL, "description": "What each model forecasts as at as_of."},
    "backtest_coverage": {"type": "object", "description": "How often the intervals held over the whole backtest.",
                          "properties": {"50": _SHARE, "80": _SHARE}},
    "entry_into_force": {**_DATE, "description": "The real date, once the record fixes it."},
    "had_forecast": {"type": "array", "items": _HAD,
                     "description": "Once in force: what the forecast and each model had said at past dates."},
    "window": {"type": "object", "properties": {"days": {"type": "integer"}, "start": _DATE,
                                               "deposits": {"type": "integer"}}},
    "rate_per_year": {"type": "number", "nullable": True},
    "note": {"type": "string"},
    "most_advanced": {"type": "array", "items": _CANDIDATE},
    "record_complete_to": _DATE}}


def intervals_json(spans) -> dict:
    return {str(i.level): {"low": iso(i.low), "high": iso(i.high), "calibrated_on": i.source, "errors": i.errors}
            for i in spans}


def _had_forecast(result) -> list[dict]:
    if result is None:
        return []
    return [{"as_of": r.as_of.isoformat(), "model": r.projection.model,
             "projected_entry_into_force": iso(r.projection.projected_eif),
             "intervals": intervals_json(r.projection.intervals),
             "models": {m.key: iso(m.projected_eif) for m in r.projection.models}}
            for r in backtesting.milestones(result)]


@bp.get("/instruments/<code>/forecast")
@permission_required(Permission.VIEW_TREATIES)
@documented("The projected entry into force of one instrument as at a date, from what was known by then only: the "
            "model the backtest chose, its 50% and 80% intervals, what each model forecasts, the recent rate and the "
            "States most advanced.", response=_FORECAST, args=ForecastForm)
def instrument_forecast(code):
    """The forecast of one instrument as at `as_of`."""
    as_of = as_of_param()
    form = validated_args(ForecastForm)
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope)
    if instrument is None:
        raise ApiError(404, _("No instrument %(code)s.", code=repr(code[:20])), code="not_found")
    result = forecast.instrument_forecast(instrument, as_of, scope, window_days=form.window_days.data or WINDOW_DAYS)
    f, p = result.forecast, result.projection
    eighty = p.interval(80)
    return jsonify({
        "code": instrument.code, "as_of": as_of.isoformat(), "threshold": p.threshold,
        "parties_counted": f.counted, "deposits_needed": f.needed, "reached": f.reached,
        "model": p.model, "model_label": forecast.model_label(p.model) if p.model else None,
        "projected_threshold_date": iso(p.projected_threshold_date),
        "projected_entry_into_force": iso(p.projected_eif), "intervals": intervals_json(p.intervals),
        "range": {"low": iso(eighty.low), "high": iso(eighty.high)},
        "models": [{"key": m.key, "label": forecast.model_label(m.key),
                    "projected_entry_into_force": iso(m.projected_eif),
                    "intervals": intervals_json(m.intervals), "errors": m.errors,
                    "score": round(m.score, 4) if m.score != float("inf") else None} for m in p.models],
        "backtest_coverage": {str(k): v for k, v in result.overall.coverage.items()},
        "entry_into_force": iso(p.projected_eif) if p.reached and not p.model else None,
        "had_forecast": _had_forecast(result.backtest) if f.reached else [],
        "window": {"days": f.window_days, "start": iso(f.window_start), "deposits": f.window_deposits},
        "rate_per_year": f.rate_per_year, "note": " ".join(n for n in (result.date_note, p.note) if n),
        "most_advanced": [{"participant": c.state.code, "name": c.state.name_on(as_of), "signed": iso(c.signed),
                           "convention_party": iso(c.convention_party), "activities": c.activities,
                           "first_activity": iso(c.first_activity), "requests": c.requests,
                           "draft_law": c.drafting, "score": c.score} for c in result.candidates],
        "record_complete_to": iso(instrument.record_complete_to),
    })
