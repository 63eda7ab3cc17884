"""Spreadsheet imports of requests (and the reading of sheets): headers, aliases, bad cells named, all or none."""
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.formats import sheets
from app.scoping import EVERYTHING
from app.services.requests import request_sheet
from app.services.sheets import sheet_uploads
from models import AssistanceRequest, AuditEntry, db
from tests.helpers import count_queries

HEADER = "State,Instruments,Kind,Subject,Received,Priority\n"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()


def xlsx_of(header, *rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def previewed(user, data: bytes, filename="requests.csv", kind="requests"):
    upload = sheet_uploads.upload(kind, data, filename, user.id)
    return upload, sheet_uploads.preview(upload, EVERYTHING)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# ------------------------------------------------------------------ reading
def test_headers_are_recognised_whatever_their_case_spacing_and_synonym(app):
    columns = sheets.Columns(request_sheet.COLUMNS,
                             ["  requesting STATE ", "instruments_concerned", "Kind of assistance", "TITLE",
                              "date received", "Colour"])
    assert set(columns.index) == {"State", "Instruments", "Kind", "Subject", "Received"}
    assert columns.unknown == ["Colour"] and columns.missing == []
    assert columns.shown("State") == "requesting STATE"


@pytest.mark.parametrize("cell, expected", [
    ("2003-03-12", "2003-03-12"), ("2003-3-2", "2003-03-02"), ("12 Dec 2000", "2000-12-12"),
    ("12 December 2000", "2000-12-12"), (date(2001, 5, 4), "2001-05-04"), ("2003-03-12 00:00:00", "2003-03-12"),
    ("next week", "next week")])
def test_dates_are_read_in_iso_written_and_excel_forms(cell, expected):
    assert sheets.date_text(cell) == expected


def _broken_xlsx() -> bytes:
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
    return out.getvalue()


def test_a_damaged_workbook_is_refused_not_a_500(session, make_user):
    with pytest.raises(sheet_uploads.ImportRefused, match="damaged"):
        sheet_uploads.upload("requests", _broken_xlsx(), "x.xlsx", make_user().id)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"\n\n", "empty"), (b"State,Subject\n", "no rows"), (b"\x00\x01\x02garbage", "neither"),
    (b"PK\x03\x04not really a zip", "damaged"), (b"Colour,Shape\nred,round\n", "No column"),
    (b"State,Kind\nBOL,Training\n", "no column Instruments, Subject")])
def test_a_file_that_is_no_table_is_refused_whole(session, make_user, data, message):
    with pytest.raises(sheet_uploads.ImportRefused, match=message):
        sheet_uploads.upload("requests", data, "x.csv", make_user().id)


# ------------------------------------------------------------------ checking
def test_states_by_code_name_or_alias_and_instruments_by_code_or_name(session, make_user):
    _, report = previewed(make_user(), csv_of(
        "BOL,UNTOC,Training,A,2003-01-10,",
        '"Bolivia (Plurinational State of)",TIP; SOM,training,B,12 Jan 2003,High',
        'Yugoslavia,"Protocol against the Smuggling of Migrants by Land, Sea and Air",Training,C,,',
        "turkey,untoc,Training or seminar,D,,low",
        "the Gambia,Trafficking in Persons Protocol,Training,E,,"))
    assert [e for e in report.errors if e.row != 6] == []
    states = [v["state"] for _, v in report.checked]
    assert states[:4] == ["BOL", "BOL", "SRB", "TUR"]
    assert report.checked[1][1]["instruments"] == ["TIP", "SOM"] and report.checked[1][1]["priority"] == "high"
    assert report.checked[1][1]["received_date"] == date(2003, 1, 12)


