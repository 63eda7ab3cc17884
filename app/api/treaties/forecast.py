"""GET /api/v1/instruments/<code>/forecast: the projected entry into force as at a date, from earlier deposits only."""
from flask import jsonify
from flask_login import current_user

from app.api import bp
from app.api.common import ApiError, as_of_param, documented, validated_args
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.rules.forecast import WINDOW_DAYS
from app.scoping import for_user
from app.services.treaties import forecast, treaty_record
from forms.treaties.forecast import ForecastForm

_DATE = {"type": "string", "format": "date", "nullable": True}
_CANDIDATE = {"type": "object", "properties": {
    "participant": {"type": "string"}, "name": {"type": "string", "description": "The name in force on as_of."},
    "signed": _DATE, "convention_party": {**_DATE, "description": "Protocols: party to the Convention since."},
    "activities": {"type": "integer"}, "first_activity": _DATE, "requests": {"type": "integer"},
    "draft_law": {"type": "array", "items": {"type": "string"}}, "score": {"type": "integer"}}}
_FORECAST = {"type": "object", "properties": {
    "code": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
    "threshold": {"type": "integer"}, "parties_counted": {"type": "integer"},
    "deposits_needed": {"type": "integer"},
    "reached": {"type": "boolean", "description": "The threshold deposit is made: the dates are the known ones."},
    "window": {"type": "object", "properties": {"days": {"type": "integer"}, "start": _DATE,
                                               "deposits": {"type": "integer"}}},
    "rate_per_year": {"type": "number", "nullable": True},
    "projected_threshold_date": _DATE, "projected_entry_into_force": _DATE,
    "range": {"type": "object", "description": "The 10th to 90th percentile of the entry into force.",
              "properties": {"low": _DATE, "high": _DATE}},
    "note": {"type": "string"},
    "most_advanced": {"type": "array", "items": _CANDIDATE},
    "record_complete_to": _DATE}}


@bp.get("/instruments/<code>/forecast")
@permission_required(Permission.VIEW_TREATIES)
@documented("The projected entry into force of one instrument as at a date, from the deposits on or before it only, "
            "with a range and the States most advanced.", response=_FORECAST, args=ForecastForm)
def instrument_forecast(code):
    """The forecast of one instrument as at `as_of`."""
    as_of = as_of_param()
    form = validated_args(ForecastForm)
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope)
    if instrument is None:
        raise ApiError(404, f"No instrument {code[:20]!r}.", code="not_found")
    result = forecast.instrument_forecast(instrument, as_of, scope, window_days=form.window_days.data or WINDOW_DAYS)
    f = result.forecast
    return jsonify({
        "code": instrument.code, "as_of": as_of.isoformat(), "threshold": f.threshold,
        "parties_counted": f.counted, "deposits_needed": f.needed, "reached": f.reached,
        "window": {"days": f.window_days, "start": iso(f.window_start), "deposits": f.window_deposits},
        "rate_per_year": f.rate_per_year, "projected_threshold_date": iso(f.projected_threshold_date),
        "projected_entry_into_force": iso(f.projected_eif),
        "range": {"low": iso(f.eif_low), "high": iso(f.eif_high)}, "note": f.note,
        "most_advanced": [{"participant": c.state.code, "name": c.state.name_on(as_of), "signed": iso(c.signed),
                           "convention_party": iso(c.convention_party), "activities": c.activities,
                           "first_activity": iso(c.first_activity), "requests": c.requests,
                           "draft_law": c.drafting, "score": c.score} for c in result.candidates],
        "record_complete_to": iso(instrument.record_complete_to),
    })
