"""GET /api/v1/contributions and /api/v1/contributions/<id>: donor money, through the contributions service (a
donor sees only its own)."""
from flask import jsonify
from flask_login import current_user

from forms.contribution import ContributionFilterForm
from models import Contribution
from models.enums import ContributionStatus

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
    "activities": {"type": "array", "items": {"type": "integer"}}, "source": {"type": "string", "nullable": True},
    "pledged_date": {"type": "string", "format": "date", "nullable": True},
    "committed_date": {"type": "string", "format": "date", "nullable": True},
    "received_date": {"type": "string", "format": "date", "nullable": True},
    "counted": {"type": "boolean", "description": "False for a pledge: shown, never added into totals."},
    "received": {"type": "string", "nullable": True, "description": "The amount once received, else null."},
    "allocated": {"type": "string", "nullable": True}, "unallocated": {"type": "string", "nullable": True},
    "allocations": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "activity": {"type": "integer"}, "activity_title": {"type": "string"},
        "amount": {"type": "string", "nullable": True}, "inferred": {"type": "boolean",
        "description": "True where the record infers this funding and the source does not state it."},
        "basis": {"type": "string", "nullable": True}}}}}}


def contribution_json(c: Contribution) -> dict:
    return {"id": c.id, "donor": c.donor.name, "project": c.project.title if c.project else None,
            "amount": str(c.amount) if c.amount is not None else None, "currency": c.currency,
            "status": c.status, "date": iso(c.pledged_date), "instruments": [i.code for i in c.instruments],
            "regions": c.regions, "period_start": iso(c.period_start), "period_end": iso(c.period_end),
            "activities": [a.activity_id for a in c.allocations], "source": c.source,
            "pledged_date": iso(c.pledged_date), "committed_date": iso(c.committed_date),
            "received_date": iso(c.received_date), "counted": not c.is_pledge,
            "received": _text(c.amount if c.status == ContributionStatus.RECEIVED.value else None),
            "allocated": _text(c.allocated if c.amount is not None else None), "unallocated": _text(c.unallocated),
            "allocations": [{"id": a.id, "activity": a.activity_id, "activity_title": a.activity.title,
                             "amount": _text(a.amount), "inferred": a.is_inferred, "basis": a.basis}
                            for a in c.allocations]}


def _text(amount) -> str | None:
    return None if amount is None else f"{amount:.2f}"


@bp.get("/contributions")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("Donor contributions with their allocations to activities (a donor sees only its own); the "
            "filters are those of the contributions page.", args=ContributionFilterForm,
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
