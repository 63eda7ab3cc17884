"""Tables as files: CSV through the `csv` module, XLSX through openpyxl. Exports hand in a header and rows of
plain values (text, numbers, ISO dates as text) and get bytes back."""
import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

#: A cell that starts like a formula is written as text (CSV opened in a spreadsheet would run it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"
    for n, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(10, min(60, len(name) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
