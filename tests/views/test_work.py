"""The work loop's pages through their real forms (CSRF tokens included): a report written, submitted, returned,
answered, approved and its activity completed; refusals shown beside their fields with nothing saved; actions,
files and comments on the records' pages; what a donor sees."""
import io
import re
from datetime import date, timedelta

import pytest

from models import ActivityReport, Attachment, Comment, FollowUpAction, db
from tests import factories
from tests.conftest import csrf_token, login
from tests.helpers import field_errors
from tests.services.test_attachments import PDF


def _token(client, path):
    return csrf_token(client, path)


@pytest.fixture()
def people(app, make_user):
    officer, manager = make_user("officer"), make_user("manager")
    activity = factories.activity(status="under_way", title="Mission to Romania")
    db.session.commit()
    return officer, manager, activity


def _version(body: str, form_action: str) -> str:
    form = body[body.index(f'action="{form_action}"'):]
    return re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)


def test_a_report_goes_through_its_review_on_the_pages(app, people):
    officer, manager, activity = people
    writer, reviewer = app.test_client(), app.test_client()
    login(writer, officer)
    login(reviewer, manager)
    base = f"/activities/{activity.id}/report"
    saved = writer.post(f"{base}/edit", data={"csrf_token": _token(writer, f"{base}/edit"),
                                              "summary": "<p>Met the Minister<script>alert(1)</script></p>",
                                              "counterparts-0-name": "Ana Ortiz"})
    assert saved.status_code == 302
    page = writer.get(base).get_data(as_text=True)
    assert "Met the Minister" in page and "alert(1)" not in page and "Ana Ortiz" in page
    submit_url = f"{base}/submit"
    sent = writer.post(submit_url, data={"csrf_token": _token(writer, base), "approvers": str(manager.id),
                                         "version": _version(page, submit_url)})
    assert sent.status_code == 302
    review = reviewer.get(base).get_data(as_text=True)
    no_note = reviewer.post(f"{base}/return", data={"csrf_token": _token(reviewer, base), "note": "",
                                                    "version": _version(review, f"{base}/return")})
    assert no_note.status_code == 422 and field_errors(no_note.get_data(as_text=True), "return-note")
    returned = reviewer.post(f"{base}/return", data={"csrf_token": _token(reviewer, base),
                                                     "note": "Add the outcome.",
                                                     "version": _version(review, f"{base}/return")})
    assert returned.status_code == 302
    page = writer.get(base).get_data(as_text=True)
    assert "Returned for changes" in page and "Add the outcome." in page
    writer.post(f"{base}/edit", data={"csrf_token": _token(writer, f"{base}/edit"), "summary": "Met the Minister.",
                                      "outcome": "A draft law.", "version": _version(
                                          writer.get(f"{base}/edit").get_data(as_text=True).replace(
                                              'method="post"', f'action="{base}/edit"', 1), f"{base}/edit")})
    page = writer.get(base).get_data(as_text=True)
    writer.post(submit_url, data={"csrf_token": _token(writer, base), "note": "Outcome added.",
                                  "version": _version(page, submit_url)})
    review = reviewer.get(base).get_data(as_text=True)
    approved = reviewer.post(f"{base}/approve", data={"csrf_token": _token(reviewer, base),
                                                      "version": _version(review, f"{base}/approve")})
    assert approved.status_code == 302
    report = db.session.scalars(db.select(ActivityReport).filter_by(activity_id=activity.id)).one()
    db.session.refresh(report)
    assert report.status == "approved" and [h.to_status for h in report.history] == [
        "submitted", "returned", "submitted", "approved"]
    page = writer.get(base).get_data(as_text=True)
    completed = writer.post(f"/activities/{activity.id}/complete",
                            data={"csrf_token": _token(writer, base),
                                  "version": _version(page, f"/activities/{activity.id}/complete")})
    assert completed.status_code == 302
    db.session.refresh(activity)
    assert activity.status == "completed"


def test_completing_before_approval_is_refused_with_its_reason(client, login_as, session):
    login_as("officer")
    activity = factories.activity(status="under_way")
    session.commit()
    page = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "name=\"status\"" in page
    response = client.post(f"/activities/{activity.id}/complete",
                           data={"csrf_token": _token(client, "/"), "version": str(activity.version)},
                           follow_redirects=True)
    assert "report is not approved" in response.get_data(as_text=True)
    db.session.refresh(activity)
    assert activity.status == "under_way"


def test_an_action_in_the_past_is_refused_beside_its_due_date(client, login_as, session):
    user = login_as("officer")
    before = db.session.scalar(db.select(db.func.count()).select_from(FollowUpAction))
    response = client.post("/actions/new", data={
        "csrf_token": _token(client, "/actions/new"), "description": "Send the guide", "owner": str(user.id),
        "due_date": (date.today() - timedelta(days=1)).isoformat(), "priority": "normal", "state": "ROU",
        "status": "open"})
    assert response.status_code == 422 and "before today" in field_errors(response.get_data(as_text=True),
                                                                            "due_date")[0]
    assert db.session.scalar(db.select(db.func.count()).select_from(FollowUpAction)) == before
    made = client.post("/actions/new", data={
        "csrf_token": _token(client, "/actions/new"), "description": "Send the guide", "owner": str(user.id),
        "due_date": date.today().isoformat(), "priority": "high", "state": "ROU", "status": "open"})
    assert made.status_code == 302
    mine = client.get("/actions/mine").get_data(as_text=True)
    assert "Send the guide" in mine
    state_page = client.get("/states/ROU").get_data(as_text=True)
    assert "Open follow-up actions" in state_page and "Send the guide" in state_page
    assert client.get("/actions/export.csv").get_data(as_text=True).count("Send the guide") == 1


def test_a_hostile_upload_is_refused_beside_the_file_field(client, login_as, session):
    login_as("officer")
    activity = factories.activity()
    session.commit()
    response = client.post(f"/activities/{activity.id}/attachments", data={
        "csrf_token": _token(client, f"/activities/{activity.id}"),
        "file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "law.pdf")},
        content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "web page" in field_errors(body, "file")[0]
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
    good = client.post(f"/activities/{activity.id}/attachments", data={
        "csrf_token": _token(client, f"/activities/{activity.id}"), "title": "Mission report",
        "file": (io.BytesIO(PDF), "mission-report.pdf")}, content_type="multipart/form-data")
    assert good.status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    download = client.get(f"/attachments/{attachment.id}/download")
    assert download.get_data() == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_comments_refuse_markup_and_donors_see_none(client, app, login_as, session):
    officer = login_as("officer")
    activity = factories.activity()
    donor = factories.user("donor", password="correct-horse-battery-staple")
    factories.allocation(factories.contribution(donor.donor), activity)
    session.commit()
    url = f"/activities/{activity.id}/comments"
    refused = client.post(url, data={"csrf_token": _token(client, "/"), "text": "<b>bold</b>"})
    assert refused.status_code == 422 and field_errors(refused.get_data(as_text=True), "text")
    posted = client.post(url, data={"csrf_token": _token(client, "/"), "text": "Call the ministry <3"})
    assert posted.status_code == 302
    comment = db.session.scalars(db.select(Comment)).one()
    assert comment.author_id == officer.id and comment.body == "Call the ministry <3"
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Call the ministry &lt;3" in page
    reader = app.test_client()
    login(reader, donor)
    seen = reader.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Call the ministry" not in seen and "Comments" not in seen
    assert reader.get("/mentions").status_code == 403
    assert reader.get(f"/activities/{activity.id}/report").status_code == 404  # no approved report yet
