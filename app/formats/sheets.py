"""Spreadsheets read for an import: a CSV or XLSX file as a header and rows of cells, and the templates written.

`read` refuses a file that is not a table (not CSV or XLSX, no header, no rows) with one message, so the caller can
refuse it whole. Cells come back as they were typed (text), numbers, or dates (an Excel date cell); `Columns`
recognises the header case- and space-insensitively, with synonyms, and names what it does not know.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.formats import xlsx_reader
from app.formats.tables import SEPARATOR, csv_bytes, workbook_bytes
from app.formats.tables import Sheet as TableSheet
from app.formats.untc import written_date
from app.formats.upload_limits import Budget, FileRefused, Limits, sniff

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetRefused(FileRefused):
    """The file is not a table that can be imported; the message says why (shown as is), `limit` names the setting
    it exceeded (upload_limits), if any."""


@dataclass
class Sheet:
    header: list[str]
    #: (row number as the spreadsheet shows it, the header being row 1; the cells)
    rows: list[tuple[int, list]] = field(default_factory=list)


def header_key(text) -> str:
    """How a header is compared: case, accents of spacing and punctuation ignored ("Start date" = "start_date")."""
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").casefold()).strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(numbered_rows: Iterable[tuple[int, list]], limits: Limits) -> Sheet:
    """The header (the first row with a value) and the rows after it that have one, each with its number."""
    rows = iter(numbered_rows)
    header = None
    for _number, cells in rows:
        if not all(_blank(c) for c in cells):
            header = [str(c).strip() if c is not None else "" for c in cells][:limits.sheet_max_columns]
            break
    if header is None:
        raise SheetRefused(_("The file is empty: it has no header row and no rows."))
    while header and not header[-1]:
        header.pop()
    sheet = Sheet(header)
    for number, cells in rows:
        cells = list(cells)[:len(header)]
        if all(_blank(c) for c in cells):
            continue
        if len(sheet.rows) >= limits.sheet_max_rows:
            raise SheetRefused(_("The file has more than %(n)s rows (SHEET_MAX_ROWS): split it into several files.",
                                 n=format(limits.sheet_max_rows, ",")), "SHEET_MAX_ROWS")
        sheet.rows.append((number, cells + [None] * (len(header) - len(cells))))
    if not sheet.rows:
        raise SheetRefused(_("The file has a header row but no rows to import."))
    return sheet


def _text_of(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise SheetRefused(_("The file is neither a CSV file nor an Excel workbook (.xlsx)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what spreadsheet programs on Windows write when asked for "CSV"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SheetRefused(_("The file is not UTF-8 text (line %(line)s): save it as CSV UTF-8 or as .xlsx.",
                             line=line)) from None


def _csv_rows(reader, limits: Limits) -> Iterable[tuple[int, list]]:
    """The CSV's records, numbered, each checked against the limits before the next is read."""
    budget = Budget(limits)
    for number, cells in enumerate(reader, start=1):
        if number > limits.sheet_max_rows + 1:
            raise SheetRefused(_("The file has more than %(n)s rows (SHEET_MAX_ROWS; blank lines count too): split it "
                                 "into several files.", n=format(limits.sheet_max_rows, ",")), "SHEET_MAX_ROWS")
        width = len(cells)
        while width and not cells[width - 1].strip():
            width -= 1
        if width > limits.sheet_max_columns:
            raise SheetRefused(_("Line %(line)s has more than %(n)s values (SHEET_MAX_COLUMNS): delete the columns the "
                                 "import does not need.", line=number, n=limits.sheet_max_columns), "SHEET_MAX_COLUMNS")
        if any(len(c) > limits.sheet_max_cell_chars for c in cells):
            raise SheetRefused(_("A value on line %(line)s holds more than %(n)s characters (SHEET_MAX_CELL_CHARS): "
                                 "shorten it.", line=number, n=format(limits.sheet_max_cell_chars, ",")),
                               "SHEET_MAX_CELL_CHARS")
        if number % 1000 == 0:
            budget.tick()
        yield number, cells[:width]


