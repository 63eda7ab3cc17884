"""Treaty actions entered by hand through the API: POST /api/v1/treaty-actions (the page's form and
treaties.record_action: refused when it cannot be right, warned when it looks odd) and GET one."""
from flask import url_for

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404
from app.api.writes import item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.services.core.errors import Refused
from app.services.treaties import treaty_actions
from app.services.treaties.treaty_record import record_action
from forms.treaties.record import TreatyActionForm
from models import TreatyAction, db

_ACTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer", "description": "The ETag of the item."},
    "participant": {"type": "string"}, "name": {"type": "string"}, "instrument": {"type": "string"},
    "kind": {"type": "string"}, "category": {"type": "string"},
    "action_date": {"type": "string", "format": "date"}, "source": {"type": "string"},
    "note": {"type": "string", "nullable": True},
    "warnings": {"type": "array", "items": {"type": "string"},
                 "description": "After a write: what looks odd about the action (recorded all the same)."}}}


def action_json(a: TreatyAction, warnings: list[str] | None = None) -> dict:
    return {"id": a.id, "version": a.version, "participant": a.state.code, "name": a.state.name_on(a.action_date),
            "instrument": a.instrument.code, "kind": a.kind, "category": a.category,
            "action_date": iso(a.action_date), "source": a.source, "note": a.note, "warnings": warnings or []}


@bp.get("/treaty-actions/<int:action_id>")
@permission_required(Permission.VIEW_TREATIES)
@documented("One treaty action (a signature or a deposit) of the record.", response=_ACTION)
def treaty_actions_item(action_id: int):
    found = get_or_404(treaty_actions.get, action_id, "treaty action")
    return item_response(action_json(found), found.version)


@bp.post("/treaty-actions")
@permission_required(Permission.EDIT_TREATIES)
@documented("Record a signature or a deposit by hand: refused (422) when it cannot be right, recorded with "
            "warnings when it looks odd.", body=TreatyActionForm, prepare=form_choices.treaty_action_form,
            response=_ACTION, status=201)
def treaty_actions_create():
    form = validated_form(TreatyActionForm, json_body(), form_choices.treaty_action_form)
    try:
        action, warnings = record_action(form.participant.data, form.instrument.data, form.kind.data,
                                         form.action_date.data, note=form.note.data)
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return item_response(action_json(action, warnings), action.version, 201,
                         url_for("api.treaty_actions_item", action_id=action.id))
