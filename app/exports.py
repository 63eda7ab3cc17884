"""Tables as downloads: CSV through the `csv` module, XLSX through openpyxl.

A list's export is its filtered rows without pages; the view names the columns once (header, value of a row) and
both formats write the same cells. Values are strings, numbers, booleans, ISO dates or empty.
"""
import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is a formula to a spreadsheet: in CSV it is written with a leading
#: apostrophe (the usual defence against formula injection), in XLSX it is stored as text.
_FORMULA_START = ("=", "+", "@", "\t", "\r")

Column = tuple[str, Callable]


def _cell(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _table(columns: list[Column], rows: Iterable) -> tuple[list[str], list[list]]:
    return [h for h, _ in columns], [[_cell(get(row)) for _, get in columns] for row in rows]


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> Response:
    header, table = _table(columns, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in table:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else
                         ("" if v is None else v) for v in row])
    # A BOM so that spreadsheet programs read the file as UTF-8 (State names carry accents).
    return _download(("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv", filename)


def xlsx_response(filename: str, columns: list[Column], rows: Iterable, title: str = "Export") -> Response:
    header, table = _table(columns, rows)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in table:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(60, len(name) + 4))
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX, filename)
