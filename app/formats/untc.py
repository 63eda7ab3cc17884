"""Parser for the UN Treaty Collection participant table (CSV; see CONTRACT.md).

The importer refuses a malformed file whole and names its bad lines, so this parser never stops at
the first problem: it returns the rows it could read and one `LineError` per problem found.  It only
reads the file; resolving participant names to State codes, and judging anomalies such as a
ratification without a signature, are the application's job.

Oversized input stays cheap: the file is read as a stream, at most MAX_ERRORS problems are kept (the
rest only counted, in `Table.more_errors`), and past MAX_ROWS data rows — a real table has one row per
participant, about two hundred — the rest of the file is only counted, neither checked nor kept.
"""
from __future__ import annotations

import csv
import datetime
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from app.formatting import format_number

# Deposit flags are case-sensitive: "a" is accession but "A" is acceptance.
FLAGS = {"": "ratification", "A": "acceptance", "AA": "approval", "a": "accession", "d": "succession"}

# Spelt out rather than taken from strftime, which follows the process locale.
_MONTHS = {"sept": 9}
for _number, _full in enumerate(("january february march april may june july august september "
                                 "october november december").split(), start=1):
    _MONTHS[_full] = _MONTHS[_full[:3]] = _number

_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})")
_DEPOSIT = re.compile(rf"(?P<date>{_DATE.pattern})(?:\s+(?P<flag>.+))?")
# Footnote markers the UN Treaty Collection appends to names: "Denmark 2", "Denmark2", "Denmark 2, 3".
_FOOTNOTES = re.compile(r"\s*\d+(?:\s*,\s*\d+)*$")
_EXAMPLE = "12 Dec 2000"
#: Problems kept with their message; further ones are only counted.
MAX_ERRORS = 100
#: Far more participant rows than any depositary table has (one per State, about 200).
MAX_ROWS = 1000


@dataclass(frozen=True)
class Row:
    """One participant of the table; `line` is the 1-based physical line (the header is line 1)."""

    line: int
    participant: str
    signature: datetime.date | None
    deposit: datetime.date | None
    deposit_kind: str | None


@dataclass(frozen=True)
class LineError:
    """One problem, tied to its line (0 when it concerns the whole file, e.g. its encoding)."""

    line: int
    message: str


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    #: The first MAX_ERRORS problems, in line order.
    errors: list[LineError] = field(default_factory=list)
    #: How many more problems there were beyond `errors`.
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, line: int, message: str) -> None:
        # A problem of the whole file (line 0) is always kept: there are few, and they explain the rest.
        if line == 0 or len(self.errors) < MAX_ERRORS:
            self.errors.append(LineError(line, message))
        else:
            self.more_errors += 1


