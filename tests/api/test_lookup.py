"""GET /api/v1/lookup/<kind>: the pickers' search — scoped, at most 50, one query, JSON errors."""
from urllib.parse import unquote_plus

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from app.services.overview import lookup
from models import MemberState, Organization, db, sqlite_trigrams
from tests import factories
from tests.helpers import count_queries, trigram_counts


def ids(response) -> list:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_states_match_part_of_any_name_they_bore(api_as):
    get, _user = api_as("officer")
    assert "BOL" in ids(get("/api/v1/lookup/states?q=boliv"))
    assert "SRB" in ids(get("/api/v1/lookup/states?q=Yugoslavia"))  # Serbia's name before 2003
    assert "BRA" in ids(get("/api/v1/lookup/states?q=BRA"))


def test_requests_and_activities_match_their_number_and_title_words(api_as):
    request = factories.request("BOL", subject="Drafting a law against smuggling of migrants")
    activity = factories.activity(title="Regional seminar on firearms in Lima")
    db.session.commit()
    get, _user = api_as("officer")
    for q in (f"%23{request.id}", str(request.id), "smuggling+law"):
        assert request.id in ids(get(f"/api/v1/lookup/requests?q={q}")), q
    for q in (f"%23{activity.id}", "firearms+lima"):
        assert activity.id in ids(get(f"/api/v1/lookup/activities?q={q}")), q
    label = get(f"/api/v1/lookup/requests?q={request.id}").get_json()["items"][0]["label"]
    assert label.startswith(f"#{request.id} Drafting a law")


def test_at_most_fifty_items_in_one_statement(api_as):
    for n in range(lookup.MAX_ITEMS + 5):
        factories.organization(name=f"Lookup partner {n:03}")
    db.session.commit()
    get, _user = api_as("officer")
    get("/api/v1/lookup/organizations?q=partner")  # the token's use is recorded once: not the lookup's cost
    with count_queries() as statements:
        found = ids(get("/api/v1/lookup/organizations?q=lookup+partner"))
    assert len(found) == lookup.MAX_ITEMS
    looked_up = [s for s in statements if "FROM organizations" in s]
    assert len(looked_up) == 1 and len(statements) <= 2, statements


def test_a_donor_looks_up_no_staff_account_no_request_and_only_what_it_funds(api_as):
    canada = db.session.scalar(sa.select(Organization).filter_by(name="Canada"))
    get, _donor = api_as("donor", donor=canada)
    for kind in ("users", "requests"):
        response = get(f"/api/v1/lookup/{kind}?q=a")
        assert response.status_code == 403 and response.is_json
    funded = set(db.session.scalars(for_user(_donor).state_ids()))
    states = ids(get("/api/v1/lookup/states"))
    assert {s.id for s in db.session.scalars(sa.select(MemberState).where(MemberState.code.in_(states)))} <= funded
    officer_get, officer = api_as("officer")
    assert "BOL" in ids(officer_get("/api/v1/lookup/states?q=bol"))
    staff = ids(officer_get(f"/api/v1/lookup/users?q={officer.email}"))
    assert staff == [officer.id]
    assert ids(officer_get(f"/api/v1/lookup/users?q={_donor.email}")) == []  # no donor account, even to staff


@pytest.mark.parametrize(("path", "status"), [("/api/v1/lookup/planets?q=x", 404),
                                              ("/api/v1/lookup/states?q=" + "x" * 101, 400)])
def test_an_unknown_kind_or_a_bad_query_is_a_json_error(api_as, path, status):
    get, _user = api_as("officer")
    response = get(path)
    assert response.status_code == status and "error" in response.get_json()


def test_the_openapi_document_names_the_kinds(api_as):
    get, _user = api_as("officer")
    operation = get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/lookup/{kind}"]["get"]
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == list(lookup.KINDS) and any(p["name"] == "q" for p in operation["parameters"])


@pytest.mark.parametrize("asked", [f"{kind}?q={q}" for kind in lookup.KINDS for q in ("", "bra", "%2312", "la+pa")]
                         + ["users?q=a&among=staff", "users?q=a&among=assignable", "users?q=a&among=approvers",
                            "organizations?q=a&among=donors"])
def test_every_lookup_is_one_statement(api_as, asked):
    """Whatever the kind, the text (none, words, a number) or the set: one SELECT answers (query counts, never
    times: the trigram index makes that one statement cheap, tests/test_query_plans.py checks its plan)."""
    get, _user = api_as("manager")
    get("/api/v1/lookup/states?q=x")  # the token's use is recorded once: not a lookup's cost
    with count_queries() as statements:
        ids(get(f"/api/v1/lookup/{asked}"))
    reads = [s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]
    counted = trigram_counts(reads)
    reads = [s for s in reads if s not in counted]
    lookups = [s for s in reads if "LIMIT" in s]
    assert len(lookups) == 1 and len(reads) <= 2, reads
    # and on SQLite, per word of a growing table's title long enough to have trigrams, how many rows hold it (up
    # to sqlite_trigrams.MANY: which way the one lookup reads them, models/sqlite_trigrams.py)
    kind, _, query = asked.partition("?q=")
    words = [w for w in unquote_plus(query.split("&")[0]).split() if len(w) >= 3 and lookup.record_number(w) is None]
    trigrams = db.engine.dialect.name == "sqlite" and sqlite_trigrams.available() and kind in ("requests",
                                                                                              "activities")
    assert len(counted) == (len(words) if trigrams else 0), counted


def test_short_words_and_wildcards_are_matched_as_typed_in_pickers_and_lists(api_as):
    """Text shorter than a trigram is looked for as it is (app.listing.holds), longer text by a LIKE: both in any
    case, and % or _ typed by someone stand for themselves, not for anything."""
    wide = factories.request("BOL", subject="Review of 100% WIDE_open borders")
    other = factories.request("BOL", subject="Review of 1000 wide open borders")
    db.session.commit()
    get, _user = api_as("officer")

    def listed(q):
        response = get(f"/api/v1/requests?q={q}&per_page=100")
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["id"] for item in response.get_json()["items"]}
    for q in ("0%25", "e_", "100%25", "e_o"):  # two letters (no trigram), then three and more; %25 is "%"
        assert wide.id in ids(get(f"/api/v1/lookup/requests?q={q}")), q
        assert other.id not in ids(get(f"/api/v1/lookup/requests?q={q}")), q
        assert wide.id in listed(q) and other.id not in listed(q), q
    for q in ("Wi", "wIDE"):  # any case, short or long
        assert {wide.id, other.id} <= set(ids(get(f"/api/v1/lookup/requests?q={q}"))), q
        assert {wide.id, other.id} <= listed(q), q
