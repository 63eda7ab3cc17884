"""Writing experts through the API: the roster's form and service, versions, contact details, roles."""
import sqlalchemy as sa

from models import AuditEntry, Expert, Organization, db
from tests import factories

NEW = {"name": "Ana Experta", "kind": "national_expert", "nationality": "BOL", "instruments": ["UNTOC"],
       "topics": ["extradition"], "languages": ["Spanish", "English"], "email": "ana@example.test"}


def test_add_and_edit_an_expert(api_caller):
    officer = api_caller("officer")
    made = officer.post("/api/v1/experts", NEW)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["nationality"], body["languages"], body["email"], body["version"]) == ("BOL", ["Spanish", "English"],
                                                                                        "ana@example.test", 1)
    path = f"/api/v1/experts/{body['id']}"
    assert made.headers["Location"].endswith(path) and officer.get(path).headers["ETag"] == '"1"'
    patched = officer.patch(path, {"languages": ["Spanish", "French"]}, if_match=1)
    assert patched.status_code == 200 and patched.get_json()["languages"] == ["Spanish", "French"]
    assert patched.get_json()["topics"] == ["extradition"] and patched.headers["ETag"] == '"2"'
    stale = officer.patch(path, {"name": "Late"}, if_match=1)
    assert stale.status_code == 412 and stale.get_json()["current"]["languages"] == ["Spanish", "French"]
    actions = db.session.scalars(sa.select(AuditEntry.action).filter_by(record_type="Expert", record_id=body["id"]))
    assert sorted(actions) == ["create", "update"]


def test_expert_refusals_and_who_may_write(api_caller):
    expert = factories.expert()
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Expert))
    officer = api_caller("officer")
    bad = officer.post("/api/v1/experts", {**NEW, "kind": "wizard", "email": "nope", "affiliation": 999999})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) >= {"kind", "email", "affiliation"}
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    assert api_caller("donor", donor=canada).post("/api/v1/experts", NEW).status_code == 403
    assert api_caller("officer", scope="read").patch(f"/api/v1/experts/{expert.id}", {"name": "x"},
                                                     if_match=1).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Expert)) == before
