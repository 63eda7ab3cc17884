"""The one rule between an activity and its report: an activity is marked completed once its report is approved
(issue 27), except a written analysis, whose report is the analysis itself."""
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.notifications import events as notification_events
from models import Activity, ActivityReport, Allocation, Contribution, db
from models.enums import ActivityKind, ActivityStatus, ReportStatus


def refusal(activity: Activity | None, kind: str, status: str) -> str | None:
    """Why `activity` (None: a new one) may not be marked completed now, or None. An activity becomes completed
    once its report is approved — except a written analysis, whose report is the analysis itself. The rule guards
    every completion made by hand (the form, the API); an activity already completed stays so, and spreadsheet
    imports and the reference record (records of work done before) are not moved by it."""
    if status != ActivityStatus.COMPLETED.value or kind == ActivityKind.WRITTEN_ANALYSIS.value:
        return None
    if activity is not None and activity.status == ActivityStatus.COMPLETED.value:
        return None
    approved = activity is not None and db.session.scalar(
        sa.select(ActivityReport.id).where(ActivityReport.activity_id == activity.id,
                                           ActivityReport.status == ReportStatus.APPROVED.value)) is not None
    if approved:
        return None
    if activity is None:
        return _("A new activity cannot be logged as completed: log it as planned or under way, write its report and "
                 "have it approved, then mark the activity completed.")
    return _("The activity cannot be marked completed while its report is not approved: write the report, submit it "
             "to a manager, and mark the activity completed once it is approved.")


def mark_completed(activity: Activity, version: int | None) -> Activity:
    """Mark the activity completed (the button beside its approved report); Refused (field `status`) while its
    report is not approved, Stale when the activity changed since `version`."""
    versions.check(activity, version, _("“%(title)s”", title=activity.title))
    if activity.status == ActivityStatus.COMPLETED.value:
        raise Refused({"status": _("The activity is already completed.")})
    if activity.status == ActivityStatus.CANCELLED.value:
        raise Refused({"status": _("A cancelled activity cannot be completed: edit it if it took place after all.")})
    why = refusal(activity, activity.kind, ActivityStatus.COMPLETED.value)
    if why:
        raise Refused({"status": why})
    before = activity.status
    activity.status = ActivityStatus.COMPLETED.value
    versions.flush(activity, _("“%(title)s”", title=activity.title))
    audit.record_for(activity, "update", f"Marked “{activity.title}” completed", before={"status": before},
                     after={"status": activity.status})
    donor_ids = db.session.scalars(sa.select(Contribution.donor_id).join(Allocation, Allocation.contribution_id
                                                                         == Contribution.id)
                                   .where(Allocation.activity_id == activity.id))
    notification_events.notify_all(notification_events.donors_of(donor_ids),
                                   notification_events.NotificationKind.ACTIVITY_COMPLETED,
                                   _l("“%(title)s”, which your contribution funds, is completed.",
                                      title=activity.title), activity)
    return activity
