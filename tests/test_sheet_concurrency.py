"""Confirming one spreadsheet preview from four tabs at once imports it once (real threads, a database of its own:
the scratch database of tests/test_concurrency.py)."""
import io
import threading

import sqlalchemy as sa

from models import AssistanceRequest, AuditEntry
from tests.conftest import csrf_token
from tests.test_concurrency import _count, _signed_in, scratch  # noqa: F401 (the fixture)

SHEET = b"State,Instruments,Kind,Subject\nBOL,UNTOC,Training,Race 1\nChile,TIP,Training,Race 2\n"


def test_four_confirmations_of_one_spreadsheet_at_once_import_it_once(scratch):  # noqa: F811
    app, _url, email = scratch
    uploader = _signed_in(app, email)
    response = uploader.post("/requests/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(SHEET), "race.csv"), "csrf_token": csrf_token(uploader, "/requests/import")})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    before = _count(app, sa.select(sa.func.count()).select_from(AssistanceRequest))

    clients = [_signed_in(app, email) for _ in range(4)]
    tokens = [csrf_token(c, "/requests/import") for c in clients]
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def press(i):
        start.wait()
        answer = clients[i].post(location + "/confirm", data={"csrf_token": tokens[i]})
        page = clients[i].get(answer.headers["Location"]) if answer.status_code == 303 else answer
        answers[i] = (answer.status_code, page.get_data(as_text=True))

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # each confirmation is a job (issue 28), run in-process here; the job reads the import's audit entry under the
    # same lock as before, so one imports and three say it was done already — or, confirmed after it, answer 409
    assert all(status in (303, 409) for status, _ in answers), [(s, b[:300]) for s, b in answers]
    assert sum("Imported 2 requests" in body for _, body in answers) == 1
    assert sum("already imported" in body for _, body in answers) == 3
    assert _count(app, sa.select(sa.func.count()).select_from(AssistanceRequest)) == before + 2
    entries = sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "import", AuditEntry.after["preview"].as_string() == location.rsplit("/", 1)[1])
    assert _count(app, entries) == 1
