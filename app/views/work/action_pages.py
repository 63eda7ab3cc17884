"""Follow-up action pages: the list with the queue's filters (and its CSV and XLSX), "my actions", one action
with its history and the form that moves it, the form that raises or changes one (from a report, a request, a
finding or a State's page), and the open actions shown on those records' pages (`pending_actions`)."""
from datetime import date
from operator import itemgetter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices, job_exports
from app.exports import csv_response, xlsx_response
from app.formatting import format_date
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.core.errors import Refused
from app.services.work import action_reads, action_writes
from app.views.helpers import list_filters, refuse_filters, show_refusal
from forms.work.action_forms import ActionFilterForm, ActionForm, initial_data
from models import FollowUpAction, db
from models.enums import ActionStatus

bp = Blueprint("actions", __name__, url_prefix="/actions")


def get_action_or_404(action_id: int) -> FollowUpAction:
    return action_reads.get(for_user(current_user), action_id) or abort(404)


@bp.app_context_processor
def _sections():
    """`pending_actions(state_id=…)` (or activity_id, request_id, finding_id): the open actions a record's page
    shows, and how many there are; nothing for those who do not see actions."""
    def pending_actions(**link):
        if not can(Permission.VIEW_ACTIONS):
            return [], 0
        return action_reads.pending_of(for_user(current_user), **link)
    return {"pending_actions": pending_actions, "actions_today": date.today}


def _filters(mine: bool):
    form, filters, paging = list_filters(ActionFilterForm)
    if filters is not None:
        filters["owner"] = current_user.id if mine else form.owner.resolved(current_user.id)
        if mine and not request.args.get("status"):
            filters["status"] = form.status.data = action_reads.PENDING_FILTER
    return form, filters, paging


def _list(template: str, mine: bool):
    form, filters, paging = _filters(mine)
    if filters is None:
        return render_template(template, form=form, page=None, mine=mine), 400
    today = date.today()
    page = action_reads.list_page(for_user(current_user), action_reads.ActionFilters(**filters), paging, today)
    return render_template(template, form=form, page=page, mine=mine, today=today)


@bp.get("/")
@permission_required(Permission.VIEW_ACTIONS)
def index():
    """Every follow-up action, filtered as the queue is (status, owner, State, regional group, instrument,
    priority, overdue, due dates), by due date."""
    return _list("work/actions/list.html", mine=False)


@bp.get("/mine")
@permission_required(Permission.VIEW_ACTIONS)
def mine():
    """My actions: those I own, open or in progress by default, by due date; overdue ones marked."""
    return _list("work/actions/list.html", mine=True)


def _export(extension: str):
    form, filters, paging = _filters(mine=False)
    if filters is None:
        refuse_filters(form)
    today = date.today()
    listed = action_reads.query(for_user(current_user), action_reads.ActionFilters(**filters), today)
    if job_exports.too_many_in(listed):
        return job_exports.offload(_("Export of follow-up actions (%(format)s)", format=extension.upper()))
    rows = [action_reads.export_row(a, today) for a in
            action_reads.rows(for_user(current_user), action_reads.ActionFilters(**filters), paging, today)]
    columns = [(name, itemgetter(n)) for n, name in enumerate(action_reads.EXPORT_HEADER)]
    name = f"actions-{today.isoformat()}.{extension}"
    return csv_response(name, columns, rows) if extension == "csv" else \
        xlsx_response(name, columns, rows, title=_("Follow-up actions"))


@bp.get("/export.csv")
@permission_required(Permission.VIEW_ACTIONS)
def export_csv():
    """The filtered actions as CSV: every row (not one page), in the list's order."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required(Permission.VIEW_ACTIONS)
def export_xlsx():
    """The filtered actions as an Excel workbook."""
    return _export("xlsx")


@bp.get("/<int:action_id>")
@permission_required(Permission.VIEW_ACTIONS)
def detail(action_id: int):
    """One action: what, who, by when, where it was raised, its history."""
    return render_template("work/actions/detail.html", action=get_action_or_404(action_id), today=date.today())


def _prefill() -> dict:
    """A new action raised from a record: `?activity=`, `?request=`, `?finding=` link it, `?state=` names the State."""
    data = {"owner": current_user.id}
    for name in ("activity", "request", "finding"):
        if request.args.get(name, "").isdigit() and len(request.args[name]) < 10:
            data[name] = int(request.args[name])
    if request.args.get("state"):
        data["state"] = request.args["state"].upper()[:3]
    return data


def _save(action: FollowUpAction | None):
    form = ActionForm(data=initial_data(action) if action else _prefill()) if request.method == "GET" \
        else ActionForm()
    form_choices.action_form(form)
    status = 200
    if form.validate_on_submit():
        scope, today = for_user(current_user), date.today()
        data = action_writes.ActionData.of(form.values())
        try:
            saved = action_writes.create(scope, data, current_user._get_current_object(), today) if action is None \
                else action_writes.update(scope, action, data, current_user._get_current_object(),
                                          form.version.data, today)
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            action = get_action_or_404(action.id) if action is not None else None
        else:
            db.session.commit()
            flash(_("Action #%(id)s saved: %(status)s, due %(day)s.", id=saved.id,
                    status=ActionStatus.label_of(saved.status).lower(), day=format_date(saved.due_date)), "success")
            return redirect(url_for(".detail", action_id=saved.id))
    elif form.is_submitted():
        status = 422
    return render_template("work/actions/form.html", form=form, action=action), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ACTIONS)
def new():
    """Raise a follow-up action (from a report, a request, a finding or a State's page)."""
    return _save(None)


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ACTIONS)
def edit(action_id: int):
    """Change an action, or move it: in progress, done, cancelled (with a note), reopened (with a note)."""
    return _save(get_action_or_404(action_id))
