"""/dashboard per role on hand-built records: the manager's queue, quarter and year, the officer's desk, the donor's
scope and nothing else; a fixed number of queries per role; as_of respected."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from app.services.overview import dashboard as dashboards
from models import Contribution, Organization, db
from models.enums import AgeBucket
from tests import factories
from tests.conftest import login
from tests.helpers import count_queries, inline_code

AS_OF = date(2003, 7, 2)


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


@pytest.fixture()
def sign_in(app, make_user):
    """A new client signed in as a new user of `role`: (get, user)."""
    def make(role, **kwargs):
        client, user = app.test_client(), make_user(role, **kwargs)
        login(client, user)
        return client.get, user
    return make


def page_of(get, as_of=AS_OF):
    response = get(f"/dashboard?as_of={as_of.isoformat()}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    assert inline_code(page) == []
    return page


def test_quarters():
    assert dashboards.quarter_of(date(2003, 7, 2)) == (date(2003, 7, 1), date(2003, 9, 30))
    assert dashboards.quarter_of(date(2003, 12, 31)) == (date(2003, 10, 1), date(2003, 12, 31))
    assert dashboards.quarter_of(date(2004, 2, 29)) == (date(2004, 1, 1), date(2004, 3, 31))


def unlinked(page: str) -> str:
    """The page without its links' tags: a count is a link to its rows (issue 29), read here as its text."""
    return re.sub(r"<a [^>]*>|</a>", "", page)


def test_the_managers_dashboard(sign_in, session):
    get, manager = sign_in("manager")
    before = dashboards.for_role("manager", for_user(manager), manager, AS_OF).queue
    factories.request("BOL", received=date(2003, 6, 20))                          # 12 days: recent
    factories.request("PER", received=date(2003, 5, 1))                           # 62 days
    factories.request("CHL", received=date(2003, 1, 2), due_date=date(2003, 6, 1))  # over 90, overdue
    factories.request("ECU", received=date(2003, 8, 1))                           # after the date: not yet there
    factories.request("URY", received=date(2003, 1, 2), status="approved")        # decided: not in the queue
    factories.activity(title="Quarter mission", visits=[("BOL", date(2003, 8, 10), date(2003, 8, 12))])
    factories.activity(title="Last quarter's mission", visits=[("BOL", date(2003, 6, 28), date(2003, 6, 30))])
    factories.activity(title="Cancelled mission", status="cancelled",
                       visits=[("BOL", date(2003, 8, 1), date(2003, 8, 2))])
    session.commit()
    board = dashboards.for_role("manager", for_user(manager), manager, AS_OF)
    delta = {b: board.queue.buckets[b] - before.buckets[b] for b in AgeBucket}
    assert delta == {AgeBucket.RECENT: 1, AgeBucket.MONTHS: 1, AgeBucket.OLD: 1, AgeBucket.UNDATED: 0}
    assert board.queue.overdue - before.overdue == 1

    page = page_of(get)
    assert "Activities this quarter (1 July 2003 – 30 September 2003)" in page
    quarter = page[page.index('id="quarter-title"'):page.index('id="deposits-title"')]
    assert "Quarter mission" in quarter and "Last quarter" not in quarter and "Cancelled mission" not in quarter
    deposits = page[page.index('id="deposits-title"'):]
    # The deposits of 2003 up to 2 July: Armenia's of 1 July, none of 2002 and none after the date
    assert re.search(r"1 July 2003</td><td><a href=\"/states/ARM\">Armenia</a>", deposits)
    assert "2002</td>" not in deposits and "3 July 2003" not in deposits
    progress = unlinked(page[page.index('id="progress"'):])
    assert re.search(r'>UNTOC</td><td class="text-end">40</td><td class="text-end threshold">40</td>', progress)
    assert 'class="bar"' in page and "29 September 2003" in progress


