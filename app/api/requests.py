"""GET /api/v1/requests, /api/v1/requests/<id> and /api/v1/queue: requests for assistance and the managers' queue,
through the same services and filter forms as the pages."""
from datetime import date

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404, list_args, page_schema
from app.api.writes import created, edited_form, if_match, item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.requests import queue as queue_service
from app.services.requests import request_reads, request_writes
from forms.requests import AssignForm, MoveForm, QueueFilterForm, RequestFilterForm, RequestForm
from models import AssistanceRequest, db
from models.enums import AgeBucket

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
            "age_bucket": request_reads.bucket_of(r, today).value,
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
    filters, paging = list_args(RequestFilterForm)
    page = request_reads.list_page(for_user(current_user), request_reads.RequestFilters(**filters), paging)
    return jsonify(page.envelope(request_json))


def _get(request_id: int) -> AssistanceRequest:
    return get_or_404(request_reads.get, request_id, "request")


@bp.get("/requests/<int:request_id>")
@permission_required(Permission.VIEW_REQUESTS)
@documented("One request; its ETag is its version (send it back in If-Match to change it).", response=_REQUEST)
def requests_item(request_id: int):
    found = _get(request_id)
    return item_response(request_json(found), found.version)


# ------------------------------------------------------------------ writes: the intake form's rules, audited
def _form_data(r: AssistanceRequest) -> dict:
    """The request as its edit form holds it (what a PATCH starts from)."""
    return {"state": r.state.code, "instruments": [i.code for i in r.instruments], "kind": r.kind,
            "received_date": r.received_date, "channel": r.channel, "requesting_authority": r.requesting_authority,
            "subject": r.subject, "description": r.description, "priority": r.priority, "due_date": r.due_date}


def _current(request_id: int):
    return lambda: (lambda r: (request_json(r), r.version))(_get(request_id))


@bp.post("/requests")
@permission_required(Permission.EDIT_REQUESTS)
@documented("Log a request (pending), with the intake form's fields and rules.", body=RequestForm,
            prepare=form_choices.request_form, response=_REQUEST, status=201)
def requests_create():
    form = validated_form(RequestForm, json_body(), form_choices.request_form)
    try:
        record = request_writes.create(for_user(current_user), form.values(), current_user)
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return created(request_json(record), record.version, "api.requests_item", request_id=record.id)


@bp.route("/requests/<int:request_id>", methods=["PUT", "PATCH"])
@permission_required(Permission.EDIT_REQUESTS)
@documented("Edit a request: PUT gives every field, PATCH only those it changes. If-Match is required.",
            body=RequestForm, prepare=form_choices.request_form, response=_REQUEST, if_match=True)
def requests_update(request_id: int):
    record = _get(request_id)
    version = if_match(record.version)
    try:
        versions.check(record, version, _("Request #%(id)s", id=record.id))
        form = edited_form(RequestForm, _form_data(record), form_choices.request_form)
        request_writes.update(for_user(current_user), record, form.values(), current_user, version)
    except Refused as exc:
        raise refusal(exc, _current(request_id)) from None
    db.session.commit()
    return item_response(request_json(record), record.version)


def _move_endpoint(move):
    def view(request_id: int):
        record = _get(request_id)
        version = if_match(record.version)
        try:
            versions.check(record, version, _("Request #%(id)s", id=record.id))
            form = validated_form(MoveForm, json_body(optional=True), version=version)
            request_writes.move(record, move.name, current_user, form.reason.data, version)
        except Refused as exc:
            raise refusal(exc, _current(request_id)) from None
        db.session.commit()
        return item_response(request_json(record), record.version)
    view.__name__ = f"requests_{move.name}"
    reason = " A reason is required." if move.needs_reason else " A reason is optional."
    return documented(f"Workflow: {move.label.lower()} (to {move.to.label.lower()}).{reason} If-Match is required.",
                      body=MoveForm, response=_REQUEST, if_match=True)(view)


@bp.post("/requests/<int:request_id>/assign")
@permission_required(Permission.DECIDE_REQUESTS)
@documented("Assign the request to an officer (`officer`: an account id, or \"none\" for nobody). If-Match is "
            "required.", body=AssignForm, prepare=form_choices.assign_form, response=_REQUEST, if_match=True)
def requests_assign(request_id: int):
    record = _get(request_id)
    version = if_match(record.version)
    try:
        versions.check(record, version, _("Request #%(id)s", id=record.id))
        form = validated_form(AssignForm, json_body(), form_choices.assign_form, version)
        request_writes.assign(record, form.officer.data, version)
    except Refused as exc:
        raise refusal(exc, _current(request_id)) from None
    db.session.commit()
    return item_response(request_json(record), record.version)


for _move in request_writes.MOVES:
    bp.add_url_rule(f"/requests/<int:request_id>/{_move.name.replace('_', '-')}", endpoint=f"requests_{_move.name}",
                    view_func=permission_required(_move.permission)(_move_endpoint(_move)), methods=["POST"])


#: A page of the queue and its figures, in one object (allOf with closed objects would refuse every key).
_QUEUE_PAGE = page_schema(_REQUEST)
_QUEUE_PAGE = dict(_QUEUE_PAGE, required=[*_QUEUE_PAGE["required"], "figures"],
                   properties=dict(_QUEUE_PAGE["properties"], figures=_FIGURES))


@bp.get("/queue")
@permission_required(Permission.DECIDE_REQUESTS)
@documented("The managers' queue: requests awaiting a decision (pending, under review), urgent and oldest first, "
            "with the counts of its ageing buckets (0–30, 31–90, over 90 days since receipt, date not recorded) "
            "and of overdue requests, as at today, within the filters other than `age`.", args=QueueFilterForm,
            response=_QUEUE_PAGE)
def queue():
    filters, paging = list_args(QueueFilterForm)
    scope, filters = for_user(current_user), queue_service.QueueFilters(**filters)
    page = queue_service.list_page(scope, filters, paging)
    figures = queue_service.figures(scope, filters)
    return jsonify(dict(page.envelope(request_json), figures=figures.as_json()))
