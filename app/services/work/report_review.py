"""The review of an activity report: submitted to approvers the author chooses (managers), approved by one of
them or returned with a note that the author answers when resubmitting; an approved report is locked, and a
manager may unlock it with a reason. Every step is a status change with its actor, time and note (the report's
thread) and an audit entry; nothing is committed here.

Rules: an empty report cannot be submitted; approvers are active managers and never the report's author (nor
the person submitting it); only an approver the report was sent to approves or returns it, and never its author;
a return needs a note; an unlock needs a reason.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formats import rich_text
from app.formatting import format_number
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.notifications import events as notification_events
from app.services.work.report_writes import label
from models import ActivityReport, IllegalTransition, User, db
from models.enums import ReportStatus, Role

MAX_NOTE = 5000
APPROVER_ROLES = (Role.MANAGER.value,)


def approver_choices() -> list[User]:
    """The accounts a report can be sent to: active managers, by name."""
    return list(db.session.scalars(sa.select(User).where(User.role.in_(APPROVER_ROLES), User.is_active_account)
                                   .order_by(User.name, User.id)))


def _note(note: str | None, field: str, required: str | None = None) -> str | None:
    note = (note or "").strip() or None
    if note is None and required:
        raise Refused({field: required})
    if note is not None and len(note) > MAX_NOTE:
        raise Refused({field: _("At most %(limit)s characters.", limit=format_number(MAX_NOTE))})
    return note


def _move(report: ActivityReport, to: ReportStatus, actor, note: str | None, version: int | None, summary: str,
          sent_to: list[str] | None = None) -> ActivityReport:
    versions.check(report, version, label(report))
    before = report.status
    try:
        report.move(to, actor, note, sent_to)
    except IllegalTransition as exc:
        raise Refused({None: str(exc)}) from None
    versions.flush(report, label(report))
    audit.record_for(report, "status", summary, before={"status": before},
                     after={"status": report.status, "note": note, **({"sent_to": sent_to} if sent_to else {})},
                     actor=actor)
    return report


def _approvers(report: ActivityReport, approver_ids, actor) -> list[User]:
    ids = list(dict.fromkeys(approver_ids or []))
    if not ids:
        if report.approvers:  # a resubmission goes back to the same approvers unless others are chosen
            return list(report.approvers)
        raise Refused({"approvers": _("Choose at least one manager to review the report.")})
    found = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    problems = []
    for user_id in ids:
        user = found.get(user_id)
        if user is None or user.role not in APPROVER_ROLES or not user.is_active_account:
            problems.append(_("Account #%(id)s is not an active manager: only managers review reports.", id=user_id))
        elif user.id == report.author_id:
            problems.append(_("%(name)s wrote the report: its author cannot review it.", name=user.name))
        elif user.id == getattr(actor, "id", None):
            problems.append(_("You cannot send the report to yourself for review."))
    if problems:
        raise Refused({"approvers": " ".join(problems)})
    return [found[i] for i in ids]


def submit(report: ActivityReport, approver_ids, note: str | None, actor, version: int | None) -> ActivityReport:
    """Send the report (a draft, or returned for changes) to its approvers; after a return, `note` answers the
    approver's note."""
    if ReportStatus(report.status) not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Refused({None: _("A report that is %(status)s cannot be submitted.",
                               status=ReportStatus.label_of(report.status).lower())})
    if not rich_text.plain(report.summary):
        raise Refused({"summary": _("Say what was done before submitting: the summary of the report is empty.")})
    note = _note(note, "note")
    approvers = _approvers(report, approver_ids, actor)
    report.approvers[:] = approvers
    names = [u.name for u in approvers]
    again = "Resubmitted" if report.status == ReportStatus.RETURNED.value else "Submitted"
    _move(report, ReportStatus.SUBMITTED, actor, note, version,
          f"{again} the report on “{report.activity.title}” to {', '.join(names)}", sent_to=names)
    notification_events.notify_all(approvers, notification_events.NotificationKind.REPORT_SUBMITTED,
                                   _l("%(name)s sent you the report on “%(title)s” to review.",
                                      name=getattr(actor, "name", None) or _l("Someone"),
                                      title=report.activity.title), report, actor=actor)
    return report


#: What a review move refused says, by move: (not a submitted report, its author reviewing), whole sentences.
_REVIEW_REFUSALS = {
    "return": (_l("Only a submitted report can be returned: this one is %(status)s."),
               _l("The author of a report cannot return it: another manager must review it.")),
    "approve": (_l("Only a submitted report can be approved: this one is %(status)s."),
                _l("The author of a report cannot approve it: another manager must review it.")),
}


def _reviewer(report: ActivityReport, actor, move: str) -> None:
    not_submitted, own = _REVIEW_REFUSALS[move]
    if report.status != ReportStatus.SUBMITTED.value:
        raise Refused({None: str(not_submitted) % {"status": ReportStatus.label_of(report.status).lower()}})
    if getattr(actor, "id", None) == report.author_id:
        raise Refused({None: str(own)})
    if getattr(actor, "id", None) not in {u.id for u in report.approvers}:
        raise Refused({None: _("Only an approver the report was sent to may review it.")})


def return_for_changes(report: ActivityReport, note: str | None, actor, version: int | None) -> ActivityReport:
    """Send the report back to its author with a note saying what to change (the note is required)."""
    _reviewer(report, actor, "return")
    note = _note(note, "note", _("Say what should change: a report is returned with a note for its author."))
    _move(report, ReportStatus.RETURNED, actor, note, version,
          f"Returned the report on “{report.activity.title}” for changes")
    notification_events.notify(report.author, notification_events.NotificationKind.REPORT_RETURNED,
                               _l("Your report on “%(title)s” was returned for changes: %(note)s",
                                  title=report.activity.title, note=note), report, actor=actor)
    return report


def approve(report: ActivityReport, note: str | None, actor, version: int | None) -> ActivityReport:
    """Approve the report: it is locked, and its activity may be marked completed."""
    _reviewer(report, actor, "approve")
    _move(report, ReportStatus.APPROVED, actor, _note(note, "note"), version,
          f"Approved the report on “{report.activity.title}”")
    notification_events.notify(report.author, notification_events.NotificationKind.REPORT_APPROVED,
                               _l("Your report on “%(title)s” was approved.", title=report.activity.title), report,
                               actor=actor)
    return report


def unlock(report: ActivityReport, reason: str | None, actor, version: int | None) -> ActivityReport:
    """Reopen an approved report as a draft (a manager, with a reason): it must be reviewed again."""
    if report.status != ReportStatus.APPROVED.value:
        raise Refused({None: _("Only an approved report is locked: this one can be changed as it is.")})
    reason = _note(reason, "reason", _("Say why the approved report is unlocked."))
    return _move(report, ReportStatus.DRAFT, actor, reason, version,
                 f"Unlocked the approved report on “{report.activity.title}”")
