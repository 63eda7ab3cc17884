"""GET /api/v1/experts and /api/v1/experts/<id>: the roster, through the experts service (contact details only
for the roles allowed them)."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404, list_args, page_schema
from app.api.writes import created, edited_form, if_match, item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, has_permission, permission_required
from app.scoping import for_user
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.registry import experts as expert_service
from forms.registry.experts import ExpertFilterForm, ExpertForm, expert_data
from models import Expert, db

_EXPERT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer", "description": "The ETag of the item."},
    "name": {"type": "string"}, "kind": {"type": "string"},
    "affiliation_id": {"type": "integer", "nullable": True},
    "affiliation": {"type": "string", "nullable": True}, "nationality": {"type": "string", "nullable": True},
    "topics": {"type": "array", "items": {"type": "string"}},
    "languages": {"type": "array", "items": {"type": "string"}},
    "legal_tradition": {"type": "string", "nullable": True},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "email": {"type": "string", "nullable": True, "description": "Staff only."},
    "phone": {"type": "string", "nullable": True, "description": "Staff only."}}}
_EXPERT_ITEM = {"type": "object", "properties": {**_EXPERT["properties"], "deployments": {
    "type": "array", "description": "The deployments the caller may see (a donor: on what it funds).",
    "items": {"type": "object", "properties": {
        "activity": {"type": "integer"}, "title": {"type": "string"}, "role": {"type": "string"},
        "start_date": {"type": "string", "format": "date", "nullable": True},
        "end_date": {"type": "string", "format": "date", "nullable": True}}}}}}
#: Contact details are there for staff only: every other key is always there.
_EXPERT["required"] = [k for k in _EXPERT["properties"] if k not in ("email", "phone")]
_EXPERT_ITEM["required"] = [*_EXPERT["required"], "deployments"]


def expert_json(e: Expert) -> dict:
    data = {"id": e.id, "version": e.version, "name": e.name, "kind": e.kind, "affiliation_id": e.affiliation_id,
            "affiliation": e.affiliation.name if e.affiliation else None,
            "nationality": e.nationality.code if e.nationality else None, "topics": e.topics,
            "languages": e.languages, "legal_tradition": e.legal_tradition,
            "instruments": [i.code for i in e.instruments]}
    if has_permission(current_user, Permission.VIEW_EXPERT_CONTACTS):
        data.update(email=e.email, phone=e.phone)
    return data


@bp.get("/experts")
@permission_required(Permission.VIEW_EXPERTS)
@documented("Experts (contact details only for staff).", args=ExpertFilterForm,
            response=page_schema(_EXPERT))
def experts_list():
    filters, paging = list_args(ExpertFilterForm)
    page = expert_service.list_page(for_user(current_user), expert_service.ExpertFilters(**filters), paging)
    return jsonify(page.envelope(expert_json))


@bp.get("/experts/<int:expert_id>")
@permission_required(Permission.VIEW_EXPERTS)
@documented("One expert, with the deployments the caller may see.", response=_EXPERT_ITEM)
def experts_item(expert_id: int):
    found = _get(expert_id)
    return item_response(_item_json(found), found.version)


def _get(expert_id: int) -> Expert:
    return get_or_404(expert_service.get, expert_id, "expert")


def _item_json(e: Expert) -> dict:
    deployments = [{"activity": d.activity_id, "title": d.activity.title, "role": d.role,
                    "start_date": iso(d.start_date or d.activity.start_date),
                    "end_date": iso(d.end_date or d.activity.end_date)}
                   for d in expert_service.deployments_of(for_user(current_user), e)]
    return {**expert_json(e), "deployments": deployments}


def _current(expert_id: int):
    return lambda: (lambda e: (_item_json(e), e.version))(_get(expert_id))


# ------------------------------------------------------------------ writes: the roster's form, audited
@bp.post("/experts")
@permission_required(Permission.EDIT_EXPERTS)
@documented("Add an expert to the roster (topics and languages as lists of text, instruments as codes, the "
            "affiliation as an organization id, the nationality as a State code).", body=ExpertForm,
            prepare=form_choices.expert_form, response=_EXPERT_ITEM, status=201)
def experts_create():
    form = validated_form(ExpertForm, json_body(), form_choices.expert_form)
    try:
        expert = expert_service.create(form.values())
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return created(_item_json(expert), expert.version, "api.experts_item", expert_id=expert.id)


@bp.route("/experts/<int:expert_id>", methods=["PUT", "PATCH"])
@permission_required(Permission.EDIT_EXPERTS)
@documented("Edit an expert: PUT gives every field, PATCH only those it changes. If-Match is required.",
            body=ExpertForm, prepare=form_choices.expert_form, response=_EXPERT_ITEM, if_match=True)
def experts_update(expert_id: int):
    expert = _get(expert_id)
    version = if_match(expert.version)
    try:
        versions.check(expert, version, _("The expert %(name)s", name=expert.name))
        form = edited_form(ExpertForm, expert_data(expert), form_choices.expert_form, version)
        expert_service.update(expert, form.values(), version)
    except Refused as exc:
        raise refusal(exc, _current(expert_id)) from None
    db.session.commit()
    return item_response(_item_json(expert), expert.version)
