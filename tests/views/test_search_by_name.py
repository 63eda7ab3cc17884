"""Issue 29 item 6, search that finds: every list's text filter (`q`, on the page and in the API alike) finds
records by a State's name, today's or earlier, in full or in part, and by their number ("#16", "16"); a filter
that takes a State takes its name as well as its code; each in the one statement the list ran before."""
import re

import pytest

from models import sqlite_trigrams
from tests import factories
from tests.helpers import count_queries, trigram_counts


def api_ids(get, path: str) -> list[int]:
    response = get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def page_links(client, path: str, prefix: str) -> set[int]:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return {int(n) for n in re.findall(rf'href="/{prefix}/(\d+)"', response.get_data(as_text=True))}


@pytest.fixture
def serbian(session):
    """A request, an activity and an expert of Serbia ("Yugoslavia" until 2003) whose own words name no State."""
    records = {"request": factories.request("SRB", subject="zz-probe legislative review"),
               "activity": factories.activity(title="zz-probe seminar", served=["SRB"], visits=()),
               "expert": factories.expert(name="zz-probe Expert", nationality=factories.state("SRB"))}
    session.commit()
    return records


@pytest.mark.parametrize("q", ["Yugoslavia", "yugosl", "Serbia and Montenegro", "serb"])
def test_lists_and_their_api_find_records_by_any_name_of_their_state(api_as, serbian, q):
    get, _user = api_as("manager")
    for path, record in (("requests", serbian["request"]), ("activities", serbian["activity"]),
                         ("experts", serbian["expert"])):
        assert record.id in api_ids(get, f"/api/v1/{path}?q={q}&per_page=100"), (path, q)


def test_the_list_pages_find_the_same(client, login_as, serbian):
    login_as("manager")
    assert serbian["request"].id in page_links(client, "/requests/?q=Yugoslavia&per_page=100", "requests")
    assert serbian["activity"].id in page_links(client, "/activities/?q=yugoslavia&per_page=100", "activities")
    assert serbian["expert"].id in page_links(client, "/experts/?q=Yugoslavia&per_page=100", "experts")


@pytest.mark.parametrize("q", ["#{n}", "{n}", " # {n} "])
def test_a_record_number_finds_its_record(api_as, serbian, q):
    get, _user = api_as("manager")
    request_id = serbian["request"].id
    assert request_id in api_ids(get, f"/api/v1/requests?q={q.format(n=request_id)}".replace("#", "%23"))
    activity_id = serbian["activity"].id
    assert activity_id in api_ids(get, f"/api/v1/activities?q={q.format(n=activity_id)}".replace("#", "%23"))


def test_a_state_filter_takes_a_name_as_well_as_a_code(api_as, client, login_as, serbian):
    get, _user = api_as("manager")
    by_code = api_ids(get, "/api/v1/requests?state=SRB&per_page=100")
    assert serbian["request"].id in by_code
    for name in ("Serbia", "serbia", "Yugoslavia"):
        assert api_ids(get, f"/api/v1/requests?state={name}&per_page=100") == by_code, name
    assert api_ids(get, "/api/v1/requests?state=Nowhereland") == []  # names nothing: nothing, not a 400
    assert serbian["activity"].id in api_ids(get, "/api/v1/activities?state=Serbia&per_page=100")
    login_as("manager")
    assert client.get("/requests/?state=Brazil").status_code == 200
    assert serbian["request"].id in page_links(client, "/requests/?state=Serbia&per_page=100", "requests")


def test_contributions_take_a_text_filter(api_as, session):
    donor = factories.organization(name="zz-probe Ministry of Justice", acronym="ZZMJ")
    contribution = factories.contribution(donor)
    factories.allocation(contribution, factories.activity(served=["SRB"], visits=()))
    session.commit()
    get, _user = api_as("manager")
    for q in ("zz-probe ministry", "zzmj", f"%23{contribution.id}", "Yugoslavia"):
        assert contribution.id in api_ids(get, f"/api/v1/contributions?q={q}&per_page=100"), q


def test_a_search_by_a_state_name_costs_no_more_than_the_whole_list(api_as, serbian):
    """The State's names and the number are a subquery and a condition of the list's own statement, never a
    statement per State or per row: no search sends more statements than the unfiltered page (whose rows load
    every relation a row can have)."""
    get, _user = api_as("manager")
    for path in ("requests", "activities", "experts", "contributions", "actions"):
        get(f"/api/v1/{path}?per_page=50")  # warm what the first call loads once
        with count_queries() as whole:
            get(f"/api/v1/{path}?per_page=50")
        for q in ("zz-probe", "Yugoslavia", "serb", "%2316", "a"):
            with count_queries() as searched:
                get(f"/api/v1/{path}?q={q}&per_page=50")
            # On SQLite, a growing table's text is first counted in its trigrams, once per column searched and not
            # per row (models/sqlite_trigrams.py): at most one statement per indexed column, before the list's own.
            counted = trigram_counts(searched)
            indexed = sqlite_trigrams.TRIGRAM_TABLES.get({"requests": "assistance_requests"}.get(path, path))
            assert len(counted) <= (len(indexed[1]) if indexed else 0), (path, q, counted)
            assert len(searched) - len(counted) <= len(whole), (path, q, len(searched), len(whole))
            print(f"{path}?q={q}: {len(searched)} statements (unfiltered page: {len(whole)})")


def test_the_global_search_finds_a_record_by_its_number_and_by_an_earlier_state_name(client, login_as, serbian):
    login_as("manager")
    request_id = serbian["request"].id
    page = client.get("/search", query_string={"q": f"#{request_id}"}).get_data(as_text=True)
    assert f'href="/requests/{request_id}"' in page
    page = client.get("/search", query_string={"q": "Yugoslavia"}).get_data(as_text=True)
    assert 'href="/states/SRB"' in page and f'href="/activities/{serbian["activity"].id}"' in page


def test_the_issue_catalogue_filters_by_words_number_and_the_states_where_an_issue_was_raised(client, login_as,
                                                                                              session):
    issue = factories.issue(title="zz-probe criminal liability of legal persons")
    factories.finding("SRB", legislative_issue=issue)
    session.commit()
    login_as("officer")
    for q in ("zz-probe", f"#{issue.id}", "Yugoslavia"):
        assert issue.id in page_links(client, f"/issues/?q={q.replace('#', '%23')}", "issues"), q
    assert issue.id not in page_links(client, "/issues/?q=Bolivia", "issues")
