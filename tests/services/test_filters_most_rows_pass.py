"""A list filtered by what most of its rows have (app.listing.paginate's `many`, `likely`): once the count finds
more than MANY matches, SQLite reads the page in the list's order and stops there instead of gathering every match
and sorting it (the activity list by "completed": 31 -> 0.1 ms at 50,000 activities). Either way the same
activities come, in the same order, page after page; on PostgreSQL nothing changes."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import listing
from app.listing import Paging
from app.scoping import EVERYTHING
from app.services.activities import activity_reads
from app.services.activities.activity_reads import ActivityFilters
from models import db
from tests import factories

FILTERS = [
    ActivityFilters(status="completed"),
    ActivityFilters(kind="workshop"),
    ActivityFilters(instrument="TIP"),
    ActivityFilters(funded=True),
    ActivityFilters(date_from=date(2001, 6, 1), date_to=date(2004, 12, 31)),
    ActivityFilters(instrument="TIP", status="completed", funded=True),
    ActivityFilters(regional_group="Latin American and Caribbean", status="completed"),
    ActivityFilters(state="PER"),
]
SORTS = [(None, False), ("start_date", True), ("title", False), ("kind", True), ("id", False)]


@pytest.fixture()
def activities(session):
    """Fourteen activities three months apart, most completed, most on TIP, half paid for, a third held in Peru (all
    serve Bolivia), one undated."""
    money = factories.contribution(factories.organization(name="A donor of most"), amount=Decimal("9000.00"))
    made = []
    for i in range(14):
        start = date(2000, 1, 1) + timedelta(days=97 * i)
        held = "PER" if i % 3 == 0 else "BOL"
        made.append(factories.activity(
            "workshop" if i % 4 else "mission", visits=[] if i == 13 else [(held, start, start + timedelta(days=2))],
            instruments=("TIP",) if i % 3 else ("SOM",), status="planned" if i % 5 == 0 else "completed",
            title=f"Activity {(i * 5) % 14:02d}"))
        if i % 2:
            factories.allocation(money, made[-1], Decimal("100.00"))
    session.flush()
    return made


def _pages(filters: ActivityFilters, sort, descending) -> list[list[int]]:
    pages = []
    for number in range(1, 8):
        page = activity_reads.list_page(EVERYTHING, filters, Paging(page=number, per_page=3, sort=sort,
                                                                    descending=descending))
        pages.append([a.id for a in page.items])
        if not page.items:
            return pages
    return pages


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(k for k, v in vars(f).items() if v))
def test_the_same_pages_whether_the_matches_are_many_or_few(activities, monkeypatch, filters):
    for sort, descending in SORTS:
        monkeypatch.setattr(listing, "MANY", 10 ** 9)
        gathered = _pages(filters, sort, descending)
        monkeypatch.setattr(listing, "MANY", 0)
        monkeypatch.setattr(listing, "EARLY", 1)  # every page read in order, the last one too
        walked = _pages(filters, sort, descending)
        assert walked == gathered, (sort, descending)
        assert sum(len(p) for p in gathered) >= 4, "the fixture leaves too few rows to page through"


def _page_statement(filters: ActivityFilters, paging: Paging = Paging(per_page=3)) -> tuple[str, tuple]:
    """The statement that reads the list's page of activities (the count's and the eager loads' aside)."""
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))
    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        activity_reads.list_page(EVERYTHING, filters, paging)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    return next((s, p) for s, p in seen if "FROM activities" in s and "LIMIT" in s and "count(" not in s)


@pytest.mark.parametrize("filters", FILTERS[:4], ids=lambda f: ",".join(k for k, v in vars(f).items() if v))
def test_sqlite_reads_a_page_of_many_matches_in_the_order_of_its_index(activities, monkeypatch, filters):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan: PostgreSQL plans from its statistics (tests/test_query_plans.py)")
    monkeypatch.setattr(listing, "MANY", 0)
    monkeypatch.setattr(listing, "EARLY", 1)
    statement, parameters = _page_statement(filters)
    plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_activities_first_visit_order" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # the page is found in order, nothing is sorted
    # Few matches are still gathered from their own index and sorted (the plan the count did not rule out)
    monkeypatch.setattr(listing, "MANY", 10 ** 9)
    few, _ = _page_statement(filters)
    assert "likely(" not in few and "EXISTS" not in few


def test_only_a_page_early_among_many_matches_is_read_in_order(activities, monkeypatch):
    """Deep among the matches, gathering them beats reading the table in order up to the page (app.listing.EARLY):
    the last page of 2,515 matches among 50,000 activities took 75 ms read in order, 9 ms gathered and sorted."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan: PostgreSQL plans from its statistics (tests/test_query_plans.py)")
    monkeypatch.setattr(listing, "MANY", 0)
    filters = ActivityFilters(status="completed")
    total = activity_reads.list_page(EVERYTHING, filters, Paging(per_page=1)).total
    assert total >= 2 * listing.EARLY
    early = Paging(page=total // listing.EARLY, per_page=1)  # its last row is the EARLY-th part of the matches
    deep = Paging(page=total // listing.EARLY + 1, per_page=1)
    assert "likely(" in _page_statement(filters, Paging(per_page=1))[0]
    assert "likely(" in _page_statement(filters, early)[0]
    assert "likely(" not in _page_statement(filters, deep)[0]
    assert "likely(" not in _page_statement(filters, Paging(page=total, per_page=1))[0]
