"""GET /api/v1/contributions: the page's filters (one declaration), allocation data, a donor's own only."""
from datetime import date
from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture()
def money(session):
    donor = factories.organization(name="API donor")
    pledged = factories.contribution(donor, status="pledged", amount=Decimal("10.00"), instruments=("TIP",),
                                     pledged_date=date(2003, 5, 1), regions=["African"])
    received = factories.contribution(donor, amount=Decimal("500.00"), currency="EUR", instruments=("UNTOC",),
                                      pledged_date=date(2002, 5, 1))
    activity = factories.activity()
    factories.allocation(received, activity, Decimal("120.50"))
    received.allocations[0].is_inferred, received.allocations[0].basis = True, "Inferred for the test"
    session.commit()
    return donor, pledged, received, activity


def _ids(get, query):
    response = get(f"/api/v1/contributions?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_filters_are_those_of_the_page(api_as, money):
    donor, pledged, received, activity = money
    get, _user = api_as("officer")
    assert _ids(get, f"donor_id={donor.id}&sort=id") == [pledged.id, received.id]
    assert _ids(get, f"donor_id={donor.id}&status=pledged") == [pledged.id]
    assert _ids(get, f"donor_id={donor.id}&instrument=UNTOC") == [received.id]
    assert _ids(get, f"donor_id={donor.id}&region=African") == [pledged.id]
    assert _ids(get, f"activity={activity.id}") == [received.id]
    assert _ids(get, f"donor_id={donor.id}&date_from=2003-01-01") == [pledged.id]
    assert _ids(get, f"donor_id={donor.id}&currency=eur") == [received.id]
    assert _ids(get, "donor=API donor&sort=-id") == [received.id, pledged.id]


def test_items_carry_their_allocations_and_pledges_say_they_are_not_counted(api_as, money):
    _donor, pledged, received, activity = money
    get, _user = api_as("manager")
    item = get(f"/api/v1/contributions/{received.id}").get_json()
    assert item["allocations"] == [{"id": received.allocations[0].id, "activity": activity.id,
                                    "activity_title": activity.title, "amount": "120.50", "inferred": True,
                                    "basis": "Inferred for the test"}]
    assert (item["received"], item["allocated"], item["unallocated"], item["counted"]) == (
        "500.00", "120.50", "379.50", True)
    assert get(f"/api/v1/contributions/{pledged.id}").get_json()["counted"] is False


@pytest.mark.parametrize("query, field", [("status=gone", "status"), ("date_from=2003-13-01", "date_from"),
                                          ("instrument=XX", "instrument"), ("sort=nope", "sort"),
                                          ("date_from=2003-05-01&date_to=2003-01-01", "date_to")])
def test_a_bad_parameter_is_a_400_naming_it(api_as, query, field):
    get, _user = api_as("officer")
    response = get(f"/api/v1/contributions?{query}")
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


def test_a_donor_gets_its_own_only(api_as, money):
    donor, pledged, received, _activity = money
    get, _user = api_as("donor", donor=donor)
    assert sorted(_ids(get, "")) == sorted([pledged.id, received.id])
    other = factories.contribution()
    get2, _ = api_as("donor")
    assert _ids(get2, "") == [] and get2(f"/api/v1/contributions/{received.id}").status_code == 404
    assert other.id not in _ids(get, "")


def test_the_openapi_document_lists_the_filters(api_as):
    get, _user = api_as("officer")
    doc = get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/contributions"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"status", "donor", "donor_id", "currency", "project", "instrument", "region", "activity",
            "date_from", "date_to"} <= names
