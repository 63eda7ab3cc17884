"""The request and queue exports read their rows from a cursor (app.services.requests.request_exports): the same
statements at any size, no ORM object per row, and the columns as the model would give them."""
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import exports
from app.formats import tables
from app.listing import Paging
from app.scoping import EVERYTHING
from app.services.requests import request_exports, request_reads
from app.views.requests.requests import EXPORT_COLUMNS
from models import AssistanceRequest, Instrument, MemberState, db
from models.assistance_request import assistance_request_instruments
from tests import factories
from tests.helpers import count_queries


def _add_requests(n: int) -> None:
    """n requests in two statements, every one awaiting a decision (so the queue lists them too)."""
    bol = db.session.scalar(sa.select(MemberState.id).where(MemberState.code == "BOL"))
    untoc = db.session.scalar(sa.select(Instrument.id).where(Instrument.code == "UNTOC"))
    first = (db.session.scalar(sa.select(sa.func.max(AssistanceRequest.id))) or 0) + 1
    db.session.execute(sa.insert(AssistanceRequest), [
        {"id": first + i, "state_id": bol, "kind": "legislative_review", "subject": f"Streamed {i}",
         "status": "pending", "priority": "normal", "received_date": date(2003, 1, 1 + i % 28)} for i in range(n)])
    db.session.execute(sa.insert(assistance_request_instruments), [
        {"request_id": first + i, "instrument_id": untoc} for i in range(n)])
    db.session.commit()


def _statements_and_rows(client, path: str) -> tuple[int, int]:
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
        body = response.get_data()
    assert response.status_code == 200
    rows = (body.count(b"\r\n") if path.split("?")[0].endswith(".csv")
            else load_workbook(io.BytesIO(body)).active.max_row)
    return len(statements), rows


@pytest.mark.parametrize(("path", "role"), [("/requests.csv?q=Streamed", "officer"),
                                            ("/requests.xlsx?q=Streamed", "officer"),
                                            ("/queue.csv?q=Streamed", "manager"),
                                            ("/queue.xlsx?q=Streamed", "manager")])
def test_an_export_costs_the_same_statements_at_3_and_30_rows(client, login_as, session, path, role):
    login_as(role)
    _add_requests(3)
    small, small_rows = _statements_and_rows(client, path)
    _add_requests(27)
    large, large_rows = _statements_and_rows(client, path)
    assert (small_rows, large_rows) == (4, 31)  # the header and each request
    assert large == small, (small, large)


def test_a_row_reads_as_the_request_itself(session):
    """Every column of the export reads the same from a streamed row as from the model — the first response's
    date included (computed in SQL from the answering activities; cancelled ones are no answer)."""
    officer = factories.user("officer", name="Olga Officer")
    request = factories.request("BOL", instruments=("TIP", "UNTOC"), received=date(2003, 1, 15),
                                assigned_officer=officer, logged_by=officer, subject="=formula-like")
    answered = factories.activity(visits=(("BOL", date(2003, 3, 10), date(2003, 3, 12)),))
    cancelled = factories.activity(visits=(("BOL", date(2003, 2, 1), date(2003, 2, 2)),), status="cancelled")
    answered.requests.append(request)
    cancelled.requests.append(request)
    session.commit()
    rows = [r for r in request_exports.request_rows(EVERYTHING, request_reads.RequestFilters(), Paging())
            if r.id == request.id]
    session.expire_all()
    model = session.get(AssistanceRequest, request.id)
    assert model.first_response_date == date(2003, 3, 10)
    assert [get(rows[0]) for _, get in EXPORT_COLUMNS] == [get(model) for _, get in EXPORT_COLUMNS]


def test_the_rows_come_from_a_cursor_not_the_session(session):
    """One row at a time, none of them an ORM object kept in the session (which held all 200,000 before)."""
    _add_requests(5)
    session.expunge_all()
    rows = request_exports.request_rows(EVERYTHING, request_reads.RequestFilters(q="Streamed"), Paging())
    assert iter(rows) is rows  # a generator: nothing is read before the writer asks
    assert sum(1 for _ in rows) == 5
    assert not [o for o in session.identity_map.values() if isinstance(o, AssistanceRequest)]


def test_the_csv_writer_takes_a_row_only_when_it_writes_it(monkeypatch):
    """The writer consumes an iterator as it writes: after its first chunk of rows only that many were read (rows
    are written CSV_BATCH at a time; here one)."""
    monkeypatch.setattr(exports, "CHUNK", 1)
    monkeypatch.setattr(tables, "CSV_BATCH", 1)
    taken = []

    def rows():
        for n in range(1000):
            taken.append(n)
            yield [n, f"row {n}"]
    chunks = exports.csv_chunks(["n", "text"], rows())
    assert next(chunks).endswith(b"n,text\r\n") and taken == []
    assert next(chunks) == b"0,row 0\r\n" and taken == [0]


def test_the_csv_writer_reads_no_more_than_a_batch_ahead(monkeypatch):
    """Rows are written CSV_BATCH at a time: the first piece of rows holds that many, and no more was read."""
    monkeypatch.setattr(exports, "CHUNK", 1)
    taken = []

    def rows():
        for n in range(3 * tables.CSV_BATCH + 5):
            taken.append(n)
            yield [n]
    chunks = exports.csv_chunks(["n"], rows())
    next(chunks)
    first = next(chunks).decode()
    assert first.splitlines() == [str(n) for n in range(tables.CSV_BATCH)]
    assert len(taken) == tables.CSV_BATCH
    assert b"".join(chunks).decode().splitlines()[-1] == str(3 * tables.CSV_BATCH + 4)
