"""Activity.first_visit_date: the stored first day of an activity's visits, whatever writes them."""
from datetime import date

import sqlalchemy as sa

from app.listing import Paging, ordered
from app.scoping import EVERYTHING
from app.services.activities import activity_reads
from models import Activity, ActivityVisit, db
from tests import factories


def stored(activity: Activity) -> date | None:
    return db.session.scalar(sa.select(Activity.first_visit_date).where(Activity.id == activity.id))


def test_the_first_visit_date_follows_the_visits(session):
    activity = factories.activity(visits=[("BOL", date(2004, 5, 3), date(2004, 5, 4)),
                                          ("PER", date(2004, 3, 1), date(2004, 3, 2))])
    session.commit()
    assert stored(activity) == date(2004, 3, 1)
    activity.visits.append(ActivityVisit(country=factories.state("CHL"), start_date=date(2004, 1, 9),
                                         end_date=date(2004, 1, 9)))
    session.commit()
    assert stored(activity) == date(2004, 1, 9)
    earliest = min(activity.visits, key=lambda v: v.start_date)
    earliest.start_date = date(2004, 6, 1)
    earliest.end_date = date(2004, 6, 2)
    session.commit()
    assert stored(activity) == date(2004, 3, 1)
    activity.visits.remove(next(v for v in activity.visits if v.start_date == date(2004, 3, 1)))
    session.commit()
    assert stored(activity) == date(2004, 5, 3)
    db.session.delete(next(v for v in activity.visits if v.start_date == date(2004, 5, 3)))
    session.commit()
    assert stored(activity) == date(2004, 6, 1)
    activity.visits.clear()
    session.commit()
    assert stored(activity) is None


def test_the_list_orders_by_the_stored_date_undated_last(session):
    late = factories.activity(title="Qzx late", visits=[("BOL", date(2031, 2, 1), date(2031, 2, 1))])
    early = factories.activity(title="Qzx early", visits=[("BOL", date(2031, 1, 1), date(2031, 1, 1))])
    undated = factories.activity(title="Qzx undated", kind="written_analysis", visits=[])
    session.commit()
    # Words no State bears in any of its names in any language ("Zz" was: Congo - Brazzaville matches a State).
    filters = activity_reads.ActivityFilters(q="Qzx")
    ascending = activity_reads.list_page(EVERYTHING, filters, Paging(sort="start_date"))
    assert [a.id for a in ascending.items] == [early.id, late.id, undated.id]
    descending = activity_reads.list_page(EVERYTHING, filters, Paging(sort="start_date", descending=True))
    assert [a.id for a in descending.items] == [undated.id, late.id, early.id]


def test_the_default_order_reads_its_index(session):
    """The list's first page walks the order key's index rather than sorting every activity (SQLite's plan; on
    PostgreSQL the same expression index serves it)."""
    if db.engine.dialect.name != "sqlite":
        return
    select = ordered(
        activity_reads.query(EVERYTHING, activity_reads.ActivityFilters(), loads=()),
        activity_reads.SORTS, Paging(), "start_date", Activity.id).limit(25)
    compiled = select.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(row[-1]) for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_activities_first_visit_order" in plan and "TEMP B-TREE" not in plan, plan
