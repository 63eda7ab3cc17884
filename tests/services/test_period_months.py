"""The period report's figures kept by every flush (app.services.activities.period_months) against the computation
they replace (below: the page's SQL before issue 26 item 2, every activity of the period counted per visit).

Activities whose visits cross a month's end, leave a month empty between two visits, have none, are cancelled;
money stated, inferred, both, through projects or none; then edits made past the services (the listener keeps the
figures whoever writes): after each, the kept rows are what a rebuild makes, and the page's activities per kind,
donors and undated activities are the old computation's, for periods that cut months, span years, or are one day.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING, Scope
from app.services.activities import activity_reads, period_months
from app.services.overview import period_report
from models import Activity, ActivityVisit, Allocation, Contribution, Organization, PeriodMonth, Project, db
from models.enums import ActivityKind, ActivityStatus
from tests import factories

PERIODS = [(date(2011, 1, 1), date(2011, 12, 31)), (date(2011, 2, 1), date(2011, 2, 28)),
           (date(2011, 1, 31), date(2011, 2, 1)), (date(2011, 3, 1), date(2011, 3, 31)),  # the empty month between
           (date(2011, 3, 15), date(2011, 4, 2)), (date(2010, 12, 30), date(2013, 1, 2)),
           (date(2011, 2, 2), date(2011, 2, 2)), (date(2011, 4, 2), date(2012, 3, 31)),
           (date(2002, 1, 1), date(2014, 12, 31)), (date(2011, 2, 3), date(2011, 4, 1))]


# ------------------------------------------------------------------ the old computation (the oracle)
def _in_period(scope: Scope, first: date, last: date) -> sa.Select:
    return (activity_reads.query(scope, activity_reads.ActivityFilters(date_from=first, date_to=last), loads=())
            .where(Activity.status != ActivityStatus.CANCELLED.value))


def old_figures(scope: Scope, first: date, last: date):
    ids = _in_period(scope, first, last).with_only_columns(Activity.id).order_by(None).subquery()
    kinds = dict(db.session.execute(sa.select(Activity.kind, sa.func.count())
                                    .where(Activity.id.in_(sa.select(ids.c.id))).group_by(Activity.kind)).all())
    money = (sa.select(Contribution.donor_id, Allocation.activity_id,
                       sa.func.min(sa.case((Allocation.is_inferred, 1), else_=0)).label("inferred_only"))
             .join(Contribution, Contribution.id == Allocation.contribution_id)
             .where(Allocation.activity_id.in_(sa.select(ids.c.id)), scope.contributions())
             .group_by(Contribution.donor_id, Allocation.activity_id).subquery())
    donors = {donor: [n, int(inferred or 0), []] for donor, n, inferred in db.session.execute(
        sa.select(money.c.donor_id, sa.func.count(), sa.func.sum(money.c.inferred_only)).group_by(money.c.donor_id))}
    for donor, title in db.session.execute(
            sa.select(Contribution.donor_id, Project.title).join(Project, Project.id == Contribution.project_id)
            .join(Allocation, Allocation.contribution_id == Contribution.id)
            .where(Allocation.activity_id.in_(sa.select(ids.c.id)), scope.contributions())
            .distinct().order_by(Project.title)):
        donors[donor][2].append(title)
    undated = db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        scope.activities(), Activity.status != ActivityStatus.CANCELLED.value, ~Activity.visits.any()))
    return kinds, donors, undated


def new_figures(app, scope: Scope, first: date, last: date):
    with app.test_request_context():
        report = period_report.build_page(scope, first, last, False, {})
    donors = {d.donor.id: [d.activities, d.inferred, d.projects] for d in report.donor_counts}
    return dict(report.kind_counts), donors, report.undated


def kept_rows() -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(sa.select(PeriodMonth.__table__)))


def assert_kept_equals_a_rebuild(step=None) -> None:
    db.session.flush()
    before = kept_rows()
    period_months.rebuild()
    assert kept_rows() == before, step


def assert_same_figures(app, scopes) -> None:
    for scope in scopes:
        for first, last in PERIODS:
            assert new_figures(app, scope, first, last) == old_figures(scope, first, last), (scope, first, last)


# ------------------------------------------------------------------ the record
@pytest.fixture()
def record(session):
    donor, other = factories.organization(name="Kept donor"), factories.organization(name="Other donor")
    project = Project(title="Kept project")
    session.add(project)
    stated, inferred = factories.contribution(donor, project=project), factories.contribution(other)
    both = factories.contribution(other, project=project)
    across = factories.activity(title="Across January's end", visits=[("BOL", date(2011, 1, 28), date(2011, 2, 3))])
    gap = factories.activity("workshop", title="February and April", visits=[
        ("PER", date(2011, 2, 10), date(2011, 2, 11)), ("PER", date(2011, 4, 1), date(2011, 4, 2))])
    meeting = factories.activity("regional_meeting", title="A meeting", served=[], participants=["PER", "CHL"],
                                 visits=[("PER", date(2011, 12, 31), date(2012, 1, 1))])
    undated = factories.activity("written_analysis", title="No travel", visits=())
    cancelled = factories.activity(title="Cancelled", status="cancelled",
                                   visits=[("BOL", date(2011, 2, 5), date(2011, 2, 6))])
    years = factories.activity(title="Years apart", visits=[("BOL", date(2003, 5, 1), date(2003, 5, 2)),
                                                            ("BOL", date(2011, 2, 20), date(2011, 2, 21))])
    factories.allocation(stated, across)
    factories.allocation(stated, gap)
    factories.allocation(inferred, gap).is_inferred = True
    factories.allocation(both, gap)
    factories.allocation(inferred, meeting).is_inferred = True
    factories.allocation(stated, undated)
    factories.allocation(stated, cancelled)
    factories.allocation(both, years).is_inferred = True
    session.flush()
    return {"donor": donor, "other": other, "across": across, "gap": gap, "meeting": meeting, "undated": undated,
            "cancelled": cancelled, "years": years, "inferred": inferred, "stated": stated}


def _scopes(record):
    return [EVERYTHING, Scope(donor_id=record["donor"].id), Scope(donor_id=record["other"].id)]


def test_the_kept_figures_are_a_rebuild_and_the_old_computation(app, record):
    assert_kept_equals_a_rebuild()
    assert_same_figures(app, _scopes(record))
    # what the hand-built record gives for February 2011, as a manager: across, gap and years (cancelled left out)
    kinds, donors, _undated = new_figures(app, EVERYTHING, date(2011, 2, 1), date(2011, 2, 28))
    assert donors[record["other"].id][:2] == [2, 1]  # the gap (stated by `both`) and years (inferred only)


def test_edits_past_the_services_keep_them(app, record, session):
    """Each edit flushed on its own, as a factory, an importer or the reference loader would write."""
    def edits():
        record["gap"].visits[1].start_date = date(2011, 3, 30)  # the empty month is now visited
        yield
        record["gap"].visits.remove(record["gap"].visits[0])  # its February visit gone
        yield
        record["across"].status = "cancelled"
        yield
        record["meeting"].kind = ActivityKind.MISSION.value
        yield
        record["years"].visits.remove(record["years"].visits[1])  # the 2011 visit gone: 2003 only
        yield
        record["undated"].visits.append(ActivityVisit(
            country=factories.state("BOL"), start_date=date(2011, 2, 2), end_date=date(2011, 2, 2), city="Sucre"))
        yield
        session.delete(session.scalar(sa.select(Allocation).where(
            Allocation.activity_id == record["gap"].id, Allocation.contribution_id == record["stated"].id)))
        yield
        record["inferred"].donor = record["donor"]  # the money moved to another donor
        yield
        record["cancelled"].status = "completed"
        yield
        for visit in list(record["across"].visits):
            record["across"].visits.remove(visit)  # now undated (and cancelled)
        yield
    for step, _ in enumerate(edits()):
        session.flush()
        assert_kept_equals_a_rebuild(step)
        assert_same_figures(app, _scopes(record))


def test_the_page_reads_two_statements_of_figures_whatever_the_period(app, record):
    from tests.helpers import count_queries
    for first, last in ((date(2011, 1, 1), date(2011, 12, 31)), (date(2011, 1, 15), date(2011, 2, 10))):
        with count_queries() as statements:
            period_months.counts(None, first, last)
        assert len(statements) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_through_the_services_keep_them(app, session, seed):
    """Activities made, edited (visits, kind, status), money allocated, removed, moved to another donor — the
    outcome figures' random writer, each write in a savepoint (a refused one leaves nothing, kept rows included)."""
    import random

    from tests.services.test_outcome_facts import Writer
    writer = Writer(random.Random(seed))
    for _ in range(40):
        writer.step()
    assert writer.done["edit_activity"] and writer.done["allocate"] and writer.done["move_money"]
    assert_kept_equals_a_rebuild()
    for scope in (EVERYTHING, *(Scope(donor_id=d.id) for d in writer.donors)):
        for first, last in ((date(2003, 1, 1), date(2004, 12, 31)), (date(2003, 2, 28), date(2003, 3, 1)),
                            (date(2004, 2, 1), date(2005, 1, 1))):
            assert new_figures(app, scope, first, last) == old_figures(scope, first, last), (scope, first, last)
