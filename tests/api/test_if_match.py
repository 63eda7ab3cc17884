"""If-Match is compared strongly on every write that takes it (RFC 9110 §13.1.1, issue 25 item 4): a weak entity
tag (`W/"3"`) never matches, even the current version, and is refused with a 412 in the API's JSON error shape
before anything is written; the same version sent as a strong tag (`"3"`) matches; `*` matches the record as it
stands (and nothing when there is no record yet); a list matches when one of its strong tags does."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from models import AuditEntry, db
from tests import factories


@pytest.fixture()
def records(api_caller, session):
    """A manager's token and one record behind every path that takes If-Match (a comment and a report of its own)."""
    manager = api_caller("manager")
    activity = factories.activity(status="under_way", title="Mission with a report")
    request = factories.request()
    expert = factories.expert()
    finding = factories.finding()
    contribution = factories.contribution()
    session.commit()
    report = manager.put(f"/api/v1/activities/{activity.id}/report", {"summary": "<p>Met the Minister.</p>"})
    comment = manager.post(f"/api/v1/requests/{request.id}/comments", {"text": "See the note verbale"})
    action = manager.post("/api/v1/actions", {
        "description": "Send the guide", "owner": manager.user.id, "state": "ROU", "instruments": ["UNTOC"],
        "due_date": (date.today() + timedelta(days=5)).isoformat()})
    assert (report.status_code, comment.status_code, action.status_code) == (201, 201, 201)
    ids = {"activity_id": activity.id, "request_id": request.id, "expert_id": expert.id, "finding_id": finding.id,
           "contribution_id": contribution.id, "comment_id": comment.get_json()["id"],
           "action_id": action.get_json()["id"]}
    return manager, ids


@pytest.fixture()
def a_request(api_caller, session):
    """An officer's token, a request's API path and its current entity tag."""
    officer = api_caller("officer")
    request = factories.request(subject="Before")
    session.commit()
    path = f"/api/v1/requests/{request.id}"
    return officer, path, officer.get(path).headers["ETag"]


def _versioned_writes(caller) -> list[tuple[str, str]]:
    """Every (method, path template) the OpenAPI document says takes If-Match."""
    doc = caller.get("/api/v1/openapi.json").get_json()
    return sorted((method.upper(), path) for path, operations in doc["paths"].items()
                  for method, operation in operations.items()
                  if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])))


def _item(path: str, method: str) -> str:
    """The record a write changes: the path itself for PUT/PATCH, the path without its verb for a POST move."""
    return path if method in ("PUT", "PATCH") else path.rsplit("/", 1)[0]


def _audit_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_every_versioned_write_refuses_a_weak_tag_of_its_current_version(records):
    manager, ids = records
    writes = _versioned_writes(manager)
    assert len(writes) >= 20  # the document lists them: nothing here can pass by finding none
    for method, template in writes:
        path = template.format(**ids)
        current = manager.get(_item(path, method))
        assert current.status_code == 200, (path, current.status_code)
        etag = current.headers["ETag"]
        assert etag.startswith('"'), etag  # ours are strong validators
        before = _audit_entries()
        for weak in (f"W/{etag}", f"W/{etag}, W/\"999\""):
            refused = manager.call(method, path, {}, if_match=weak)
            assert refused.status_code == 412, (method, path, refused.status_code, refused.get_data(as_text=True))
            error = refused.get_json()["error"]
            assert error["code"] == "precondition_failed" and "weak" in error["message"], (method, path, error)
        assert _audit_entries() == before, (method, path)
        assert manager.get(_item(path, method)).headers["ETag"] == etag, (method, path)


def test_a_strong_tag_of_the_current_version_matches_and_the_same_tag_weak_does_not(a_request):
    officer, path, etag = a_request
    weak = officer.patch(path, {"subject": "Weakly"}, if_match=f"W/{etag}")
    assert weak.status_code == 412 and weak.mimetype == "application/json"
    assert "RFC 9110" in weak.get_json()["error"]["message"]
    strong = officer.patch(path, {"subject": "Strongly"}, if_match=etag)
    assert strong.status_code == 200 and strong.get_json()["subject"] == "Strongly"
    assert strong.headers["ETag"] != etag


def test_a_list_matches_when_one_strong_tag_is_current(a_request):
    officer, path, etag = a_request
    assert officer.patch(path, {"subject": "x"}, if_match=f'W/{etag}, "999"').status_code == 412
    listed = officer.patch(path, {"subject": "From a list"}, if_match=f'"999", {etag}')
    assert listed.status_code == 200 and listed.get_json()["subject"] == "From a list"


def test_a_star_matches_the_record_as_it_stands(a_request):
    officer, path, etag = a_request
    assert officer.patch(path, {"subject": "Changed"}, if_match=etag).status_code == 200
    star = officer.patch(path, {"subject": "Whatever it was"}, if_match="*")
    assert star.status_code == 200 and star.get_json()["subject"] == "Whatever it was"
    # No record: nothing for * to match (and nothing to say beyond the 404).
    assert officer.patch("/api/v1/requests/999999999", {"subject": "x"}, if_match="*").status_code == 404


def test_a_star_on_a_report_not_yet_written_matches_nothing(api_caller, session):
    officer = api_caller("officer")
    activity = factories.activity(status="under_way")
    session.commit()
    path = f"/api/v1/activities/{activity.id}/report"
    refused = officer.put(path, {"summary": "<p>x</p>"}, if_match="*")
    assert refused.status_code == 412 and refused.get_json()["error"]["code"] == "precondition_failed"
    assert officer.get(path).status_code == 404


@pytest.mark.parametrize("sent", ["1", "W/1", '"1', "abc", '"1" "2"', '*, "1"'])
def test_what_is_not_an_entity_tag_is_refused_with_412_saying_so(a_request, sent):
    officer, path, etag = a_request
    refused = officer.patch(path, {"subject": "x"}, if_match=sent)
    assert refused.status_code == 412 and refused.get_json()["error"]["code"] == "precondition_failed"
    assert officer.get(path).get_json()["subject"] == "Before" and officer.get(path).headers["ETag"] == etag
