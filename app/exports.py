"""Tables as downloads: a list's export is its filtered rows without pages. The view names the columns once
(header, value of a row) and both formats write the same cells through the one writer of app/formats/tables.py
(CSV: UTF-8 with BOM, CRLF, ISO dates; XLSX: streamed, dates as dates, formula-like text kept as text)."""
from collections.abc import Callable, Iterable

from flask import Response

from app.formats.tables import csv_bytes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"

Column = tuple[str, Callable]


def _rows(columns: list[Column], rows: Iterable) -> Iterable[list]:
    getters = [get for _, get in columns]
    return ([get(row) for get in getters] for row in rows)


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """A file the browser saves, never kept by a shared cache (exports hold scoped records)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> Response:
    body = csv_bytes([h for h, _ in columns], _rows(columns, rows))
    return download(body, CSV, filename)


def xlsx_response(filename: str, columns: list[Column], rows: Iterable, title: str = "Export") -> Response:
    return download(xlsx_bytes(title, [h for h, _ in columns], _rows(columns, rows)), XLSX, filename)


_download = download  # the name this module used before (a caller elsewhere may still import it)
