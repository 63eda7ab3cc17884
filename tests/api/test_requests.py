"""GET /api/v1/requests, /api/v1/requests/<id> and /api/v1/queue: the list's filters, the queue's figures for
scripts, the OpenAPI document, refusals."""
from datetime import date, timedelta

import pytest

from tests import factories

TODAY = date.today()


def test_the_queue_figures_of_the_reference_record(api_as):
    get, _ = api_as("manager")
    body = get("/api/v1/queue").get_json()
    assert body["total"] == 15 and len(body["items"]) == 15
    assert body["figures"] == {"as_of": TODAY.isoformat(), "total": 15, "overdue": 0, "buckets": [
        {"key": "0-30", "label": "0–30 days", "count": 0}, {"key": "31-90", "label": "31–90 days", "count": 0},
        {"key": "over-90", "label": "Over 90 days", "count": 0},
        {"key": "not-recorded", "label": "Date not recorded", "count": 15}]}
    item = body["items"][0]
    assert item["age_bucket"] == "not-recorded" and item["subject_inferred"] is True and item["version"] == 1


def test_the_queue_is_the_managers(api_as):
    assert api_as("officer")[0]("/api/v1/queue").status_code == 403
    assert api_as("donor")[0]("/api/v1/queue").status_code == 403


def test_the_list_takes_the_pages_filters(api_as, session):
    get, officer = api_as("officer")
    late = factories.request("NGA", received=TODAY - timedelta(days=40), due_date=TODAY - timedelta(days=1),
                             assigned_officer=officer, logged_by=officer, subject="api late")
    factories.request("NGA", received=TODAY - timedelta(days=3), subject="api fresh")
    session.commit()

    def subjects(query):
        return [i["subject"] for i in get(f"/api/v1/requests?q=api&{query}").get_json()["items"]]
    assert subjects("overdue=true") == ["api late"]
    assert subjects("age=31-90") == ["api late"] and subjects("age=0-30") == ["api fresh"]
    assert subjects(f"assigned_officer={officer.id}") == ["api late"] and subjects("assigned_officer=none") == [
        "api fresh"]
    assert subjects(f"logged_by={officer.id}") == ["api late"]
    item = get(f"/api/v1/requests/{late.id}").get_json()
    assert item["overdue"] is True and item["assigned_officer_id"] == officer.id and item["age_bucket"] == "31-90"


@pytest.mark.parametrize("query, field", [("assigned_officer=abc", "assigned_officer"), ("overdue=x&age=old", "age"),
                                          ("sort=priority_rank", "sort"), ("received_to=2003-13-01", "received_to")])
def test_bad_parameters_are_a_400_naming_them(api_as, query, field):
    response = api_as("officer")[0](f"/api/v1/requests?{query}")
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


def test_the_openapi_document_describes_the_queue_and_the_new_filters(api_as):
    doc = api_as("officer")[0]("/api/v1/openapi.json").get_json()
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/requests"]["get"]["parameters"]}
    assert params["overdue"]["anyOf"][0] == {"type": "boolean"} and params["assigned_officer"]["anyOf"] == [
        {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, {"type": "string", "enum": ["none"]}]
    assert params["age"]["enum"] == ["0-30", "31-90", "over-90", "not-recorded"]
    queue = doc["paths"]["/api/v1/queue"]["get"]
    assert "ageing buckets" in queue["summary"]
    assert {p["name"] for p in queue["parameters"]} >= {"regional_group", "instrument", "kind", "assigned_officer",
                                                         "status", "q", "age", "overdue"}
