"""Writing an activity report: starting it, saving it as a draft as often as wanted, its counterparts — the text
sanitised (app/formats/rich_text.py) before it is stored, an audit entry with what changed, flushed, never
committed.

A report is written while it is a draft or returned for changes; a submitted report waits for its approvers, an
approved one is locked until a manager unlocks it (report_review).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.formats import rich_text
from app.formatting import format_number
from app.history_words import fields_in_words
from app.services.core import audit, versions
from app.services.core.errors import Refused
from models import Activity, ActivityReport, ReportCounterpart, db
from models.enums import ActivityStatus, ReportStatus

#: Longest text kept in each part of a report (after sanitising), and most counterparts.
LIMITS = {"summary": 50_000, "recommendations": 20_000, "outcome": 20_000}
MAX_COUNTERPARTS = 60


@dataclass(frozen=True)
class CounterpartData:
    name: str | None = None
    institution: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class ReportData:
    summary: str | None = None
    recommendations: str | None = None
    outcome: str | None = None
    counterparts: tuple[CounterpartData, ...] = ()

    @classmethod
    def of(cls, values: dict) -> ReportData:
        """The values of the report form (`ReportForm.values()`), as `save` takes them."""
        return cls(**{**values, "counterparts": tuple(CounterpartData(**row) for row in values.get("counterparts",
                                                                                                  ()))})


def snapshot(report: ActivityReport) -> dict:
    """What the audit trail keeps of a report's text and counterparts."""
    return {"status": report.status, "summary": report.summary, "recommendations": report.recommendations,
            "outcome": report.outcome,
            "counterparts": [" — ".join(p for p in (c.name, c.institution, c.role) if p) for c in report.counterparts]}


def label(report: ActivityReport) -> str:
    return _("The report on “%(title)s”", title=report.activity.title)


def _refusal_to_write(activity: Activity, report: ActivityReport | None) -> str | None:
    if report is None:
        if activity.status == ActivityStatus.CANCELLED.value:
            return _("A cancelled activity took place nowhere: it has no report.")
        return None
    status = ReportStatus(report.status)
    if status is ReportStatus.SUBMITTED:
        return _("The report is with its approvers: it can be changed once they return it.")
    if status is ReportStatus.APPROVED:
        return _("The report is approved and locked: a manager may unlock it, with a reason, to change it.")
    return None


def _cleaned(data: ReportData) -> dict:
    found, texts = {}, {}
    for name, limit in LIMITS.items():
        texts[name] = rich_text.sanitize(getattr(data, name))
        if texts[name] is not None and len(texts[name]) > limit:
            found[name] = _("At most %(limit)s characters of text and markup (%(given)s given).",
                            limit=format_number(limit), given=format_number(len(texts[name])))
    if len(data.counterparts) > MAX_COUNTERPARTS:
        found["counterparts"] = _("At most %(n)s counterparts.", n=MAX_COUNTERPARTS)
    elif any(not (c.name or c.institution) for c in data.counterparts):
        found["counterparts"] = _("Name each counterpart, or at least their institution.")
    if found:
        raise Refused(found)
    return texts


def save(activity: Activity, report: ActivityReport | None, data: ReportData, actor, version: int | None = None
         ) -> ActivityReport:
    """Start the report of `activity` (`report` None) or save its draft; Refused names every field at fault and
    nothing is changed. A change to an existing report says which `version` it was made from (Stale when older)."""
    if report is not None:
        versions.check(report, version, label(report))
    refusal = _refusal_to_write(activity, report)
    if refusal:
        raise Refused({None: refusal})
    texts = _cleaned(data)
    created = report is None
    if created:
        report = ActivityReport(activity=activity, status=ReportStatus.DRAFT.value,
                                author_id=getattr(actor, "id", None), counterparts=[], history=[])
        db.session.add(report)
    before = None if created else snapshot(report)
    version_before = report.version
    for name, value in texts.items():
        setattr(report, name, value)
    wanted = [(c.name or None, c.institution or None, c.role or None) for c in data.counterparts]
    if [(c.name, c.institution, c.role) for c in report.counterparts] != wanted:
        report.counterparts[:] = [ReportCounterpart(position=n, name=name, institution=institution, role=role)
                                  for n, (name, institution, role) in enumerate(wanted)]
    versions.flush(report, label(report))
    if created:
        audit.record_for(report, "create", f"Started the report on “{activity.title}”", after=snapshot(report),
                         actor=actor)
    else:
        old, new = audit.changed(before, snapshot(report))
        if new:
            versions.touch(report, version_before)
        audit.record_for(report, "update", f"Saved the report on “{activity.title}”: "
                                           f"{fields_in_words(new) or 'nothing changed'}", before=old, after=new,
                         actor=actor)
    db.session.flush()
    return report
