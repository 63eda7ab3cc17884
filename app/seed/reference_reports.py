"""The approved reports of the reference record (issue 27): activity_reports.yaml gives, for the activities of
A/58/165 paras 16-18 whose paragraph says what they did, the report's own words. Each is loaded approved, marked as
drawn from A/58/165 with its paragraph, with one step in its thread saying so; nothing is invented.

Idempotent like the rest of `seed reference`: a report is created when missing and brought back to its file while
it stands as loaded (approved, from the source); a report someone unlocked to correct is left as they made it.
"""
from datetime import UTC, datetime

from models import Activity, ActivityReport, ReportCounterpart, ReportStatusChange, db
from models.enums import ReportStatus

#: The day A/58/165 is dated: when these reports count as approved.
REPORT_DATE = datetime(2003, 7, 4, tzinfo=UTC)


def load_reports(loader) -> None:
    items = loader.yaml("activity_reports.yaml") or []
    for item in items:
        where = f"activity_reports.yaml ({item.get('activity')})"
        activity = db.session.execute(db.select(Activity).filter_by(reference_key=item.get("activity"))
                                      ).scalar_one_or_none()
        if activity is None:
            loader.problem(where, "activity", "no activity of the reference record has this key")
            continue
        if item.get("paragraph") not in (16, 17, 18):
            loader.problem(where, "paragraph", "must be 16, 17 or 18 (the paragraphs of A/58/165 that say what "
                                               "the activities did)")
            continue
        _upsert(loader, activity, item)


def _upsert(loader, activity: Activity, item: dict) -> None:
    source = f"A/58/165 para. {item['paragraph']}"
    key = f"report-{activity.reference_key}"
    values = {"summary": item["summary"], "recommendations": item.get("recommendations"),
              "outcome": item.get("outcome"), "source": source}
    counterparts = [(c.get("name"), c.get("institution"), c.get("role")) for c in item.get("counterparts") or []]
    report = db.session.execute(db.select(ActivityReport).filter_by(activity_id=activity.id)).scalar_one_or_none()
    if report is None:
        report = ActivityReport(activity=activity, reference_key=key, status=ReportStatus.APPROVED.value,
                                approved_at=REPORT_DATE, submitted_at=REPORT_DATE, **values)
        report.counterparts = [ReportCounterpart(position=n, name=name, institution=institution, role=role)
                               for n, (name, institution, role) in enumerate(counterparts)]
        report.history = [ReportStatusChange(from_status=None, to_status=ReportStatus.APPROVED.value,
                                             changed_at=REPORT_DATE, reason=f"Drawn from {source}.", sent_to=[])]
        db.session.add(report)
        loader.tally("activity_reports", True)
        return
    if report.reference_key != key or report.status != ReportStatus.APPROVED.value:
        loader.tally("activity_reports", False)  # written in the system, or unlocked to be corrected: left alone
        return
    changed = False
    for name, value in values.items():
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed = True
    if [(c.name, c.institution, c.role) for c in report.counterparts] != counterparts:
        report.counterparts[:] = [ReportCounterpart(position=n, name=name, institution=institution, role=role)
                                  for n, (name, institution, role) in enumerate(counterparts)]
        changed = True
    loader.tally("activity_reports", False, changed)
