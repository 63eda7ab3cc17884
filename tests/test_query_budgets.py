"""Query budgets: every key page and endpoint sends the same number of SQL statements whatever the size of the
record (no N+1), and no more than its budget.

Each test loads synthetic data (`flask seed synthetic`'s generator) into the rolled-back test transaction, counts
the statements of one request, loads as much again four times over with another seed, and counts again. The
benchmark (`make bench`) measures the time; these tests hold the count.
"""
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from app.seed.synthetic import generate
from models import (
    ActivityState,
    ActivityVisit,
    AssistanceRequest,
    LegislativeFinding,
    MemberState,
    Organization,
    db,
)
from tests.helpers import count_queries

SMALL, LARGE = 200, 800

#: (name, role, path, budget): the pages `make bench` measures, signed in as the role that uses each. A budget is
#: the count measured when it was set plus two (room for one cache lookup, say), never more.
PAGES = [
    ("managers' queue", "manager", "/queue", 12),  # + the list's saved views (issue 29)
    ("request list, filtered", "officer", "/requests/?status=pending&instrument=TIP", 9),
    ("activity list", "officer", "/activities/", 18),  # one fewer: the expert filter is typed, not listed
    ("calendar", "officer", "/activities/calendar?month={month}", 7),  # the month as bare rows, then the visits shown
    ("State page", "officer", "/states/{state}", 35),  # the latest of its outcome timeline, paged in SQL: 33 measured
    ("donor portal", "donor", "/funding/", 18),  # totals in SQL, one page of each list: 17 at both sizes, + the bell
    # Issue 26: one page of each list (the files hold everything), each contribution's allocations loaded with it
    ("donor's statement", "donor", "/funding/statement", 24),
    ("annex as at a date", "officer", "/reports/ratification-status?as_of=2003-07-02", 8),
    ("iCalendar feed", "officer", "/missions.ics", 15),
    ("managers' dashboard", "manager", "/dashboard", 10),  # + the saved views it opens (issue 29)
    # Issue 26: the figures the writes keep, a slice of them per query
    # (22 measured: the States, instruments, deposits and first requests; each pair's first assistance; the rows by
    # kind and by donor counted in the database; the months; the activities of the edge months)
    # the instruments' charts from one load of their actions (was one each)
    ("outcomes", "officer", "/outcomes/", 23),
    ("outcomes, donor", "donor", "/outcomes/", 22),
    ("outcomes, an activity period", "officer", "/outcomes/?period_from=2005-01-01&period_to=2015-06-30", 23),
    ("outcomes, the donors' second page", "officer", "/outcomes/?page=2&per_page=3", 23),  # paged in SQL
    # Issue 26 item 4: streamed from one cursor (the activities' rows), beside the States and the donors read once
    ("IATI file", "officer", "/iati.xml", 7),  # 5 measured: the account, the count (a job beyond EXPORT_JOB_ROWS), 3
    ("IATI file, donor", "donor", "/iati.xml", 8),
]
API = [
    ("API instruments", "/api/v1/instruments", 8),
    ("API missions", "/api/v1/missions", 19),
]


def _busiest() -> dict[str, str]:
    """What fills every section of the pages at the small size: the month with the most visits, and a State
    with findings, requests and activities served (the one with the most requests among them)."""
    month = db.session.execute(
        sa.select(sa.func.min(ActivityVisit.start_date)).group_by(
            sa.func.extract("year", ActivityVisit.start_date), sa.func.extract("month", ActivityVisit.start_date))
        .order_by(sa.func.count().desc()).limit(1)).scalar_one()
    state = db.session.execute(
        sa.select(MemberState.code).join(AssistanceRequest, AssistanceRequest.state_id == MemberState.id)
        .where(MemberState.id.in_(sa.select(LegislativeFinding.state_id)),
               MemberState.id.in_(sa.select(ActivityState.state_id).where(ActivityState.role == "served")))
        .group_by(MemberState.code).order_by(sa.func.count().desc(), MemberState.code).limit(1)).scalar_one()
    return {"month": month.strftime("%Y-%m"), "state": state}


