"""GET /api/v1/contributions and /api/v1/contributions/<id>: donor money, through the contributions service (a
donor sees only its own)."""
from flask import jsonify
from flask_login import current_user

from forms.contribution import ContributionFilterForm
from models import Contribution

from ..formatting import iso
from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import contributions as contribution_service
from . import bp
from .common import ApiError, documented, list_args, page_schema

_CONTRIBUTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "donor": {"type": "string"}, "project": {"type": "string", "nullable": True},
    "amount": {"type": "string", "nullable": True, "description": "A decimal number as text; null when unrecorded."},
    "currency": {"type": "string", "nullable": True}, "status": {"type": "string"},
    "date": {"type": "string", "format": "date", "nullable": True},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "regions": {"type": "array", "items": {"type": "string"}},
    "period_start": {"type": "string", "format": "date", "nullable": True},
    "period_end": {"type": "string", "format": "date", "nullable": True},
    "activities": {"type": "array", "items": {"type": "integer"}}, "source": {"type": "string", "nullable": True}}}


def contribution_json(c: Contribution) -> dict:
    return {"id": c.id, "donor": c.donor.name, "project": c.project.title if c.project else None,
            "amount": str(c.amount) if c.amount is not None else None, "currency": c.currency,
            "status": c.status, "date": iso(c.contribution_date), "instruments": [i.code for i in c.instruments],
            "regions": c.regions, "period_start": iso(c.period_start), "period_end": iso(c.period_end),
            "activities": [a.activity_id for a in c.allocations], "source": c.source}


@bp.get("/contributions")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("Donor contributions (a donor sees only its own).", args=ContributionFilterForm,
            response=page_schema(_CONTRIBUTION))
def contributions_list():
    filters, paging = list_args(ContributionFilterForm)
    page = contribution_service.list_page(for_user(current_user),
                                          contribution_service.ContributionFilters(**filters), paging)
    return jsonify(page.envelope(contribution_json))


@bp.get("/contributions/<int:contribution_id>")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("One contribution.", response=_CONTRIBUTION)
def contributions_item(contribution_id: int):
    found = contribution_service.get(for_user(current_user), contribution_id)
    if found is None:
        raise ApiError(404, "There is no such contribution, or you may not see it.")
    return jsonify(contribution_json(found))
