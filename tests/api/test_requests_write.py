"""Writing requests through the API: the intake form's rules and audit entries, ETag / If-Match (428, 412 with
the current record), workflow moves, token scopes and roles, the JSON error format."""
import sqlalchemy as sa

from models import AssistanceRequest, AuditEntry, db
from tests import factories

NEW = {"state": "BOL", "instruments": ["UNTOC", "TIP"], "kind": "legislative_review", "subject": "Draft law",
       "received_date": "2004-01-05", "priority": "high"}


def _counts():
    return (db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)))


def test_create_answers_201_with_location_and_etag_and_writes_the_audit_entry(api_caller):
    officer = api_caller("officer")
    response = officer.post("/api/v1/requests", NEW)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/requests/{body['id']}")
    assert response.headers["ETag"] == '"1"' and body["status"] == "pending" and body["instruments"] == ["UNTOC", "TIP"]
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_type="AssistanceRequest", record_id=body["id"]))
    assert entry.action == "create" and entry.actor_id == officer.user.id
    got = officer.get(f"/api/v1/requests/{body['id']}")
    assert got.headers["ETag"] == '"1"' and got.get_json()["subject"] == "Draft law"


def test_the_forms_rules_answer_422_with_a_message_per_field(api_caller):
    officer = api_caller("officer")
    before = _counts()
    response = officer.post("/api/v1/requests", {**NEW, "state": "XXX", "subject": "", "received_date": "2004-02-30",
                                                 "colour": "blue"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"colour"}  # unknown keys are named first
    response = officer.post("/api/v1/requests", {**NEW, "state": "XXX", "subject": "", "received_date": "2004-02-30"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) >= {"state", "subject", "received_date"}
    future = officer.post("/api/v1/requests", {**NEW, "received_date": "2999-01-01"})
    assert future.status_code == 422 and "received_date" in future.get_json()["error"]["fields"]
    assert _counts() == before


def test_bodies_that_are_not_json_objects(api_caller):
    officer = api_caller("officer")
    before = _counts()
    assert officer.post("/api/v1/requests", data="state=BOL", content_type="application/x-www-form-urlencoded"
                        ).status_code == 415
    malformed = officer.post("/api/v1/requests", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "malformed_json"
    assert officer.post("/api/v1/requests", [1, 2]).status_code == 400
    assert officer.post("/api/v1/requests", {**NEW, "instruments": {"a": 1}}).status_code == 422
    assert officer.post("/api/v1/requests", {**NEW, "subject": "nul\u0000byte"}).status_code == 400
    nan = officer.post("/api/v1/requests", data='{"subject": NaN}', content_type="application/json")
    assert nan.status_code == 422
    assert _counts() == before


def test_an_update_needs_if_match_and_a_stale_one_gets_412_with_the_current_record(api_caller):
    request = factories.request("BOL", subject="Original")
    db.session.commit()
    alice, bob = api_caller("officer"), api_caller("officer")
    path = f"/api/v1/requests/{request.id}"
    etag = alice.get(path).headers["ETag"]
    assert bob.get(path).headers["ETag"] == etag == '"1"'
    missing = alice.patch(path, {"subject": "No version"})
    assert missing.status_code == 428 and missing.get_json()["error"]["code"] == "precondition_required"
    first = alice.patch(path, {"subject": "Alice's subject"}, if_match=etag)
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    assert first.get_json()["subject"] == "Alice's subject"
    audited = _counts()
    late = bob.patch(path, {"subject": "Bob's subject"}, if_match=etag)
    assert late.status_code == 412
    body = late.get_json()
    assert "changed since" in body["error"]["message"] and alice.user.name in body["error"]["message"]
    assert body["current"]["subject"] == "Alice's subject" and body["current"]["version"] == 2
    assert late.headers["ETag"] == '"2"' and _counts() == audited
    db.session.expire_all()
    assert db.session.get(AssistanceRequest, request.id).subject == "Alice's subject"
    # RFC 9110: If-Match compares strongly: the current version as a weak tag does not match, as a strong one does.
    weak = bob.patch(path, {"subject": "Bob's subject"}, if_match='W/"2"')
    assert weak.status_code == 412 and weak.get_json()["error"]["code"] == "precondition_failed"
    assert _counts() == audited
    assert bob.patch(path, {"subject": "Bob's subject"}, if_match='"2"').status_code == 200
    assert alice.patch(path, {"subject": "x"}, if_match='"abc"').status_code == 412


def test_put_replaces_every_field_and_patch_keeps_the_others(api_caller):
    request = factories.request("BOL", subject="Original", requesting_authority="Ministry")
    db.session.commit()
    officer = api_caller("officer")
    path = f"/api/v1/requests/{request.id}"
    patched = officer.patch(path, {"priority": "urgent"}, if_match=1).get_json()
    assert patched["priority"] == "urgent" and patched["requesting_authority"] == "Ministry"
    put = officer.put(path, {**NEW, "subject": "Whole"}, if_match=2)
    assert put.status_code == 200 and put.get_json()["requesting_authority"] is None
    incomplete = officer.put(path, {"subject": "Only this"}, if_match=3)
    assert incomplete.status_code == 422 and "state" in incomplete.get_json()["error"]["fields"]


def test_workflow_moves_with_reasons_and_roles(api_caller):
    request = factories.request("BOL")
    db.session.commit()
    officer, manager = api_caller("officer"), api_caller("manager")
    path = f"/api/v1/requests/{request.id}"
    assert officer.post(f"{path}/approve", {"reason": "Yes"}, if_match=1).status_code == 403
    no_reason = manager.post(f"{path}/approve", {}, if_match=1)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    approved = manager.post(f"{path}/approve", {"reason": "Draft law ready"}, if_match=1)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert approved.headers["ETag"] == '"2"'
    illegal = manager.post(f"{path}/review", if_match=2)
    assert illegal.status_code == 422 and "cannot be moved" in illegal.get_json()["error"]["message"]
    stale = manager.post(f"{path}/start", if_match=1)
    assert stale.status_code == 412 and stale.get_json()["current"]["status"] == "approved"
    assert manager.post(f"{path}/start", if_match=2).get_json()["status"] == "in_progress"
    entry = db.session.scalars(sa.select(AuditEntry).filter_by(record_type="AssistanceRequest", record_id=request.id,
                                                               action="status").order_by(AuditEntry.id)).all()
    assert [e.after["status"] for e in entry] == ["approved", "in_progress"]


def test_read_scope_tokens_and_donors_write_nothing(api_caller):
    request = factories.request("BOL")
    db.session.commit()
    before = _counts()
    reader = api_caller("manager", scope="read")
    refused = reader.post("/api/v1/requests", NEW)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "read_only_token"
    assert reader.patch(f"/api/v1/requests/{request.id}", {"subject": "x"}, if_match=1).status_code == 403
    assert reader.get(f"/api/v1/requests/{request.id}").status_code == 200
    from models import Organization
    donor = api_caller("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="canada")))
    assert donor.post("/api/v1/requests", NEW).status_code == 403
    assert donor.post(f"/api/v1/requests/{request.id}/withdraw", {"reason": "x"}, if_match=1).status_code == 403
    assert _counts() == before


def test_anonymous_writes_are_401(client):
    response = client.post("/api/v1/requests", json=NEW)
    assert response.status_code in (400, 401)  # no session: CSRF or sign-in, never a write
    assert _counts()[0] == db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest))


def test_a_signed_in_session_writes_with_its_csrf_token(client, login_as):
    from tests.conftest import csrf_token
    login_as("officer")
    before = _counts()
    assert client.post("/api/v1/requests", json=NEW).status_code == 400  # a cookie alone could be forged
    assert _counts() == before
    response = client.post("/api/v1/requests", json=NEW, headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 201 and response.get_json()["subject"] == "Draft law"


def test_a_manager_assigns_a_request(api_caller, make_user):
    request = factories.request("BOL")
    officer = make_user("officer")
    db.session.commit()
    manager = api_caller("manager")
    path = f"/api/v1/requests/{request.id}/assign"
    assert api_caller("officer").post(path, {"officer": officer.id}, if_match=1).status_code == 403
    assert manager.post(path, {"officer": 999999}, if_match=1).status_code == 422
    assigned = manager.post(path, {"officer": officer.id}, if_match=1)
    assert assigned.status_code == 200 and assigned.get_json()["assigned_officer_id"] == officer.id
    assert manager.post(path, {"officer": "none"}, if_match=1).status_code == 412
    cleared = manager.post(path, {"officer": "none"}, if_match=2)
    assert cleared.status_code == 200 and cleared.get_json()["assigned_officer_id"] is None
