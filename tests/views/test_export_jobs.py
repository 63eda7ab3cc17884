"""Every export over EXPORT_JOB_ROWS rows runs as a job (issue 28, item 1), whatever the list: with the threshold
low, the download becomes a job of the caller's whose file is the one the direct download gives, and only its owner
may fetch it; at or under the threshold the export answers at once, as it always did."""
import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app import scoping
from app.services.work import action_writes
from models import Job, db
from tests import factories
from tests.conftest import csrf_token, login

#: Every list export (CSV and XLSX) and the funding statement, with the role that may download it.
EXPORTS = [
    ("/requests.csv", "admin"), ("/requests.xlsx", "admin"),
    ("/experts.csv", "admin"), ("/experts.xlsx", "admin"),
    ("/contributions.csv", "admin"), ("/contributions.xlsx", "admin"),
    ("/queue.csv", "manager"), ("/queue.xlsx", "manager"),
    ("/states.csv", "admin"), ("/states.xlsx", "admin"),
    ("/audit.csv", "admin"), ("/audit.xlsx", "admin"),
    ("/states/ROU/timeline.csv", "admin"), ("/states/ROU/timeline.xlsx", "admin"),
    ("/activities/export.csv", "admin"), ("/activities/export.xlsx", "admin"),
    ("/actions/export.csv", "admin"), ("/actions/export.xlsx", "admin"),
    ("/funding/statement.csv", "admin"), ("/funding/statement.xlsx", "admin"),
    ("/iati.xml", "admin"),
]


def _content(response):
    """What a file says: a CSV's or an XML document's bytes; a workbook's cells, sheet by sheet (a zip's own dates
    may differ)."""
    if response.mimetype == "application/xml":  # the same document but for the second it was generated in
        return re.sub(rb'generated-datetime="[^"]*"', b"", response.get_data())
    if response.mimetype == "text/csv":
        return response.get_data()
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


@pytest.fixture()
def threshold(app):
    def set_to(rows: int):
        app.config["EXPORT_JOB_ROWS"] = rows
    yield set_to
    app.config["EXPORT_JOB_ROWS"] = 10_000


@pytest.mark.parametrize("url,role", EXPORTS)
def test_an_export_over_the_threshold_is_a_job_whose_file_is_the_direct_download(client, login_as, make_user,
                                                                                   threshold, url, role):
    me = login_as(role)
    factories.request(subject="Export job one")
    factories.request(subject="Export job two")
    for n in range(2):
        action_writes.create(scoping.EVERYTHING, action_writes.ActionData(
            description=f"Export job action {n}", owner_id=me.id, due_date=date.today() + timedelta(days=n + 1),
            state="ROU"), me, date.today())
    db.session.commit()
    direct = client.get(url)
    assert direct.status_code == 200, direct.get_data(as_text=True)[:300]
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Job))  # under the threshold: at once
    threshold(1)
    started = client.get(url)
    assert started.status_code == 303 and started.headers["Location"].endswith("/download"), started.status_code
    job = db.session.scalars(sa.select(Job).where(Job.owner_id == me.id)).one()
    assert job.kind == ("iati" if url == "/iati.xml" else "export") and job.status == "finished"
    assert url == "/iati.xml" or job.label.endswith(f"({url.rsplit('.', 1)[-1].upper()})")
    made = client.get(started.headers["Location"])
    assert made.status_code == 200 and made.mimetype == direct.mimetype
    assert made.headers["Content-Disposition"].replace('"', "") == direct.headers.get(
        "Content-Disposition", "attachment; filename=iati-activities.xml").replace('"', "")
    assert _content(made) == _content(direct)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, make_user(role))
    assert client.get(started.headers["Location"]).status_code == 404  # another's file


def _rows(response) -> int:
    return len(list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))) - 1


@pytest.mark.parametrize("url", ["/experts.csv", "/states.csv", "/contributions.csv", "/activities/export.csv"])
def test_exactly_the_threshold_answers_at_once_and_one_row_more_is_a_job(client, login_as, threshold, url):
    login_as("admin")
    direct = client.get(url)
    rows = _rows(direct)
    assert direct.status_code == 200 and rows >= 2
    threshold(rows)  # the COUNT query counts what the file lists: exactly the threshold is not over it
    answer = client.get(url)
    assert answer.status_code == 200 and answer.get_data() == direct.get_data()
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    threshold(rows - 1)
    assert client.get(url).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1


def test_a_closed_queue_refuses_a_large_export_with_a_message(app, client, login_as, threshold):
    login_as("admin")
    threshold(1)
    app.config["JOB_QUEUE_URL"] = "redis://127.0.0.1:1/5"
    try:
        answer = client.get("/experts.xlsx")
    finally:
        app.config["JOB_QUEUE_URL"] = None
    assert answer.status_code == 503 and "cannot be reached" in answer.get_data(as_text=True)
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Job))


def test_a_period_table_over_a_year_is_a_job_and_a_year_answers_at_once(client, login_as):
    login_as("officer")
    url = "/reports/period.csv?from=2002-01-01&to=2003-07-04&table=activities"
    started = client.get(url)
    assert started.status_code == 303 and started.headers["Location"].endswith("/download")
    job = db.session.scalars(sa.select(Job)).one()
    assert job.kind == "period_report" and job.label.endswith("activities (CSV)")
    made = client.get(started.headers["Location"])
    assert made.status_code == 200 and made.mimetype == "text/csv" and "Romania" in made.get_data(as_text=True)
    year = client.get("/reports/period.csv?from=2002-07-05&to=2003-07-04&table=activities")
    assert year.status_code == 200 and year.mimetype == "text/csv"
