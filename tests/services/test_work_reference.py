"""The reference record's reports (issue 27): approved reports of the activities of A/58/165 paras 16-18, in the
report's own words, each marked with its paragraph; loading twice changes nothing; no finding is invented."""
import sqlalchemy as sa

from app.seed.reference import load_reference
from models import Activity, ActivityReport, LegislativeFinding, db


def _report(key: str) -> ActivityReport:
    return db.session.scalars(sa.select(ActivityReport).join(Activity).where(Activity.reference_key == key)).one()


def test_the_reports_of_paras_16_to_18_are_approved_and_say_where_they_come_from(session):
    reports = db.session.scalars(sa.select(ActivityReport).where(ActivityReport.reference_key.is_not(None))).all()
    assert len(reports) == 28 and {r.status for r in reports} == {"approved"}
    for report in reports:
        assert report.source == report.activity.source  # the paragraph of the activity itself
        assert report.history[0].reason == f"Drawn from {report.source}."
    romania = _report("mission-2002-romania")
    assert romania.source == "A/58/165 para. 16"
    assert "Bucharest from 8 to 11 January and on 5 and 6 November" in romania.summary
    assert romania.recommendations is None and romania.outcome is None  # the report states none
    duma = _report("mission-2003-russian-federation-state-duma")
    assert duma.source == "A/58/165 para. 17" and "expert witness" in duma.summary
    assert [c.institution for c in duma.counterparts][0].startswith("State Duma")
    assert "money-laundering" in _report("workshop-2003-madagascar").outcome


def test_loading_again_changes_nothing_and_invents_no_finding(session):
    findings = db.session.scalar(sa.select(sa.func.count()).select_from(LegislativeFinding))
    counts = load_reference()
    assert counts["activity_reports"] == (0, 0, 28)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LegislativeFinding)) == findings
