"""Legislative findings through the API: GET one, record one (POST /api/v1/findings), move its status
(POST /api/v1/findings/<id>/status, If-Match) — the pages' forms and the legislative service underneath."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import documented, get_or_404
from app.api.writes import if_match, item_response, json_body, refusal, validated_form
from app.formatting import iso
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.registry import legislative
from forms.registry.legislative import FindingForm, FindingStatusForm
from models import LegislativeFinding, db

_FINDING = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer", "description": "The ETag of the item."},
    "state": {"type": "string"}, "state_name": {"type": "string"}, "issue": {"type": "integer"},
    "issue_code": {"type": "string"}, "issue_title": {"type": "string"},
    "activity": {"type": "integer", "nullable": True}, "status": {"type": "string"},
    "note": {"type": "string", "nullable": True},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "status": {"type": "string"}, "date": {"type": "string", "format": "date", "nullable": True},
        "note": {"type": "string", "nullable": True}}}}}}


def finding_json(f: LegislativeFinding) -> dict:
    return {"id": f.id, "version": f.version, "state": f.state.code, "state_name": f.state.name,
            "issue": f.issue_id, "issue_code": f.issue.code, "issue_title": f.issue.title, "activity": f.activity_id,
            "status": f.status, "note": f.note,
            "history": [{"status": h.status, "date": iso(h.status_date), "note": h.note} for h in f.history]}


def _get(finding_id: int) -> LegislativeFinding:
    return get_or_404(legislative.get_finding, finding_id, "finding")


def _current(finding_id: int):
    return lambda: (lambda f: (finding_json(f), f.version))(_get(finding_id))


@bp.get("/findings/<int:finding_id>")
@permission_required(Permission.VIEW_ISSUES)
@documented("One legislative finding: an issue raised with a State, its status and history.", response=_FINDING)
def findings_item(finding_id: int):
    found = _get(finding_id)
    return item_response(finding_json(found), found.version)


@bp.post("/findings")
@permission_required(Permission.EDIT_ISSUES)
@documented("Record an issue raised with a State (in an activity), at a first status.", body=FindingForm,
            prepare=form_choices.finding_form, response=_FINDING, status=201)
def findings_create():
    form = validated_form(FindingForm, json_body(), form_choices.finding_form)
    try:
        finding = legislative.record_finding(for_user(current_user), form.state.data, form.issue.data,
                                             form.activity.data, form.status.data, form.status_date.data,
                                             form.note.data, current_user._get_current_object())
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    return item_response(finding_json(finding), finding.version, 201,
                         url_for("api.findings_item", finding_id=finding.id))


@bp.post("/findings/<int:finding_id>/status")
@permission_required(Permission.EDIT_ISSUES)
@documented("Move a finding's status, dated (a step back needs a note). If-Match is required.",
            body=FindingStatusForm, response=_FINDING, if_match=True)
def findings_status(finding_id: int):
    finding = _get(finding_id)
    version = if_match(finding.version)
    try:
        versions.check(finding, version, _("The finding #%(id)s", id=finding.id))
        form = validated_form(FindingStatusForm, json_body(), version=version)
        legislative.move_finding(finding, form.status.data, form.status_date.data, form.note.data,
                                 current_user._get_current_object(), version)
    except Refused as exc:
        raise refusal(exc, _current(finding_id)) from None
    db.session.commit()
    return item_response(finding_json(finding), finding.version)