def test_every_bad_cell_is_named_by_row_and_column(session, make_user):
    _, report = previewed(make_user(), csv_of(
        "BOL,UNTOC,Training,Fine,2003-01-10,",
        "Narnia,UNTOC,Training,Bad State,,",
        "BOL,UNTOC; XYZ,Training,Bad instrument,,",
        "BOL,UNTOC,Knitting,Bad kind,,",
        "BOL,UNTOC,Training,Bad date,2003-02-30,",
        "BOL,UNTOC,Training,,2003-01-10,",
        "BOL,UNTOC,Training,Future,2199-01-01,",
        "BOL,UNTOC,Training,<b>markup</b>,,"), filename="bad.csv")
    named = {(e.row, e.column): e.message for e in report.errors}
    assert "Narnia" in named[(3, "State")]
    assert "XYZ" in named[(4, "Instruments")]
    assert "Knitting" in named[(5, "Kind")]
    assert "is not a date" in named[(6, "Received")]
    assert (7, "Subject") in named
    assert (8, "Received") in named
    assert "markup" in named[(9, "Subject")]
    assert not report.ok and report.bad_rows == {3, 4, 5, 6, 7, 8, 9} and len(report.checked) == 1


def test_the_services_own_rule_is_applied_too(session, make_user):
    """Pre-ratification advice on an instrument the State already ratified: refused by request_changes, named."""
    _, report = previewed(make_user(), csv_of("Poland,UNTOC,Pre-ratification advice,Late,2010-01-05,"))
    assert report.errors and report.errors[0].column == "Instruments" and "already a party" in report.errors[0].message


def test_unknown_columns_are_reported(session, make_user):
    _, report = previewed(make_user(), csv_of("BOL,UNTOC,Training,A,,,blue",
                                              header="State,Instruments,Kind,Subject,Received,Priority,Colour\n"))
    assert report.ok and report.unknown_columns == ["Colour"]


def test_xlsx_with_real_dates(session, make_user):
    data = xlsx_of(["State", "Instruments", "Kind", "Subject", "Received"],
                   ["Chile", "UNTOC", "Training", "From a workbook", date(2003, 4, 1)])
    _, report = previewed(make_user(), data, "requests.xlsx")
    assert report.ok and report.checked[0][1]["received_date"] == date(2003, 4, 1)


def test_the_preview_sends_as_many_queries_for_500_rows_as_for_10(session, make_user):
    user = make_user()
    rows = ["BOL,UNTOC,Training,S{n},2003-01-10,", "Chile,TIP,Pre-ratification advice,T{n},2002-01-10,",
            "Narnia,UNTOC,Training,U{n},,"]
    # The first preview warms the treaty figures' cache (main's); the second and third are compared.
    counts = []
    for data in (csv_of(*[rows[n % 3].format(n=n) for n in range(k)]) for k in (10, 10, 500)):
        upload = sheet_uploads.upload("requests", data, "r.csv", user.id)
        with count_queries() as statements:
            report = sheet_uploads.preview(upload, EVERYTHING)
        counts.append(len(statements))
    assert report.rows == 500 and len(report.bad_rows) == 166
    assert counts[1] == counts[2], counts


# ------------------------------------------------------------------ confirming
def test_confirm_writes_every_row_and_one_import_entry(session, make_user):
    user = make_user()
    before = count(AssistanceRequest)
    upload, _ = previewed(user, csv_of("BOL,UNTOC,Training,One,2003-01-10,", "Chile,TIP,Training,Two,,"))
    report = sheet_uploads.confirm(upload, EVERYTHING, user)
    assert report.ok and len(report.written) == 2 and count(AssistanceRequest) == before + 2
    entry = sheet_uploads.imported(upload.id)
    assert entry.actor_id == user.id and entry.after["rows"] == 2 and entry.after["filename"] == "requests.csv"
    assert entry.after["ids"] == report.written
    created = db.session.get(AssistanceRequest, report.written[0])
    assert created.source == "Imported from requests.csv" and created.logged_by_id == user.id
    with pytest.raises(sheet_uploads.ImportRefused, match="already imported"):
        sheet_uploads.confirm(upload, EVERYTHING, user)


def test_one_bad_row_and_nothing_is_written(session, make_user):
    user = make_user()
    before = (count(AssistanceRequest), count(AuditEntry))
    upload, _ = previewed(user, csv_of("BOL,UNTOC,Training,One,,", "Narnia,UNTOC,Training,Two,,"))
    report = sheet_uploads.confirm(upload, EVERYTHING, user)
    assert not report.ok and report.written == []
    assert (count(AssistanceRequest), count(AuditEntry)) == before
