"""Tables as downloads: a list's export is its filtered rows without pages. The view names the columns once
(header, value of a row) and both formats write the same cells through the one writer of app/formats/tables.py
(CSV: UTF-8 with BOM, CRLF, ISO dates; XLSX: streamed, dates as dates, formula-like text kept as text).

Rows are written one at a time, as they come (from a cursor, app.services.requests.request_exports), into a
spooled temporary file: in memory up to SPOOL bytes, on disk beyond; the answer is then sent from that file CHUNK
bytes at a time. So an export of any size takes constant memory, and it is written completely while the request's
database session is open — not while the answer goes out, when the request that read it is over.
"""
import tempfile
from collections.abc import Callable, Iterable, Iterator

from flask import Response
from flask_babel import gettext as _

from app.formats.tables import Sheet, csv_lines, write_workbook
from models.enums import labels_remembered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
#: Bytes read or written at a time.
CHUNK = 64 * 1024
#: An export up to this size stays in memory; a bigger one goes to a temporary file as it is written.
SPOOL = 4 * 1024 * 1024

Column = tuple[str, Callable]


def _rows(columns: list[Column], rows: Iterable) -> Iterable[list]:
    getters = [get for _, get in columns]
    return ([get(row) for get in getters] for row in rows)


def download(body, mimetype: str, filename: str) -> Response:
    """A file the browser saves, never kept by a shared cache (exports hold scoped records). `body`: bytes, or an
    iterable of bytes (sent as it comes)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_chunks(header: list[str], rows: Iterable) -> Iterator[bytes]:
    """The CSV file (app.formats.tables.csv_lines) as UTF-8, about CHUNK bytes at a time, each row read only when
    the chunk before it is written."""
    pending, size = [], 0
    for line in csv_lines(header, rows):
        pending.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def _sent_from(spool) -> Iterator[bytes]:
    """The spooled file from its start, CHUNK bytes at a time; closed (and deleted) once sent."""
    spool.seek(0)
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def _spooled():
    return tempfile.SpooledTemporaryFile(max_size=SPOOL)


def spooled_response(chunks: Iterable[bytes], mimetype: str) -> Response:
    """A file written as it comes (`chunks`, each read only once the one before is written) into the spool, while
    the request's session is open, then sent from it."""
    spool = _spooled()
    for chunk in chunks:
        spool.write(chunk)
    return Response(_sent_from(spool), mimetype=mimetype)


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> Response:
    spool = _spooled()
    with labels_remembered():
        for chunk in csv_chunks([h for h, _value in columns], _rows(columns, rows)):
            spool.write(chunk)
    return download(_sent_from(spool), CSV, filename)


def xlsx_response(filename: str, columns: list[Column], rows: Iterable, title: str | None = None) -> Response:
    spool = _spooled()
    with labels_remembered():
        write_workbook([Sheet(str(title or _("Export")), [h for h, _value in columns], _rows(columns, rows))], spool)
    return download(_sent_from(spool), XLSX, filename)


_download = download  # the name this module used before (a caller elsewhere may still import it)
