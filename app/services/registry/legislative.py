"""Legislative issues: the catalogue of A/58/165 para. 15, each State's findings with their history, the per-State
checklist, and the two writes (record a finding, move its status)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.listing import text_condition
from app.scoping import Scope
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.registry import states as state_service
from models import (
    Activity,
    FindingStatusChange,
    IllegalTransition,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    db,
)
from models.enums import FindingStatus

FINDING_LOADS = (selectinload(LegislativeFinding.state), selectinload(LegislativeFinding.issue),
                 selectinload(LegislativeFinding.activity),
                 selectinload(LegislativeFinding.history).selectinload(FindingStatusChange.actor))


def catalogue(scope: Scope, q: str | None = None) -> list[LegislativeIssue]:
    """Every issue, in the report's order (the order the record was loaded in); with `q`, those whose words or
    number match it, or that were raised (a finding `scope` may see) with a State one of whose names holds it.
    One query."""
    select = sa.select(LegislativeIssue).order_by(LegislativeIssue.id)
    if q:
        raised = sa.select(LegislativeFinding.issue_id).where(
            scope.findings(), state_service.matching(LegislativeFinding.state_id, q))
        select = select.where(text_condition(q, LegislativeIssue.id, (LegislativeIssue.title, LegislativeIssue.code,
                                                                      LegislativeIssue.article),
                                             LegislativeIssue.id.in_(raised)))
    return list(db.session.scalars(select))


def get_issue(issue_id: int) -> LegislativeIssue | None:
    return db.session.get(LegislativeIssue, issue_id)


def _findings(scope: Scope) -> sa.Select:
    return sa.select(LegislativeFinding).where(scope.findings()).options(*FINDING_LOADS)


def findings_of_issue(scope: Scope, issue: LegislativeIssue) -> list[LegislativeFinding]:
    found = db.session.scalars(_findings(scope).where(LegislativeFinding.issue_id == issue.id))
    return sorted(found, key=lambda f: f.state.name)


def findings_of_activity(scope: Scope, activity: Activity) -> list[LegislativeFinding]:
    found = db.session.scalars(_findings(scope).where(LegislativeFinding.activity_id == activity.id))
    return sorted(found, key=lambda f: (f.state.name, f.issue_id))


def get_finding(scope: Scope, finding_id: int) -> LegislativeFinding | None:
    return db.session.scalars(_findings(scope).where(LegislativeFinding.id == finding_id)).first()


@dataclass(frozen=True)
class ChecklistRow:
    issue: LegislativeIssue
    finding: LegislativeFinding | None
    #: status value -> the day it was reached (None: reached, no day recorded); statuses not reached are absent.
    reached: dict


def checklist(scope: Scope, state: MemberState) -> list[ChecklistRow]:
    """Issue × status for one State: every issue of the catalogue, and how far the State has come on each."""
    found = {f.issue_id: f for f in db.session.scalars(_findings(scope).where(LegislativeFinding.state_id == state.id))}
    rows = []
    for issue in catalogue(scope):
        finding = found.get(issue.id)
        reached = {}
        for step in (finding.history if finding else []):
            reached.setdefault(step.status, step.status_date)
        rows.append(ChecklistRow(issue, finding, reached))
    return rows


def record_finding(scope: Scope, state_code: str, issue_id: int, activity_id: int | None, status: str,
                   on: date | None, note: str | None, actor) -> LegislativeFinding:
    """A new finding: an issue raised with a State (in an activity), at a first status."""
    state = db.session.scalars(sa.select(MemberState).where(MemberState.code == state_code, scope.states())).first()
    issue = get_issue(issue_id) if issue_id else None
    activity = db.session.scalars(sa.select(Activity).where(Activity.id == activity_id, scope.activities())).first() \
        if activity_id else None
    errors = {}
    if state is None:
        errors["state"] = _("Choose a State from the list.")
    if issue is None:
        errors["issue"] = _("Choose an issue from the catalogue.")
    if activity_id and activity is None:
        errors["activity"] = _("Choose an activity from the list.")
    if on and on > date.today():
        errors["status_date"] = _("That day is in the future: record a status once it has taken effect.")
    if state is not None and issue is not None and db.session.scalar(sa.select(LegislativeFinding.id).where(
            LegislativeFinding.state_id == state.id, LegislativeFinding.issue_id == issue.id)):
        errors["issue"] = _("%(state)s already has a finding on “%(issue)s”: open it and move its status instead.",
                            state=state.name, issue=issue.title)
    if errors:
        raise Refused(errors)
    finding = LegislativeFinding(state=state, issue=issue, activity=activity, note=note)
    finding.record_status(status, on, actor=actor, note=note)
    db.session.add(finding)
    db.session.flush()
    audit.record_for(finding, "create", f"Recorded “{issue.title}” for {state.name} as "
                                        f"{FindingStatus.label_of(status).lower()}",
                     after={"state": state.code, "issue": issue.code, "activity": activity_id, "status": status,
                            "status_date": on, "note": note})
    return finding


def move_finding(finding: LegislativeFinding, to: str, on: date | None, note: str | None, actor,
                 version: int | None) -> None:
    """Move a finding's status (the model's guarded method); Refused with the reason when the move is wrong, Stale
    when the finding changed since `version` (the page's, or the API's If-Match)."""
    label = _("The finding “%(issue)s” (%(state)s)", issue=finding.issue.title, state=finding.state.name)
    versions.check(finding, version, label)
    before = finding.status
    try:
        finding.change_status(to, on, actor, note)
    except IllegalTransition as exc:
        raise Refused({"status": str(exc)}) from None
    versions.flush(finding, label)
    audit.record_for(finding, "status", f"{finding.issue.title} ({finding.state.name}): "
                                        f"{FindingStatus.label_of(before)} → {FindingStatus.label_of(to)}",
                     before={"status": before}, after={"status": to, "status_date": on, "note": note})
