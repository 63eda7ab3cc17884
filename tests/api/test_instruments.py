"""GET /api/v1/instruments and /api/v1/instruments/<code>/parties, exactly as CONTRACT.md describes them."""

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from app.services.reference import DATA
from app.services.treaty_import import import_file
from models import Instrument, MemberState, Organization, db
from tests.helpers import count_queries

UNTC = DATA / "untc"
TABLES = {"UNTOC": "XVIII-12-UNTOC.csv", "TIP": "XVIII-12-a-TIP.csv", "SOM": "XVIII-12-b-SOM.csv",
          "FIREARMS": "XVIII-12-c-FIREARMS.csv"}


@pytest.fixture()
def get(api_as):
    return api_as("officer")[0]


@pytest.fixture()
def imported(session):
    for code, name in TABLES.items():
        import_file(UNTC / name, code)
    db.session.commit()


def by_code(payload):
    return {i["code"]: i for i in payload["items"]}


def test_the_instruments_as_at_the_annex_date(get):
    response = get("/api/v1/instruments?as_of=2003-07-02")
    assert response.status_code == 200
    listed = by_code(response.get_json())
    assert list(listed) == ["UNTOC", "TIP", "SOM", "FIREARMS"]
    assert {c: (i["signatories"], i["parties"], i["parties_counted"]) for c, i in listed.items()} == {
        "UNTOC": (147, 40, 40), "TIP": (117, 28, 28), "SOM": (112, 27, 27), "FIREARMS": (52, 4, 4)}
    assert listed["UNTOC"]["fortieth_deposit"] == {"participant": "ARM", "date": "2003-07-01"}
    assert listed["UNTOC"]["entry_into_force"] == "2003-09-29"  # given although after as_of
    assert listed["TIP"]["fortieth_deposit"] is None and listed["TIP"]["entry_into_force"] is None
    assert set(listed["UNTOC"]) == {"code", "name", "signatories", "parties", "parties_counted",
                                    "fortieth_deposit", "entry_into_force"}
    assert listed["UNTOC"]["name"] == "United Nations Convention against Transnational Organized Crime"


def test_the_day_before_the_fortieth_there_is_no_entry_into_force(get):
    untoc = by_code(get("/api/v1/instruments?as_of=2003-06-30").get_json())["UNTOC"]
    assert (untoc["parties"], untoc["fortieth_deposit"], untoc["entry_into_force"]) == (39, None, None)


def test_after_the_import_of_the_real_tables(get, imported):
    listed = by_code(get("/api/v1/instruments?as_of=2014-12-31").get_json())
    assert {c: (i["entry_into_force"], i["parties"], i["parties_counted"]) for c, i in listed.items()} == {
        "UNTOC": ("2003-09-29", 179, 178), "TIP": ("2003-12-25", 159, 158), "SOM": ("2004-01-28", 138, 137),
        "FIREARMS": ("2005-07-03", 109, 108)}
    assert {c: listed[c]["fortieth_deposit"]["participant"] for c in ("UNTOC", "SOM", "FIREARMS")} == {
        "UNTOC": "ARM", "SOM": "AZE", "FIREARMS": "POL"}


def test_the_parties_with_names_as_in_force_and_in_force_dates(get, imported):
    early = get("/api/v1/instruments/UNTOC/parties?as_of=2003-07-02").get_json()["items"]
    late = {p["participant"]: p for p in get("/api/v1/instruments/untoc/parties?as_of=2014-01-01").get_json()["items"]}
    assert len(early) == 40 and [p["participant"] for p in early[:3]] == ["MCO", "NGA", "SRB"]
    assert early[2] == {"participant": "SRB", "name": "Serbia and Montenegro", "action": "ratification",
                        "date": "2001-09-06", "in_force_date": "2003-09-29"}
    assert late["SRB"]["name"] == "Serbia"
    assert {c: late[c]["in_force_date"] for c in ("CRI", "MCO", "AFG")} == {
        "CRI": "2003-09-29", "MCO": "2003-09-29", "AFG": "2003-10-24"}
    assert late["EUU"]["action"] == "approval"
    dates = [p["date"] for p in late.values()]
    assert dates == sorted(dates) and len(late) == 179  # the whole list, ordered by date
    som = {p["participant"]: p for p in get("/api/v1/instruments/SOM/parties?as_of=2014-12-31").get_json()["items"]}
    assert som["BRA"]["in_force_date"] == "2004-02-28"


def test_in_force_date_is_null_while_unknown(get):
    tip = get("/api/v1/instruments/TIP/parties?as_of=2003-07-02").get_json()["items"]
    assert len(tip) == 28 and {p["in_force_date"] for p in tip} == {None}


def own(statements):
    """The endpoint's own statements, without the sign-in's (token lookup, account, last use)."""
    return [s for s in statements if not any(t in s.split("WHERE")[0] for t in ("api_tokens", "FROM users"))]


def test_the_parties_list_costs_the_same_few_queries_however_long_it_is(get, imported):
    with count_queries() as short:
        assert len(get("/api/v1/instruments/UNTOC/parties?as_of=2003-07-02").get_json()["items"]) == 40
    with count_queries() as long:
        assert len(get("/api/v1/instruments/UNTOC/parties?as_of=2014-12-31").get_json()["items"]) == 179
    # The instrument (with its Convention), the actions, the States, their names: four, for 40 or 179 parties.
    assert len(own(short)) == len(own(long)) == 4, own(long)
    assert len(short) == len(long)


def test_the_instruments_list_is_two_queries(get, imported):
    with count_queries() as listing:
        assert len(get("/api/v1/instruments?as_of=2014-12-31").get_json()["items"]) == 4
    assert len(own(listing)) == 2, own(listing)  # the instruments, then every action of all four at once


@pytest.mark.parametrize("path", ["/api/v1/instruments?as_of=2003-02-30", "/api/v1/instruments?as_of=today",
                                  "/api/v1/instruments/UNTOC/parties?as_of=2003-7-2x"])
def test_a_bad_date_is_a_400_naming_the_parameter(get, path):
    response = get(path)
    assert response.status_code == 400
    assert "as_of" in response.get_json()["error"]["fields"]


def test_an_unknown_instrument_is_a_404_in_json(get):
    response = get("/api/v1/instruments/NOPE/parties")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/instruments").status_code == 401
    assert client.get("/api/v1/instruments/UNTOC/parties").status_code == 401


def test_a_donor_sees_only_its_instruments_and_states(api_as, imported):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    get, donor = api_as("donor", donor=canada)
    scope = for_user(donor)
    mine = set(db.session.scalars(sa.select(Instrument.code).where(Instrument.id.in_(scope.instrument_ids()))))
    listed = by_code(get("/api/v1/instruments?as_of=2014-12-31").get_json())
    assert set(listed) == mine
    for code in {"UNTOC", "TIP", "SOM", "FIREARMS"} - mine:
        assert get(f"/api/v1/instruments/{code}/parties").status_code == 404
    visible = set(db.session.scalars(sa.select(MemberState.code).where(MemberState.id.in_(scope.state_ids()))))
    for code in mine:
        parties = get(f"/api/v1/instruments/{code}/parties?as_of=2014-12-31").get_json()["items"]
        assert {p["participant"] for p in parties} <= visible
        # The figures stay those of the treaty, not of the donor's share of it.
        assert listed[code]["parties"] >= len(parties)


def test_the_endpoints_are_documented(get):
    paths = get("/api/v1/openapi.json").get_json()["paths"]
    assert "as_of" in {p["name"] for p in paths["/api/v1/instruments"]["get"]["parameters"]}
    assert "/api/v1/instruments/{code}/parties" in paths