def test_the_quarters_activities_are_a_bounded_list_with_the_counts_of_them_all(sign_in, session, monkeypatch):
    """The quarter shows its first activities by first day, the counts (in all, by kind) of every one of them, and
    a link to the list filtered to the quarter for the rest: the section no longer grows with the record."""
    get, manager = sign_in("manager")
    monkeypatch.setattr(dashboards, "QUARTER_ROWS", 2)
    before = dashboards.for_role("manager", for_user(manager), manager, AS_OF)
    for day in (3, 1, 2):
        factories.activity(title=f"Bounded mission {day}", visits=[("BOL", date(2003, 9, day), date(2003, 9, day))])
    factories.activity(title="Bounded seminar", kind="workshop", visits=[("PER", date(2003, 9, 4), date(2003, 9, 4))])
    session.commit()
    board = dashboards.for_role("manager", for_user(manager), manager, AS_OF)
    assert len(board.activities) == 2 and board.activities_count == before.activities_count + 4
    kinds = dict(board.activities_by_kind)
    assert kinds["mission"] - dict(before.activities_by_kind).get("mission", 0) == 3
    assert kinds["workshop"] - dict(before.activities_by_kind).get("workshop", 0) == 1
    page = page_of(get)
    quarter = page[page.index('id="quarter-title"'):page.index('id="deposits-title"')]
    assert f": {board.activities_count}</h2>" in unlinked(quarter)
    assert quarter.count("<tr>") == 3  # the header and two rows
    assert 'href="/activities/?date_from=2003-07-01&amp;date_to=2003-09-30"' in quarter


def test_an_administrator_gets_the_managers_view(sign_in):
    get, _ = sign_in("admin")
    page = page_of(get)
    assert "(the managers' view)" in page and 'id="queue-ageing"' in page


def test_the_officers_dashboard(sign_in, session, make_user):
    get, officer = sign_in("officer")
    other = make_user("officer")
    factories.request("BOL", assigned_officer_id=officer.id, subject="Mine, due later", status="under_review",
                      received=date(2003, 6, 1), due_date=date(2003, 9, 1))
    factories.request("PER", assigned_officer_id=officer.id, subject="Mine, overdue", received=date(2003, 3, 1),
                      due_date=date(2003, 6, 1))
    factories.request("CHL", assigned_officer_id=officer.id, subject="Mine, completed", status="completed")
    factories.request("ECU", assigned_officer_id=other.id, subject="Someone else's")
    factories.activity(title="Coming mission", visits=[("BOL", date(2003, 7, 20), date(2003, 7, 22))])
    factories.activity(title="Past mission", visits=[("BOL", date(2003, 6, 1), date(2003, 6, 2))])
    session.commit()
    page = page_of(get)
    mine = unlinked(page[page.index('id="mine-title"'):page.index('id="visits-title"')])
    assert "2 assigned and open" in mine and '<span id="overdue-count">1</span> overdue' in mine
    assert "Mine, due later" in mine and "Mine, overdue" in mine
    assert "Mine, completed" not in mine and "Someone else" not in mine
    visits = page[page.index('id="visits-title"'):]
    assert "Coming mission" in visits and "Past mission" not in visits
    assert 'id="queue-ageing"' not in page  # not the manager's


def test_a_donor_sees_its_own_money_and_the_deposits_of_the_states_it_reached(sign_in, session):
    a, b = factories.organization(name="Donor A"), factories.organization(name="Donor B")
    bol = factories.activity(title="A's mission", served=["BOL"], visits=[("BOL", date(2002, 3, 1), date(2002, 3, 2))])
    per = factories.activity(title="B's mission", served=["PER"], visits=[("PER", date(2002, 3, 1), date(2002, 3, 2))])
    factories.allocation(factories.contribution(a, amount=None, pledged_date=date(2002, 1, 1)), bol)
    contribution_b = factories.contribution(b, pledged_date=date(2002, 1, 1))
    factories.allocation(contribution_b, per)
    session.commit()
    get, _ = sign_in("donor", donor=a)
    page = page_of(get, date(2014, 12, 31))
    assert "Only what the contributions of Donor A fund" in page
    assert "A&#39;s mission" in page and "B&#39;s mission" not in page
    assert f"Contribution #{contribution_b.id}<" not in page and page.count("Contribution #") == 1
    deposits = page[page.index('id="deposits-title"'):]
    assert "/states/BOL" in deposits and "/states/PER" not in deposits
    assert 'id="queue-ageing"' not in page and 'id="mine-title"' not in page
    # as at a day before the money was pledged and before the activity's States had deposited anything
    early = unlinked(page_of(get, date(2000, 12, 1)))
    assert "/states/BOL" not in early.split('id="deposits-title"')[1]
    assert "Your contributions: 0" in early and "Activities your contributions fund: 0" in early