def _date(text: str) -> datetime.date | None:
    """A date written like "12 Dec 2000" or "12 December 2000"; None if it is not one (or impossible)."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    day, month, year = match.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return datetime.date(int(year), number, int(day))
    except ValueError:
        return None


def written_date(text: str) -> datetime.date | None:
    """The public name of `_date`: the spreadsheet imports read dates written this way too."""
    return _date(text)


def _not_a_date(column: str, value: str) -> str:
    # The column keeps the file's own (English) header: it is what the person looks for in the file.
    return _('%(column)s: "%(value)s" is not a date like %(example)s', column=column, value=shorten(value),
             example=_EXAMPLE)


def _participant(text: str) -> str:
    return _FOOTNOTES.sub("", " ".join(text.split())).strip()


def _find_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column positions by role, recognised by header text in any order, and the names of any missing."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = " ".join(cell.split()).lower()
        if "participant" not in found and name.startswith("participant"):
            found["participant"] = index
        elif "signature" not in found and name.startswith("signature"):
            found["signature"] = index
        elif "deposit" not in found and ("ratification" in name or "accession" in name):
            found["deposit"] = index
    wanted = {
        "participant": '"Participant"',
        "signature": '"Signature"',
        "deposit": _('the deposit column (a header naming "Ratification" or "Accession")'),
    }
    return found, [label for role, label in wanted.items() if role not in found]


def _read_row(line: int, cells: list[str], columns: dict[str, int], table: Table) -> Row | None:
    """One data row, or None after recording its errors (every bad field is reported)."""
    problems: list[str] = []
    raw_name = cells[columns["participant"]]
    participant = _participant(raw_name)
    if not participant:
        problems.append(_('Participant: empty name "%(name)s"', name=shorten(raw_name.strip())))

    signature_text = " ".join(cells[columns["signature"]].split())
    signature = _date(signature_text) if signature_text else None
    if signature_text and signature is None:
        problems.append(_not_a_date("Signature", signature_text))

    deposit_text = " ".join(cells[columns["deposit"]].split())
    deposit = kind = None
    if deposit_text:
        match = _DEPOSIT.fullmatch(deposit_text)
        deposit = _date(match["date"]) if match else None
        if deposit is None:
            shown = match["date"] if match else deposit_text
            problems.append(_not_a_date("Deposit", shown))
        flag = (match["flag"] or "") if match else ""
        if match and flag not in FLAGS:
            problems.append(_('Deposit: unknown flag "%(flag)s" in "%(text)s" (expected a, A, AA, d or none)',
                              flag=shorten(flag), text=shorten(deposit_text)))
        kind = FLAGS.get(flag)

    if not signature_text and not deposit_text:
        problems.append(_('"%(name)s": neither a signature nor a deposit', name=shorten(participant or raw_name)))
    for message in problems:
        table.add_error(line, message)
    if problems:
        return None
    return Row(line, participant, signature, deposit, kind if deposit else None)


def shorten(text: str, limit: int = 80) -> str:
    """A cell quoted in a message: a huge one (a whole file on one line) must not make a huge message."""
    return text if len(text) <= limit else text[:limit] + "…"


def parse_lines(lines: Iterable[str]) -> Table:
    """Read the table from the lines of the CSV file (any iterable of str, e.g. an open file); never raises
    for bad content. The lines are consumed one at a time."""
    table = Table()
    first = True

    def without_bom(stream):
        nonlocal first
        for text in stream:
            if first:
                first = False
                if text.startswith("\ufeff"):
                    text = text[1:]
            yield text

    reader = csv.reader(without_bom(lines))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    first_line: dict[str, int] = {}
    end = 0  # physical line on which the previous record ended
    records = 0  # data rows met, good or bad
    skipped = 0  # data rows past MAX_ROWS, counted only
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                columns, missing = _find_columns(header)
                if missing:
                    table.add_error(line, _("Missing column(s): %(columns)s", columns=", ".join(missing)))
                    return table
                continue
            records += 1
            if records > MAX_ROWS:  # not a depositary table: count the rest, check none of it
                skipped += 1
                continue
            if len(cells) != len(header):
                table.add_error(line, _("%(n)s fields where the header has %(header)s", n=len(cells),
                                        header=len(header)))
                continue
            row = _read_row(line, cells, columns, table)
            if row is None:
                continue
            if row.participant in first_line:
                table.add_error(line, _('Participant: "%(name)s" appears twice (first on line %(first)s)',
                                        name=shorten(row.participant), first=first_line[row.participant]))
                continue
            first_line[row.participant] = line
            table.rows.append(row)
    except csv.Error as exc:  # e.g. a NUL byte or an unterminated quote at the end of the file
        table.add_error(reader.line_num, _("Not readable as CSV: %(why)s", why=exc))
    except UnicodeDecodeError as exc:  # raised by the file while it is read
        table.add_error(0, _("The file is not UTF-8 text (byte 0x%(byte)s after line %(line)s)",
                             byte=f"{exc.object[exc.start]:02x}", line=end))
    return _ended(table, header is None, skipped)


def _ended(table: Table, no_header: bool, skipped: int) -> Table:
    """What the whole file's reading found, once it is read: no header at all, or rows past MAX_ROWS."""
    if no_header and not table.errors:
        table.add_error(1, _("The file is empty: no header row"))
    if skipped:
        table.add_error(0, ngettext("The table goes on for %(count)s more row after its first %(max)s: a depositary "
                                    "table has one row per participant (about 200). The rest was not checked.",
                                    "The table goes on for %(count)s more rows after its first %(max)s: a depositary "
                                    "table has one row per participant (about 200). The rest was not checked.",
                                    skipped, count=format_number(skipped), max=format_number(MAX_ROWS)))
    return table


def parse(text: str) -> Table:
    """Read the table from the text of the CSV file; never raises for bad content."""
    return parse_lines(io.StringIO(text, newline=""))


def parse_file(path: str | os.PathLike) -> Table:
    """Read the table from a UTF-8 file as a stream; an undecodable file yields a LineError on line 0."""
    with open(path, encoding="utf-8", newline="") as handle:
        return parse_lines(handle)
