"""GET /api/v1/activities (and /api/v1/missions, the contract's name for the same list): assistance activities
of every kind, through the activities service."""
from flask import jsonify
from flask_login import current_user

from forms.activity import ActivityFilterForm
from models import Activity

from ..formatting import iso
from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import activities as activity_service
from . import bp
from .common import ApiError, documented, list_args, page_schema

_ACTIVITY = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "status": {"type": "string"}, "title": {"type": "string"},
    "source": {"type": "string", "nullable": True},
    "start_date": {"type": "string", "format": "date", "nullable": True},
    "end_date": {"type": "string", "format": "date", "nullable": True},
    "visits": {"type": "array", "items": {"type": "object", "properties": {
        "city": {"type": "string", "nullable": True}, "country": {"type": "string"},
        "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
        "date_precision": {"type": "string"}}}},
    "states": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "role": {"type": "string"}}}},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "other_instruments": {"type": "array", "items": {"type": "string"}},
    "partners": {"type": "array", "items": {"type": "object", "properties": {
        "organization": {"type": "string"}, "role": {"type": "string"}}}},
    "experts": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}}}},
    "requests": {"type": "array", "items": {"type": "integer"}, "description": "The requests it answers."},
    "topics": {"type": "array", "items": {"type": "string"}},
    "outcome": {"type": "string", "nullable": True}}}


def activity_json(a: Activity) -> dict:
    return {"id": a.id, "kind": a.kind, "status": a.status, "title": a.title, "source": a.source,
            "start_date": iso(a.start_date), "end_date": iso(a.end_date),
            "visits": [{"city": v.city, "country": v.country.code, "start_date": v.start_date.isoformat(),
                        "end_date": v.end_date.isoformat(), "date_precision": v.date_precision} for v in a.visits],
            "states": [{"code": s.state.code, "role": s.role} for s in a.states],
            "instruments": [i.code for i in a.instruments],
            "other_instruments": [o.name for o in a.other_instruments],
            "partners": [{"organization": p.organization.name, "role": p.role} for p in a.partners],
            "experts": [{"id": d.expert_id, "name": d.expert.name, "role": d.role} for d in a.deployments],
            "requests": sorted(r.id for r in a.requests), "topics": list(a.topics or []), "outcome": a.outcome}


@bp.get("/activities")
@bp.get("/missions", endpoint="missions_list")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("Assistance activities of every kind (missions, seminars, meetings, written analyses) the caller may "
            "see; /missions is the same list.", args=ActivityFilterForm,
            response=page_schema(_ACTIVITY))
def activities_list():
    filters, paging = list_args(ActivityFilterForm)
    page = activity_service.list_page(for_user(current_user), activity_service.ActivityFilters(**filters), paging)
    return jsonify(page.envelope(activity_json))


@bp.get("/activities/<int:activity_id>")
@bp.get("/missions/<int:activity_id>", endpoint="missions_item")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("One assistance activity.", response=_ACTIVITY)
def activities_item(activity_id: int):
    found = activity_service.get(for_user(current_user), activity_id)
    if found is None:
        raise ApiError(404, "There is no such activity, or you may not see it.")
    return jsonify(activity_json(found))
