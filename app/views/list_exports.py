"""The exports beside the lists (CONTRACT.md): `/experts.csv`, `/contributions.csv`, `/queue.csv`, `/states.csv`,
`/audit.csv`, `/states/<code>/timeline.csv`, and `.xlsx` alike.

Each takes the list's own filter form and query string and hands the list's every row (not one page, in its order,
in the caller's scope: a donor exports only what it may see on the list) to the one writer (app/exports.py). A
filter that is not valid answers 400 naming it. One blueprint without a prefix, because each address sits beside
its list's (`/experts.csv` beside `/experts/`), which a prefixed blueprint cannot express.
"""
from datetime import date

from flask import Blueprint
from flask_login import current_user

from app import form_choices, job_exports
from app.exports import csv_response, xlsx_response
from app.formats.tables import joined
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.core import audit
from app.services.funding import contributions as contribution_service
from app.services.outcomes import outcome_timeline
from app.services.registry import experts as expert_service
from app.services.registry import states as state_service
from app.services.requests import queue as queue_service
from app.services.requests import request_exports, request_reads
from app.services.treaties import treaty_record
from app.views.helpers import list_filters, refuse_filters
from app.views.registry.states import get_state_or_404
from app.views.requests.requests import EXPORT_COLUMNS as REQUEST_COLUMNS
from forms.accounts.users import AuditFilterForm
from forms.funding.contributions import ContributionFilterForm
from forms.registry.experts import ExpertFilterForm
from forms.registry.states import StateDetailForm, StateFilterForm
from forms.requests import QueueFilterForm
from models.enums import ContributionStatus, ExpertKind, ParticipantKind

bp = Blueprint("list_exports", __name__)

FORMATS = ("csv", "xlsx")


def _write(name: str, extension: str, columns, rows, title: str):
    filename = f"{name}-{date.today().isoformat()}.{extension}"
    if extension == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, columns, rows, title=title)


def _as_job(select, label: str, extension: str):
    """The export as a job (app.job_exports.offload) when `select` holds more than EXPORT_JOB_ROWS rows (one
    COUNT query); None when it answers at once, as it always did."""
    if job_exports.too_many_in(select):
        return job_exports.offload(f"Export of {label} ({extension.upper()})")
    return None


def _filters(form_cls, prepare=None):
    form, filters, paging = list_filters(form_cls, prepare)
    if filters is None:
        refuse_filters(form)
    return filters, paging


# ------------------------------------------------------------------ experts
_EXPERT_COLUMNS = [
    ("id", lambda e: e.id), ("name", lambda e: e.name), ("kind", lambda e: e.kind),
    ("kind_label", lambda e: ExpertKind.label_of(e.kind)),
    ("affiliation", lambda e: e.affiliation.display_name if e.affiliation else None),
    ("nationality", lambda e: e.nationality.code if e.nationality else None),
    ("instruments", lambda e: joined(i.code for i in e.instruments)), ("topics", lambda e: joined(e.topics or [])),
    ("languages", lambda e: joined(e.languages or [])), ("legal_tradition", lambda e: e.legal_tradition)]
#: Only for the roles that may see contact details (never a donor).
_EXPERT_CONTACTS = [("email", lambda e: e.email), ("phone", lambda e: e.phone)]


def _experts(extension: str):
    filters, paging = _filters(ExpertFilterForm)
    select = expert_service.query(for_user(current_user), expert_service.ExpertFilters(**filters))
    if job := _as_job(select, "experts", extension):
        return job
    rows = expert_service.export_rows(for_user(current_user), expert_service.ExpertFilters(**filters), paging)
    columns = _EXPERT_COLUMNS + (_EXPERT_CONTACTS if can(Permission.VIEW_EXPERT_CONTACTS) else [])
    return _write("experts", extension, columns, rows, "Experts")


@bp.get("/experts.csv")
@permission_required(Permission.VIEW_EXPERTS)
def experts_csv():
    """The filtered roster, every row, as CSV."""
    return _experts("csv")


@bp.get("/experts.xlsx")
@permission_required(Permission.VIEW_EXPERTS)
def experts_xlsx():
    """The filtered roster, every row, as an Excel workbook."""
    return _experts("xlsx")


# ------------------------------------------------------------------ contributions
_CONTRIBUTION_COLUMNS = [
    ("id", lambda c: c.id), ("donor", lambda c: c.donor.name),
    ("project", lambda c: c.project.title if c.project else None), ("status", lambda c: c.status),
    ("status_label", lambda c: ContributionStatus.label_of(c.status)), ("pledged_date", lambda c: c.pledged_date),
    ("committed_date", lambda c: c.committed_date), ("received_date", lambda c: c.received_date),
    ("currency", lambda c: c.currency), ("amount", lambda c: c.amount),
    ("allocated", lambda c: c.allocated if c.amount is not None else None),
    ("unallocated", lambda c: c.unallocated),
    ("earmark_instruments", lambda c: joined(i.code for i in c.instruments)),
    ("earmark_regions", lambda c: joined(c.regions or [])), ("earmark_from", lambda c: c.period_start),
    ("earmark_to", lambda c: c.period_end), ("source", lambda c: c.source)]


def _contributions(extension: str):
    filters, paging = _filters(ContributionFilterForm)
    select = contribution_service.query(for_user(current_user), contribution_service.ContributionFilters(**filters))
    if job := _as_job(select, "contributions", extension):
        return job
    rows = contribution_service.export_rows(for_user(current_user),
                                            contribution_service.ContributionFilters(**filters), paging)
    return _write("contributions", extension, _CONTRIBUTION_COLUMNS, rows, "Contributions")


