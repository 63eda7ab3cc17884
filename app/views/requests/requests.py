"""Requests for assistance in the browser: the list and its exports, "my requests", intake and edit (one form), the
request page, and the workflow's moves and assignment (POST-only sub-paths). The queue is app/views/queue.py."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices, job_exports
from app.exports import csv_response, xlsx_response
from app.formats.tables import joined
from app.page_cache import cached_page
from app.permissions import Permission, can, permission_required
from app.rules.record_dates import fact_date
from app.scoping import for_user
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from app.services.requests import request_exports, request_reads, request_writes
from app.views.accounts.auth import safe_next
from app.views.helpers import list_filters, show_refusal
from app.views.overview.home import home_panel
from forms.filters import INSTRUMENT_CODES
from forms.requests import AssignForm, MoveForm, RequestFilterForm, RequestForm
from models import AssistanceRequest, db
from models.enums import Priority, RequestChannel, RequestKind, RequestStatus

bp = Blueprint("requests", __name__)


def get_request_or_404(request_id: int) -> AssistanceRequest:
    """A request the user may see, with its history, or 404."""
    return request_reads.get(for_user(current_user), request_id) or abort(404)


# ------------------------------------------------------------------ the list and its exports
@bp.get("/requests/")
@permission_required(Permission.VIEW_REQUESTS)
@cached_page
def index():
    """Every request, filtered, sorted and paginated; the exports carry the same filters."""
    form, filters, paging = list_filters(RequestFilterForm)
    if filters is None:
        return render_template("requests/list.html", form=form, page=None, today=date.today()), 400
    page = request_reads.list_page(for_user(current_user), request_reads.RequestFilters(**filters), paging)
    return render_template("requests/list.html", form=form, page=page, today=date.today())


def _labels(enum_cls):
    return lambda value: enum_cls.label_of(value) if value else None


def _person(user):
    return f"{user.name} <{user.email}>" if user else None


#: The export's columns: codes and labels, every instrument, ISO dates.
EXPORT_COLUMNS = [
    ("id", lambda r: r.id),
    ("state_code", lambda r: r.state.code),
    ("state_name", lambda r: r.state.name),
    ("instruments", lambda r: joined(i.code for i in r.instruments)),
    ("instrument_names", lambda r: joined(i.short_title for i in r.instruments)),
    ("kind", lambda r: r.kind),
    ("kind_label", lambda r: RequestKind.label_of(r.kind)),
    ("subject", lambda r: r.subject),
    ("subject_inferred", lambda r: "yes" if r.is_subject_inferred else "no"),
    ("status", lambda r: r.status),
    ("status_label", lambda r: RequestStatus.label_of(r.status)),
    ("priority", lambda r: r.priority),
    ("priority_label", lambda r: Priority.label_of(r.priority)),
    ("received_date", lambda r: r.received_date),
    ("due_date", lambda r: r.due_date),
    ("overdue", lambda r: "yes" if r.is_overdue(date.today()) else "no"),
    ("channel", lambda r: r.channel),
    ("channel_label", lambda r: _labels(RequestChannel)(r.channel)),
    ("requesting_authority", lambda r: r.requesting_authority),
    ("assigned_officer", lambda r: _person(r.assigned_officer)),
    ("logged_by", lambda r: _person(r.logged_by)),
    ("decision", lambda r: r.decision),
    ("decision_reason", lambda r: r.decision_reason),
    ("decided_at", lambda r: r.decided_at),
    ("first_response_date", lambda r: r.first_response_date),
    ("days_to_first_response", lambda r: r.days_to_first_response),
    ("source", lambda r: r.source),
]


def _export(write):
    form, filters, paging = list_filters(RequestFilterForm)
    if filters is None:
        return render_template("requests/list.html", form=form, page=None, today=date.today()), 400
    if job_exports.too_many(request_reads.count(for_user(current_user), request_reads.RequestFilters(**filters))):
        return job_exports.offload(_("Export of requests (%(format)s)", format=request.path.rsplit(".", 1)[-1].upper()))
    rows = request_exports.request_rows(for_user(current_user), request_reads.RequestFilters(**filters), paging)
    return write(f"requests-{date.today().isoformat()}", rows)


@bp.get("/requests.csv")
@permission_required(Permission.VIEW_REQUESTS)
def export_csv():
    """The filtered list, every row, as CSV."""
    return _export(lambda name, rows: csv_response(f"{name}.csv", EXPORT_COLUMNS, rows))


@bp.get("/requests.xlsx")
@permission_required(Permission.VIEW_REQUESTS)
def export_xlsx():
    """The filtered list, every row, as an Excel workbook."""
    return _export(lambda name, rows: xlsx_response(f"{name}.xlsx", EXPORT_COLUMNS, rows, title=_("Requests")))


# ------------------------------------------------------------------ my requests
@bp.get("/requests/mine")
@permission_required(Permission.EDIT_REQUESTS)
@cached_page
def mine():
    """What is assigned to me, what of it is overdue, what I logged."""
    today = date.today()
    mine_ = request_reads.mine(for_user(current_user), current_user, today)
    return render_template("requests/mine.html", mine=mine_, today=today)


@home_panel(Permission.EDIT_REQUESTS, "requests/_home_panel.html")
def _home_panel(scope, user):
    return {"counts": request_reads.my_counts(scope, user)}


# ------------------------------------------------------------------ intake and edit
def _form_page(form, record=None, status=200):
    """The form, with every State's treaty status as at the request's own date — its received date, else its
    report's, else today: the day the rules judge it at (the script shows the chosen State's beside the
    instruments; the page itself shows the status of the State it is rendered with)."""
    today = fact_date(form.received_date.data if isinstance(form.received_date.data, date) else None,
                      record.source if record is not None else None, date.today())
    notes = request_reads.party_notes(today)
    code = form.state.data or ""
    known = code in {c.value for c in form.state.choices} and code != ""
    state_notes = {i: notes.get(code, {}).get(i, "not a signatory") for i in INSTRUMENT_CODES} if known else {}
    return render_template("requests/form.html", form=form, record=record, notes=notes, state_notes=state_notes,
                           today=today), status


def _request_form() -> RequestForm:
    """The intake form as posted, its State picker bound (a GET binds it again once it is filled)."""
    form = RequestForm()
    form_choices.request_form(form)
    return form


@bp.route("/requests/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_REQUESTS)
def new():
    """Log a request as it arrives. `?state=BOL` preselects the State (its treaty status shows beside the
    instruments)."""
    form = _request_form()
    if request.method == "GET":
        form.state.data = (request.args.get("state") or "").upper()[:3] or None
        form.received_date.data = date.today()
        form_choices.request_form(form)
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, status=422)
    try:
        record = request_writes.create(for_user(current_user), form.values(), current_user)
    except Refused as exc:
        db.session.rollback()
        show_refusal(form, exc)
        return _form_page(form, status=422)
    db.session.commit()
    flash(_("Request #%(id)s logged: it waits in the managers' queue.", id=record.id), "success")
    return redirect(url_for("requests.detail", request_id=record.id))


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_REQUESTS)
def edit(request_id: int):
    """The intake form, filled with the request; refused when the request changed since the form was loaded."""
    record = get_request_or_404(request_id)
    form = _request_form()
    if request.method == "GET":
        form.process(formdata=None, data={
            "state": record.state.code, "instruments": [i.code for i in record.instruments], "kind": record.kind,
            "received_date": record.received_date, "channel": record.channel or "",
            "requesting_authority": record.requesting_authority, "subject": record.subject,
            "description": record.description, "priority": record.priority, "due_date": record.due_date,
            "version": record.version})
        form_choices.request_form(form)
        return _form_page(form, record)
    if not form.validate_on_submit():
        return _form_page(form, record, 422)
    try:
        changed = request_writes.update(for_user(current_user), record, form.values(), current_user,
                                         form.version.data)
    except Refused as exc:
        db.session.rollback()
        status = show_refusal(form, exc)
        return _form_page(form, get_request_or_404(request_id), status)
    db.session.commit()
    flash(_("Request #%(id)s saved.", id=record.id) if changed else _("Nothing was changed."),
          "success" if changed else "info")
    return redirect(url_for("requests.detail", request_id=record.id))


# ------------------------------------------------------------------ the request page
def _with_version(form, record: AssistanceRequest):
    """The form as the page renders it: carrying the version shown (the current one)."""
    form.version.raw_data = None
    form.version.data = record.version
    return form


def _detail_page(record: AssistanceRequest, move_form=None, assign_form=None, status=200):
    today = date.today()
    move_form = _with_version(move_form or MoveForm(formdata=None), record)
    if can(Permission.DECIDE_REQUESTS):
        assign_form = _with_version(assign_form or AssignForm(formdata=None, data={
            "officer": record.assigned_officer_id}), record)
        form_choices.assign_form(assign_form)
    history = timeline_for("AssistanceRequest", record.id)
    return render_template("requests/detail.html", r=record, today=today,
                           bucket=request_reads.bucket_of(record, today),
                           moves=request_writes.moves_for(record, current_user), move_form=move_form,
                           assign_form=assign_form, treaty_rows=request_reads.treaty_rows(record),
                           history=history), status


@bp.get("/requests/<int:request_id>")
@permission_required(Permission.VIEW_REQUESTS)
@cached_page
def detail(request_id: int):
    """A request: its facts, workflow and history, the activities answering it, the State's treaty actions."""
    return _detail_page(get_request_or_404(request_id))


