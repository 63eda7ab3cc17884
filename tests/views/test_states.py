"""State pages: a filterable, sortable, paginated list, and one State's actions, names and assistance."""
import re

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from models import MemberState, Organization, TreatyAction, db


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
    assert "<h1 class=\"h3\">Serbia" in page
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
    assert "History of its treaty actions" in page and officer.email in page
    client.post("/logout", data={"csrf_token": _token(client)})
    login_as("donor", donor=org("canada"))
    assert "History of its treaty actions" not in client.get("/states/ROU").get_data(as_text=True)


def _token(client):
    from tests.conftest import csrf_token
    return csrf_token(client, "/")
