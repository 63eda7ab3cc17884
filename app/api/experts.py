"""GET /api/v1/experts and /api/v1/experts/<id>: the roster, through the experts service (contact details only
for the roles allowed them)."""
from flask import jsonify
from flask_login import current_user

from forms.expert import ExpertFilterForm
from models import Expert

from ..formatting import iso
from ..permissions import Permission, has_permission, permission_required
from ..scoping import for_user
from ..services import experts as expert_service
from . import bp
from .common import ApiError, documented, list_args, page_schema

_EXPERT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"},
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


def expert_json(e: Expert) -> dict:
    data = {"id": e.id, "name": e.name, "kind": e.kind,
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
    scope = for_user(current_user)
    found = expert_service.get(scope, expert_id)
    if found is None:
        raise ApiError(404, "There is no such expert, or you may not see them.")
    deployments = [{"activity": d.activity_id, "title": d.activity.title, "role": d.role,
                    "start_date": iso(d.start_date or d.activity.start_date),
                    "end_date": iso(d.end_date or d.activity.end_date)}
                   for d in expert_service.deployments_of(scope, found)]
    return jsonify({**expert_json(found), "deployments": deployments})
