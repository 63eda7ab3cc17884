"""GET /api/v1/activities (and /api/v1/missions, the contract's name for the same list): assistance activities
of every kind, through the activities service."""

from flask import jsonify
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404, list_args, page_schema
from app.api.writes import created, edited_form, if_match, item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads, activity_writes
from app.services.core import versions
from app.services.core.errors import Refused
from forms.activities import ActivityFilterForm, ActivityForm, initial_data
from models import Activity, db

_ACTIVITY = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "status": {"type": "string"}, "title": {"type": "string"},
    "source": {"type": "string", "nullable": True},
    "start_date": {"type": "string", "format": "date", "nullable": True},
    "end_date": {"type": "string", "format": "date", "nullable": True},
    "version": {"type": "integer", "description": "Raised by every change; the ETag of the item."},
    "warnings": {"type": "array", "items": {"type": "string"},
                 "description": "After a write only: overlapping deployments of its experts (saved all the same)."},
    "visits": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "city": {"type": "string", "nullable": True}, "country": {"type": "string"},
        "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
        "date_precision": {"type": "string"}}}},
    "states": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "role": {"type": "string"}}}},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "other_instruments": {"type": "array", "items": {"type": "string"}},
    "partners": {"type": "array", "items": {"type": "object", "properties": {
        "organization": {"type": "string"}, "organization_id": {"type": "integer"}, "role": {"type": "string"}}}},
    "experts": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}}}},
    "requests": {"type": "array", "items": {"type": "integer"}, "description": "The requests it answers."},
    "topics": {"type": "array", "items": {"type": "string"}},
    "outcome": {"type": "string", "nullable": True}}}
#: Every key is always there but `warnings`, which only a write's answer carries.
_ACTIVITY["required"] = [k for k in _ACTIVITY["properties"] if k != "warnings"]


def activity_json(a: Activity) -> dict:
    return {"id": a.id, "version": a.version, "kind": a.kind, "status": a.status, "title": a.title,
            "source": a.source, "start_date": iso(a.start_date), "end_date": iso(a.end_date),
            "visits": [{"id": v.id, "city": v.city, "country": v.country.code, "start_date": v.start_date.isoformat(),
                        "end_date": v.end_date.isoformat(), "date_precision": v.date_precision} for v in a.visits],
            "states": [{"code": s.state.code, "role": s.role} for s in a.states],
            "instruments": [i.code for i in a.instruments],
            "other_instruments": [o.name for o in a.other_instruments],
            "partners": [{"organization": p.organization.name, "organization_id": p.organization_id, "role": p.role}
                         for p in a.partners],
            "experts": [{"id": d.expert_id, "name": d.expert.name, "role": d.role} for d in a.deployments],
            "requests": sorted(r.id for r in a.requests), "topics": list(a.topics or []), "outcome": a.outcome}


@bp.get("/activities")
@bp.get("/missions", endpoint="missions_list")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("Assistance activities of every kind (missions, seminars, meetings, written analyses) the caller may "
            "see; /missions is the same list.", args=ActivityFilterForm,
            response=page_schema(_ACTIVITY))
@cached_page
def activities_list():
    filters, paging = list_args(ActivityFilterForm)
    page = activity_reads.list_page(for_user(current_user), activity_reads.ActivityFilters(**filters), paging)
    return jsonify(page.envelope(activity_json))


@bp.get("/activities/<int:activity_id>")
@bp.get("/missions/<int:activity_id>", endpoint="missions_item")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("One assistance activity.", response=_ACTIVITY)
@cached_page
def activities_item(activity_id: int):
    found = _get(activity_id)
    return item_response(activity_json(found), found.version)


def _get(activity_id: int) -> Activity:
    return get_or_404(activity_reads.get, activity_id, "activity")


# ------------------------------------------------------------------ writes: the officers' one form, audited
def _written(activity: Activity, overlaps) -> dict:
    return dict(activity_json(activity), warnings=[o.message for o in overlaps])


def _current(activity_id: int):
    return lambda: (lambda a: (activity_json(a), a.version))(_get(activity_id))


_BODY_NOTE = (" The body holds the form's fields: visits, partners and deployments as lists of rows "
              "(`visits: [{\"country\": \"BOL\", \"start_date\": …}]`; a visit's `id` keeps that visit), served and "
              "participants as State codes, instruments as codes, requests as ids, topics and other_instruments as "
              "lists of text.")


@bp.post("/activities")
@permission_required(Permission.EDIT_ACTIVITIES)
@documented("Log an activity with its visits, States, instruments, partners, requests and experts." + _BODY_NOTE,
            body=ActivityForm, prepare=form_choices.activity_form, response=_ACTIVITY, status=201)
def activities_create():
    form = validated_form(ActivityForm, json_body(), form_choices.activity_form)
    try:
        saved, overlaps = activity_writes.save(for_user(current_user), None,
                                               activity_writes.ActivityData.of(form.values()))
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return created(_written(saved, overlaps), saved.version, "api.activities_item", activity_id=saved.id)


@bp.route("/activities/<int:activity_id>", methods=["PUT", "PATCH"])
@permission_required(Permission.EDIT_ACTIVITIES)
@documented("Edit an activity: PUT gives everything it links (what is left out is removed), PATCH only the fields "
            "it changes. If-Match is required." + _BODY_NOTE, body=ActivityForm, prepare=form_choices.activity_form,
            response=_ACTIVITY, if_match=True)
def activities_update(activity_id: int):
    activity = _get(activity_id)
    version = if_match(activity.version)
    try:
        versions.check(activity, version, f"“{activity.title}”")
        form = edited_form(ActivityForm, initial_data(activity), form_choices.activity_form, version)
        saved, overlaps = activity_writes.save(for_user(current_user), activity,
                                               activity_writes.ActivityData.of(form.values()), version)
    except Refused as exc:
        raise refusal(exc, _current(activity_id)) from None
    db.session.commit()
    return item_response(_written(saved, overlaps), saved.version)
