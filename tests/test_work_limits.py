"""Limits per account on expensive work (app/work_limits.py, issue 25 item 7): exports, imports and uploads each
counted per account per hour in the limiter's store (the one the sign-in throttle uses), refused with a 429 that
says when to try again (Retry-After, and words in the page or the JSON), before any work is done; another account
is never affected; every export and upload route of the app is counted."""
import io
import re

import pytest

from app.extensions import limiter
from app.work_limits import kind_of_request
from models import ApiToken, Attachment, db
from tests import factories
from tests.conftest import csrf_token
from tests.services.test_attachments import PDF

CSV_OF_REQUESTS = b"State,Subject\r\nBOL,Drafting the law\r\n"


@pytest.fixture()
def allow(app, monkeypatch):
    """allow(kind, "2 per hour"): a small allowance for one kind of work, for this test only."""
    def set_allowance(kind, allowance):
        monkeypatch.setitem(app.config, f"{kind.upper()}_LIMIT_PER_ACCOUNT", allowance)
    return set_allowance


def _refused_in_the_layout(response, what: str) -> None:
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= 3600
    body = response.get_data(as_text=True)
    assert 'aria-label="Main"' in body and '<main id="main"' in body  # the layout, not a bare error
    assert f"Too many {what} from this account" in body and "Try again in" in body
    assert re.search(r"at \d\d:\d\d UTC", body)


def test_exports_are_counted_per_account_and_refused_with_when_to_try_again(app, client, login_as, allow):
    allow("export", "2 per hour")
    login_as("officer")
    assert client.get("/requests.csv").status_code == 200
    assert client.get("/activities/export.xlsx").status_code == 200  # every export counts against one allowance
    refused = client.get("/requests.csv")
    _refused_in_the_layout(refused, "exports")
    assert "EXPORT_LIMIT_PER_ACCOUNT" in refused.get_data(as_text=True)
    assert client.get("/requests/").status_code == 200  # pages are not exports
    assert client.get("/requests/import/template.csv").status_code == 200  # a blank template is not either
    as_json = client.get("/iati.xml", headers={"Accept": "application/json"})
    assert as_json.status_code == 429 and "Try again in" in as_json.get_json()["error"]["message"]
    assert as_json.get_json()["error"]["code"] == "too_many_requests" and as_json.headers["Retry-After"]

    other = app.test_client()  # another account, signed in on its own
    user = factories.user(role="officer", password="correct-horse-battery-staple")
    db.session.commit()
    from tests.conftest import login
    assert login(other, user).status_code in (302, 303)
    assert other.get("/requests.csv").status_code == 200


def test_an_export_started_as_a_job_counts_once(app, client, login_as, allow, monkeypatch):
    """The IATI file made as a job (POST, no .csv address) is an export; an export too large for a request, sent
    to a job from its .csv address, is counted once, not once by its address and again by its job."""
    allow("export", "2 per hour")
    login_as("manager")
    started = client.post("/iati.xml/job", data={"csrf_token": csrf_token(client, "/funding/")})
    assert started.status_code == 303
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 0)  # every export of requests goes to a job
    offloaded = client.get("/requests.csv")
    assert offloaded.status_code == 303 and "/jobs/" in offloaded.headers["Location"]
    assert client.get(offloaded.headers["Location"]).status_code == 200  # the job's file: not an export again
    _refused_in_the_layout(client.post("/iati.xml/job", data={"csrf_token": csrf_token(client, "/funding/")}),
                           "exports")


def test_the_allowance_lives_in_the_limiter_store(client, login_as, allow):
    """Counted where the sign-in throttle counts (RATELIMIT_STORAGE_URI): emptying that store gives it back."""
    allow("export", "1 per hour")
    login_as("officer")
    assert client.get("/requests.csv").status_code == 200
    assert client.get("/requests.csv").status_code == 429
    limiter.reset()
    assert client.get("/requests.csv").status_code == 200


