"""Every export over EXPORT_JOB_ROWS rows runs as a job (issue 28, item 1), whatever the list: with the threshold
low, the download becomes a job of the caller's whose file is the one the direct download gives, and only its owner
may fetch it; at or under the threshold the export answers at once, as it always did."""
import io

import openpyxl
import pytest
import sqlalchemy as sa

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
]


def _content(response):
    """What a file says: a CSV's bytes; a workbook's cells, sheet by sheet (a zip's own dates may differ)."""
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
    db.session.commit()
    direct = client.get(url)
    assert direct.status_code == 200, direct.get_data(as_text=True)[:300]
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Job))  # under the threshold: at once
    threshold(1)
    started = client.get(url)
    assert started.status_code == 303 and started.headers["Location"].endswith("/download"), started.status_code
    job = db.session.scalars(sa.select(Job).where(Job.owner_id == me.id)).one()
    assert job.kind == "export" and job.status == "finished"
    assert job.label.endswith(f"({url.rsplit('.', 1)[-1].upper()})")
    made = client.get(started.headers["Location"])
    assert made.status_code == 200 and made.mimetype == direct.mimetype
    assert made.headers["Content-Disposition"].replace('"', "") == direct.headers["Content-Disposition"].replace(
        '"', "")
    assert _content(made) == _content(direct)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, make_user(role))
    assert client.get(started.headers["Location"]).status_code == 404  # another's file


@pytest.mark.parametrize("url,role", [("/experts.csv", "admin"), ("/funding/statement.csv", "admin"),
                                      ("/states/ROU/timeline.xlsx", "admin")])
def test_at_the_threshold_the_export_answers_at_once(client, login_as, threshold, url, role):
    login_as(role)
    direct = client.get(url)
    rows = len(direct.get_data(as_text=True).strip().splitlines()) - 1 if direct.mimetype == "text/csv" else None
    threshold(10**9)
    assert client.get(url).status_code == 200
    if rows:  # exactly as many rows as the threshold (the statement: contributions, each one row or more)
        threshold(rows)
        answer = client.get(url)
        assert answer.status_code in (200, 303)
        if url == "/experts.csv":
            assert answer.status_code == 200 and answer.get_data() == direct.get_data()
            threshold(rows - 1)
            assert client.get(url).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) <= 1
