"""Activity report pages: an activity's report (with its review thread, findings, actions, files and comments),
the form that writes it, the moves of its review, the button that marks the activity completed once the report is
approved, and the list of reports (`/activity-reports/`, e.g. those waiting for my review)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import form_choices
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.activities import completion
from app.services.core.errors import Refused
from app.services.registry import legislative
from app.services.work import action_reads, report_reads, report_review, report_writes
from app.views.activities.activities import get_activity_or_404
from app.views.helpers import list_filters, show_refusal
from forms.work.report_forms import (
    ApproveForm,
    CompleteForm,
    ReportFilterForm,
    ReportForm,
    ReturnForm,
    SubmitForm,
    UnlockForm,
    report_data,
)
from models import Activity, ActivityReport, db
from models.enums import ReportStatus

bp = Blueprint("activity_reports", __name__)


@bp.app_context_processor
def _status():
    """`activity_report_status(activity)`: the status of the activity's report the user may see, or None."""
    def activity_report_status(activity):
        report = report_reads.of_activity(for_user(current_user), activity)
        return report.status if report is not None else None
    return {"activity_report_status": activity_report_status}


def get_report_or_404(activity: Activity) -> ActivityReport:
    """The activity's report, if the user may see it (a donor: approved, of an activity it funds)."""
    return report_reads.of_activity(for_user(current_user), activity) or abort(404)