def _back(form, record: AssistanceRequest):
    return redirect(safe_next(form.next.data) or url_for("requests.detail", request_id=record.id))


def _move_view(move):
    def view(request_id: int):
        record = get_request_or_404(request_id)
        form = MoveForm()
        if form.validate_on_submit():
            try:
                request_writes.move(record, move.name, current_user, form.reason.data, form.version.data)
            except Refused as exc:
                db.session.rollback()
                show_refusal(form, exc)
            else:
                db.session.commit()
                flash(_("Request #%(id)s (%(state)s) is now %(status)s.", id=record.id, state=record.state.name,
                        status=RequestStatus(record.status).label.lower()), "success")
                return _back(form, record)
        return _detail_page(get_request_or_404(request_id), move_form=form, status=422)
    view.__name__ = move.name
    view.__doc__ = f"POST: {move.label} (the reason and the version of the page in the form)."
    return view


for _move in request_writes.MOVES:
    bp.add_url_rule(f"/requests/<int:request_id>/{_move.name.replace('_', '-')}", endpoint=_move.name,
                    view_func=permission_required(_move.permission)(_move_view(_move)), methods=["POST"])


@bp.post("/requests/<int:request_id>/assign")
@permission_required(Permission.DECIDE_REQUESTS)
def assign(request_id: int):
    """Assign the request to an officer (or to nobody)."""
    record = get_request_or_404(request_id)
    form = AssignForm()
    form_choices.assign_form(form)
    if form.validate_on_submit():
        try:
            changed = request_writes.assign(record, form.officer.data, form.version.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            who = record.assigned_officer.name if record.assigned_officer else _("nobody")
            flash(_("Request #%(id)s is assigned to %(name)s.", id=record.id, name=who) if changed
                  else _("Nothing was changed."), "success" if changed else "info")
            return _back(form, record)
    return _detail_page(get_request_or_404(request_id), assign_form=form, status=422)
