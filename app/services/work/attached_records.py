"""The records files and comments belong to, each reached through its own domain's scoped read: a file or a
comment is shown to a caller only through a record that caller may see (a donor: an activity its money funds, its
own contribution, a finding raised in a funded activity, an approved report of a funded activity — never a request,
which donors do not see).

`KINDS` says, per kind of record, the permission to see it, the permission to add a file or a comment to it, and
how to read it in a scope; `visible(scope, kind, id)` is that read.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.permissions import Permission
from app.scoping import Scope
from app.services.activities import activity_reads
from app.services.funding import contributions as contribution_service
from app.services.registry import legislative
from app.services.requests import request_reads
from app.services.work import report_reads
from models import ActivityReport, db
from models.enums import AttachedTo


def _report(scope: Scope, report_id: int) -> ActivityReport | None:
    report = db.session.get(ActivityReport, report_id)
    if report is None:
        return None
    activity = activity_reads.get(scope, report.activity_id)
    return report_reads.of_activity(scope, activity) if activity is not None else None


@dataclass(frozen=True)
class Kind:
    view: Permission
    edit: Permission
    read: Callable[[Scope, int], object]
    #: The endpoint of the record's page and the name of its id in the URL (a report: its activity's).
    endpoint: str


KINDS: dict[AttachedTo, Kind] = {
    AttachedTo.REQUEST: Kind(Permission.VIEW_REQUESTS, Permission.EDIT_REQUESTS, request_reads.get,
                             "requests.detail"),
    AttachedTo.ACTIVITY: Kind(Permission.VIEW_ACTIVITIES, Permission.EDIT_ACTIVITIES, activity_reads.get,
                              "activities.detail"),
    AttachedTo.REPORT: Kind(Permission.VIEW_ACTIVITIES, Permission.EDIT_ACTIVITIES, _report,
                            "activity_reports.show"),
    AttachedTo.FINDING: Kind(Permission.VIEW_ISSUES, Permission.EDIT_ISSUES, legislative.get_finding,
                             "findings.detail"),
    AttachedTo.CONTRIBUTION: Kind(Permission.VIEW_CONTRIBUTIONS, Permission.EDIT_CONTRIBUTIONS,
                                  contribution_service.get, "contributions.detail"),
}


def visible(scope: Scope, kind: AttachedTo, record_id: int):
    """The record of `kind` and id if `scope` may see it, else None (no telling whether it exists)."""
    return KINDS[AttachedTo(kind)].read(scope, record_id)


def page_args(kind: AttachedTo, record) -> tuple[str, dict]:
    """(endpoint, URL values) of the record's page."""
    kind = AttachedTo(kind)
    if kind is AttachedTo.REPORT:
        return KINDS[kind].endpoint, {"activity_id": record.activity_id}
    names = {AttachedTo.REQUEST: "request_id", AttachedTo.ACTIVITY: "activity_id", AttachedTo.FINDING: "finding_id",
             AttachedTo.CONTRIBUTION: "contribution_id"}
    return KINDS[kind].endpoint, {names[kind]: record.id}


def report_of_activity(scope: Scope, activity_id: int) -> ActivityReport | None:
    """The report of an activity, if `scope` may see both (the report's pages are named by their activity)."""
    activity = activity_reads.get(scope, activity_id)
    return report_reads.of_activity(scope, activity) if activity is not None else None
