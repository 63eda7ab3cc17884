"""Writing contributions and allocations through the API: the managers' forms and services, the earmark and the
balance checked as on the pages, versions (an allocation moves the contribution's on), roles and scopes."""
from decimal import Decimal

import sqlalchemy as sa

from models import Allocation, AuditEntry, Contribution, Organization, db
from tests import factories


def _org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def _counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Contribution, Allocation,
                                                                                       AuditEntry))


def test_record_edit_and_step_a_contribution(api_caller):
    manager = api_caller("manager")
    canada = _org("canada")
    created = manager.post("/api/v1/contributions", {
        "donor_id": canada.id, "amount": "250000", "currency": "cad", "pledged_date": "2003-01-10",
        "instruments": ["UNTOC"], "regions": [], "status": "committed", "committed_date": "2003-02-01"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["donor_id"], body["amount"], body["currency"], body["status"]) == (canada.id, "250000.00", "CAD",
                                                                                    "committed")
    path = f"/api/v1/contributions/{body['id']}"
    assert created.headers["Location"].endswith(path) and created.headers["ETag"] == '"1"'
    patched = manager.patch(path, {"note": "Agreement signed"}, if_match=1)
    assert patched.status_code == 200 and patched.get_json()["amount"] == "250000.00"
    assert db.session.get(Contribution, body["id"]).note == "Agreement signed"
    assert manager.post(f"{path}/status", {"on": "2003-01-01"}, if_match=2).status_code == 422  # before committed
    received = manager.post(f"{path}/status", {"on": "2003-03-01", "reason": "Bank transfer"}, if_match=2)
    assert received.status_code == 200 and received.get_json()["status"] == "received"
    assert manager.post(f"{path}/status", {"on": "2003-04-01"}, if_match=3).status_code == 422
    actions = db.session.scalars(sa.select(AuditEntry.action).filter_by(record_type="Contribution",
                                                                        record_id=body["id"]).order_by(AuditEntry.id))
    assert list(actions) == ["create", "update", "status"]


def test_422_for_the_forms_rules_and_officers_and_donors_may_not(api_caller):
    before = _counts()
    manager = api_caller("manager")
    bad = manager.post("/api/v1/contributions", {"donor_id": 999999, "amount": "-5", "currency": "XXX"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) >= {"donor_id", "amount", "currency"}
    body = {"donor_id": _org("canada").id, "amount": "10", "currency": "USD"}
    assert api_caller("officer").post("/api/v1/contributions", body).status_code == 403
    assert api_caller("manager", scope="read").post("/api/v1/contributions", body).status_code == 403
    assert api_caller("donor", donor=_org("canada")).post("/api/v1/contributions", body).status_code == 403
    assert _counts() == before


def test_stale_edit_gets_412_with_the_current_contribution(api_caller):
    money = factories.contribution(amount=Decimal("1000.00"), currency="USD", note="Original")
    db.session.commit()
    alice, bob = api_caller("manager", name="Alice Ahlberg"), api_caller("manager")
    path = f"/api/v1/contributions/{money.id}"
    assert alice.patch(path, {"note": "Alice's"}, if_match='"1"').status_code == 200
    late = bob.patch(path, {"note": "Bob's"}, if_match='"1"')
    assert late.status_code == 412 and late.get_json()["current"]["version"] == 2
    assert "Alice Ahlberg" in late.get_json()["error"]["message"] and late.headers["ETag"] == '"2"'
    assert db.session.get(Contribution, money.id).note == "Alice's"


def test_allocate_within_the_balance_then_remove(api_caller):
    money = factories.contribution(amount=Decimal("1000.00"), currency="USD", status="committed")
    activity = factories.activity()
    db.session.commit()
    manager = api_caller("manager")
    path = f"/api/v1/contributions/{money.id}/allocations"
    too_much = manager.post(path, {"activity_id": activity.id, "amount": "1500"})
    assert too_much.status_code == 422 and "Beyond the balance" in too_much.get_json()["error"]["fields"]["amount"]
    made = manager.post(path, {"activity_id": activity.id, "amount": "600"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["unallocated"] == "400.00" and made.headers["ETag"] == '"2"'
    location = made.headers["Location"]
    assert manager.get(location).get_json()["amount"] == "600.00"
    removed = manager.delete(location)
    assert removed.status_code == 200 and removed.get_json()["allocations"] == []
    assert manager.get(location).status_code == 404
    assert manager.delete(location).status_code == 404
