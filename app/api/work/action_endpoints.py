"""GET|POST /api/v1/actions (`?owner=me`: the caller's), GET|PATCH /api/v1/actions/<id>: follow-up actions through
the action form and services of the pages. Staff only."""
from datetime import date

from flask import jsonify
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404, list_args, page_schema
from app.api.writes import created, if_match, item_response, json_body, merged, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.work import action_reads, action_writes
from forms.work.action_forms import ME, ActionFilterForm, ActionForm, initial_data
from models import FollowUpAction, db
from models.enums import ActionStatus

ACTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "description": {"type": "string"},
    "owner": {"type": "integer"}, "owner_name": {"type": "string"},
    "due_date": {"type": "string", "format": "date"}, "overdue": {"type": "boolean"},
    "priority": {"type": "string"}, "status": {"type": "string", "enum": [s.value for s in ActionStatus]},
    "state": {"type": "string", "description": "The State's code."},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "activity": {"type": "integer", "nullable": True}, "request": {"type": "integer", "nullable": True},
    "finding": {"type": "integer", "nullable": True}, "closed_at": {"type": "string", "format": "date",
                                                                    "nullable": True},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "from": {"type": "string", "nullable": True}, "to": {"type": "string"},
        "by": {"type": "integer", "nullable": True}, "at": {"type": "string"},
        "note": {"type": "string", "nullable": True}}}}}}


def action_json(a: FollowUpAction, today: date | None = None, history: bool = False) -> dict:
    body = {"id": a.id, "version": a.version, "description": a.description, "owner": a.owner_id,
            "owner_name": a.owner.name, "due_date": a.due_date.isoformat(),
            "overdue": a.is_overdue(today or date.today()),
            "priority": a.priority, "status": a.status, "state": a.state.code,
            "instruments": [i.code for i in a.instruments], "activity": a.activity_id, "request": a.request_id,
            "finding": a.finding_id, "closed_at": iso(a.closed_at)}
    if history:
        body["history"] = [{"from": h.from_status, "to": h.to_status, "by": h.actor_id,
                            "at": h.changed_at.isoformat(), "note": h.reason} for h in a.history]
    return body


@bp.get("/actions")
@permission_required(Permission.VIEW_ACTIONS)
@documented("Follow-up actions, filtered as the queue is (status — `pending` for open or in progress —, owner — "
            "`me` for the caller's —, State, regional group, instrument, priority, overdue, due dates), by due date.",
            args=ActionFilterForm, response=page_schema(ACTION))
def actions_list():
    filters, paging = list_args(ActionFilterForm)
    if filters["owner"] == ME:
        filters["owner"] = current_user.id
    today = date.today()
    page = action_reads.list_page(for_user(current_user), action_reads.ActionFilters(**filters), paging, today)
    return jsonify(page.envelope(lambda a: action_json(a, today)))


def _get(action_id: int) -> FollowUpAction:
    return get_or_404(action_reads.get, action_id, "action")


def _current(action_id: int):
    return lambda: (lambda a: (action_json(a, history=True), a.version))(_get(action_id))


@bp.get("/actions/<int:action_id>")
@permission_required(Permission.VIEW_ACTIONS)
@documented("One follow-up action with its history.", response=ACTION)
def actions_item(action_id: int):
    found = _get(action_id)
    return item_response(action_json(found, history=True), found.version)


_BODY = (" `owner` is an account id, `state` the State's code (left out: the State of the request or finding it is "
         "raised from), `activity`, `request` and `finding` the records it is raised from.")


@bp.post("/actions")
@permission_required(Permission.EDIT_ACTIONS)
@documented("Raise a follow-up action (open, or in progress); the due date is today at the earliest." + _BODY,
            body=ActionForm, prepare=form_choices.action_form, response=ACTION, status=201)
def actions_create():
    form = validated_form(ActionForm, json_body(), form_choices.action_form)
    try:
        action = action_writes.create(for_user(current_user), action_writes.ActionData.of(form.values()),
                                      current_user._get_current_object(), date.today())
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return created(action_json(action, history=True), action.version, "api.actions_item", action_id=action.id)


@bp.patch("/actions/<int:action_id>")
@permission_required(Permission.EDIT_ACTIONS)
@documented("Change an action: the fields given replace its own; a new `status` moves it (done, cancelled with a "
            "`note`, reopened with a `note`). If-Match is required." + _BODY, body=ActionForm,
            prepare=form_choices.action_form, response=ACTION, if_match=True)
def actions_update(action_id: int):
    action = _get(action_id)
    version = if_match(action.version)
    try:
        versions.check(action, version, f"Action #{action.id}")
        form = validated_form(ActionForm, merged(initial_data(action), json_body()), form_choices.action_form,
                              version)
        action_writes.update(for_user(current_user), action, action_writes.ActionData.of(form.values()),
                             current_user._get_current_object(), version, date.today())
    except Refused as exc:
        raise refusal(exc, _current(action_id)) from None
    db.session.commit()
    return item_response(action_json(action, history=True), action.version)
