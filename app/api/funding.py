"""GET /api/v1/contributions and /api/v1/contributions/<id>: donor money, through the contributions service (a
donor sees only its own)."""
from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import ApiError, documented, get_or_404, list_args, page_schema
from app.api.writes import created, edited_form, if_match, item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.funding import allocations as allocation_service
from app.services.funding import contributions as contribution_service
from forms.funding.contributions import (
    AllocationForm,
    ContributionCreateForm,
    ContributionFilterForm,
    ContributionForm,
    StatusForm,
)
from models import Contribution, db
from models.contribution import TRANSITIONS
from models.enums import ContributionStatus

_ALLOCATION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "activity": {"type": "integer"}, "activity_title": {"type": "string"},
    "amount": {"type": "string", "nullable": True}, "inferred": {"type": "boolean",
    "description": "True where the record infers this funding and the source does not state it."},
    "basis": {"type": "string", "nullable": True}}}
_CONTRIBUTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer", "description": "The ETag of the item."},
    "donor_id": {"type": "integer"}, "project_id": {"type": "integer", "nullable": True},
    "donor": {"type": "string"}, "project": {"type": "string", "nullable": True},
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
    "allocations": {"type": "array", "items": _ALLOCATION}}}


def contribution_json(c: Contribution) -> dict:
    return {"id": c.id, "version": c.version, "donor_id": c.donor_id, "project_id": c.project_id,
            "donor": c.donor.name, "project": c.project.title if c.project else None,
            "amount": str(c.amount) if c.amount is not None else None, "currency": c.currency,
            "status": c.status, "date": iso(c.pledged_date), "instruments": [i.code for i in c.instruments],
            "regions": c.regions, "period_start": iso(c.period_start), "period_end": iso(c.period_end),
            "activities": [a.activity_id for a in c.allocations], "source": c.source,
            "pledged_date": iso(c.pledged_date), "committed_date": iso(c.committed_date),
            "received_date": iso(c.received_date), "counted": not c.is_pledge,
            "received": _text(c.amount if c.status == ContributionStatus.RECEIVED.value else None),
            "allocated": _text(c.allocated if c.amount is not None else None), "unallocated": _text(c.unallocated),
            "allocations": [_allocation_json(a) for a in c.allocations]}


def _allocation_json(a) -> dict:
    return {"id": a.id, "activity": a.activity_id, "activity_title": a.activity.title, "amount": _text(a.amount),
            "inferred": a.is_inferred, "basis": a.basis}


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
    found = _get(contribution_id)
    return item_response(contribution_json(found), found.version)


def _get(contribution_id: int) -> Contribution:
    return get_or_404(contribution_service.get, contribution_id, "contribution")


# ------------------------------------------------------------------ writes: the managers' forms, audited
def _form_data(c: Contribution) -> dict:
    """The contribution as its edit form holds it (what a PATCH starts from)."""
    return {"donor_id": c.donor_id, "project_id": c.project_id, "amount_not_recorded": c.amount is None,
            "amount": c.amount, "currency": c.currency, "pledged_date": c.pledged_date,
            "instruments": [i.code for i in c.instruments], "regions": list(c.regions or []),
            "period_start": c.period_start, "period_end": c.period_end, "source": c.source, "note": c.note}


def _current(contribution_id: int):
    return lambda: (lambda c: (contribution_json(c), c.version))(_get(contribution_id))


def _answer(c: Contribution, status: int = 200, location: bool = False):
    if location:
        return created(contribution_json(c), c.version, "api.contributions_item", contribution_id=c.id)
    return item_response(contribution_json(c), c.version, status)


@bp.post("/contributions")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
@documented("Record a contribution (pledged, or already committed or received, each step with its date).",
            body=ContributionCreateForm, prepare=form_choices.contribution_form, response=_CONTRIBUTION, status=201)
