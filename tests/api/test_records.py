"""The record lists of the API: scoped, filtered, sorted, paginated, 4xx JSON on bad input."""
import pytest
import sqlalchemy as sa

from models import Activity, Contribution, Organization, db
from models.contribution import Allocation


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def test_missions_list_paginates_and_filters(api_as):
    get, _ = api_as("officer")
    page = get("/api/v1/missions?per_page=10&page=2").get_json()
    assert page["page"] == 2 and len(page["items"]) == 10 and page["total"] == 52  # 51 + Monaco (para. 11)
    romania = get("/api/v1/missions?state=ROU&kind=mission").get_json()["items"]
    assert [len(m["visits"]) for m in romania] == [2]
    assert {m["kind"] for m in get("/api/v1/missions?kind=workshop&per_page=100").get_json()["items"]} == {"workshop"}
    dates = [m["start_date"] for m in get("/api/v1/missions?sort=-start_date&per_page=100").get_json()["items"]
             if m["start_date"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query, field", [("kind=voyage", "kind"), ("date_from=2003-13-01", "date_from"),
                                          ("sort=colour", "sort"), ("per_page=0", "per_page"), ("page=x", "page")])
def test_bad_query_is_a_400_naming_the_parameter(api_as, query, field):
    response = api_as("officer")[0](f"/api/v1/missions?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_requests_are_not_for_donors(api_as):
    assert api_as("officer")[0]("/api/v1/requests?status=pending").get_json()["total"] == 15
    assert api_as("donor", donor=org("canada"))[0]("/api/v1/requests").status_code == 403


def test_donor_sees_only_its_own_contributions_and_what_they_fund(api_as):
    canada, japan = org("canada"), org("japan")
    get_canada, _ = api_as("donor", donor=canada)
    contributions = get_canada("/api/v1/contributions?per_page=100").get_json()["items"]
    assert {c["donor"] for c in contributions} == {canada.name}
    japan_ids = db.session.scalars(sa.select(Contribution.id).filter_by(donor_id=japan.id)).all()
    for record_id in japan_ids:
        assert get_canada(f"/api/v1/contributions/{record_id}").status_code == 404

    funded = set(db.session.scalars(sa.select(Allocation.activity_id).join(Contribution).where(
        Contribution.donor_id == canada.id)))
    missions = get_canada("/api/v1/missions?per_page=500").get_json()["items"]
    assert {m["id"] for m in missions} == funded
    unfunded = db.session.scalar(sa.select(Activity.id).where(Activity.id.not_in(funded)))
    assert get_canada(f"/api/v1/missions/{unfunded}").status_code == 404


def test_expert_contacts_are_for_staff_only(api_as):
    officer = api_as("officer")[0]("/api/v1/experts").get_json()["items"]
    donor = api_as("donor", donor=org("canada"))[0]("/api/v1/experts").get_json()["items"]
    assert officer and all("email" in e for e in officer)
    assert all("email" not in e and "phone" not in e for e in donor)


def test_openapi_describes_every_api_route(app, api_as):
    doc = api_as("officer")[0]("/api/v1/openapi.json").get_json()
    documented = {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            methods = rule.methods - {"HEAD", "OPTIONS"}  # an endpoint of several methods: one operation each
            name = rule.endpoint.removeprefix("api.")
            routes |= {f"{name}_{m.lower()}" for m in methods} if len(methods) > 1 else {name}
    assert routes == documented
