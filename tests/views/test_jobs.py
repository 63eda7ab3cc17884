""""Your downloads and imports" (issue 28): the pages and the API show the caller's own jobs only, the result file
downloads to its owner only, the progress page is cheap, an export over EXPORT_JOB_ROWS and a period report over a
year run as jobs, and a job refused because the queue is down says so."""
import io
from csv import reader

import pytest
import sqlalchemy as sa

from app.services.jobs import broker as job_broker
from app.services.jobs import registry
from models import AssistanceRequest, Job, db
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import count_queries


@registry.job("test_file", time_limit=30)
def _make_file(text: str):
    return registry.Result(f"Wrote {text}.", file_name="out.csv", file_type="text/csv", data=text.encode())


def _job(owner, text="a,b", **kw):
    return job_broker.enqueue("test_file", text, owner=owner, label=kw.pop("label", f"File {text}"))


def test_the_list_and_the_api_show_the_callers_jobs_only(client, api_as, make_user):
    get, me = api_as("officer")
    other = make_user("manager")
    mine, theirs = _job(me, "mine"), _job(other, "theirs")
    body = get("/api/v1/jobs").get_json()
    assert [j["id"] for j in body["items"]] == [mine.id] and body["total"] == 1
    item = get(f"/api/v1/jobs/{mine.id}").get_json()
    assert item["status"] == "finished" and item["percent"] == 100 and item["result"] == "Wrote mine."
    assert item["download"] == f"/jobs/{mine.id}/download"
    missing = get(f"/api/v1/jobs/{theirs.id}")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert get("/api/v1/jobs?status=failed").get_json()["total"] == 0
    assert get("/api/v1/jobs?status=bogus").status_code == 400


def test_pages_and_download_are_the_owners_only(client, login_as, make_user):
    other = make_user("officer")
    theirs = _job(other, "secret")
    me = login_as("officer")
    mine = _job(me, "x,y", label="My export")
    page = client.get("/jobs/").get_data(as_text=True)
    assert "My export" in page and "File secret" not in page
    detail = client.get(f"/jobs/{mine.id}").get_data(as_text=True)
    assert "Finished" in detail and "Wrote x,y." in detail and 'value="100"' in detail
    download = client.get(f"/jobs/{mine.id}/download")
    assert download.status_code == 200 and download.data == b"x,y"
    assert download.headers["Content-Disposition"] == 'attachment; filename="out.csv"'
    for path in (f"/jobs/{theirs.id}", f"/jobs/{theirs.id}/download"):
        assert client.get(path).status_code == 404
    assert client.get("/jobs/?sort=nope").status_code == 400


def test_the_progress_page_and_its_api_cost_a_fixed_few_statements(client, login_as):
    me = login_as("officer")
    job = _job(me)
    client.get(f"/jobs/{job.id}")  # warm the account's caches
    with count_queries() as page_statements:
        assert client.get(f"/jobs/{job.id}").status_code == 200
    with count_queries() as api_statements:
        assert client.get(f"/api/v1/jobs/{job.id}").status_code == 200
    assert len(page_statements) <= 3, page_statements  # the account, the job (its file's bytes not read)
    assert len(api_statements) <= 3, api_statements
    assert not any("result_data" in s for s in page_statements + api_statements)


def test_an_export_over_the_limit_is_a_job_whose_file_is_the_export(app, client, login_as, make_user):
    app.config["EXPORT_JOB_ROWS"] = 2
    try:
        me = login_as("officer")
        for n in range(3):
            factories.request(subject=f"Export job {n}")
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest))
        started = client.get("/requests.csv")
        assert started.status_code == 303 and started.headers["Location"].endswith("/download")
        job = db.session.scalars(sa.select(Job).where(Job.owner_id == me.id)).one()
        assert job.kind == "export" and job.status == "finished" and job.label == "Export of requests (CSV)"
        csv = client.get(started.headers["Location"])
        assert csv.status_code == 200 and csv.mimetype == "text/csv"
        listed = list(reader(io.StringIO(csv.get_data(as_text=True))))  # a cell may hold a line break
        assert len(listed) == total + 1 and "Export job 2" in csv.get_data(as_text=True)
        app.config["EXPORT_JOB_ROWS"] = 10_000
        small = client.get("/requests.csv")  # under the limit: answered at once, as before
        assert small.status_code == 200 and small.mimetype == "text/csv"
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        other = make_user("officer")
        from tests.conftest import login
        login(client, other)
        assert client.get(started.headers["Location"]).status_code == 404  # another's file
    finally:
        app.config["EXPORT_JOB_ROWS"] = 10_000


def test_a_period_report_over_a_year_is_a_job(client, login_as):
    login_as("officer")
    started = client.get("/reports/period?from=2002-01-01&to=2003-07-04")
    assert started.status_code == 303
    report = client.get(started.headers["Location"])
    assert report.status_code == 200 and report.mimetype == "text/html" and "Legislative assistance to Romania" in \
        report.get_data(as_text=True)
    assert client.get("/reports/period?from=2002-07-05&to=2003-07-04").status_code == 200  # a year: at once


def test_a_closed_queue_refuses_an_import_with_a_message(app, client, login_as):
    login_as("officer")
    sheet = b"State,Instruments,Kind,Subject\nBOL,UNTOC,Training,Queue down\n"
    uploaded = client.post("/requests/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(sheet), "down.csv"), "csrf_token": csrf_token(client, "/requests/import")})
    location = uploaded.headers["Location"]
    app.config["JOB_QUEUE_URL"] = "redis://127.0.0.1:1/5"
    try:
        answer = client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/requests/import")})
        assert client.get("/requests/").status_code == 200  # pages still serve
    finally:
        app.config["JOB_QUEUE_URL"] = None
    body = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "cannot be reached" in body and "nothing was changed" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest).where(
        AssistanceRequest.subject == "Queue down")) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


@pytest.mark.parametrize("path", ["/jobs/", "/jobs/1", "/jobs/1/download", "/api/v1/jobs", "/api/v1/jobs/1"])
def test_anonymous_callers_see_no_job(client, path):
    assert client.get(path).status_code in (302, 401)


def test_the_iati_file_is_regenerated_as_a_job(client, login_as):
    login_as("manager")
    portal = client.get("/funding/").get_data(as_text=True)
    assert 'action="/iati.xml/job"' in portal
    started = client.post("/iati.xml/job", data={"csrf_token": csrf_token(client, "/funding/")})
    assert started.status_code == 303 and started.headers["Location"].endswith("/download")
    made = client.get(started.headers["Location"])
    direct = client.get("/iati.xml")
    assert made.status_code == 200 and made.mimetype == "application/xml"
    assert made.headers["Content-Disposition"] == 'attachment; filename="iati-activities.xml"'
    assert b"<iati-activities" in made.data and len(made.data) == len(direct.data)
    assert client.post("/iati.xml/job?donor=999999", data={"csrf_token": csrf_token(client, "/funding/")}
                       ).status_code == 404
