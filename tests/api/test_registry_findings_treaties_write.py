"""Writing findings and treaty actions through the API: the pages' forms and services, versions, roles."""
import sqlalchemy as sa

from models import AuditEntry, LegislativeFinding, LegislativeIssue, Organization, TreatyAction, db


def _issue(code):
    return db.session.scalar(sa.select(LegislativeIssue).filter_by(code=code))


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_record_a_finding_then_move_it_with_if_match(api_caller):
    officer = api_caller("officer")
    made = officer.post("/api/v1/findings", {"state": "BLR", "issue": _issue("UNTOC-15").id, "status": "identified",
                                             "status_date": "2003-06-17", "note": "Raised in Minsk"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    path = f"/api/v1/findings/{body['id']}"
    assert made.headers["Location"].endswith(path) and made.headers["ETag"] == f'"{body["version"]}"'
    version = body["version"]
    assert officer.post(f"{path}/status", {"status": "draft_law", "status_date": "2004-02-01"}).status_code == 428
    back = officer.post(f"{path}/status", {"status": "identified", "status_date": "2004-02-01"}, if_match=version)
    assert back.status_code == 422 and "status" in back.get_json()["error"]["fields"]
    moved = officer.post(f"{path}/status", {"status": "draft_law", "status_date": "2004-02-01"}, if_match=version)
    assert moved.status_code == 200 and moved.get_json()["status"] == "draft_law"
    assert [h["status"] for h in moved.get_json()["history"]] == ["identified", "draft_law"]
    stale = officer.post(f"{path}/status", {"status": "enacted", "status_date": "2004-03-01"}, if_match=version)
    assert stale.status_code == 412 and stale.get_json()["current"]["status"] == "draft_law"
    actions = db.session.scalars(sa.select(AuditEntry.action).filter_by(record_type="LegislativeFinding",
                                                                        record_id=body["id"]))
    assert sorted(actions) == ["create", "status"]


def test_a_second_finding_on_the_same_issue_is_422_and_donors_may_not(api_caller):
    officer = api_caller("officer")
    body = {"state": "BLR", "issue": _issue("UNTOC-15").id, "status": "identified"}
    assert officer.post("/api/v1/findings", body).status_code == 201
    before = _count(LegislativeFinding)
    again = officer.post("/api/v1/findings", body)
    assert again.status_code == 422 and "already has a finding" in again.get_json()["error"]["fields"]["issue"]
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    assert api_caller("donor", donor=canada).post("/api/v1/findings", body).status_code == 403
    assert _count(LegislativeFinding) == before


def test_record_a_treaty_action_by_hand(api_caller):
    officer = api_caller("officer")
    before = _count(TreatyAction)
    future = officer.post("/api/v1/treaty-actions", {"participant": "TUV", "instrument": "SOM", "kind": "accession",
                                                     "action_date": "2999-01-01"})
    assert future.status_code == 422 and "action_date" in future.get_json()["error"]["fields"]
    unknown = officer.post("/api/v1/treaty-actions", {"participant": "XXX", "instrument": "SOM", "kind": "accession",
                                                      "action_date": "2005-01-01"})
    assert unknown.status_code == 422 and "participant" in unknown.get_json()["error"]["fields"]
    assert _count(TreatyAction) == before
    reader = api_caller("officer", scope="read")
    assert reader.post("/api/v1/treaty-actions", {"participant": "TUV", "instrument": "SOM", "kind": "accession",
                                                  "action_date": "2005-01-01"}).status_code == 403
    existing = {a.instrument.code for a in db.session.scalars(
        sa.select(TreatyAction).where(TreatyAction.state.has(code="TUV"), TreatyAction.category == "deposit"))}
    instrument = next(c for c in ("SOM", "FIREARMS", "TIP", "UNTOC") if c not in existing)
    made = officer.post("/api/v1/treaty-actions", {"participant": "TUV", "instrument": instrument,
                                                   "kind": "accession", "action_date": "2005-01-01"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["source"] == "entered by hand" and made.headers["ETag"] == '"1"'
    assert officer.get(made.headers["Location"]).get_json()["participant"] == "TUV"
    assert _count(TreatyAction) == before + 1