def _distinct_ids(form, prefix: str):
    """Give a form's fields ids of their own: the review forms share field names (note) on one page."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


def _forms(report: ActivityReport | None, activity: Activity) -> dict:
    submit = SubmitForm(formdata=None, data={"version": report.version if report else None,
                                             "approvers": [u.id for u in report.approvers] if report else []})
    form_choices.report_submit_form(submit)
    version = {"version": report.version} if report else {}
    return {"submit_form": _distinct_ids(submit, "submit"),
            "return_form": _distinct_ids(ReturnForm(formdata=None, data=version), "return"),
            "approve_form": _distinct_ids(ApproveForm(formdata=None, data=version), "approve"),
            "unlock_form": _distinct_ids(UnlockForm(formdata=None, data=version), "unlock"),
            "complete_form": _distinct_ids(CompleteForm(formdata=None, data={"version": activity.version}),
                                           "complete")}


def _page(activity: Activity, report: ActivityReport | None, status: int = 200, **forms):
    scope = for_user(current_user)
    staff = can(Permission.VIEW_ACTIONS)
    actions, actions_total = action_reads.pending_of(scope, activity_id=activity.id) if staff else ([], 0)
    return render_template(
        "work/reports/show.html", activity=activity, report=report,
        findings=legislative.findings_of_activity(scope, activity) if can(Permission.VIEW_ISSUES) else [],
        actions=actions, actions_total=actions_total,
        completion_refusal=completion.refusal(activity, activity.kind, "completed"),
        **{**_forms(report, activity), **forms}), status


@bp.get("/activities/<int:activity_id>/report")
@permission_required(Permission.VIEW_ACTIVITIES)
def show(activity_id: int):
    """The activity's report: what was done, who took part, findings, recommendations, outcome; for staff its
    review thread, its files and comments, the actions raised from it."""
    activity = get_activity_or_404(activity_id)
    report = report_reads.of_activity(for_user(current_user), activity)
    if report is None and not can(Permission.EDIT_ACTIVITIES):
        abort(404)
    return _page(activity, report)


@bp.route("/activities/<int:activity_id>/report/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ACTIVITIES)
def edit(activity_id: int):
    """Write the report, saved as a draft as often as wanted (while it is a draft or returned for changes)."""
    activity = get_activity_or_404(activity_id)
    report = report_reads.of_activity(for_user(current_user), activity)
    if report is not None and not report.is_editable and request.method == "GET":
        flash(_("The report cannot be changed now: it is with its approvers.")
              if report.status == ReportStatus.SUBMITTED.value
              else _("The report cannot be changed now: it is approved and locked (a manager may unlock it)."),
              "warning")
        return redirect(url_for(".show", activity_id=activity.id))
    form = ReportForm(data=report_data(report)) if request.method == "GET" and report else ReportForm()
    status = 200
    if request.method == "POST" and request.form.get("add"):
        form.add_row(request.form["add"])  # "Add another counterpart": a new row, nothing saved
    elif form.validate_on_submit():
        try:
            saved = report_writes.save(activity, report, report_writes.ReportData.of(form.values()),
                                       current_user._get_current_object(), form.version.data)
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            activity = get_activity_or_404(activity_id)
            report = report_reads.of_activity(for_user(current_user), activity)
        else:
            db.session.commit()
            flash(_("Report saved as a draft.") if saved.status == ReportStatus.DRAFT.value else _("Report saved."),
                  "success")
            return redirect(url_for(".show", activity_id=activity.id))
    elif form.is_submitted():
        status = 422
    return render_template("work/reports/form.html", form=form, activity=activity, report=report), status


def _move_view(name: str, form_cls, move, done: str, needs_form_choices: bool = False):
    def view(activity_id: int):
        activity = get_activity_or_404(activity_id)
        report = get_report_or_404(activity)
        form = form_cls()
        if needs_form_choices:
            form_choices.report_submit_form(form)
        if form.validate_on_submit():
            try:
                move(report, form, current_user._get_current_object())
            except Refused as exc:
                db.session.rollback()
                status = show_refusal(form, exc)
                activity = get_activity_or_404(activity_id)
                return _page(activity, get_report_or_404(activity), status,
                             **{f"{name}_form": _distinct_ids(form, name)})
            db.session.commit()
            flash(str(done), "success")
            return redirect(url_for(".show", activity_id=activity.id))
        return _page(activity, report, 422, **{f"{name}_form": _distinct_ids(form, name)})
    view.__name__ = name
    return view


_MOVES = [
    ("submit", SubmitForm, lambda r, f, u: report_review.submit(r, f.approvers.data, f.note.data, u, f.version.data),
     _l("Report submitted: its approvers find it under the reports awaiting their review."), Permission.EDIT_ACTIVITIES,
     True),
    ("return", ReturnForm, lambda r, f, u: report_review.return_for_changes(r, f.note.data, u, f.version.data),
     _l("Report returned to its author with your note."), Permission.REVIEW_REPORTS, False),
    ("approve", ApproveForm, lambda r, f, u: report_review.approve(r, f.note.data, u, f.version.data),
     _l("Report approved: it is locked, and the activity may be marked completed."), Permission.REVIEW_REPORTS, False),
    ("unlock", UnlockForm, lambda r, f, u: report_review.unlock(r, f.reason.data, u, f.version.data),
     _l("Report unlocked: it is a draft again and must be reviewed again."), Permission.REVIEW_REPORTS, False),
]
for _name, _form, _move, _done, _permission, _choices in _MOVES:
    bp.add_url_rule(f"/activities/<int:activity_id>/report/{_name}", endpoint=_name, methods=["POST"],
                    view_func=permission_required(_permission)(_move_view(_name, _form, _move, _done, _choices)))


@bp.post("/activities/<int:activity_id>/complete")
@permission_required(Permission.EDIT_ACTIVITIES)
def complete(activity_id: int):
    """Mark the activity completed (refused while its report is not approved, except for a written analysis)."""
    activity = get_activity_or_404(activity_id)
    form = CompleteForm()
    if form.validate_on_submit():
        try:
            completion.mark_completed(activity, form.version.data)
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for(".show", activity_id=activity_id)), 303
        db.session.commit()
        flash(_("“%(title)s” is marked completed.", title=activity.title), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.get("/activity-reports/")
@permission_required(Permission.EDIT_ACTIVITIES)
def index():
    """Every report, filtered by status, approver (me: those waiting for my review), author, kind of activity,
    State; sorted by last change."""
    form, filters, paging = list_filters(ReportFilterForm)
    if filters is None:
        return render_template("work/reports/list.html", form=form, page=None), 400
    for name in ("approver", "author"):
        filters[name] = form[name].resolved(current_user.id)
    page = report_reads.list_page(for_user(current_user), report_reads.ReportFilters(**filters), paging)
    return render_template("work/reports/list.html", form=form, page=page)