def read_csv(data: bytes, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits()
    text = _text_of(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ";" where the decimal mark is a comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _rows(_csv_rows(reader, limits), limits)
    except csv.Error as exc:
        raise SheetRefused(_("The file is not a CSV table that can be read: %(problem)s.", problem=exc)) from None
    except FileRefused as exc:
        raise SheetRefused(str(exc), exc.limit) from None


def read_xlsx(data: bytes, limits: Limits | None = None) -> Sheet:
    """The first sheet of a workbook (the data sheet; the templates' notes come after it), read within `limits`."""
    limits = limits or Limits()
    try:
        return _rows(xlsx_reader.rows(data, limits), limits)
    except SheetRefused:
        raise
    except FileRefused as exc:
        raise SheetRefused(str(exc), exc.limit) from None
    except Exception as exc:  # noqa: BLE001 — whatever a damaged or hostile file makes the reader raise: refused
        raise SheetRefused(_("The workbook cannot be read (%(problem)s): save it again as .xlsx.",
                             problem=type(exc).__name__)) from None


def read(data: bytes, filename: str, limits: Limits | None = None) -> Sheet:
    """The table of an uploaded file, XLSX or CSV, recognised by its content (never by its name), read within
    `limits` (upload_limits; the defaults when None); SheetRefused when it is neither or exceeds a limit."""
    if not data:
        raise SheetRefused(_("The file is empty."))
    kind = sniff(data)
    if kind == "zip":
        return read_xlsx(data, limits)
    if kind is not None:
        raise SheetRefused(_("The file is %(kind)s, neither a CSV file nor an Excel workbook (.xlsx): save the sheet "
                             "as one of those.", kind=kind))
    if (filename or "").lower().endswith((".xls", ".xlsm", ".ods", ".numbers")):
        raise SheetRefused(_("Only CSV files and Excel workbooks (.xlsx) can be imported: save the sheet as one of "
                             "those."))
    return read_csv(data, limits)


# ------------------------------------------------------------------ cells
def text(value) -> str:
    """A cell as text (a whole number without its ".0"; a date as ISO)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")


def date_text(value) -> str:
    """A date cell as YYYY-MM-DD for the forms' one date parser: an Excel date, an ISO date or "12 Dec 2000".

    Anything else is handed on as typed, so the parser's own message names it."""
    if isinstance(value, datetime.datetime | datetime.date):
        return text(value)
    raw = text(value)
    if _ISO_TIME.fullmatch(raw):
        return raw[:10]
    if _ISO.fullmatch(raw):
        year, month, day = raw.split("-")
        return f"{year}-{int(month):02d}-{int(day):02d}"
    written = written_date(raw.replace(",", " ").strip()) if raw else None
    return written.isoformat() if written else raw


def items(value, separator: str = ";") -> list[str]:
    """A cell listing several things ("BOL; PER", or one a line as the exports write them), blanks dropped."""
    return [part.strip() for line in text(value).split(SEPARATOR) for part in line.split(separator) if part.strip()]


# ------------------------------------------------------------------ columns
@dataclass(frozen=True)
class Column:
    name: str                       # the header the template writes
    synonyms: tuple[str, ...] = ()  # other headers accepted for it
    required: bool = False
    example: object = ""
    note: str = ""


class Columns:
    """Which column of a header is which `Column` (numbered repeats such as "Visit 2 city" included)."""

    def __init__(self, columns: Sequence[Column], header: list[str], repeated: Sequence[Column] = (),
                 repeats: int = 0):
        names: dict[str, str] = {}
        for column in columns:
            for alias in (column.name, *column.synonyms):
                names[header_key(alias)] = column.name
        for column in repeated:
            for n in range(1, repeats + 1):
                for alias in (column.name, *column.synonyms):
                    key = header_key(alias)
                    names[f"{key} {n}"] = f"{column.name} {n}"
                    names[header_key(re.sub(r"^(\w+)", rf"\1 {n}", alias))] = f"{column.name} {n}"
                    if n == 1:
                        names.setdefault(key, f"{column.name} 1")
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {}   # our name -> the header as the file wrote it
        self.unknown: list[str] = []
        self.duplicates: list[str] = []
        for position, title in enumerate(header):
            name = names.get(header_key(title))
            if name is None:
                if title.strip():
                    self.unknown.append(title.strip())
            elif name in self.index:  # e.g. an export's state_code and state_name: the first is read
                self.duplicates.append(title.strip())
                self.unknown.append(f"{title.strip()} (a second {name} column)")
            else:
                self.index[name] = position
                self.headers[name] = title.strip()
        self.missing = [c.name for c in columns if c.required and c.name not in self.index]

    def get(self, cells: list, name: str):
        position = self.index.get(name)
        return cells[position] if position is not None else None

    def shown(self, name: str) -> str:
        """The column as the file calls it (for messages)."""
        return self.headers.get(name, name)


# ------------------------------------------------------------------ templates
def template_csv(columns: Sequence[str], example: Sequence) -> bytes:
    return csv_bytes(columns, [example])


def column_note(column: Column) -> tuple[str, str]:
    """(the column's header, what it accepts) for the template's notes, in the reader's language; the header and
    the other headers it is read as stay as the file must write them."""
    name = _("%(column)s (required)", column=column.name) if column.required else column.name
    note = str(column.note)
    if column.synonyms:
        note = _("%(note)s Also read as: %(names)s.", note=note, names=", ".join(column.synonyms))
    return name, note


def template_xlsx(title: str, columns: Sequence[str], example: Sequence, notes: Sequence[tuple[str, str]]) -> bytes:
    """A workbook: the data sheet (header and one example row), then a "Notes" sheet of accepted values (its
    sheet's and columns' names in the reader's language; the data sheet's header is what an upload is read by)."""
    return workbook_bytes([
        TableSheet(str(title), list(columns), [list(example)], [max(12, min(40, len(c) + 4)) for c in columns]),
        TableSheet(_("Notes"), [_("Column"), _("Accepted values")], [list(row) for row in notes], [28, 100])])
