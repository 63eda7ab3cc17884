"""Writing activities through the API: the officers' one form with its rows (visits, States, partners, experts,
requests), the same rules and audit entries, versions, scopes."""
from datetime import date

import sqlalchemy as sa

from models import Activity, ActivityVisit, AuditEntry, Organization, db
from tests import factories

NEW = {"kind": "mission", "status": "planned", "title": "Mission to Romania", "served": ["ROU"],
       "instruments": ["UNTOC", "TIP"], "topics": ["extradition", "witness protection"],
       "visits": [{"country": "ROU", "city": "Bucharest", "start_date": "2004-03-01", "end_date": "2004-03-04"},
                  {"country": "ROU", "city": "Cluj", "start_date": "2004-06-07", "end_date": "2004-06-08"}]}


def _counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Activity, ActivityVisit,
                                                                                       AuditEntry))


def test_create_with_visits_states_experts_partners_and_requests(api_caller):
    officer = api_caller("officer")
    expert = factories.expert(name="Maria Expert")
    request = factories.request("ROU")
    osce = db.session.scalar(sa.select(Organization).filter_by(reference_key="osce"))
    db.session.commit()
    response = officer.post("/api/v1/activities", {
        **NEW, "requests": [request.id], "deployments": [{"expert": expert.id, "role": "legal adviser"}],
        "partners": [{"organization": osce.id, "role": "co-organizer"}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["ETag"] == '"1"' and response.headers["Location"].endswith(f"/activities/{body['id']}")
    assert [(v["city"], v["start_date"]) for v in body["visits"]] == [("Bucharest", "2004-03-01"),
                                                                      ("Cluj", "2004-06-07")]
    assert body["states"] == [{"code": "ROU", "role": "served"}] and body["requests"] == [request.id]
    assert body["experts"][0]["name"] == "Maria Expert" and body["partners"][0]["organization_id"] == osce.id
    assert body["topics"] == ["extradition", "witness protection"]
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_type="Activity", record_id=body["id"]))
    assert entry.action == "create" and "Mission to Romania" in entry.summary


def test_the_forms_and_the_services_rules_answer_422_per_field(api_caller):
    officer = api_caller("officer")
    before = _counts()
    bad = officer.post("/api/v1/activities", {**NEW, "visits": [{"country": "ROU", "start_date": "2004-03-05",
                                                                 "end_date": "2004-03-01"}], "title": ""})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) >= {"title", "visits-0-end_date"}
    rule = officer.post("/api/v1/activities", {**NEW, "kind": "written_analysis"})  # the service's rule
    assert rule.status_code == 422 and "without travel" in rule.get_json()["error"]["fields"]["visits"]
    rows = officer.post("/api/v1/activities", {**NEW, "visits": ["not a row"]})
    assert rows.status_code == 422
    assert rows.get_json()["error"]["fields"] == {"visits": "A list of objects, one per row."}
    unknown = officer.post("/api/v1/activities", {**NEW, "visits": [{**NEW["visits"][0], "colour": "red"}]})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {"visits-0-colour": "Unknown field."}
    assert _counts() == before


def test_patch_keeps_the_visits_and_their_ids_put_replaces_them(api_caller):
    activity = factories.activity(title="Original", visits=[("BOL", date(2003, 3, 10), date(2003, 3, 12), "La Paz")])
    db.session.commit()
    officer = api_caller("officer")
    path = f"/api/v1/activities/{activity.id}"
    visit_id = activity.visits[0].id
    patched = officer.patch(path, {"title": "Renamed"}, if_match=1)
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title"] == "Renamed" and patched.get_json()["visits"][0]["id"] == visit_id
    assert patched.headers["ETag"] == '"2"'
    moved = officer.patch(path, {"visits": [{"id": visit_id, "country": "BOL", "city": "Sucre",
                                             "start_date": "2003-03-10", "end_date": "2003-03-13"}]}, if_match=2)
    assert moved.status_code == 200 and moved.get_json()["visits"] == [
        {"id": visit_id, "city": "Sucre", "country": "BOL", "start_date": "2003-03-10", "end_date": "2003-03-13",
         "date_precision": "day"}]
    assert moved.headers["ETag"] == '"3"'  # a change to a visit alone moves the activity's version on
    put = officer.put(path, {**NEW, "served": ["BOL"], "visits": []}, if_match=3)
    assert put.status_code == 200 and put.get_json()["visits"] == [] and put.get_json()["title"] == NEW["title"]


def test_two_callers_race_the_second_gets_412_with_the_current_activity(api_caller):
    activity = factories.activity(title="Original")
    db.session.commit()
    alice, bob = api_caller("officer", name="Alice Ahlberg"), api_caller("officer")
    path = f"/api/v1/activities/{activity.id}"
    etag = bob.get(path).headers["ETag"]
    assert alice.patch(path, {"title": "Alice's"}, if_match=alice.get(path).headers["ETag"]).status_code == 200
    before = _counts()
    late = bob.patch(path, {"title": "Bob's"}, if_match=etag)
    assert late.status_code == 412 and late.get_json()["current"]["title"] == "Alice's"
    assert "Alice Ahlberg changed it on" in late.get_json()["error"]["message"]
    assert bob.patch(path, {"title": "Bob's"}).status_code == 428
    assert _counts() == before


def test_read_tokens_and_donors_write_no_activity(api_caller):
    activity = factories.activity()
    db.session.commit()
    before = _counts()
    assert api_caller("officer", scope="read").post("/api/v1/activities", NEW).status_code == 403
    donor = api_caller("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="canada")))
    assert donor.post("/api/v1/activities", NEW).status_code == 403
    assert donor.patch(f"/api/v1/activities/{activity.id}", {"title": "x"}, if_match=1).status_code == 403
    assert _counts() == before