def test_imports_are_counted_per_account_and_the_form_is_not(app, client, login_as, allow):
    allow("import", "1 per hour")
    login_as("officer")
    token = csrf_token(client, "/requests/import")

    def send():
        return client.post("/requests/import", content_type="multipart/form-data", data={
            "file": (io.BytesIO(CSV_OF_REQUESTS), "sheet.csv"), "csrf_token": token})
    assert send().status_code in (303, 422)
    _refused_in_the_layout(send(), "imports")
    assert client.get("/requests/import").status_code == 200  # showing the form starts no work
    assert client.post("/activities/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(CSV_OF_REQUESTS), "sheet.csv"), "csrf_token": token}).status_code == 429

    other = app.test_client()
    user = factories.user(role="officer", password="correct-horse-battery-staple")
    db.session.commit()
    from tests.conftest import login
    login(other, user)
    again = other.post("/requests/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(CSV_OF_REQUESTS), "sheet.csv"), "csrf_token": csrf_token(other, "/requests/import")})
    assert again.status_code in (303, 422)


def test_treaty_imports_are_imports(client, login_as, allow):
    allow("import", "1 per hour")
    login_as("admin")
    token = csrf_token(client, "/treaties/import")

    def send():
        return client.post("/treaties/import", content_type="multipart/form-data", data={
            "instrument": "SOM", "file": (io.BytesIO(b"Participant,Signature\r\n"), "table.csv"),
            "csrf_token": token})
    assert send().status_code != 429
    _refused_in_the_layout(send(), "imports")


def test_uploads_are_counted_per_account_in_pages_and_the_api(app, client, login_as, make_user, allow, session):
    allow("upload", "1 per hour")
    login_as("officer")
    activity = factories.activity()
    session.commit()

    def attach(title):
        return client.post(f"/activities/{activity.id}/attachments", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client, f"/activities/{activity.id}"), "title": title,
            "file": (io.BytesIO(PDF), "report.pdf")})
    assert attach("First").status_code == 302
    refused = attach("Second")
    _refused_in_the_layout(refused, "uploads")
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 1  # refused before the work

    issued, raw = ApiToken.issue(make_user("officer"), scope="read write")
    session.add(issued)
    session.commit()
    token = f"Bearer {raw}"
    api = app.test_client(use_cookies=False)

    def through_the_api():
        return api.post(f"/api/v1/activities/{activity.id}/attachments", headers={"Authorization": token},
                        content_type="multipart/form-data", data={"file": (io.BytesIO(PDF), "note.pdf")})
    assert through_the_api().status_code == 201  # another account: its own allowance
    late = through_the_api()
    assert late.status_code == 429 and late.mimetype == "application/json"
    error = late.get_json()["error"]
    assert error["code"] == "too_many_requests" and "Too many uploads" in error["message"]
    assert "Try again in" in error["message"] and 0 < int(late.headers["Retry-After"]) <= 3600
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 2


def test_a_limit_that_cannot_be_read_stops_the_start(app):
    from flask import Flask

    from app.work_limits import init_app
    other = Flask(__name__)
    other.config.update({k: v for k, v in app.config.items() if k.endswith("_LIMIT_PER_ACCOUNT")})
    other.config["EXPORT_LIMIT_PER_ACCOUNT"] = "sixty an hour"
    with pytest.raises(ValueError):
        init_app(other)


def _kind(app, rule, method):
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
    with app.test_request_context(path, method=method,
                                  content_type="multipart/form-data" if method != "GET" else None):
        return kind_of_request()


def test_every_export_and_upload_route_is_counted(app):
    """A route added later is counted by what it is: a .csv/.xlsx/.xml download is an export, a route that takes
    files an upload — unless it says otherwise (a blank template)."""
    seen = {"export": set(), "import": set(), "upload": set()}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            kind = _kind(app, rule, method)
            if kind:
                seen[kind].add(rule.endpoint)
            if method == "GET" and rule.rule.endswith((".csv", ".xlsx", ".xml")):
                assert kind == "export" or getattr(view, "expensive_work", "") is None, rule.rule
            if getattr(view, "upload_limit_setting", None) and method == "POST":
                assert kind == "upload", rule.rule
    assert {"requests.export_csv", "requests.export_xlsx", "activities.export_csv", "iati.activities",
            "outcomes.table_csv", "funding.statement_xlsx", "reports.ratification_status_csv"} <= seen["export"]
    assert {"sheet_imports.requests_upload", "sheet_imports.activities_upload", "treaties.imports"} == seen["import"]
    assert {"attachments.upload_activity", "attachments.replace", "api.activity_attachments_create",
            "api.attachments_replace"} <= seen["upload"]
    assert "calendar_feed.feed_ics" not in seen["export"] and "sheet_imports.requests_template_csv" not in \
        seen["export"]
