"""State pages: a filterable, sortable, paginated list, and one State's actions, names and assistance."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from models import MemberState, Organization, TreatyAction, db
from tests import factories


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def codes_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/states/(\w{3})">', page)


@pytest.fixture()
def officer(login_as):
    return login_as("officer")


def test_the_list_is_paginated_and_sorted_by_name(client, officer):
    page = client.get("/states/").get_data(as_text=True)
    assert codes_on(page)[:3] == ["AFG", "ALB", "DZA"]
    assert len(codes_on(page)) == 25 and "Page 1 of 8" in page
    last = client.get("/states/?page=8").get_data(as_text=True)
    assert codes_on(last)[-1] == "ZWE"
    assert codes_on(client.get("/states/?page=99").get_data(as_text=True)) == []  # past the end: empty, no error


def deposits(code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction).join(MemberState).where(
        MemberState.code == code, TreatyAction.category == "deposit"))


def test_the_list_sorts_by_code_and_by_deposits(client, officer):
    assert codes_on(client.get("/states/?sort=-code").get_data(as_text=True))[0] == "ZWE"
    most = codes_on(client.get("/states/?sort=-deposits").get_data(as_text=True))[:3]
    assert all(deposits(code) == 4 for code in most)  # party to the Convention and its three Protocols
    fewest = codes_on(client.get("/states/?sort=deposits").get_data(as_text=True))[:3]
    assert all(deposits(code) == 0 for code in fewest)
    assert client.get("/states/?sort=colour").status_code == 400  # unknown sort: refused, the keys named


@pytest.mark.parametrize("query, expected", [
    ("q=serbia", ["SRB"]), ("q=yugoslavia", ["SRB"]), ("q=turkey", ["TUR"]), ("q=SRB", ["SRB"]),
    ("kind=reio", ["EUU"]), ("q=zzzz", []),
])
def test_the_list_filters_by_any_name_code_or_kind(client, officer, query, expected):
    assert codes_on(client.get(f"/states/?{query}").get_data(as_text=True)) == expected


def test_the_list_filters_by_regional_group(client, officer):
    page = client.get("/states/?group=Eastern+European&sort=code").get_data(as_text=True)
    assert "ARM" in codes_on(page) and "FRA" not in codes_on(page)
    refused = client.get("/states/?group=Atlantis")
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)


def test_a_state_page_shows_actions_with_in_force_dates_and_names(client, officer):
    page = client.get("/states/SRB?as_of=2003-12-31").get_data(as_text=True)
    assert "<h1 class=\"h3 mb-0\">Serbia" in page
    assert "Ratification, 6 September 2001" in page
    assert "29 September 2003" in page  # UNTOC in force for it on the Convention's entry into force
    for name in ("Yugoslavia — from the beginning", "Serbia and Montenegro — from 4 February 2003",
                 "Serbia — from 3 June 2006"):
        assert name in page


def test_a_state_page_lists_the_assistance_it_received_and_its_requests(client, officer):
    page = client.get("/states/ROU").get_data(as_text=True)
    section = page[page.index("Assistance received"):]
    assert "Bucharest, Romania; Bucharest, Romania" in section  # the mission of two visits
    bolivia = client.get("/states/BOL").get_data(as_text=True)
    requests = bolivia[bolivia.index("Requests for assistance"):]
    assert "Pending" in requests


def test_a_donor_sees_only_states_its_money_touches_and_no_requests(client, login_as):
    donor = login_as("donor", donor=org("canada"))
    mine = set(db.session.scalars(for_user(donor).state_ids()))
    inside = db.session.scalar(sa.select(MemberState.code).where(MemberState.id.in_(mine)).order_by(MemberState.code))
    outside = db.session.scalar(sa.select(MemberState.code).where(MemberState.id.not_in(mine))
                                .order_by(MemberState.code))
    assert client.get(f"/states/{outside}").status_code == 404
    page = client.get(f"/states/{inside}").get_data(as_text=True)
    assert "Requests for assistance" not in page and "Record a treaty action" not in page
    listed = codes_on(client.get("/states/?sort=code").get_data(as_text=True))
    assert outside not in listed and inside in listed


def test_unknown_state_is_404_and_bad_date_is_400(client, officer):
    assert client.get("/states/XXX").status_code == 404
    response = client.get("/states/SRB?as_of=2003-02-30")
    assert response.status_code == 400 and "is not a date" in response.get_data(as_text=True)


def test_staff_see_who_recorded_a_states_treaty_actions_and_donors_do_not(client, login_as):
    officer = login_as("officer")
    response = client.post("/treaties/actions/new", data={  # Fiji: no action of UNTOC in the 2014 table
        "participant": "FJI", "instrument": "UNTOC", "kind": "accession", "action_date": "2014-06-01",
        "csrf_token": _token(client)})
    assert response.status_code == 302
    page = client.get("/states/FJI").get_data(as_text=True)
    assert "History of its treaty actions" in page and officer.name in page  # by name (histories in words)
    client.post("/logout", data={"csrf_token": _token(client)})
    login_as("donor", donor=org("canada"))
    assert "History of its treaty actions" not in client.get("/states/ROU").get_data(as_text=True)


def _token(client):
    from tests.conftest import csrf_token
    return csrf_token(client, "/")


def test_a_states_page_shows_its_latest_assistance_and_links_to_the_rest(client, login_as, session):
    """After decades of assistance a State's page stays the same size: the latest activities and requests, a link
    to all of them, and the same number of queries however many there are."""
    from app.views.registry.states import STATE_PAGE_ROWS
    from tests.helpers import count_queries
    login_as("officer")

    def cost():
        session.expunge_all()  # every request loads its user: after a commit as before it
        with count_queries() as statements:
            page = client.get("/states/PER").get_data(as_text=True)
        return statements, page

    def add(numbers):
        for n in numbers:
            day = date(2005, 1, 1) + timedelta(days=30 * n)
            factories.activity(title=f"Peru activity {n:02}", visits=(("PER", day, day),), served=("PER",))
            factories.request("PER", received=day, subject=f"Peru request {n:02}")
        session.commit()
    add(range(2))
    cost()  # the treaty statuses are computed once, then kept
    before, _ = cost()
    add(range(2, STATE_PAGE_ROWS + 5))
    after, page = cost()
    # never more (fewer when the latest events leave a kind of record out of the timeline's page)
    assert len(after) <= len(before), after
    assistance = page[page.index("Assistance received"):page.index("Requests for assistance")]
    requests = page[page.index("Requests for assistance"):]
    # The latest shown, the oldest left out (the outcome timeline above is a list of its own).
    assert "Peru activity 24" in assistance and "Peru activity 04" not in assistance
    assert "Peru request 24" in requests and "Peru request 04" not in requests
    assert "/activities/?state=PER" in page and "/requests/?state=PER" in page


def test_a_states_page_shows_the_latest_of_its_timeline_and_pages_the_rest(client, login_as, session):
    """The outcome timeline of a State assisted for years: the latest events with their count and a link to the
    whole timeline, which pages from the earliest event (the page's size does not grow with the record)."""
    login_as("officer")
    for n in range(60):  # one request a month from 2005, after every treaty action of Peru in the record
        factories.request("PER", received=date(2005, 1, 1) + timedelta(days=31 * n), subject=f"Peru timeline {n:02}")
    session.commit()
    page = client.get("/states/PER").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):page.index("</table>", page.index('id="timeline"'))]
    shown = re.findall(r"Peru timeline (\d\d)", timeline)
    assert shown == [f"{n:02}" for n in range(35, 60)]  # the latest 25, in date order
    total = int(re.search(r"The latest 25 of (\d+) events", timeline).group(1))
    assert total >= 60 + 2  # the requests, Peru's signature and deposit of the Convention…
    assert 'href="/states/PER?page=1#timeline"' in timeline

    first = client.get("/states/PER?page=1").get_data(as_text=True)
    timeline = first[first.index('id="timeline"'):first.index("</nav>", first.index('id="timeline"'))]
    assert "The whole timeline, from the earliest event" in timeline
    assert len(re.findall(r'<td class="text-nowrap">\d+ \w+ \d{4}', timeline)) == 25
    numbers = re.findall(r"Peru timeline (\d\d)", timeline)  # after Peru's treaty actions, the earliest requests
    assert numbers == [f"{n:02}" for n in range(len(numbers))] and len(numbers) < 25
    assert f"Page 1 of {-(-total // 25)}" in timeline and "page=2#timeline" in timeline

    last = client.get(f"/states/PER?page={-(-total // 25)}&per_page=25").get_data(as_text=True)
    assert "Peru timeline 59" in last
    past = client.get("/states/PER?page=99").get_data(as_text=True)
    assert "No event on page 99" in past
    assert client.get("/states/PER?page=0").status_code == 400
    assert client.get("/states/PER?page=x").status_code == 400


@pytest.mark.parametrize("code, instrument", [("ATG", "TIP"), ("BHS", "FIREARMS")])
def test_a_ratification_with_no_signature_on_record_carries_the_imports_warning(client, officer, code, instrument):
    """Antigua and Barbuda's TIP and the Bahamas' FIREARMS ratifications have no signature in the depositary's
    table: imported as recorded, with a warning — which their State pages show beside the action."""
    page = client.get(f"/states/{code}").get_data(as_text=True)
    warnings = re.findall(r'<tr class="record-warning">(.*?)</tr>', page, re.S)
    mine = [w for w in warnings if f"{instrument}:" in w]
    assert len(mine) == 1 and "with no signature on record" in mine[0], warnings
    assert "imported with this warning, not corrected" in mine[0]


def test_a_regular_ratification_carries_no_warning(client, officer):
    page = client.get("/states/ROU").get_data(as_text=True)
    assert 'class="record-warning"' not in page
