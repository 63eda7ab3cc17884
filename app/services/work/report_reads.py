"""Reading activity reports: an activity's report with its counterparts, approvers and review thread (a fixed
number of queries), and the list of reports with its filters — within the caller's scope.

A donor sees an approved report of an activity its money funds, and nothing else of the review: never a draft, a
report under review, the approvers or their notes (the thread). Staff see every report.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.listing import Page, Paging, ordered, paginate, text_condition
from app.scoping import Scope
from app.services.registry import states as state_service
from models import Activity, ActivityReport, ActivityState, ReportStatusChange, db
from models.activity_report import report_approvers
from models.enums import ReportStatus

_LOADS = (selectinload(ActivityReport.counterparts), selectinload(ActivityReport.approvers),
          selectinload(ActivityReport.history).joinedload(ReportStatusChange.actor),
          joinedload(ActivityReport.author), joinedload(ActivityReport.approved_by))


def _visible(scope: Scope):
    """Reports `scope` may see: a donor, the approved reports of the activities it funds."""
    if not scope.is_donor:
        return sa.true()
    return sa.and_(ActivityReport.status == ReportStatus.APPROVED.value,
                   scope.activities(ActivityReport.activity_id))


def of_activity(scope: Scope, activity: Activity) -> ActivityReport | None:
    """The report of `activity` (loaded by the caller through its scoped read), if there is one `scope` may see,
    with everything its page shows."""
    select = (sa.select(ActivityReport).where(ActivityReport.activity_id == activity.id, _visible(scope))
              .options(*_LOADS))
    report = db.session.scalars(select).first()
    if report is not None:
        sa.orm.attributes.set_committed_value(report, "activity", activity)
    return report


def statuses_of(activity_ids: list[int]) -> dict[int, str]:
    """{activity id: its report's status} for the activities that have a report (one query; staff lists)."""
    if not activity_ids:
        return {}
    return dict(db.session.execute(sa.select(ActivityReport.activity_id, ActivityReport.status)
                                   .where(ActivityReport.activity_id.in_(activity_ids))).all())


@dataclass(frozen=True)
class ReportFilters:
    q: str | None = None               # words in the activity's title
    status: str | None = None
    approver: int | None = None        # an approver of the latest submission (an account id)
    author: int | None = None
    kind: str | None = None            # the activity's kind
    state: str | None = None           # a State the activity served or gathered


#: Sort keys of the report list (forms.work.report_forms.ReportFilterForm.SORTS names the same keys).
SORTS = {"updated": ActivityReport.updated_at, "status": ActivityReport.status, "title": Activity.title,
         "submitted": ActivityReport.submitted_at}


def _on_the_report(scope: Scope, f: ReportFilters) -> list:
    """The conditions of `scope` and `f` that read the report's own columns (the activity by its id only)."""
    found = [_visible(scope), scope.activities(ActivityReport.activity_id)]
    if f.status:
        found.append(ActivityReport.status == f.status)
    if f.approver:
        found.append(ActivityReport.id.in_(sa.select(report_approvers.c.report_id)
                                           .where(report_approvers.c.user_id == f.approver)))
    if f.author:
        found.append(ActivityReport.author_id == f.author)
    if f.state:
        found.append(ActivityReport.activity_id.in_(sa.select(ActivityState.activity_id).where(
            ActivityState.state_id.in_(state_service.ids_named(f.state)))))
    return found


def query(scope: Scope, filters: ReportFilters) -> sa.Select:
    """The reports `scope` may see, narrowed by `filters`, with their activity and author."""
    f = filters
    select = (sa.select(ActivityReport).join(Activity, Activity.id == ActivityReport.activity_id)
              .where(*_on_the_report(scope, f))
              .options(sa.orm.contains_eager(ActivityReport.activity), joinedload(ActivityReport.author),
                       selectinload(ActivityReport.approvers)))
    if f.q:
        select = select.where(text_condition(f.q, ActivityReport.id, (Activity.title,), Activity.id.in_(
            sa.select(ActivityState.activity_id).where(state_service.matching(ActivityState.state_id, f.q)))))
    if f.kind:
        select = select.where(Activity.kind == f.kind)
    return select


def _count(scope: Scope, f: ReportFilters) -> int | None:
    """How many reports the list holds, counted on the reports alone when no filter reads the activity (None
    otherwise: the list's own statement is counted). Every report has its activity, so the join the page needs
    for its rows adds none; counting through it read every activity: 31 ms of 37,000 reports, 1 ms without."""
    if f.q or f.kind:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(ActivityReport).where(*_on_the_report(scope, f)))


def list_page(scope: Scope, filters: ReportFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "-updated", ActivityReport.id.desc(),
                            nulls_last=True), paging, total=_count(scope, filters))


def awaiting(user) -> int:
    """How many submitted reports wait for `user`'s review (the dashboard's figure): one query."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ActivityReport)
        .join(report_approvers, report_approvers.c.report_id == ActivityReport.id)
        .where(report_approvers.c.user_id == user.id,
               ActivityReport.status == ReportStatus.SUBMITTED.value)) or 0
