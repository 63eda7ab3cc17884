"""/api/v1/missions (= /api/v1/activities) and /api/v1/experts: the list's filters, detail by id, scoping; and the
query budget of the activity list page, the calendar and the feed at two sizes."""
from datetime import date

import pytest
import sqlalchemy as sa

from models import Activity, Organization, db
from tests import factories
from tests.helpers import count_queries


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def test_missions_filter_as_the_list_does(api_as):
    get, _ = api_as("officer")
    imf = get(f"/api/v1/missions?partner={org('imf').id}").get_json()["items"]
    assert [m["visits"][0]["city"] for m in imf] == ["Antananarivo"]
    assert imf[0]["partners"] == [{"organization": "International Monetary Fund", "organization_id": org("imf").id,
                                   "role": "co-operating organization"}]
    algiers = get("/api/v1/missions?state=DZA&kind=regional_meeting").get_json()["items"]
    assert len(algiers) == 1 and len(algiers[0]["states"]) == 44
    romania = get("/api/v1/missions?state=ROU&kind=mission").get_json()["items"][0]
    assert [(v["start_date"], v["end_date"]) for v in romania["visits"]] == [("2002-01-08", "2002-01-11"),
                                                                            ("2002-11-05", "2002-11-06")]
    minsk = get("/api/v1/missions?state=BLR&kind=national_seminar").get_json()["items"][0]
    assert "smuggling of migrants" in minsk["topics"]
    planned = get("/api/v1/activities?status=planned&kind=expert_group_meeting").get_json()["items"]
    assert [p["visits"][0]["country"] for p in planned] == ["MCO"]
    assert get(f"/api/v1/missions/{romania['id']}").get_json()["title"] == romania["title"]


def test_missions_take_the_under_way_status_and_the_request_filter(api_as, session):
    get, _ = api_as("officer")
    request = factories.request("BOL")
    activity = factories.activity(status="under_way", title="Under way now")
    activity.requests.append(request)
    session.commit()
    assert [m["title"] for m in get("/api/v1/missions?status=under_way").get_json()["items"]] == ["Under way now"]
    assert get(f"/api/v1/missions?request={request.id}").get_json()["items"][0]["requests"] == [request.id]


def test_an_expert_item_lists_only_the_deployments_a_donor_funds(api_as, session):
    expert = factories.expert(name="Shared expert")
    funded = db.session.scalar(sa.select(Activity).filter_by(reference_key="mission-2002-romania"))
    other = db.session.scalar(sa.select(Activity).filter_by(reference_key="workshop-2003-madagascar"))
    factories.deployment(expert, funded)
    factories.deployment(expert, other)
    session.commit()
    staff = api_as("officer")[0](f"/api/v1/experts/{expert.id}").get_json()
    donor = api_as("donor", donor=org("japan"))[0](f"/api/v1/experts/{expert.id}").get_json()
    assert {d["activity"] for d in staff["deployments"]} == {funded.id, other.id}
    assert [d["activity"] for d in donor["deployments"]] == [funded.id] and "email" not in donor


def test_openapi_documents_the_new_filters(api_as):
    doc = api_as("officer")[0]("/api/v1/openapi.json").get_json()
    experts = {p["name"]: p for p in doc["paths"]["/api/v1/experts"]["get"]["parameters"]}
    assert {"topic", "language", "legal_tradition", "available_from", "available_to"} <= set(experts)
    missions = {p["name"]: p for p in doc["paths"]["/api/v1/missions"]["get"]["parameters"]}
    assert missions["expert"]["schema"]["type"] == "integer" and "under_way" in missions["status"]["schema"]["enum"]


# ------------------------------------------------------------------ query budgets at two sizes
def _grow(session, n: int) -> None:
    expert = factories.expert()
    partner = factories.organization(kind="intergovernmental")
    for i in range(n):
        activity = factories.activity(served=["BOL", "PER"], participants=["CHL"], instruments=("UNTOC", "TIP"),
                                      visits=[("BOL", date(2002, 11, 1 + i % 20), date(2002, 11, 2 + i % 20)),
                                              ("PER", date(2002, 11, 25), date(2002, 11, 26))])
        factories.deployment(expert, activity)
        activity.requests.append(factories.request("BOL"))
        from models import ActivityPartner
        activity.partners.append(ActivityPartner(organization=partner, role="host"))
    session.commit()


@pytest.mark.parametrize("path", ["/activities/?per_page=100", "/activities/calendar?month=2002-11",
                                  "/missions.ics", "/activities/export.csv", "/api/v1/missions?per_page=100",
                                  "/api/v1/experts?per_page=100"])
def test_pages_cost_the_same_queries_at_any_size(client, login_as, session, path):
    login_as("officer")
    client.get(path)

    def cost():
        session.expunge_all()  # as a new request's session would be: nothing already loaded
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)
    _grow(session, 10)  # every kind of link present (experts, partners, requests): each eager load runs
    small = cost()
    _grow(session, 60)
    assert cost() == small <= 30
