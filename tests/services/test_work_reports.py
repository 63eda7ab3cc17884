"""Activity reports and their review: drafts sanitised, the review's rules (an empty report, a return without a
note, an approval by the author or by someone it was not sent to, an unlock without a reason), every step kept, the
activity completed only once its report is approved, and what a donor sees."""
from datetime import date

import pytest

from app import scoping
from app.listing import Paging
from app.services.activities import activity_writes, completion
from app.services.core.errors import Refused, Stale
from app.services.work import report_reads, report_review, report_writes
from models import AuditEntry, db
from tests import factories

Data = report_writes.ReportData


@pytest.fixture()
def cast(session):
    officer = factories.user("officer")
    manager, other_manager = factories.user("manager"), factories.user("manager")
    activity = factories.activity(status="under_way")
    return officer, manager, other_manager, activity


def _written(activity, officer, text="<p>Met the Minister of Justice.</p>"):
    return report_writes.save(activity, None, Data(summary=text), officer)


def test_a_draft_is_sanitised_and_saved_as_often_as_wanted(cast):
    officer, _manager, _other, activity = cast
    report = report_writes.save(activity, None, Data(
        summary='<p onclick="x()">Met <b>the minister</b><script>alert(1)</script></p><img src=x onerror=alert(1)>'
                '<a href="javascript:alert(1)">bad</a> <a href="https://www.unodc.org">good</a>',
        counterparts=(report_writes.CounterpartData("Ana Ortiz", "Ministry of Justice", "Director"),)), officer)
    assert report.status == "draft" and report.author_id == officer.id
    assert "script" not in report.summary and "onclick" not in report.summary and "onerror" not in report.summary
    assert "javascript" not in report.summary and 'href="https://www.unodc.org"' in report.summary
    assert "<b>the minister</b>" in report.summary
    again = report_writes.save(activity, report, Data(summary="Plain text\n\nin two paragraphs"), officer,
                               report.version)
    assert again.summary == "<p>Plain text</p><p>in two paragraphs</p>" and again.counterparts == []
    with pytest.raises(Stale):
        report_writes.save(activity, report, Data(summary="late"), officer, report.version - 1)


def test_a_counterpart_needs_a_name_or_an_institution(cast):
    officer, *_rest, activity = cast
    with pytest.raises(Refused) as refused:
        report_writes.save(activity, None, Data(summary="x", counterparts=(report_writes.CounterpartData(
            role="Adviser"),)), officer)
    assert "counterparts" in refused.value.errors


def test_the_whole_review_loop_keeps_every_step(cast):
    officer, manager, other, activity = cast
    report = _written(activity, officer)
    report_review.submit(report, [manager.id, other.id], "Please review", officer, report.version)
    assert report.status == "submitted" and {u.id for u in report.approvers} == {manager.id, other.id}
    report_review.return_for_changes(report, "Add the counterparts met.", manager, report.version)
    assert report.status == "returned"
    report_writes.save(activity, report, Data(summary="<p>Met the Minister.</p>", counterparts=(
        report_writes.CounterpartData("Ana Ortiz", "Ministry of Justice"),)), officer, report.version)
    report_review.submit(report, [], "Counterparts added.", officer, report.version)  # the same approvers again
    assert {u.id for u in report.approvers} == {manager.id, other.id}
    report_review.approve(report, None, other, report.version)
    assert report.status == "approved" and report.approved_by_id == other.id and report.approved_at is not None
    report_review.unlock(report, "A date was wrong.", manager, report.version)
    assert report.status == "draft" and report.approved_at is None
    steps = [(h.from_status, h.to_status, h.actor_id, h.reason) for h in report.history]
    assert steps == [("draft", "submitted", officer.id, "Please review"),
                     ("submitted", "returned", manager.id, "Add the counterparts met."),
                     ("returned", "submitted", officer.id, "Counterparts added."),
                     ("submitted", "approved", other.id, None),
                     ("approved", "draft", manager.id, "A date was wrong.")]
    assert report.history[0].sent_to == [manager.name, other.name]
    audited = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.record_type == "ActivityReport",
                                                                    AuditEntry.record_id == report.id)).all()
    assert audited.count("status") == 5 and "create" in audited


@pytest.mark.parametrize("bad, field, words", [
    ("empty", "summary", "summary of the report is empty"),
    ("no approver", "approvers", "at least one manager"),
    ("an officer as approver", "approvers", "not an active manager"),
    ("the author as approver", "approvers", "its author cannot review it"),
])
def test_a_submission_is_refused_with_its_reason(cast, bad, field, words):
    officer, manager, _other, activity = cast
    author_manager = factories.user("manager")
    text = "" if bad == "empty" else "<p>Done.</p>"
    author = author_manager if bad == "the author as approver" else officer
    report = report_writes.save(activity, None, Data(summary=text or None), author)
    approvers = {"empty": [manager.id], "no approver": [], "an officer as approver": [officer.id],
                 "the author as approver": [author_manager.id]}[bad]
    with pytest.raises(Refused) as refused:
        report_review.submit(report, approvers, None, author, report.version)
    assert field in refused.value.errors and words in refused.value.errors[field]
    assert report.status == "draft"


