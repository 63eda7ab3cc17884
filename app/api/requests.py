"""GET /api/v1/requests and /api/v1/requests/<id>: requests for assistance, through the requests service."""
from flask import jsonify
from flask_login import current_user

from forms.request import RequestFilterForm
from models import AssistanceRequest

from ..formatting import iso
from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import requests as request_service
from . import bp
from .common import ApiError, documented, list_args, page_schema

_REQUEST = {"type": "object", "properties": {
    "id": {"type": "integer"}, "state": {"type": "string"}, "state_name": {"type": "string"},
    "kind": {"type": "string"}, "subject": {"type": "string"}, "status": {"type": "string"},
    "priority": {"type": "string"}, "received_date": {"type": "string", "format": "date", "nullable": True},
    "due_date": {"type": "string", "format": "date", "nullable": True},
    "channel": {"type": "string", "nullable": True}, "requesting_authority": {"type": "string", "nullable": True},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "decision": {"type": "string", "nullable": True}, "decision_reason": {"type": "string", "nullable": True},
    "assigned_officer": {"type": "string", "nullable": True},
    "activities": {"type": "array", "items": {"type": "integer"}}, "source": {"type": "string", "nullable": True}}}


def request_json(r: AssistanceRequest) -> dict:
    return {"id": r.id, "state": r.state.code, "state_name": r.state.name, "kind": r.kind, "subject": r.subject,
            "status": r.status, "priority": r.priority, "received_date": iso(r.received_date),
            "due_date": iso(r.due_date), "channel": r.channel, "requesting_authority": r.requesting_authority,
            "instruments": [i.code for i in r.instruments], "decision": r.decision,
            "decision_reason": r.decision_reason,
            "assigned_officer": r.assigned_officer.email if r.assigned_officer else None,
            "activities": [a.id for a in r.activities], "source": r.source}


@bp.get("/requests")
@permission_required(Permission.VIEW_REQUESTS)
@documented("Requests for assistance, filterable as the request list is.", args=RequestFilterForm,
            response=page_schema(_REQUEST))
def requests_list():
    filters, paging = list_args(RequestFilterForm)
    page = request_service.list_page(for_user(current_user), request_service.RequestFilters(**filters), paging)
    return jsonify(page.envelope(request_json))


@bp.get("/requests/<int:request_id>")
@permission_required(Permission.VIEW_REQUESTS)
@documented("One request.", response=_REQUEST)
def requests_item(request_id: int):
    found = request_service.get(for_user(current_user), request_id)
    if found is None:
        raise ApiError(404, "There is no such request, or you may not see it.")
    return jsonify(request_json(found))
