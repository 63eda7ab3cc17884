"""GET /api/v1/instruments and /api/v1/instruments/<code>/parties, exactly as CONTRACT.md describes them."""

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from app.seed.reference import DATA
from app.services.treaties.treaty_import import import_file
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


def test_the_instruments_as_at_the_annex_date_as_the_annex_printed_them(get):
    response = get("/api/v1/instruments?as_of=2003-07-02&source=annex")
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["source"] == "annex"
    listed = by_code(payload)
    assert list(listed) == ["UNTOC", "TIP", "SOM", "FIREARMS"]
    assert {c: (i["signatories"], i["parties"], i["parties_counted"]) for c, i in listed.items()} == {
        "UNTOC": (147, 40, 40), "TIP": (117, 28, 28), "SOM": (112, 27, 27), "FIREARMS": (52, 4, 4)}
    assert listed["UNTOC"]["fortieth_deposit"] == {"participant": "ARM", "date": "2003-07-01", "tied": False,
                                                   "same_day": ["ARM"], "positions": [40, 40]}
    assert listed["UNTOC"]["entry_into_force"] == "2003-09-29"  # given although after as_of
    assert listed["TIP"]["fortieth_deposit"] is None and listed["TIP"]["entry_into_force"] is None
    assert set(listed["UNTOC"]) == {"code", "name", "signatories", "parties", "parties_counted",
                                    "fortieth_deposit", "entry_into_force", "record_complete_to"}
    assert listed["UNTOC"]["name"] == "United Nations Convention against Transnational Organized Crime"
    # The annex is a snapshot: complete up to its own date, whatever the date asked for.
    assert {i["record_complete_to"] for i in listed.values()} == {"2003-07-02"}
    later = by_code(get("/api/v1/instruments?as_of=2014-12-31&source=annex").get_json())
    assert {c: i["parties"] for c, i in later.items()} == {"UNTOC": 40, "TIP": 28, "SOM": 27, "FIREARMS": 4}


def test_the_record_as_at_the_annex_date_holds_armenias_protocol_deposits_of_1_july_2003(get):
    payload = get("/api/v1/instruments?as_of=2003-07-02").get_json()
    assert payload["source"] == "record"
    listed = by_code(payload)
    # The depositary's tables: Armenia deposited TIP and SOM with UNTOC on 1 July 2003; the annex omits them.
    assert {c: (i["signatories"], i["parties"], i["parties_counted"]) for c, i in listed.items()} == {
        "UNTOC": (147, 40, 40), "TIP": (117, 29, 29), "SOM": (112, 28, 28), "FIREARMS": (52, 4, 4)}
    assert {c: i["record_complete_to"] for c, i in listed.items()} == {
        "UNTOC": "2014-01-01", "TIP": "2014-01-01", "SOM": "2014-07-01", "FIREARMS": "2014-07-01"}


def test_a_new_installation_gives_the_record_of_the_shipped_tables(get):
    """The figures of today are the 2014 tables': the Trafficking Protocol in force since 2003, 159 parties."""
    listed = by_code(get("/api/v1/instruments").get_json())
    assert {c: (i["entry_into_force"], i["parties"]) for c, i in listed.items()} == {
        "UNTOC": ("2003-09-29", 179), "TIP": ("2003-12-25", 159), "SOM": ("2004-01-28", 138),
        "FIREARMS": ("2005-07-03", 109)}
    for code, day in (("UNTOC", "2005-10-10"), ("TIP", "2006-05-18")):  # the shipped tables' rows for Bolivia
        bolivia = {p["participant"]: p for p in get(f"/api/v1/instruments/{code}/parties").get_json()["items"]}
        assert (bolivia["BOL"]["action"], bolivia["BOL"]["date"]) == ("ratification", day)


@pytest.mark.parametrize("source", ["Annex", "tables", "x" * 300])
def test_an_unknown_source_is_a_400_naming_the_parameter(get, source):
    response = get(f"/api/v1/instruments?source={source}")
    assert response.status_code == 400
    assert "Unknown source" in response.get_json()["error"]["fields"]["source"]
    assert get(f"/api/v1/instruments/UNTOC/parties?source={source}").status_code == 400


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
    assert not any(listed[c]["fortieth_deposit"]["tied"] for c in ("UNTOC", "SOM", "FIREARMS"))


def test_the_fortieth_deposit_of_tip_is_one_of_four_made_the_same_day(get, imported):
    """The depositary's table gives four counted deposits on 26 Sep 2003 (the 37th to the 40th): it does not say
    which was the 40th, so the API says so instead of naming Rwanda by alphabetical order alone."""
    tip = by_code(get("/api/v1/instruments?as_of=2014-12-31").get_json())["TIP"]["fortieth_deposit"]
    assert tip["date"] == "2003-09-26" and tip["tied"] is True
    assert tip["same_day"] == ["BLZ", "LAO", "POL", "RWA"] and tip["participant"] in tip["same_day"]
    assert tip["positions"] == [37, 40]
    schema = get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/instruments"]["get"]["responses"]["200"]
    documented = str(schema)
    assert "same_day" in documented and "tied" in documented and "positions" in documented


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
    assert len(tip) == 29 and {p["in_force_date"] for p in tip} == {None}
    printed = get("/api/v1/instruments/TIP/parties?as_of=2003-07-02&source=annex").get_json()
    assert printed["record_complete_to"] == "2003-07-02"
    assert len(printed["items"]) == 28 and "ARM" not in {p["participant"] for p in printed["items"]}
    tajikistan = next(p for p in printed["items"] if p["participant"] == "TJK")
    assert tajikistan["action"] == "ratification"  # as printed; the depositary's table says accession


def own(statements):
    """The endpoint's own statements, without the sign-in's (token lookup, account, last use)."""
    return [s for s in statements if not any(t in s.split("WHERE")[0] for t in ("api_tokens", "FROM users"))]


def test_the_parties_list_costs_the_same_few_queries_however_long_it_is(get, imported):
    get("/api/v1/me")  # the token's first use is written (then not again within the hour)
    with count_queries() as short:
        assert len(get("/api/v1/instruments/UNTOC/parties?as_of=2003-07-02").get_json()["items"]) == 40
    with count_queries() as long:
        assert len(get("/api/v1/instruments/UNTOC/parties?as_of=2014-12-31").get_json()["items"]) == 179
    # The instrument (with its Convention), the record's stamp, the actions, the States, their names: five, for 40
    # or 179 parties (the actions are not read again while the record is unchanged).
    assert len(own(short)) == len(own(long)) == 5, own(long)
    assert len(short) == len(long)


@pytest.mark.parametrize("source", ["", "&source=annex"])
def test_the_instruments_list_is_two_queries(get, imported, source):
    with count_queries() as listing:
        assert len(get(f"/api/v1/instruments?as_of=2014-12-31{source}").get_json()["items"]) == 4
    assert len(own(listing)) == 3, own(listing)  # the instruments, the record's stamp, every action of all four
    with count_queries() as again:
        assert len(get(f"/api/v1/instruments?as_of=2014-12-31{source}").get_json()["items"]) == 4
    assert len(own(again)) == 2, own(again)  # the record unchanged: the statuses are not computed again


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
    assert {"as_of", "source"} <= {p["name"] for p in paths["/api/v1/instruments"]["get"]["parameters"]}
    item = paths["/api/v1/instruments"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "record_complete_to" in item["properties"]["items"]["items"]["properties"]
    assert "/api/v1/instruments/{code}/parties" in paths