def test_a_return_needs_a_note_and_only_an_approver_reviews(cast):
    officer, manager, other, activity = cast
    report = _written(activity, officer)
    report_review.submit(report, [manager.id], None, officer, report.version)
    with pytest.raises(Refused) as refused:
        report_review.return_for_changes(report, "  ", manager, report.version)
    assert "note" in refused.value.errors
    with pytest.raises(Refused, match="Only an approver the report was sent to"):
        report_review.approve(report, None, other, report.version)
    with pytest.raises(Refused, match="author of a report cannot approve"):
        report_review.approve(report, None, officer, report.version)
    assert report.status == "submitted"


def test_the_author_cannot_approve_even_as_a_manager(cast):
    _officer, manager, other, activity = cast
    report = _written(activity, manager)
    report_review.submit(report, [other.id], None, manager, report.version)
    report.approvers.append(manager)  # even if the author were somehow among the approvers
    with pytest.raises(Refused, match="author of a report cannot approve"):
        report_review.approve(report, None, manager, report.version)


def test_an_approved_report_is_locked_and_unlocked_only_with_a_reason(cast):
    officer, manager, _other, activity = cast
    report = _written(activity, officer)
    report_review.submit(report, [manager.id], None, officer, report.version)
    report_review.approve(report, "Good.", manager, report.version)
    with pytest.raises(Refused, match="approved and locked"):
        report_writes.save(activity, report, Data(summary="changed"), officer, report.version)
    with pytest.raises(Refused) as refused:
        report_review.unlock(report, "", manager, report.version)
    assert refused.value.errors == {"reason": "Say why the approved report is unlocked."}
    assert report.status == "approved"


def test_an_activity_is_completed_only_once_its_report_is_approved(cast):
    officer, manager, _other, activity = cast
    assert "report is not approved" in completion.refusal(activity, activity.kind, "completed")
    with pytest.raises(Refused) as refused:
        completion.mark_completed(activity, activity.version)
    assert set(refused.value.errors) == {"status"}
    report = _written(activity, officer)
    report_review.submit(report, [manager.id], None, officer, report.version)
    with pytest.raises(Refused):
        completion.mark_completed(activity, activity.version)
    report_review.approve(report, None, manager, report.version)
    completion.mark_completed(activity, activity.version)
    assert activity.status == "completed"


def test_the_rule_guards_the_activity_form_and_spares_written_analyses(cast):
    activity = cast[3]
    data = activity_writes.ActivityData(kind="mission", status="completed", title="Mission", served=("BOL",),
                                        visits=(activity_writes.VisitData("BOL", date(2003, 3, 10),
                                                                          date(2003, 3, 12)),))
    with pytest.raises(Refused) as refused:
        activity_writes.save(scoping.EVERYTHING, activity, data, activity.version)
    assert "status" in refused.value.errors
    with pytest.raises(Refused, match="new activity cannot be logged as completed"):
        activity_writes.save(scoping.EVERYTHING, None, data)
    analysis = activity_writes.ActivityData(kind="written_analysis", status="completed", title="Analysis",
                                            served=("KHM",))
    saved, _ = activity_writes.save(scoping.EVERYTHING, None, analysis)
    assert saved.status == "completed"


def test_a_donor_sees_an_approved_report_of_an_activity_it_funds_only(cast):
    officer, manager, _other, activity = cast
    donor = factories.user("donor")
    factories.allocation(factories.contribution(donor.donor), activity)
    stranger = factories.user("donor")
    report = _written(activity, officer)
    assert report_reads.of_activity(scoping.for_user(donor), activity) is None  # a draft
    report_review.submit(report, [manager.id], None, officer, report.version)
    assert report_reads.of_activity(scoping.for_user(donor), activity) is None  # under review
    report_review.approve(report, None, manager, report.version)
    assert report_reads.of_activity(scoping.for_user(donor), activity) is report
    assert report_reads.of_activity(scoping.for_user(stranger), activity) is None


@pytest.mark.parametrize("filters", [{}, {"status": "submitted"}, {"status": "draft"}, {"state": "GHA"},
                                     {"kind": "workshop"}, {"q": "seminar"}])
def test_the_lists_count_is_the_number_of_its_rows(cast, filters):
    """The list counts on the reports alone when no filter reads the activity: the same number as its rows."""
    officer, manager, _other, _activity = cast
    for n, (kind, served) in enumerate([("mission", "GHA"), ("workshop", "KEN"), ("workshop", "GHA")]):
        activity = factories.activity(kind, status="under_way", served=(served,), title=f"Seminar {n}")
        report = _written(activity, officer)
        if n:
            report_review.submit(report, [manager.id], None, officer, report.version)
    db.session.flush()
    staff = scoping.for_user(manager)
    f = report_reads.ReportFilters(**filters)
    page = report_reads.list_page(staff, f, Paging(page=1, per_page=2))
    rows = db.session.scalars(report_reads.query(staff, f)).unique().all()
    assert page.total == len(rows) and len(page.items) == min(2, len(rows))
    if filters in ({}, {"state": "GHA"}, {"kind": "workshop"}):
        assert len(rows) >= 2  # the data exercises the count
