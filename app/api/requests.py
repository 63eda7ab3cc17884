"""GET /api/v1/requests, /api/v1/requests/<id> and /api/v1/queue: requests for assistance and the managers' queue,
through the same services and filter forms as the pages."""
from datetime import date

from flask import jsonify
from flask_login import current_user

from forms.request import QueueFilterForm, RequestFilterForm
from models import AssistanceRequest
from models.enums import AgeBucket

from ..formatting import iso
from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import queue as queue_service
from ..services import requests as request_service
from ..views.requests import prepare_filters
from . import bp
from .common import ApiError, documented, list_args, page_schema

_DATE = {"type": "string", "format": "date", "nullable": True}
_REQUEST = {"type": "object", "properties": {
    "id": {"type": "integer"}, "state": {"type": "string"}, "state_name": {"type": "string"},
    "kind": {"type": "string"}, "subject": {"type": "string"}, "subject_inferred": {"type": "boolean"},
    "status": {"type": "string"}, "priority": {"type": "string"}, "received_date": _DATE, "due_date": _DATE,
    "overdue": {"type": "boolean"}, "age_bucket": {"type": "string", "enum": [b.value for b in AgeBucket]},
    "channel": {"type": "string", "nullable": True}, "requesting_authority": {"type": "string", "nullable": True},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "decision": {"type": "string", "nullable": True}, "decision_reason": {"type": "string", "nullable": True},
    "assigned_officer": {"type": "string", "nullable": True},
    "assigned_officer_id": {"type": "integer", "nullable": True},
    "activities": {"type": "array", "items": {"type": "integer"}}, "first_response_date": _DATE,
    "days_to_first_response": {"type": "integer", "nullable": True},
    "version": {"type": "integer"}, "source": {"type": "string", "nullable": True}}}

_FIGURES = {"type": "object", "required": ["as_of", "total", "overdue", "buckets"], "properties": {
    "as_of": {"type": "string", "format": "date"}, "total": {"type": "integer"}, "overdue": {"type": "integer"},
    "buckets": {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string", "enum": [b.value for b in AgeBucket]}, "label": {"type": "string"},
        "count": {"type": "integer"}}}}}}


def request_json(r: AssistanceRequest, today: date | None = None) -> dict:
    today = today or date.today()
    return {"id": r.id, "state": r.state.code, "state_name": r.state.name, "kind": r.kind, "subject": r.subject,
            "subject_inferred": r.is_subject_inferred, "status": r.status, "priority": r.priority,
            "received_date": iso(r.received_date), "due_date": iso(r.due_date), "overdue": r.is_overdue(today),
            "age_bucket": request_service.bucket_of(r, today).value,
            "channel": r.channel, "requesting_authority": r.requesting_authority,
            "instruments": [i.code for i in r.instruments], "decision": r.decision,
            "decision_reason": r.decision_reason,
            "assigned_officer": r.assigned_officer.email if r.assigned_officer else None,
            "assigned_officer_id": r.assigned_officer_id,
            "activities": [a.id for a in r.activities], "first_response_date": iso(r.first_response_date),
            "days_to_first_response": r.days_to_first_response, "version": r.version, "source": r.source}


@bp.get("/requests")
@permission_required(Permission.VIEW_REQUESTS)
@documented("Requests for assistance, filterable as the request list is.", args=RequestFilterForm,
            response=page_schema(_REQUEST))
def requests_list():
    filters, paging = list_args(RequestFilterForm, prepare_filters)
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


@bp.get("/queue")
@permission_required(Permission.DECIDE_REQUESTS)
@documented("The managers' queue: requests awaiting a decision (pending, under review), urgent and oldest first, "
            "with the counts of its ageing buckets (0–30, 31–90, over 90 days since receipt, date not recorded) "
            "and of overdue requests, as at today, within the filters other than `age`.", args=QueueFilterForm,
            response={"allOf": [page_schema(_REQUEST), {"type": "object", "properties": {"figures": _FIGURES}}]})
def queue():
    filters, paging = list_args(QueueFilterForm, prepare_filters)
    scope, filters = for_user(current_user), queue_service.QueueFilters(**filters)
    page = queue_service.list_page(scope, filters, paging)
    figures = queue_service.figures(scope, filters)
    return jsonify(dict(page.envelope(request_json), figures=figures.as_json()))
