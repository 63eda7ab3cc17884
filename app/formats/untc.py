"""Parser for the UN Treaty Collection participant table (CSV; see CONTRACT.md).

The importer refuses a malformed file whole and names every bad line, so this parser never stops at
the first problem: it returns the rows it could read and one `LineError` per problem found.  It only
reads the file; resolving participant names to State codes, and judging anomalies such as a
ratification without a signature, are the application's job.
"""
from __future__ import annotations

import csv
import datetime
import io
import os
import re
from dataclasses import dataclass, field

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
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _not_a_date(column: str, value: str) -> str:
    return f'{column}: "{value}" is not a date like {_EXAMPLE}'


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
        "deposit": 'the deposit column (a header naming "Ratification" or "Accession")',
    }
    return found, [label for role, label in wanted.items() if role not in found]


def _read_row(line: int, cells: list[str], columns: dict[str, int],
              errors: list[LineError]) -> Row | None:
    """One data row, or None after appending its errors (every bad field is reported)."""
    before = len(errors)
    raw_name = cells[columns["participant"]]
    participant = _participant(raw_name)
    if not participant:
        errors.append(LineError(line, f'Participant: empty name "{raw_name.strip()}"'))

    signature_text = " ".join(cells[columns["signature"]].split())
    signature = _date(signature_text) if signature_text else None
    if signature_text and signature is None:
        errors.append(LineError(line, _not_a_date("Signature", signature_text)))

    deposit_text = " ".join(cells[columns["deposit"]].split())
    deposit = kind = None
    if deposit_text:
        match = _DEPOSIT.fullmatch(deposit_text)
        deposit = _date(match["date"]) if match else None
        if deposit is None:
            shown = match["date"] if match else deposit_text
            errors.append(LineError(line, _not_a_date("Deposit", shown)))
        flag = (match["flag"] or "") if match else ""
        if match and flag not in FLAGS:
            errors.append(LineError(
                line, f'Deposit: unknown flag "{flag}" in "{deposit_text}" (expected a, A, AA, d or none)'))
        kind = FLAGS.get(flag)

    if not signature_text and not deposit_text:
        errors.append(LineError(line, f'"{participant or raw_name}": neither a signature nor a deposit'))
    if len(errors) > before:
        return None
    return Row(line, participant, signature, deposit, kind if deposit else None)


def parse(text: str) -> Table:
    """Read the table from the text of the CSV file; never raises for bad content."""
    table = Table()
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    first_line: dict[str, int] = {}
    end = 0  # physical line on which the previous record ended
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                columns, missing = _find_columns(header)
                if missing:
                    table.errors.append(LineError(line, "Missing column(s): " + ", ".join(missing)))
                    return table
                continue
            if len(cells) != len(header):
                table.errors.append(LineError(
                    line, f"{len(cells)} fields where the header has {len(header)}"))
                continue
            row = _read_row(line, cells, columns, table.errors)
            if row is None:
                continue
            if row.participant in first_line:
                table.errors.append(LineError(
                    line, f'Participant: "{row.participant}" appears twice (first on line '
                          f'{first_line[row.participant]})'))
                continue
            first_line[row.participant] = line
            table.rows.append(row)
    except csv.Error as exc:  # e.g. a NUL byte or an unterminated quote at the end of the file
        table.errors.append(LineError(reader.line_num, f"Not readable as CSV: {exc}"))
    if header is None:
        table.errors.append(LineError(1, "The file is empty: no header row"))
    return table


def parse_file(path: str | os.PathLike) -> Table:
    """Read the table from a UTF-8 file; an undecodable file yields one LineError on line 0."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Table(errors=[LineError(
            0, f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})")])
    return parse(text)