def _fresh_session() -> None:
    """Each served request starts with an empty session; the tests' session outlives requests, so empty it (what
    it holds would spare a request the statements that load it)."""
    db.session.commit()
    db.session.expunge_all()


def _statements(get, path: str) -> list[str]:
    _fresh_session()
    get(path)  # the first request may fill what the process keeps between requests: not what is budgeted
    _fresh_session()
    with count_queries() as statements:
        response = get(path)
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    return list(statements)


def _grow(requests: int, seed: int) -> None:
    generate(requests, seed)
    db.session.flush()


def _shape(statement: str) -> str:
    """A statement without the length of its IN lists: an eager load renders one placeholder per parent row, so
    two loads of the same relation would otherwise compare equal or not depending on how many rows each had."""
    return re.sub(r"IN \((?:[^()]|\([^()]*\))*\)", "IN (…)", statement)


def _assert_flat(name: str, small: list[str], large: list[str], budget: int) -> None:
    """No statement runs more often with five times the record than with the small one (a query per row would:
    the same SQL again with other parameters, hundreds of times here), and the page stays within its budget. A
    statement may run once more at the large size: an eager load the small record happened to leave empty, or
    find already loaded, then runs."""
    small_shapes = Counter(map(_shape, small))
    repeated = {text: n for text, n in Counter(map(_shape, large)).items() if n > small_shapes[text] + 1}
    shown = "\n".join(f"{n} x {text.split(chr(10))[0][:150]}" for text, n in repeated.items())
    assert not repeated, f"{name}: statements repeated with the size of the record (a query per row?):\n{shown}"
    print(f"{name}: {len(small)} statements at {SMALL} requests, {len(large)} at {SMALL + LARGE}")
    assert len(large) <= budget, f"{name}: {len(large)} statements, over its budget of {budget}"


@pytest.mark.parametrize(("name", "role", "path", "budget"), PAGES, ids=[p[0] for p in PAGES])
def test_page_statements_do_not_grow_with_the_record(client, login_as, name, role, path, budget):
    _grow(SMALL, seed=11)
    path = path.format(**_busiest())
    extra = {"donor": db.session.scalar(db.select(Organization).filter_by(name="Canada"))} if role == "donor" else {}
    login_as(role, **extra)
    small = _statements(client.get, path)
    _grow(LARGE, seed=12)
    large = _statements(client.get, path)
    _assert_flat(name, small, large, budget)


@pytest.mark.parametrize(("name", "path", "budget"), API, ids=[p[0] for p in API])
def test_api_statements_do_not_grow_with_the_record(api_as, name, path, budget):
    _grow(SMALL, seed=11)
    get, _user = api_as("officer")
    small = _statements(get, path)
    _grow(LARGE, seed=12)
    large = _statements(get, path)
    _assert_flat(name, small, large, budget)


def test_the_state_pages_timeline_names_the_visited_countries_in_one_statement(client, login_as):
    """A timeline line of an activity held elsewhere names the country of each visit as at its day (visit_note):
    the countries' names are loaded with the visits, one statement however many countries the visits reached —
    not one per country, which the budgets above (a handful of countries in the synthetic record) would not see."""
    from datetime import date

    from tests import factories

    def meeting(code, month):
        factories.activity("regional_meeting", visits=[(code, date(2003, month, 1), date(2003, month, 2))],
                           served=[code], participants=["ISL"], title=f"Meeting in {code}")

    def names_statements() -> int:
        return sum("FROM member_state_names" in s for s in _statements(client.get, "/states/ISL"))

    login_as("officer")
    meeting("NOR", 5)
    one_country = names_statements()
    for month, code in enumerate(("SWE", "DNK", "FIN", "EST"), start=6):
        meeting(code, month)
    page = client.get("/states/ISL").get_data(as_text=True)
    assert all(f"Meeting in {code}" in page for code in ("NOR", "SWE", "DNK", "FIN", "EST"))
    assert names_statements() == one_country
