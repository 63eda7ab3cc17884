"""Spreadsheet imports in the browser: the templates round-trip, the preview at its own URL, confirm once, all or
none, malformed files and uploads too large refused with a message, the pages reached from the lists."""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from models import Activity, AssistanceRequest, AuditEntry, db
from tests import factories
from tests.conftest import csrf_token


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def upload(client, kind, content: bytes, name="sheet.csv", **headers):
    return client.post(f"/{kind}/import", content_type="multipart/form-data", headers=headers, data={
        "file": (io.BytesIO(content), name), "csrf_token": csrf_token(client, f"/{kind}/import")})


def preview_url(response, kind):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.fullmatch(rf"/{kind}/import/[A-Za-z0-9_-]{{24}}", location), location
    return location


def confirm(client, location, kind):
    return client.post(location + "/confirm", data={"csrf_token": csrf_token(client, f"/{kind}/import")})


@pytest.mark.parametrize("kind, model, extension", [
    ("requests", AssistanceRequest, "csv"), ("requests", AssistanceRequest, "xlsx"),
    ("activities", Activity, "csv"), ("activities", Activity, "xlsx")])
def test_the_template_round_trips(client, login_as, kind, model, extension):
    """Download the template, upload it as it is (its example row), preview, confirm: one record, one entry."""
    user = login_as("officer")
    template = client.get(f"/{kind}/import/template.{extension}")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    if extension == "xlsx":
        book = load_workbook(io.BytesIO(template.data))
        assert book.sheetnames[1] == "Notes" and book.worksheets[1].max_row > 5
    before = count(model)
    location = preview_url(upload(client, kind, template.data, f"filled.{extension}"), kind)
    page = client.get(location)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 ready to import" in body and "Nothing has been written yet" in body
    assert "Row 2: " + ("BOL · UNTOC, TIP" if kind == "requests" else "Advisory mission") in body
    assert client.get(location).get_data(as_text=True).count("ready to import") == 1  # a reload re-posts nothing
    assert count(model) == before
    done = confirm(client, location, kind)
    assert done.status_code == 303 and done.headers["Location"].startswith("/jobs/")  # the import is a job
    job_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Finished" in job_page and "Imported 1 " in job_page and f'href="/{kind}/"' in job_page
    assert count(model) == before + 1
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="import").order_by(AuditEntry.id.desc()))
    assert entry.actor_id == user.id and entry.after["filename"] == f"filled.{extension}" and entry.after["rows"] == 1
    again = confirm(client, location, kind)
    assert again.status_code == 409 and "already imported" in again.get_data(as_text=True)
    assert count(model) == before + 1


def test_bad_rows_are_listed_and_cannot_be_confirmed(client, login_as):
    login_as("officer")
    before = (count(AssistanceRequest), count(AuditEntry))
    content = b"State,Instruments,Kind,Subject\nBOL,UNTOC,Training,Good\nNarnia,UNTOC,Training,<script>x</script>\n"
    location = preview_url(upload(client, "requests", content), "requests")
    page = client.get(location)
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "1 with problems" in body and "Unknown State “Narnia”" in body
    assert "<td>3</td><td>State</td>" in body and "<script>x" not in body
    assert "/confirm" not in body
    done = confirm(client, location, "requests")  # a job, which fails saying why and writes nothing
    assert done.status_code == 303
    job_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "It failed" in job_page and "1 row is refused now" in job_page and "Nothing was imported" in job_page
    assert (count(AssistanceRequest), count(AuditEntry)) == before


@pytest.mark.parametrize("content, name, message", [
    (b"", "empty.csv", "The file is empty"), (b"%PDF-1.4\x00\x00", "x.csv", "neither a CSV file"),
    (b"Colour\nred\n", "x.csv", "No column of the first row"), (b"anything", "x.pdf", "must be a CSV file")])
def test_a_malformed_file_is_refused_whole(client, login_as, content, name, message):
    login_as("officer")
    response = upload(client, "requests", content, name)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_an_upload_too_large_gets_413_with_a_message(app, client, login_as):
    login_as("officer")
    token = csrf_token(client, "/activities/import")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/activities/import", content_type="multipart/form-data", data={
            "file": (io.BytesIO(b"x" * 4096), "big.csv"), "csrf_token": token})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "Split the file" in response.get_data(as_text=True)


def test_the_progress_script_gets_the_preview_address(client, login_as):
    login_as("officer")
    page = client.get("/requests/import").get_data(as_text=True)
    assert "upload_progress.js" in page and 'id="upload-bar"' in page
    response = upload(client, "requests", b"State,Instruments,Kind,Subject\nBOL,UNTOC,Training,A\n",
                      **{"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 200 and re.fullmatch(r"/requests/import/[A-Za-z0-9_-]{24}",
                                                        response.get_json()["location"])


def test_a_preview_is_its_uploaders_alone(client, login_as):
    login_as("officer")
    location = preview_url(upload(client, "requests", b"State,Instruments,Kind,Subject\nBOL,UNTOC,Training,A\n"),
                           "requests")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/requests/import")})
    login_as("officer")
    assert client.get(location).status_code == 403
    assert confirm(client, location, "requests").status_code == 403
    assert client.get("/requests/import/" + "A" * 24).status_code == 404
    assert client.get("/activities/import/" + location.rsplit("/", 1)[1]).status_code == 404  # not an activities'



@pytest.mark.parametrize("role, status", [("officer", 200), ("manager", 200), ("admin", 200), ("donor", 403)])
def test_who_may_import(client, login_as, role, status):
    login_as(role)
    assert client.get("/requests/import").status_code == status
    assert client.get("/activities/import").status_code == status
    assert client.get("/activities/import/template.csv").status_code == status


def test_the_lists_link_to_the_imports(client, login_as):
    login_as("officer")
    assert "/requests/import" in client.get("/requests/").get_data(as_text=True)
    assert "/activities/import" in client.get("/activities/").get_data(as_text=True)


def test_the_request_export_imports_back(client, login_as):
    """The list's own CSV is a spreadsheet the import reads: codes, kinds, ISO dates; the columns it does not take
    (status, labels, the second State column) are named, not refused."""
    login_as("officer")
    factories.request("CHL", instruments=("UNTOC", "TIP"), kind="training", subject="Exported and back")
    db.session.commit()
    exported = client.get("/requests.csv?q=Exported+and+back")
    assert exported.status_code == 200
    location = preview_url(upload(client, "requests", exported.data, "requests.csv"), "requests")
    body = client.get(location).get_data(as_text=True)
    assert "1 ready to import" in body and "0 with problems" in body, body[body.find("<table"):][:1500]
    assert "state_name (a second State column)" in body and "status_label" in body
