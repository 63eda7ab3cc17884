"""GET /api/v1/forecast/backtest: the entry-into-force forecast replayed on the real record, as kept for the
record's stamp (never recomputed per call): errors per instrument, model and horizon, interval coverage, the model
chosen at each date."""
from flask import jsonify
from flask_login import current_user

from app.api import bp
from app.api.common import documented, validated_args
from app.api.treaties.forecast import intervals_json
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.rules import diffusion
from app.rules import forecast_backtest as backtesting
from app.rules import forecast_choice as choice
from app.scoping import for_user
from app.services.treaties import forecast_store, treaty_record
from forms.treaties.forecast import BacktestForm

_N = {"type": "number", "nullable": True}
_FIGURES = {"type": "object", "properties": {
    "count": {"type": "integer"}, "mean_absolute_error_days": _N, "median_absolute_error_days": _N,
    "coverage": {"type": "object", "properties": {"50": _N, "80": _N}},
    "by_horizon": {"type": "object", "additionalProperties": {"type": "object"},
                   "description": "Per horizon; not given for the figures over forecasts with known dates."}},
    "required": ["count", "mean_absolute_error_days", "median_absolute_error_days", "coverage"]}
_ROW = {"type": "object", "properties": {
    "as_of": {"type": "string", "format": "date"}, "parties_counted": {"type": "integer"},
    "days_before": {"type": "integer"}, "model": {"type": "string", "nullable": True},
    "projected_entry_into_force": {"type": "string", "format": "date", "nullable": True},
    "intervals": {"type": "object"}, "error_days": {"type": "integer", "nullable": True},
    "held": {"type": "object", "properties": {"50": {"type": "boolean", "nullable": True},
                                              "80": {"type": "boolean", "nullable": True}}},
    "models": {"type": "object", "additionalProperties": {"type": "object"}}}}
_BACKTEST = {"type": "object", "properties": {
    "record_complete_to": {"type": "string", "format": "date"},
    "origins": {"type": "string"}, "horizons": {"type": "object", "additionalProperties": {"type": "string"}},
    "models": {"type": "object", "additionalProperties": {"type": "string"}},
    "overall": {"type": "object", "additionalProperties": _FIGURES,
                "description": "Per model (and 'chosen': the model chosen at each date), over every instrument."},
    "overall_with_known_dates": _FIGURES,
    "instruments": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "threshold_date": {"type": "string", "format": "date", "nullable": True},
        "real_entry_into_force": {"type": "string", "format": "date", "nullable": True},
        "chosen": {"type": "object", "additionalProperties": {"type": "integer"}},
        "figures": {"type": "object", "additionalProperties": _FIGURES},
        "forecasts": {"type": "array", "items": _ROW}}}}}}


def figures_json(figures: backtesting.Figures) -> dict:
    return {"count": figures.count, "mean_absolute_error_days": figures.mean_absolute_error,
            "median_absolute_error_days": figures.median_absolute_error,
            "coverage": {str(k): v for k, v in figures.coverage.items()}}


def _figures(source, key: str) -> dict:
    out = figures_json(source.figures(key))
    out["by_horizon"] = {h: figures_json(source.figures(key, h)) for h, *_rest in backtesting.HORIZONS}
    return out


def _row(r: backtesting.Row) -> dict:
    p = r.projection
    return {"as_of": r.as_of.isoformat(), "parties_counted": p.counted, "days_before": r.days_before,
            "model": p.model, "projected_entry_into_force": iso(p.projected_eif),
            "intervals": intervals_json(p.intervals), "error_days": r.error(),
            "held": {str(level): r.holds(level) for level in choice.LEVELS},
            "models": {m.key: {"projected_entry_into_force": iso(m.projected_eif), "error_days": r.error(m.key)}
                       for m in p.models}}


@bp.get("/forecast/backtest")
@permission_required(Permission.VIEW_TREATY_REPORTS)
@documented("The entry-into-force forecast replayed every 30 days from each instrument's 5th counted deposit to its "
            "40th, from what was known on each date only, against the real date: mean and median absolute error "
            "per instrument, model and horizon, how often the 50% and 80% intervals held, the model chosen.",
            response=_BACKTEST, args=BacktestForm)
def forecast_backtest():
    """The backtest as kept for the record's stamp."""
    form = validated_args(BacktestForm)
    result, complete_to = forecast_store.backtest()
    visible = {i.code for i in treaty_record.visible_instruments(for_user(current_user))}
    wanted = [i for i in result.instruments if i.code in visible and form.instrument.data in (None, "", i.code)]
    return jsonify({
        "record_complete_to": complete_to.isoformat(),
        "origins": f"every {choice.STEP_DAYS} days from the {backtesting.FIRST_DEPOSIT}th counted deposit to the "
                   "day before the 40th; each forecast from what was known on its date only",
        "horizons": {key: label for key, label, *_rest in backtesting.HORIZONS},
        "models": {backtesting.CHOSEN: "the model chosen at each date", **{k: m.label for k, m in
                                                                            diffusion.MODELS.items()}},
        "overall": {key: _figures(result, key) for key in result.keys},
        "overall_with_known_dates": figures_json(result.with_known()),
        "instruments": [{"code": i.code, "threshold_date": iso(i.threshold_date),
                         "real_entry_into_force": iso(i.real_eif), "chosen": dict(i.chosen),
                         "figures": {key: _figures(i, key) for key in result.keys},
                         "forecasts": [_row(r) for r in i.rows]} for i in wanted],
    })
