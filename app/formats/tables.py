"""Tables as files: the one CSV writer and the one workbook writer every export, statement and template uses.

Exports hand in a header and rows of plain values — text, numbers (int, Decimal, float), booleans, dates,
datetimes or None — and get bytes back. What a spreadsheet can trust:

- a workbook is written in openpyxl's write-only mode: each row is streamed to the sheet as it comes, in constant
  time (the ordinary mode's `sheet[sheet.max_row]` scans every cell, so 5,000 rows cost the square of 5,000);
- dates are dates in a workbook (a date cell formatted yyyy-mm-dd, an instant in UTC formatted with its time),
  and ISO 8601 text in CSV;
- text that a spreadsheet would read as a formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
  is neutralised: in CSV by a leading apostrophe (the only defence CSV has), in a workbook by storing the cell as
  a string (type "s", never "f") marked with Excel's quote prefix, so that the cell shows and holds the text
  itself, without an apostrophe, and stays text when edited;
- several values in one cell are joined by one separator, SEPARATOR (a line break), which never occurs inside a
  value: `joined` folds any line break or run of spaces inside a value into one space;
- CSV is UTF-8 with a byte order mark and CRLF line ends, which Excel opens as UTF-8.
"""
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

#: A cell that starts like a formula is written as text (CSV opened in a spreadsheet would run it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The one separator of a cell that lists several values (instruments, States, visits): a line break, which a
#: spreadsheet shows as one value a line, and which `joined` keeps out of every value.
SEPARATOR = "\n"


def joined(values: Iterable) -> str:
    """Several values as one cell, SEPARATOR between them (blanks dropped, whitespace inside a value folded, so
    the separator cannot occur inside one)."""
    parts = (" ".join(str(v).split()) for v in values if v is not None)
    return SEPARATOR.join(p for p in parts if p)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _utc(value: datetime) -> datetime:
    """An instant as naive UTC (spreadsheets have no time zones; the column says UTC)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def csv_cell(value) -> str:
    """One value as CSV text: ISO dates, instants in UTC, formula-like text behind an apostrophe."""
    if type(value) is str:  # most cells, first: an export of 200,000 rows asks this some 5 million times
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return _utc(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    return str(value)


#: Rows written to the text buffer between two reads of it (one read a row cost as much as the row itself).
CSV_BATCH = 256


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The file as text, CSV_BATCH rows at a time (the first piece with the byte order mark), each line ending in
    CRLF; each row is read only once the rows before it are written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + out.getvalue()
    batch = []
    for row in rows:
        batch.append([csv_cell(v) for v in row])
        if len(batch) == CSV_BATCH:
            yield _written(out, writer, batch)
            batch = []
    if batch:
        yield _written(out, writer, batch)


def _written(out: io.StringIO, writer, rows: list[list[str]]) -> str:
    out.seek(0)
    out.truncate()
    writer.writerows(rows)
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


@dataclass
class Sheet:
    """One sheet of a workbook: its title, header and rows; `widths` (characters) per column where the header's
    length is not a good guess."""
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None


class _Cells:
    """Turns values into write-only cells of one sheet (the styles are shared, made once)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def header(self, names: Sequence[str]) -> list:
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.sheet, value=str(name))
            cell.font = self.bold
            cells.append(cell)
        return cells

    def cell(self, value):
        """A value as the sheet stores it. Most cells go in as plain values (openpyxl stores a string as text, a
        date with the date format); only text a spreadsheet would read as a formula, or that lists several values,
        needs a cell object of its own."""
        if value is None or isinstance(value, bool | int | float | Decimal | date) and not isinstance(value, datetime):
            return value
        if isinstance(value, datetime):
            return _utc(value)
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters XML cannot hold
        formula_like = is_formula_like(text)
        if not formula_like and SEPARATOR not in text:
            return text
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"  # text, never a formula (openpyxl makes "=..." a formula otherwise)
        if formula_like:
            cell.quotePrefix = True
        if SEPARATOR in text:
            cell.alignment = self.wrap
        return cell


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of the sheets, each streamed row by row (openpyxl's write-only mode: constant time a row)."""
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()


def write_workbook(sheets: Iterable[Sheet], out) -> None:
    """The workbook of `workbook_bytes` written to the binary file `out` (a temporary file, for an export too big
    to hold: openpyxl keeps each sheet's rows in a temporary file of its own, so memory stays constant)."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        for n, name in enumerate(spec.header, start=1):
            width = spec.widths[n - 1] if spec.widths else max(10, min(60, len(str(name)) + 4))
            sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.freeze_panes = "A2"
        cells = _Cells(sheet)
        sheet.append(cells.header(spec.header))
        for row in spec.rows:
            sheet.append([cells.cell(v) for v in row])
    book.save(out)


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return workbook_bytes([Sheet(title, header, rows)])
