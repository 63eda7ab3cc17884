"""The work loop through the API: the report's whole review with ETags and If-Match, actions (`?owner=me`,
overdue), attachments uploaded as multipart and served as downloads within the caller's scope, comments and
mentions — and each bad input refused with a message per field."""
import io
from datetime import date, timedelta

import pytest

from tests import factories
from tests.services.test_attachments import PDF, bomb, office


@pytest.fixture()
def loop(api_caller, session):
    officer = api_caller("officer")
    manager = api_caller("manager")
    activity = factories.activity(status="under_way", title="Mission to Romania")
    session.commit()
    return officer, manager, activity


def test_the_whole_review_through_the_api(loop, session):
    officer, manager, activity = loop
    path = f"/api/v1/activities/{activity.id}/report"
    assert officer.get(path).status_code == 404
    created = officer.put(path, {"summary": "<p>Met the Minister<script>x</script></p>",
                                 "counterparts": [{"name": "Ana Ortiz", "institution": "Ministry of Justice"}]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft" and "script" not in body["summary"] and created.headers["ETag"] == '"1"'
    assert officer.put(path, {"summary": "again"}).status_code == 428
    empty = officer.put(path, {"summary": ""}, if_match=created.headers["ETag"])
    assert empty.status_code == 200
    refused = officer.post(f"{path}/submit", {"approvers": [manager.user.id]}, if_match=empty.headers["ETag"])
    assert refused.status_code == 422 and "summary" in refused.get_json()["error"]["fields"]
    saved = officer.put(path, {"summary": "<p>Met the Minister of Justice.</p>"}, if_match=empty.headers["ETag"])
    submitted = officer.post(f"{path}/submit", {"approvers": [manager.user.id]}, if_match=saved.headers["ETag"])
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    stale = manager.post(f"{path}/approve", {}, if_match=saved.headers["ETag"])
    assert stale.status_code == 412 and stale.get_json()["current"]["status"] == "submitted"
    no_note = manager.post(f"{path}/return", {}, if_match=submitted.headers["ETag"])
    assert no_note.status_code == 422 and "note" in no_note.get_json()["error"]["fields"]
    returned = manager.post(f"{path}/return", {"note": "Add the outcome."}, if_match=submitted.headers["ETag"])
    assert returned.get_json()["status"] == "returned"
    assert officer.post(f"{path}/approve", {}, if_match=returned.headers["ETag"]).status_code == 403
    answered = officer.put(path, {"summary": "<p>Met the Minister.</p>", "outcome": "A draft law."},
                           if_match=returned.headers["ETag"])
    resubmitted = officer.post(f"{path}/submit", {"note": "Outcome added."}, if_match=answered.headers["ETag"])
    assert resubmitted.get_json()["status"] == "submitted"
    approved = manager.post(f"{path}/approve", None, if_match=resubmitted.headers["ETag"])
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    locked = officer.put(path, {"summary": "late"}, if_match=approved.headers["ETag"])
    assert locked.status_code == 422
    no_reason = manager.post(f"{path}/unlock", {}, if_match=approved.headers["ETag"])
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    unlocked = manager.post(f"{path}/unlock", {"reason": "Wrong date."}, if_match=approved.headers["ETag"])
    assert unlocked.get_json()["status"] == "draft"
    thread = [(s["to"], s["note"]) for s in unlocked.get_json()["thread"]]
    assert thread == [("submitted", None), ("returned", "Add the outcome."), ("submitted", "Outcome added."),
                      ("approved", None), ("draft", "Wrong date.")]


def test_the_author_cannot_approve_through_the_api(api_caller, session):
    author, other = api_caller("manager"), api_caller("manager")
    activity = factories.activity(status="under_way")
    session.commit()
    path = f"/api/v1/activities/{activity.id}/report"
    made = author.put(path, {"summary": "Done."})
    sent = author.post(f"{path}/submit", {"approvers": [author.user.id]}, if_match=made.headers["ETag"])
    assert sent.status_code == 422 and "its author cannot review it" in sent.get_json()["error"]["message"]
    sent = author.post(f"{path}/submit", {"approvers": [other.user.id]}, if_match=made.headers["ETag"])
    refused = author.post(f"{path}/approve", {}, if_match=sent.headers["ETag"])
    assert refused.status_code == 422 and "author of a report cannot approve" in refused.get_json()["error"]["message"]


def test_a_donor_reads_an_approved_report_without_its_review(loop, api_caller, session):
    officer, manager, activity = loop
    donor = api_caller("donor")
    factories.allocation(factories.contribution(donor.user.donor), activity)
    session.commit()
    path = f"/api/v1/activities/{activity.id}/report"
    made = officer.put(path, {"summary": "<p>Done.</p>"})
    assert donor.get(path).status_code == 404
    sent = officer.post(f"{path}/submit", {"approvers": [manager.user.id]}, if_match=made.headers["ETag"])
    manager.post(f"{path}/return", {"note": "Secret reviewer note"}, if_match=sent.headers["ETag"])
    again = officer.post(f"{path}/submit", {}, if_match=officer.get(path).headers["ETag"])
    manager.post(f"{path}/approve", {}, if_match=again.headers["ETag"])
    seen = donor.get(path)
    assert seen.status_code == 200 and seen.get_json()["status"] == "approved"
    assert "thread" not in seen.get_json() and "Secret reviewer note" not in seen.get_data(as_text=True)
    assert donor.put(path, {"summary": "x"}).status_code == 403


def test_actions_through_the_api(api_caller, session):
    officer = api_caller("officer")
    body = {"description": "Send the guide", "owner": officer.user.id,
            "due_date": (date.today() + timedelta(days=5)).isoformat(), "state": "ROU", "instruments": ["UNTOC"]}
    made = officer.post("/api/v1/actions", body)
    assert made.status_code == 201 and made.get_json()["status"] == "open" and made.headers["Location"]
    past = officer.post("/api/v1/actions", dict(body, due_date=(date.today() - timedelta(days=1)).isoformat()))
    assert past.status_code == 422 and "due_date" in past.get_json()["error"]["fields"]
    wrong_state = officer.post("/api/v1/actions", dict(body, state="open"))
    assert wrong_state.status_code == 422 and "“open”" in wrong_state.get_json()["error"]["fields"]["state"]
    path = f"/api/v1/actions/{made.get_json()['id']}"
    late = officer.patch(path, {"due_date": (date.today() - timedelta(days=2)).isoformat()},
                         if_match=made.headers["ETag"])
    assert late.status_code == 200 and late.get_json()["overdue"] is True
    mine = officer.get("/api/v1/actions?owner=me&overdue=true").get_json()
    assert [a["id"] for a in mine["items"]] == [made.get_json()["id"]]
    cancel = officer.patch(path, {"status": "cancelled"}, if_match=late.headers["ETag"])
    assert cancel.status_code == 422 and "note" in cancel.get_json()["error"]["fields"]
    done = officer.patch(path, {"status": "done", "note": "Sent."}, if_match=late.headers["ETag"])
    assert done.get_json()["status"] == "done" and done.get_json()["history"][-1]["note"] == "Sent."
    assert api_caller("donor").get("/api/v1/actions").status_code == 403


def _upload(caller, path, name, data, title=None):
    form = {"file": (io.BytesIO(data), name)}
    if title:
        form["title"] = title
    return caller.call("POST", path, data=form, content_type="multipart/form-data")


def test_attachments_are_uploaded_and_served_only_within_scope(api_caller, session):
    officer = api_caller("officer")
    funder, stranger = api_caller("donor"), api_caller("donor")
    activity = factories.activity()
    factories.allocation(factories.contribution(funder.user.donor), activity)
    session.commit()
    made = _upload(officer, f"/api/v1/activities/{activity.id}/attachments", "note-verbale.pdf", PDF, "Note verbale")
    assert made.status_code == 201, made.get_json()
    attachment = made.get_json()
    assert attachment["sha256"] and attachment["content_type"] == "application/pdf"
    download = funder.get(f"/api/v1/attachments/{attachment['id']}/download")
    assert download.status_code == 200 and download.get_data() == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    assert stranger.get(f"/api/v1/attachments/{attachment['id']}/download").status_code == 404
    assert stranger.get(f"/api/v1/attachments/{attachment['id']}").status_code == 404
    assert _upload(funder, f"/api/v1/activities/{activity.id}/attachments", "x.pdf", PDF).status_code == 403
    replaced = officer.call("POST", f"/api/v1/attachments/{attachment['id']}/versions",
                            data={"file": (io.BytesIO(PDF + b"%v2"), "note-verbale-v2.pdf")},
                            content_type="multipart/form-data")
    assert replaced.status_code == 201 and len(replaced.get_json()["versions"]) == 2
    first = officer.get(f"/api/v1/attachments/{attachment['id']}/download?version=1")
    assert first.get_data() == PDF


@pytest.mark.parametrize("name, data, words", [
    ("law.pdf", b"<html><script>alert(1)</script></html>", "web page"), ("setup.exe", b"MZ", "not accepted"),
    ("bomb.xlsx", bomb("xlsx"), "zip bomb"), ("bomb.docx", bomb("docx"), "zip bomb"),
    ("macro.docx", office("docx", {"word/vbaProject.bin": b"x"}), "macros"),
    ("../secret.pdf", PDF, "folder path")])
def test_hostile_uploads_are_refused_with_a_422(api_caller, session, name, data, words):
    officer = api_caller("officer")
    request = factories.request()
    session.commit()
    refused = _upload(officer, f"/api/v1/requests/{request.id}/attachments", name, data)
    assert refused.status_code == 422 and words in refused.get_json()["error"]["fields"]["file"]
    assert officer.get(f"/api/v1/requests/{request.id}/attachments").get_json()["items"] == []


def test_a_file_over_the_limit_is_refused_naming_the_limit(api_caller, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1000)
    officer = api_caller("officer")
    request = factories.request()
    session.commit()
    refused = _upload(officer, f"/api/v1/requests/{request.id}/attachments", "big.pdf", PDF + b"0" * 5000)
    assert refused.status_code == 422 and "at most" in refused.get_json()["error"]["fields"]["file"]
    huge = _upload(officer, f"/api/v1/requests/{request.id}/attachments", "huge.pdf", PDF + b"0" * 200_000)
    assert huge.status_code == 413


def test_comments_and_mentions_through_the_api(api_caller, session):
    officer = api_caller("officer", email="writer@unodc.test")
    manager = api_caller("manager", email="ana.ortiz@unodc.test")
    request = factories.request()
    session.commit()
    path = f"/api/v1/requests/{request.id}/comments"
    posted = officer.post(path, {"text": "See the note verbale, @ana.ortiz"})
    assert posted.status_code == 201 and posted.get_json()["mentions"][0]["user"] == manager.user.id
    assert officer.post(path, {"text": "Hi @nobody"}).status_code == 422
    assert officer.post(path, {"text": "<b>bold</b>"}).status_code == 422
    listed = manager.get(path).get_json()
    assert listed["total"] == 1 and listed["items"][0]["text"] == "See the note verbale, @ana.ortiz"
    assert [m["comment"]["id"] for m in manager.get("/api/v1/mentions").get_json()["items"]] == \
        [posted.get_json()["id"]]
    edited = officer.patch(f"/api/v1/comments/{posted.get_json()['id']}", {"text": "Corrected"},
                           if_match=posted.headers["ETag"])
    assert edited.status_code == 200 and edited.get_json()["mentions"] == []
    assert manager.patch(f"/api/v1/comments/{posted.get_json()['id']}", {"text": "Mine"},
                         if_match=edited.headers["ETag"]).status_code == 422
    assert api_caller("donor").get(path).status_code == 403
