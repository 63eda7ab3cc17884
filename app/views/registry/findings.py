"""Legislative findings: an issue raised with a State in an activity, its status over time and its history; the
form that records one and the form that moves its status; the per-State checklist the State page shows."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from app.services.registry import legislative
from app.views.helpers import show_refusal
from forms.registry.legislative import FindingForm, FindingStatusForm
from models import LegislativeFinding, db
from models.enums import FindingStatus

bp = Blueprint("findings", __name__, url_prefix="/findings")


def get_finding_or_404(finding_id: int) -> LegislativeFinding:
    """A finding the user may see (a donor: raised in an activity it funds)."""
    return legislative.get_finding(for_user(current_user), finding_id) or abort(404)


@bp.app_context_processor
def _checklist():
    """`finding_checklist(state)` for the State page's section (templates/findings/_state_checklist.html)."""
    def finding_checklist(state):
        return legislative.checklist(for_user(current_user), state) if can(Permission.VIEW_ISSUES) else []
    return {"finding_checklist": finding_checklist}


def _detail(finding: LegislativeFinding, form: FindingStatusForm | None = None, status: int = 200):
    return render_template("registry/findings/detail.html", finding=finding,
                           form=form or FindingStatusForm(formdata=None, data={"status": finding.status,
                                                                               "version": finding.version}),
                           history=timeline_for("LegislativeFinding", finding.id)
                           if can(Permission.EDIT_ISSUES) else None), status


@bp.get("/<int:finding_id>")
@permission_required(Permission.VIEW_ISSUES)
def detail(finding_id: int):
    return _detail(get_finding_or_404(finding_id))


@bp.post("/<int:finding_id>/status")
@permission_required(Permission.EDIT_ISSUES)
def move(finding_id: int):
    """Move the finding's status (identified → advice given → draft law → enacted), dated, with a reason."""
    finding = get_finding_or_404(finding_id)
    form = FindingStatusForm()
    if not form.validate_on_submit():
        return _detail(finding, form, 422)
    try:
        legislative.move_finding(finding, form.status.data, form.status_date.data, form.note.data,
                                 current_user._get_current_object(), form.version.data)
    except Refused as exc:
        db.session.rollback()
        status = show_refusal(form, exc)
        return _detail(get_finding_or_404(finding_id), form, status)
    db.session.commit()
    flash(_("%(issue)s (%(state)s) is now “%(status)s”.", issue=finding.issue.title, state=finding.state.name,
            status=FindingStatus.label_of(finding.status)), "success")
    return redirect(url_for(".detail", finding_id=finding.id))


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ISSUES)
def new():
    """Record an issue raised with a State (`?state=CODE`, `?activity=ID` preselect them)."""
    scope = for_user(current_user)
    form = FindingForm()
    if request.method == "GET":
        form.state.data = (request.args.get("state") or "").upper()[:3] or None
        if request.args.get("activity", "").isdigit():
            form.activity.data = int(request.args["activity"])
            if form.state.data is None:
                chosen = activity_reads.get(scope, form.activity.data)
                if chosen is not None and len(chosen.states) == 1:
                    form.state.data = chosen.states[0].state.code
    form_choices.finding_form(form)  # after the preselection: the pickers offer what the form holds
    if form.validate_on_submit():
        try:
            finding = legislative.record_finding(scope, form.state.data, form.issue.data, form.activity.data,
                                                 form.status.data, form.status_date.data, form.note.data,
                                                 current_user._get_current_object())
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("Recorded “%(issue)s” for %(state)s.", issue=finding.issue.title, state=finding.state.name),
                  "success")
            return redirect(url_for(".detail", finding_id=finding.id))
    return render_template("registry/findings/form.html", form=form), 422 if form.is_submitted() else 200