def contributions_create():
    form = validated_form(ContributionCreateForm, json_body(), form_choices.contribution_form)
    try:
        c = contribution_service.create(contribution_service.ContributionData(**form.values()), current_user,
                                        status=form.status.data, committed_on=form.committed_date.data,
                                        received_on=form.received_date.data)
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return _answer(c, location=True)


@bp.route("/contributions/<int:contribution_id>", methods=["PUT", "PATCH"])
@permission_required(Permission.EDIT_CONTRIBUTIONS)
@documented("Edit a contribution's facts and earmark (its status moves by /status): PUT gives every field, PATCH "
            "only those it changes. If-Match is required.", body=ContributionForm,
            prepare=form_choices.contribution_form, response=_CONTRIBUTION, if_match=True)
def contributions_update(contribution_id: int):
    c = _get(contribution_id)
    version = if_match(c.version)
    try:
        versions.check(c, version, f"Contribution #{c.id}")
        form = edited_form(ContributionForm, _form_data(c), form_choices.contribution_form, version)
        contribution_service.update(c, contribution_service.ContributionData(**form.values()), version)
    except Refused as exc:
        raise refusal(exc, _current(contribution_id)) from None
    db.session.commit()
    return _answer(c)


@bp.post("/contributions/<int:contribution_id>/status")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
@documented("The next step of pledged → committed → received, on the date `on`. If-Match is required.",
            body=StatusForm, response=_CONTRIBUTION, if_match=True)
def contributions_status(contribution_id: int):
    c = _get(contribution_id)
    version = if_match(c.version)
    try:
        versions.check(c, version, f"Contribution #{c.id}")
        form = validated_form(StatusForm, json_body())
        step = TRANSITIONS[ContributionStatus(c.status)]
        if step is None:
            raise Refused(_("This contribution has been received: its status cannot change."))
        contribution_service.change_status(c, step.value, form.on.data, current_user, form.reason.data, version)
    except Refused as exc:
        raise refusal(exc, _current(contribution_id)) from None
    db.session.commit()
    return _answer(c)


@bp.post("/contributions/<int:contribution_id>/allocations")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
@documented("Allocate part of the contribution to an activity: refused (422, with the reason) outside the earmark "
            "or beyond the balance. Answers the contribution; Location names the allocation.",
            body=AllocationForm, prepare=form_choices.allocation_form, response=_CONTRIBUTION, status=201)
def allocations_create(contribution_id: int):
    c = _get(contribution_id)
    form = validated_form(AllocationForm, json_body(), form_choices.allocation_form)
    try:
        allocation = allocation_service.allocate(c, allocation_service.load_activity(form.activity_id.data),
                                                 form.amount.data, is_inferred=form.is_inferred.data,
                                                 basis=form.basis.data)
    except Refused as exc:
        raise refusal(exc, _current(contribution_id)) from None
    db.session.commit()
    return item_response(contribution_json(c), c.version, 201,
                         url_for("api.allocations_item", contribution_id=c.id, allocation_id=allocation.id))


def _allocation(c: Contribution, allocation_id: int):
    found = allocation_service.get(c, allocation_id)
    if found is None:
        raise ApiError(404, _("There is no such allocation of this contribution."))
    return found


@bp.get("/contributions/<int:contribution_id>/allocations/<int:allocation_id>")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("One allocation of a contribution.", response=_ALLOCATION)
def allocations_item(contribution_id: int, allocation_id: int):
    return jsonify(_allocation_json(_allocation(_get(contribution_id), allocation_id)))


@bp.delete("/contributions/<int:contribution_id>/allocations/<int:allocation_id>")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
@documented("Remove an allocation (audited). Answers the contribution as it now stands.", response=_CONTRIBUTION)
def allocations_delete(contribution_id: int, allocation_id: int):
    c = _get(contribution_id)
    try:
        allocation_service.remove(_allocation(c, allocation_id))
    except Refused as exc:
        raise refusal(exc, _current(contribution_id)) from None
    db.session.commit()
    return _answer(c)
