"""GET /api/v1/instruments and /api/v1/instruments/<code>/parties (CONTRACT.md), computed as at any date.

The figures come from every recorded action (they are facts of the treaty, the same for every caller);
donor scoping decides which instruments a donor may ask about and which States its party lists show.
"""
from datetime import date

from flask import jsonify
from flask_login import current_user

from models import db

from ..permissions import Permission, permission_required
from ..scoping import is_donor, state_ids
from ..services import treaties
from ..services.treaty_reports import parties
from . import bp
from .common import ApiError, documented, param, query_date

_AS_OF = param("as_of", "Count actions deposited on or before this date (default: today).", fmt="date")
_INSTRUMENT = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "signatories": {"type": "integer"},
    "parties": {"type": "integer", "description": "Including regional economic integration organizations."},
    "parties_counted": {"type": "integer", "description": "Counted toward the threshold (without them)."},
    "fortieth_deposit": {"type": "object", "nullable": True, "properties": {
        "participant": {"type": "string"}, "date": {"type": "string", "format": "date"}}},
    "entry_into_force": {"type": "string", "format": "date", "nullable": True}}}
_PARTY = {"type": "object", "properties": {
    "participant": {"type": "string", "description": "The State's code (ISO 3166-1 alpha-3; EUU)."},
    "name": {"type": "string", "description": "The name in force on as_of."},
    "action": {"type": "string", "enum": ["ratification", "acceptance", "approval", "accession", "succession"]},
    "date": {"type": "string", "format": "date"},
    "in_force_date": {"type": "string", "format": "date", "nullable": True}}}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _instrument_json(instrument, status) -> dict:
    threshold = status.threshold_deposit
    return {
        "code": instrument.code,
        "name": instrument.title,
        "signatories": len(status.signatories),
        "parties": len(status.parties),
        "parties_counted": status.parties_counted,
        "fortieth_deposit": {"participant": threshold.participant, "date": threshold.date.isoformat()}
        if threshold else None,
        "entry_into_force": _iso(status.entry_into_force),
    }


@bp.get("/instruments")
@permission_required(Permission.VIEW_TREATIES)
@documented("The Convention and its Protocols with their status as at a date.", [_AS_OF],
            {"type": "object", "properties": {"items": {"type": "array", "items": _INSTRUMENT}}})
def instruments():
    """The instruments with signatories, parties, the 40th deposit and entry into force as at `as_of`."""
    as_of = query_date("as_of", date.today())
    listed = treaties.visible_instruments(current_user)
    statuses = treaties.statuses(listed, as_of)
    return jsonify({"as_of": as_of.isoformat(),
                    "items": [_instrument_json(i, statuses[i.code]) for i in listed]})


@bp.get("/instruments/<code>/parties")
@permission_required(Permission.VIEW_TREATIES)
@documented("Every party to one instrument as at a date, ordered by date (the whole list, not paginated).",
            [_AS_OF], {"type": "object", "properties": {"items": {"type": "array", "items": _PARTY}}})
def instrument_parties(code):
    """The parties of one instrument as at `as_of`, with the date the instrument is in force for each."""
    as_of = query_date("as_of", date.today())
    instrument = treaties.get_instrument(code, current_user)
    if instrument is None:
        raise ApiError(404, f"No instrument {code!r}.", code="not_found")
    status = treaties.instrument_status(instrument, as_of)
    states = treaties.participants(p.participant for p in status.parties)
    rows = parties(status, states, as_of)
    if is_donor(current_user):
        visible = set(db.session.scalars(state_ids(current_user)))
        rows = [r for r in rows if r["state"].id in visible]
    return jsonify({"code": instrument.code, "as_of": as_of.isoformat(), "total": len(rows),
                    "items": [{"participant": r["participant"], "name": r["name"], "action": r["action"],
                               "date": r["date"].isoformat(), "in_force_date": _iso(r["in_force_date"])}
                              for r in rows]})