def test_a_donors_lists_show_the_latest_and_count_them_all(sign_in, session, monkeypatch):
    monkeypatch.setattr(dashboards, "DONOR_ROWS", 2)
    donor = factories.organization(name="Donor A")
    for day in (1, 2, 3):
        money = factories.contribution(donor, pledged_date=date(2002, 1, day))
        factories.allocation(money, factories.activity(title=f"Mission {day}", served=["BOL"],
                                                       visits=[("BOL", date(2002, 3, day), date(2002, 3, day))]))
    session.commit()
    get, _ = sign_in("donor", donor=donor)
    page = page_of(get, date(2014, 12, 31))
    money = unlinked(page[page.index('id="contributions-title"'):page.index('id="funded-title"')])
    funded = unlinked(page[page.index('id="funded-title"'):page.index('id="deposits-title"')])
    assert "Your contributions: 3" in money and money.count("Contribution #") == 2
    assert "The latest 2 by pledge date" in money and "/funding/?as_of=2014-12-31#contributions" in page
    assert "Activities your contributions fund: 3" in funded
    assert "Mission 3" in funded and "Mission 2" in funded and "Mission 1" not in funded  # newest first
    assert "/funding/?as_of=2014-12-31#activities" in page
    # All of them on one page when they fit: no note, no link.
    monkeypatch.setattr(dashboards, "DONOR_ROWS", 3)
    whole = page_of(get, date(2014, 12, 31))
    assert "Mission 1" in whole and "The latest" not in whole


def test_as_of_moves_every_figure(sign_in):
    get, _ = sign_in("manager")
    page = page_of(get, date(2002, 12, 31))
    assert re.search(r'>UNTOC</td><td class="text-end">(\d+)</td>', unlinked(page)).group(1) != "40"
    assert "Activities this quarter (1 October 2002 – 31 December 2002)" in page
    assert get("/dashboard?as_of=2003-02-30").status_code == 400


@pytest.mark.parametrize("role", ["manager", "officer", "donor"])
def test_each_role_costs_a_fixed_number_of_queries(sign_in, session, role):
    canada = org("canada")
    get, user = sign_in(role, **({"donor": canada} if role == "donor" else {}))
    user_id = user.id
    contribution_id = factories.contribution(canada, pledged_date=date(2002, 1, 1)).id

    def grow(n):
        contribution = session.get(Contribution, contribution_id)
        for i in range(n):
            activity = factories.activity(served=["BOL", "PER"], visits=[("BOL", date(2003, 7, 10 + i),
                                                                          date(2003, 7, 11 + i))])
            factories.allocation(contribution, activity)
            factories.request("BOL", assigned_officer_id=user_id, received=date(2003, 6, 1 + i),
                              due_date=date(2003, 6, 20))
        session.commit()

    def cost():
        session.expunge_all()
        with count_queries() as statements:
            page_of(get)
        return len(statements)
    grow(1)
    page_of(get)  # the treaty figures are then cached for this state of the record (services.treaties.FIGURES)
    small = cost()
    grow(12)
    assert cost() == small
    # the signed-in user included; staff dashboards count actions and reports awaiting review in one more (issue 27);
    # the header's bell counts the unread notifications in one more (issue 28); the saved views one more (issue 29)
    assert small == {"manager": 10, "officer": 16, "donor": 10}[role]


def test_the_managers_dashboard_leads_with_the_work(sign_in, session):
    """Issue 29 item 8: the queue first, then what is overdue, the reports awaiting review and the actions due;
    the saved views; only then the quarter, the deposits and the entry-into-force bars."""
    get, _manager = sign_in("manager")
    factories.request("BOL", received=date(2003, 6, 1))
    session.commit()
    page = page_of(get)
    order = ['id="queue-title"', 'id="queue-overdue"', 'id="work-title"', 'id="my-overdue-actions"',
             'id="reports-awaiting"', 'id="quarter-title"', 'id="deposits-title"', 'id="progress-title"']
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    first_heading = re.search(r"<h2[^>]*>", page[page.index("<main"):]).group(0)
    assert 'id="queue-title"' in first_heading  # nothing comes before the queue