@bp.get("/contributions.csv")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def contributions_csv():
    """The filtered contributions (a donor: its own), every row, as CSV."""
    return _contributions("csv")


@bp.get("/contributions.xlsx")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def contributions_xlsx():
    """The filtered contributions (a donor: its own), every row, as an Excel workbook."""
    return _contributions("xlsx")


# ------------------------------------------------------------------ the managers' queue
def _queue(extension: str):
    staff = request_reads.staff_accounts()
    filters, paging = _filters(QueueFilterForm, lambda f: f.assigned_officer.set_accounts(staff))
    select = queue_service.query(for_user(current_user), queue_service.QueueFilters(**filters), loads=())
    if job := _as_job(select, "the queue", extension):
        return job
    rows = request_exports.queue_rows(for_user(current_user), queue_service.QueueFilters(**filters), paging)
    return _write("queue", extension, REQUEST_COLUMNS, rows, "Queue")


@bp.get("/queue.csv")
@permission_required(Permission.DECIDE_REQUESTS)
def queue_csv():
    """The filtered queue, every row, in its order, as CSV (the request list's columns)."""
    return _queue("csv")


@bp.get("/queue.xlsx")
@permission_required(Permission.DECIDE_REQUESTS)
def queue_xlsx():
    """The filtered queue, every row, in its order, as an Excel workbook."""
    return _queue("xlsx")


# ------------------------------------------------------------------ States
_STATE_COLUMNS = [
    ("code", lambda r: r[0].code), ("name", lambda r: r[0].name), ("kind", lambda r: r[0].kind),
    ("kind_label", lambda r: ParticipantKind.label_of(r[0].kind)), ("regional_group", lambda r: r[0].regional_group),
    ("un_member", lambda r: "yes" if r[0].is_un_member else "no"), ("instruments_deposited", lambda r: r[1])]


def _states(extension: str):
    filters, paging = _filters(StateFilterForm)
    select = state_service.query(for_user(current_user), state_service.StateFilters(**filters))
    if job := _as_job(select, "States", extension):
        return job
    rows = state_service.export_rows(for_user(current_user), state_service.StateFilters(**filters), paging)
    return _write("states", extension, _STATE_COLUMNS, rows, "States")


@bp.get("/states.csv")
@permission_required(Permission.VIEW_TREATIES)
def states_csv():
    """The filtered participants, every row, as CSV."""
    return _states("csv")


@bp.get("/states.xlsx")
@permission_required(Permission.VIEW_TREATIES)
def states_xlsx():
    """The filtered participants, every row, as an Excel workbook."""
    return _states("xlsx")


# ------------------------------------------------------------------ one State's timeline
_TIMELINE_COLUMNS = [
    ("date", lambda e: e.day), ("date_note", lambda e: e.date_note), ("kind", lambda e: e.kind),
    ("kind_label", lambda e: e.label), ("instruments", lambda e: joined(e.instruments)),
    ("title", lambda e: e.title), ("detail", lambda e: e.detail),
    ("record_type", lambda e: e.record[0] if e.record else None),
    ("record_id", lambda e: e.record[1] if e.record else None)]


def _timeline(code: str, extension: str):
    state = get_state_or_404(code)
    scope = for_user(current_user)
    filters, _paging = _filters(StateDetailForm)
    as_of = filters["as_of"] or date.today()
    followed = next((i for i in treaty_record.visible_instruments(scope) if i.code == filters["instrument"]), None)
    # The timeline's count: one statement counts every event (a window count) beside the latest one's row.
    if not job_exports.in_job() and job_exports.too_many(outcome_timeline.latest(scope, state, as_of, followed, 1)[1]):
        return job_exports.offload(f"Export of the timeline of {state.code} ({extension.upper()})")
    rows = outcome_timeline.every_event(scope, state, as_of, followed)
    return _write(f"timeline-{state.code}", extension, _TIMELINE_COLUMNS, rows, f"Timeline {state.code}")


@bp.get("/states/<code>/timeline.csv")
@permission_required(Permission.VIEW_TREATIES)
def timeline_csv(code):
    """A State's whole timeline (as at a date, for one instrument or all) as CSV."""
    return _timeline(code, "csv")


@bp.get("/states/<code>/timeline.xlsx")
@permission_required(Permission.VIEW_TREATIES)
def timeline_xlsx(code):
    """A State's whole timeline (as at a date, for one instrument or all) as an Excel workbook."""
    return _timeline(code, "xlsx")


# ------------------------------------------------------------------ the audit trail
_AUDIT_COLUMNS = [
    ("id", lambda a: a.id), ("occurred_at_utc", lambda a: a.occurred_at), ("actor", lambda a: a.actor_label),
    ("action", lambda a: a.action), ("record_type", lambda a: a.record_type), ("record_id", lambda a: a.record_id),
    ("summary", lambda a: a.summary), ("ip_address", lambda a: a.ip_address)]


def _audit(extension: str):
    filters, _paging = _filters(AuditFilterForm, form_choices.audit_filters)
    if job := _as_job(audit.query(audit.AuditFilters(**filters)), "the audit trail", extension):
        return job
    rows = audit.export_rows(audit.AuditFilters(**filters))
    return _write("audit", extension, _AUDIT_COLUMNS, rows, "Audit trail")


@bp.get("/audit.csv")
@permission_required(Permission.VIEW_AUDIT)
def audit_csv():
    """The filtered audit trail, every entry, newest first, as CSV."""
    return _audit("csv")


@bp.get("/audit.xlsx")
@permission_required(Permission.VIEW_AUDIT)
def audit_xlsx():
    """The filtered audit trail, every entry, newest first, as an Excel workbook."""
    return _audit("xlsx")
