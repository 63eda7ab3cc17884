"""The global search: States by any name or alias, requests, activities, experts, organizations, each a link, in the
caller's scope and within what its role may read."""
import re

import pytest
import sqlalchemy as sa

from models import Organization, db
from tests import factories
from tests.helpers import count_queries


def found(page: str, kind: str) -> list[str]:
    """The texts of the results of one kind."""
    match = re.search(rf'<section class="mb-4" id="found-{kind}">(.*?)</section>', page, re.S)
    return re.findall(r"<li class=\"mb-1\">\s*(.*?)\s*</li>", match.group(1), re.S) if match else []


def search(client, q: str):
    return client.get("/search", query_string={"q": q})


@pytest.mark.parametrize("q, code", [("Turkey", "TUR"), ("türkiye", "TUR"), ("Yugoslavia", "SRB"), ("srb", "SRB"),
                                     ("Plurinational", "BOL"), ("European Community", "EUU")])
def test_a_state_is_found_by_any_name_alias_or_code(client, login_as, q, code):
    login_as("officer")
    states = found(search(client, q).get_data(as_text=True), "states")
    assert any(f'<a href="/states/{code}">' in s for s in states), states


def test_each_kind_of_record_is_found_and_shown_as_a_link_or_its_name(client, login_as):
    login_as("manager")
    page = search(client, "ratification").get_data(as_text=True)
    assert len(found(page, "requests")) == 10 and 'id="found-requests"' in page
    assert "10 of 15 shown." in page  # the first ten, and how many there are
    activities = found(search(client, "Romania").get_data(as_text=True), "activities")
    assert any("to Romania" in a for a in activities)  # by its title …
    assert any("Subregional seminar" in a for a in activities)  # … and by a State it served (issue 29 item 6)
    experts = found(search(client, "Monetary Fund").get_data(as_text=True), "experts")
    assert experts == [e for e in experts if "International Monetary Fund" in e] and experts
    organizations = found(search(client, "Monetary").get_data(as_text=True), "organizations")
    assert any("International Monetary Fund" in o for o in organizations)


def test_markup_in_the_query_is_shown_as_text(client, login_as):
    login_as("officer")
    page = search(client, "<b>Bolivia</b>").get_data(as_text=True)
    assert "<b>Bolivia</b>" not in page and "&lt;b&gt;Bolivia&lt;/b&gt;" in page


def test_a_query_too_long_is_a_400_with_its_message(client, login_as):
    login_as("officer")
    response = search(client, "x" * 121)
    assert response.status_code == 400 and "120" in response.get_data(as_text=True)


def test_an_empty_query_shows_the_form_only(client, login_as):
    login_as("officer")
    page = client.get("/search").get_data(as_text=True)
    assert 'name="q"' in page and "found." not in page


def test_a_donor_finds_only_what_its_money_touches_and_no_requests(client, login_as):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    login_as("donor", donor=canada)
    page = search(client, "a").get_data(as_text=True)
    assert 'id="found-requests"' not in page
    italy = search(client, "Italy").get_data(as_text=True)
    assert not any("Government of Italy" in o or o.startswith("Italy") for o in found(italy, "organizations"))
    assert found(search(client, "Canada").get_data(as_text=True), "organizations")  # its own donor


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/search?q=Bolivia")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_search_costs_the_same_queries_however_many_records_match(client, login_as, session):
    login_as("manager")

    def add(count):
        for n in range(count):
            factories.activity(title=f"zz-probe seminar {n}", served=["BOL"])
            factories.request("BOL", subject=f"zz-probe request {n}")
            factories.expert(name=f"zz-probe expert {n}")
        session.commit()

    def cost():
        session.expunge_all()
        with count_queries() as statements:
            page = client.get("/search?q=zz-probe").get_data(as_text=True)
        return len(statements), len(found(page, "activities"))
    add(2)
    client.get("/search?q=zz-probe")
    small = cost()
    add(40)
    large = cost()
    assert (small[1], large[1]) == (2, 10)
    assert small[0] == large[0], (small, large)
    print(f"search: {small[0]} queries for {small[1]} activities shown (of 2) and for {large[1]} (of 42)")
