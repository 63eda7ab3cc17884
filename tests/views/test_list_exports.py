"""Exports a spreadsheet can trust: every export beside its list, opened as a spreadsheet program would (openpyxl
for the workbooks, the csv module for CSV): types (dates as dates, numbers as numbers), formula-like text kept as
text, the one separator of lists, UTF-8 with BOM and CRLF, the list's filters and scope, and a statement count that
does not grow with the rows."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.formats.tables import SEPARATOR, csv_bytes, joined, xlsx_bytes
from app.services.core import audit
from models import AssistanceRequest, Instrument, MemberState, db
from models.assistance_request import assistance_request_instruments as request_instruments
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import count_queries

#: The six lists' exports (CONTRACT.md), each with the role that reads the list.
EXPORTS = [("/experts", "officer"), ("/contributions", "manager"), ("/queue", "manager"), ("/states", "officer"),
           ("/audit", "admin"), ("/states/BOL/timeline", "officer")]
#: Text a spreadsheet would run or mangle: each must come back exactly, as text.
DANGEROUS = ["=1+2", "+41 22 917", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturned"]


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, so that Excel reads it as UTF-8"
    text = raw.decode("utf-8")
    header_line = text[1:].split("\r\n", 1)[0]
    assert "\r\n" in text and "\n" not in header_line  # lines end in CRLF, not a bare LF
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


# ------------------------------------------------------------------ the writer itself
def test_the_writer_keeps_formula_like_text_as_text_and_dates_as_dates():
    header = ["text", "day", "instant", "money", "count", "list"]
    rows = [[value, date(2003, 7, 2), datetime(2003, 7, 2, 9, 30), Decimal("12.50"), 3, joined(["a; b", "c\nd"])]
            for value in DANGEROUS]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("T", header, rows))).active
    assert [c.value for c in sheet[1]] == header
    for n, value in enumerate(DANGEROUS, start=2):
        text = sheet.cell(row=n, column=1)
        # Stored as the text itself (no apostrophe as data), as a string cell, never a formula; quote-prefixed so
        # that Excel keeps it text when the cell is edited.
        assert text.value == value and text.data_type == "s" and text.quotePrefix is True
        day, instant = sheet.cell(row=n, column=2), sheet.cell(row=n, column=3)
        assert day.is_date and day.value == datetime(2003, 7, 2) and day.number_format == "yyyy-mm-dd"
        assert instant.is_date and instant.value == datetime(2003, 7, 2, 9, 30)
        assert sheet.cell(row=n, column=4).value == 12.5 and sheet.cell(row=n, column=4).data_type == "n"
        assert sheet.cell(row=n, column=6).value.split(SEPARATOR) == ["a; b", "c d"]
    assert sheet.cell(row=2, column=5).value == 3
    plain = load_workbook(io.BytesIO(xlsx_bytes("T", ["t"], [["plain"]]))).active["A2"]
    assert plain.value == "plain" and plain.quotePrefix is False

    body = csv_bytes(header, rows)
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\r\n") >= len(rows) + 1
    read = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in read[1:]] == ["'" + v for v in DANGEROUS]  # CSV has no other defence than the apostrophe
    assert read[1][1:5] == ["2003-07-02", "2003-07-02T09:30:00", "12.50", "3"]
    assert read[1][5].split(SEPARATOR) == ["a; b", "c d"]


def test_a_control_character_never_breaks_a_workbook():
    """XML cannot hold most control characters: openpyxl refuses them (a 500 once), so the cell drops them."""
    sheet = load_workbook(io.BytesIO(xlsx_bytes("T", ["t"], [["bell\x07 and\x0b tab"], ["=x\x01"]]))).active
    assert (sheet["A2"].value, sheet["A3"].value, sheet["A3"].data_type) == ("bell and tab", "=x", "s")


def test_joined_never_lets_the_separator_inside_a_value():
    assert joined(["Vienna, AUT 2002-01-08", "Line\nbroken  name", None, "", "x"]).split(SEPARATOR) == [
        "Vienna, AUT 2002-01-08", "Line broken name", "x"]


# ------------------------------------------------------------------ every list's export
@pytest.mark.parametrize(("path", "role"), EXPORTS)
def test_every_list_exports_as_csv_and_xlsx_with_the_same_rows(client, login_as, session, path, role):
    factories.expert(name="Exported expert")
    factories.contribution(pledged_date=date(2003, 2, 1))
    factories.request("BOL", subject="Exported queue request")
    audit.record("create", record_type="Test", record_id=1, summary="Exported audit entry")
    session.commit()
    login_as(role)
    rows = _csv(client.get(f"{path}.csv"))
    header, cells = _sheet(client.get(f"{path}.xlsx"))
    assert rows, path
    assert header == list(rows[0].keys()) and len(cells) == len(rows)
    first = header[0]
    def shown(value):
        return "" if value is None else value.date().isoformat() if isinstance(value, datetime) else str(value)
    assert [shown(c[first].value) for c in cells] == [r[first] for r in rows]


def test_the_exports_carry_the_lists_filters(client, login_as, session):
    factories.expert(name="Filtered Ada")
    factories.expert(name="Other Bob")
    session.commit()
    login_as("officer")
    assert [r["name"] for r in _csv(client.get("/experts.csv?q=Filtered"))] == ["Filtered Ada"]
    assert [c["name"].value for c in _sheet(client.get("/experts.xlsx?q=Filtered"))[1]] == ["Filtered Ada"]
    states = _csv(client.get("/states.csv?q=Bolivia"))
    assert [r["code"] for r in states] == ["BOL"]
    assert client.get("/experts.csv?sort=password_hash").status_code == 400
    assert client.get("/states.xlsx?kind=planet").status_code == 400


def test_dates_are_dates_and_text_stays_text_in_the_contribution_export(client, login_as, session):
    factories.contribution(pledged_date=date(2003, 2, 1), source="=HYPERLINK(\"http://x\")",
                           amount=Decimal("1234.50"))
    session.commit()
    login_as("manager")
    header, cells = _sheet(client.get("/contributions.xlsx"))
    row = next(c for c in cells if c["source"].value and c["source"].value.startswith("=HYPERLINK"))
    assert row["pledged_date"].is_date and row["pledged_date"].value == datetime(2003, 2, 1)
    assert row["amount"].data_type == "n" and row["amount"].value == 1234.5
    assert row["source"].data_type == "s" and row["source"].value == '=HYPERLINK("http://x")'
    assert row["earmark_instruments"].value.split(SEPARATOR) == ["UNTOC", "TIP", "SOM", "FIREARMS"]
    csv_row = next(r for r in _csv(client.get("/contributions.csv")) if "HYPERLINK" in r["source"])
    assert csv_row["source"] == "'=HYPERLINK(\"http://x\")" and csv_row["pledged_date"] == "2003-02-01"


def test_the_visits_of_an_activity_split_on_the_one_separator(client, login_as, session):
    factories.activity(title="Two visits", visits=(("ROU", date(2002, 1, 8), date(2002, 1, 11), "Bucharest; old, town"),
                                                    ("ROU", date(2002, 11, 5), date(2002, 11, 6), "Cluj\nNapoca")))
    session.commit()
    login_as("officer")
    row = next(r for r in _csv(client.get("/activities/export.csv?q=Two+visits")) if r["title"] == "Two visits")
    assert row["visits"].split(SEPARATOR) == ["Bucharest; old, town, ROU 2002-01-08/2002-01-11",
                                              "Cluj Napoca, ROU 2002-11-05/2002-11-06"]


def test_expert_contacts_only_for_the_roles_that_see_them(client, login_as, session):
    factories.expert(name="Contact Carla", email="carla@experts.test")
    session.commit()
    login_as("officer")
    assert _csv(client.get("/experts.csv?q=Contact"))[0]["email"] == "carla@experts.test"
    client.post("/logout", headers={"X-CSRFToken": csrf_token(client, "/")})
    login_as("donor")
    header = client.get("/experts.csv").get_data(as_text=True).split("\r\n", 1)[0]
    assert header.startswith("\ufeffid,name") and "email" not in header and "phone" not in header


def test_a_donor_exports_only_its_own_contributions(client, login_as, session):
    mine, theirs = factories.organization(name="Donor Mine"), factories.organization(name="Donor Theirs")
    factories.contribution(mine, source="mine")
    factories.contribution(theirs, source="theirs")
    session.commit()
    login_as("donor", donor=mine)
    assert {r["donor"] for r in _csv(client.get("/contributions.csv"))} == {"Donor Mine"}
    assert {c["donor"].value for c in _sheet(client.get("/contributions.xlsx"))[1]} == {"Donor Mine"}
    assert client.get("/audit.csv").status_code == 403 and client.get("/queue.xlsx").status_code == 403


def test_the_timeline_export_holds_the_whole_timeline(client, login_as, session):
    factories.request("ROU", subject="Romanian request", received=date(2002, 3, 1))
    factories.activity(title="Romanian mission", visits=(("ROU", date(2002, 1, 8), date(2002, 1, 11)),),
                       served=("ROU",))
    session.commit()
    login_as("officer")
    rows = _csv(client.get("/states/ROU/timeline.csv"))
    titles = " ".join(r["title"] for r in rows)
    assert "Romanian request" in titles and "Romanian mission" in titles
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    header, cells = _sheet(client.get("/states/ROU/timeline.xlsx"))
    assert all(c["date"].value is None or c["date"].is_date for c in cells) and len(cells) == len(rows)
    assert client.get("/states/XXX/timeline.csv").status_code == 404


# ------------------------------------------------------------------ cost: not per row
def _add_requests(n: int) -> None:
    """n requests in a few statements (the factories would take minutes for thousands)."""
    bol = db.session.scalar(sa.select(MemberState.id).where(MemberState.code == "BOL"))
    untoc = db.session.scalar(sa.select(Instrument.id).where(Instrument.code == "UNTOC"))
    first = (db.session.scalar(sa.select(sa.func.max(AssistanceRequest.id))) or 0) + 1
    db.session.execute(sa.insert(AssistanceRequest), [
        {"id": first + i, "state_id": bol, "kind": "legislative_review", "subject": f"-Bulk {i}", "status": "pending",
         "priority": "normal", "received_date": date(2003, 1, 1 + i % 28)} for i in range(n)])
    db.session.execute(sa.insert(request_instruments), [
        {"request_id": first + i, "instrument_id": untoc} for i in range(n)])
    db.session.commit()


def _export_statements(client, path) -> tuple[int, int]:
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    if path.split("?")[0].endswith(".csv"):
        return len(statements), len(_csv(response)) + 1
    return len(statements), load_workbook(io.BytesIO(response.get_data())).active.max_row


@pytest.mark.parametrize(("path", "role"), [("/requests.xlsx?q=Bulk", "officer"), ("/queue.csv?q=Bulk", "manager")])
def test_a_5000_row_export_costs_the_statements_of_a_small_one(client, login_as, session, path, role):
    """/requests.xlsx at 5,000 rows took 275 s: each row re-read the sheet. Now the rows are streamed, and what
    the columns read is loaded in the same statements for 20 rows and for 5,000 (selectinload would ask 500 ids
    at a time: ten statements a relation)."""
    login_as(role)
    _add_requests(20)
    small, small_rows = _export_statements(client, path)
    _add_requests(4980)
    large, large_rows = _export_statements(client, path)
    assert (small_rows, large_rows) == (21, 5001)
    assert large == small, (small, large)


@pytest.mark.parametrize(("page", "role", "link"), [
    ("/experts/?q=Linked", "officer", "/experts.csv?q=Linked"), ("/contributions/", "manager", "/contributions.xlsx"),
    ("/queue?q=Linked", "manager", "/queue.csv?q=Linked"), ("/states/?q=Bol", "officer", "/states.xlsx?q=Bol"),
    ("/admin/audit", "admin", "/audit.csv"), ("/states/BOL?instrument=UNTOC", "officer",
                                               "/states/BOL/timeline.csv?instrument=UNTOC")])
def test_each_list_links_to_its_exports_with_its_filters(client, login_as, session, page, role, link):
    factories.expert(name="Linked expert")
    factories.contribution()
    factories.request("BOL", subject="Linked request", instruments=("UNTOC",))
    audit.record("create", record_type="Test", record_id=1, summary="Linked entry")
    session.commit()
    login_as(role)
    body = client.get(page).get_data(as_text=True)
    assert f'href="{link}' in body, body[body.find("Download"):][:400]
