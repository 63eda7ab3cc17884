"""GET|PUT /api/v1/activities/<id>/report and its review (POST …/report/submit|return|approve|unlock): the same
forms and services as the report's page, ETags and If-Match as every write. A donor reads an approved report of
an activity it funds, without its review (no author, approvers or notes)."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.api import bp
from app.api.common import ApiError, documented, get_or_404
from app.api.writes import if_match, item_response, json_body, refusal, validated_form
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads
from app.services.core import versions
from app.services.core.errors import Refused
from app.services.work import report_reads, report_review, report_writes
from forms.work.report_forms import ApproveForm, ReportForm, ReturnForm, SubmitForm, UnlockForm
from models import Activity, ActivityReport, db
from models.enums import ReportStatus

_TEXT = {"type": "string", "nullable": True, "description": "Sanitised HTML (paragraphs, lists, emphasis, links)."}
REPORT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "activity": {"type": "integer"}, "version": {"type": "integer"},
    "status": {"type": "string", "enum": [s.value for s in ReportStatus]},
    "summary": dict(_TEXT, description="What was done: sanitised HTML."), "recommendations": _TEXT,
    "outcome": _TEXT, "source": {"type": "string", "nullable": True},
    "counterparts": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string", "nullable": True}, "institution": {"type": "string", "nullable": True},
        "role": {"type": "string", "nullable": True}}}},
    "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
    "approved_at": {"type": "string", "format": "date-time", "nullable": True},
    "author": {"type": "integer", "nullable": True, "description": "Staff only."},
    "approvers": {"type": "array", "items": {"type": "integer"}, "description": "Staff only."},
    "thread": {"type": "array", "description": "The review's steps (staff only).", "items": {"type": "object",
               "properties": {"from": {"type": "string", "nullable": True}, "to": {"type": "string"},
                              "by": {"type": "integer", "nullable": True}, "at": {"type": "string"},
                              "note": {"type": "string", "nullable": True},
                              "sent_to": {"type": "array", "items": {"type": "string"}}}}}}}


def report_json(r: ActivityReport) -> dict:
    body = {"id": r.id, "activity": r.activity_id, "version": r.version, "status": r.status, "summary": r.summary,
            "recommendations": r.recommendations, "outcome": r.outcome, "source": r.source,
            "counterparts": [{"name": c.name, "institution": c.institution, "role": c.role} for c in r.counterparts],
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            "approved_at": r.approved_at.isoformat() if r.approved_at else None}
    if can(Permission.EDIT_ACTIVITIES):  # the review is the staff's: never shown to a donor
        body.update(author=r.author_id, approvers=[u.id for u in r.approvers],
                    thread=[{"from": h.from_status, "to": h.to_status, "by": h.actor_id, "at": h.changed_at.isoformat(),
                             "note": h.reason, "sent_to": list(h.sent_to or [])} for h in r.history])
    return body


def _activity(activity_id: int) -> Activity:
    return get_or_404(activity_reads.get, activity_id, "activity")


def _report(activity: Activity) -> ActivityReport:
    found = report_reads.of_activity(for_user(current_user), activity)
    if found is None:
        raise ApiError(404, _("This activity has no report you may see (PUT one to write it)."))
    return found


def _current(activity_id: int):
    return lambda: (lambda r: (report_json(r), r.version))(_report(_activity(activity_id)))


@bp.get("/activities/<int:activity_id>/report")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("An activity's report: `summary` (what was done), counterparts, recommendations, outcome, `status` "
            "(draft, submitted, returned, approved); staff also get its review thread. A donor gets an approved "
            "report of an activity it funds, else 404.", response=REPORT)
def activity_report(activity_id: int):
    report = _report(_activity(activity_id))
    return item_response(report_json(report), report.version)


@bp.put("/activities/<int:activity_id>/report")
@permission_required(Permission.EDIT_ACTIVITIES)
@documented("Write the report (a draft, or returned for changes): the body's fields replace it. Creates it when "
            "the activity has none (201; no If-Match); once it exists If-Match is required. Rich text is sanitised: "
            "paragraphs, lists, emphasis and http(s)/mailto links are kept, anything else removed.",
            body=ReportForm, response=REPORT, if_match="optional")
def activity_report_put(activity_id: int):
    activity = _activity(activity_id)
    report = report_reads.of_activity(for_user(current_user), activity)
    version = if_match(report.version) if report is not None else None
    if report is None and request.headers.get("If-Match"):
        raise ApiError(412, _("This activity has no report yet: leave If-Match out to create it."),
                       code="precondition_failed")
    try:
        if report is not None:
            versions.check(report, version, report_writes.label(report))
        form = validated_form(ReportForm, json_body(), version=version)
        saved = report_writes.save(activity, report, report_writes.ReportData.of(form.values()),
                                   current_user._get_current_object(), version)
    except Refused as exc:
        raise refusal(exc, _current(activity_id) if report is not None else None) from None
    db.session.commit()
    return item_response(report_json(saved), saved.version, 201 if report is None else 200)


def _move_endpoint(name: str, form_cls, move, summary: str, prepare=None):
    def view(activity_id: int):
        report = _report(_activity(activity_id))
        version = if_match(report.version)
        try:
            versions.check(report, version, report_writes.label(report))
            form = validated_form(form_cls, json_body(optional=True), prepare, version)
            move(report, form, current_user._get_current_object())
        except Refused as exc:
            raise refusal(exc, _current(activity_id)) from None
        db.session.commit()
        return item_response(report_json(report), report.version)
    view.__name__ = f"activity_report_{name}"
    return documented(summary + " If-Match is required.", body=form_cls, prepare=prepare, response=REPORT,
                      if_match=True)(view)


_MOVES = [
    ("submit", SubmitForm, lambda r, f, u: report_review.submit(r, f.approvers.data, f.note.data, u, f.version.data),
     "Submit the report to its approvers (`approvers`: managers' account ids; after a return, the same ones when "
     "left out) with an optional `note` (after a return: the answer). An empty report is refused.",
     Permission.EDIT_ACTIVITIES, form_choices.report_submit_form),
    ("return", ReturnForm, lambda r, f, u: report_review.return_for_changes(r, f.note.data, u, f.version.data),
     "Return the report for changes, with a `note` (required); by one of its approvers.",
     Permission.REVIEW_REPORTS, None),
    ("approve", ApproveForm, lambda r, f, u: report_review.approve(r, f.note.data, u, f.version.data),
     "Approve the report (by one of its approvers, never its author): it is locked.", Permission.REVIEW_REPORTS,
     None),
    ("unlock", UnlockForm, lambda r, f, u: report_review.unlock(r, f.reason.data, u, f.version.data),
     "Unlock an approved report, with a `reason` (required): it becomes a draft to review again.",
     Permission.REVIEW_REPORTS, None),
]
for _name, _form, _move, _summary, _permission, _prepare in _MOVES:
    bp.add_url_rule(f"/activities/<int:activity_id>/report/{_name}", endpoint=f"activity_report_{_name}",
                    methods=["POST"], view_func=permission_required(_permission)(
                        _move_endpoint(_name, _form, _move, _summary, _prepare)))

