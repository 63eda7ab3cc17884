"""The exports beside the lists (CONTRACT.md): `/experts.csv`, `/contributions.csv`, `/queue.csv`, `/states.csv`,
`/audit.csv`, `/states/<code>/timeline.csv`, and `.xlsx` alike.

Each takes the list's own filter form and query string and hands the list's every row (not one page, in its order,
in the caller's scope: a donor exports only what it may see on the list) to the one writer (app/exports.py). A
filter that is not valid answers 400 naming it. One blueprint without a prefix, because each address sits beside
its list's (`/experts.csv` beside `/experts/`), which a prefixed blueprint cannot express.
"""
from datetime import date

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from app.services.requests import request_exports
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
    """The file; `title` names the workbook's sheet, in the reader's language (the columns keep their keys)."""
    filename = f"{name}-{date.today().isoformat()}.{extension}"
    if extension == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, columns, rows, title=str(title))


def _as_job(select, label: str, extension: str):
    """The export as a job (app.job_exports.offload) when `select` holds more than EXPORT_JOB_ROWS rows (one
    COUNT query); None when it answers at once, as it always did. `label` names the job, with %(format)s."""
    if job_exports.too_many_in(select):
        return job_exports.offload(str(label) % {"format": extension.upper()})
    return None


def _exports(rule: str, name: str, permission: Permission, build, what: str) -> None:
    """`rule`.csv and `rule`.xlsx (endpoints `<name>_csv` and `<name>_xlsx`), each answering build(extension, **the
    rule's arguments) behind `permission`: one list, its two formats, written once."""
    for extension in FORMATS:
        def view(_extension=extension, **arguments):
            return build(_extension, **arguments)
        view.__name__ = f"{name}_{extension}"
        view.__doc__ = f"{what}, every row, as {'CSV' if extension == 'csv' else 'an Excel workbook'}."
        bp.add_url_rule(f"{rule}.{extension}", endpoint=view.__name__, methods=["GET"],
                        view_func=permission_required(permission)(view))


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
    if job := _as_job(select, _l("Export of experts (%(format)s)"), extension):
        return job
    rows = expert_service.export_rows(for_user(current_user), expert_service.ExpertFilters(**filters), paging)
    columns = _EXPERT_COLUMNS + (_EXPERT_CONTACTS if can(Permission.VIEW_EXPERT_CONTACTS) else [])
    return _write("experts", extension, columns, rows, _("Experts"))


_exports("/experts", "experts", Permission.VIEW_EXPERTS, _experts, "The filtered experts")



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
    if job := _as_job(select, _l("Export of contributions (%(format)s)"), extension):
        return job
    rows = contribution_service.export_rows(for_user(current_user),
                                            contribution_service.ContributionFilters(**filters), paging)
    return _write("contributions", extension, _CONTRIBUTION_COLUMNS, rows, _("Contributions"))


_exports("/contributions", "contributions", Permission.VIEW_CONTRIBUTIONS, _contributions,
         "The filtered contributions (a donor: its own)")



# ------------------------------------------------------------------ the managers' queue
def _queue(extension: str):
    filters, paging = _filters(QueueFilterForm)
    select = queue_service.query(for_user(current_user), queue_service.QueueFilters(**filters), loads=())
    if job := _as_job(select, _l("Export of the queue (%(format)s)"), extension):
        return job
    rows = request_exports.queue_rows(for_user(current_user), queue_service.QueueFilters(**filters), paging)
    return _write("queue", extension, REQUEST_COLUMNS, rows, _("Queue"))


_exports("/queue", "queue", Permission.DECIDE_REQUESTS, _queue,
         "The filtered queue in its order (the request list's columns)")



# ------------------------------------------------------------------ States
_STATE_COLUMNS = [
    ("code", lambda r: r[0].code), ("name", lambda r: r[0].name), ("kind", lambda r: r[0].kind),
    ("kind_label", lambda r: ParticipantKind.label_of(r[0].kind)), ("regional_group", lambda r: r[0].regional_group),
    ("un_member", lambda r: "yes" if r[0].is_un_member else "no"), ("instruments_deposited", lambda r: r[1])]


def _states(extension: str):
    filters, paging = _filters(StateFilterForm)
    select = state_service.query(for_user(current_user), state_service.StateFilters(**filters))
    if job := _as_job(select, _l("Export of States (%(format)s)"), extension):
        return job
    rows = state_service.export_rows(for_user(current_user), state_service.StateFilters(**filters), paging)
    return _write("states", extension, _STATE_COLUMNS, rows, _("States"))


_exports("/states", "states", Permission.VIEW_TREATIES, _states, "The filtered participants")



# ------------------------------------------------------------------ one State's timeline
_TIMELINE_COLUMNS = [
    ("date", lambda e: e.day), ("date_note", lambda e: e.date_note), ("kind", lambda e: e.kind),
    ("kind_label", lambda e: e.label), ("instruments", lambda e: joined(e.instruments)),
    ("title", lambda e: e.title), ("detail", lambda e: e.detail),
    ("record_type", lambda e: e.record[0] if e.record else None),
    ("record_id", lambda e: e.record[1] if e.record else None)]


def _timeline(extension: str, code: str):
    state = get_state_or_404(code)
    scope = for_user(current_user)
    filters, _paging = _filters(StateDetailForm)
    as_of = filters["as_of"] or date.today()
    followed = next((i for i in treaty_record.visible_instruments(scope) if i.code == filters["instrument"]), None)
    # The timeline's count: one statement counts every event (a window count) beside the latest one's row.
    if not job_exports.in_job() and job_exports.too_many(outcome_timeline.latest(scope, state, as_of, followed, 1)[1]):
        return job_exports.offload(_("Export of the timeline of %(code)s (%(format)s)", code=state.code,
                                     format=extension.upper()))
    rows = outcome_timeline.every_event(scope, state, as_of, followed)
    return _write(f"timeline-{state.code}", extension, _TIMELINE_COLUMNS, rows, _("Timeline %(code)s", code=state.code))


_exports("/states/<code>/timeline", "timeline", Permission.VIEW_TREATIES, _timeline, "One State's timeline")



# ------------------------------------------------------------------ the audit trail
_AUDIT_COLUMNS = [
    ("id", lambda a: a.id), ("occurred_at_utc", lambda a: a.occurred_at), ("actor", lambda a: a.actor_label),
    ("action", lambda a: a.action), ("record_type", lambda a: a.record_type), ("record_id", lambda a: a.record_id),
    ("summary", lambda a: a.summary), ("ip_address", lambda a: a.ip_address)]


def _audit(extension: str):
    filters, _paging = _filters(AuditFilterForm, form_choices.audit_filters)
    if job := _as_job(audit.query(audit.AuditFilters(**filters)), _l("Export of the audit trail (%(format)s)"),
                      extension):
        return job
    rows = audit.export_rows(audit.AuditFilters(**filters))
    return _write("audit", extension, _AUDIT_COLUMNS, rows, _("Audit trail"))


_exports("/audit", "audit", Permission.VIEW_AUDIT, _audit, "The filtered audit trail")

