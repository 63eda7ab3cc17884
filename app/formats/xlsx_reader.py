"""The first sheet of an XLSX workbook as rows of cells, read as a stream within `upload_limits`' bounds.

Not openpyxl: its reader trusts the sheet's `<dimension>` and fills every row and column it claims (a 1.5 KB file
saying A1:XFD1048576 keeps a worker busy for minutes), and holds every shared string in memory whatever their
size. Here only the rows and cells present in the file are read, each counted against the limits as it comes:
rows, cells per row, the column of a value, the length of a cell, the shared strings' total; and a macro-enabled
workbook is refused. Cells come back as openpyxl's values-only reader gives them: text, int, float, bool, and
datetime for a number in a date format (openpyxl's own format and epoch helpers decide).
"""
from __future__ import annotations

import contextlib
import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator

from flask_babel import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from app.formats.upload_limits import Budget, FileRefused, Limits, iter_xml, local, open_zip, read_member, release

_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_RELATIONSHIP = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_CELL = re.compile(r"([A-Z]{1,3})(\d+)$")
#: The sheet's elements the reader needs, in both namespaces a workbook may use (transitional and strict).
_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
               "http://purl.oclc.org/ooxml/spreadsheetml/main")
_SHEET_TAGS = {f"{{{ns}}}{name}": name for ns in _NAMESPACES for name in ("row", "c", "sheetData")}
_TEXT_TAGS = tuple(f"{{{ns}}}t" for ns in _NAMESPACES)


def _damaged(what: str) -> FileRefused:
    return FileRefused(_("The workbook is damaged (%(problem)s): save it again as .xlsx.", problem=what))


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Workbook:
    """One uploaded workbook: `rows()` yields (row number, cells) of its first sheet."""

    def __init__(self, data: bytes, limits: Limits):
        self.limits = limits
        self.budget = Budget(limits)
        self.archive = open_zip(data, limits)
        self.names = {m.filename for m in self.archive.infolist()}
        self._refuse_macros()
        self.workbook_path = self._office_document()
        self.epoch = CALENDAR_WINDOWS_1900
        self.sheet_path, self.strings_path, self.styles_path = self._parts()

    # -- the parts
    def _xml(self, name: str, **options):
        return iter_xml(read_member(self.archive, name, self.budget), self.budget,
                        self.limits.sheet_max_cell_chars * 4, **options)

    def _refuse_macros(self) -> None:
        if any(n.lower().endswith("vbaproject.bin") for n in self.names):
            raise FileRefused(_("The workbook carries macros (a VBA project), which are not accepted: save it as an "
                                "Excel workbook without macros (.xlsx) and upload that."))
        if "[Content_Types].xml" not in self.names:
            raise FileRefused(_("The file is a zip archive, not an Excel workbook (.xlsx): upload the workbook "
                                "itself."))
        for event, element in self._xml("[Content_Types].xml"):
            if event == "end" and "macroenabled" in (element.get("ContentType") or "").lower():
                raise FileRefused(_("The workbook is macro-enabled (.xlsm), which is not accepted: save it as an "
                                    "Excel workbook without macros (.xlsx) and upload that."))

    def _relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """id -> (type, target path in the zip) of a part's relationships."""
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return found
        for event, element in self._xml(rels):
            if event == "end" and local(element.tag) == "Relationship":
                target = element.get("Target") or ""
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                found[element.get("Id") or ""] = ((element.get("Type") or "").rsplit("/", 1)[-1], path)
                if len(found) > self.limits.upload_zip_max_members:
                    raise _damaged("too many relationships")
        return found

    def _office_document(self) -> str:
        for kind, path in self._relationships("").values():
            if kind == "officeDocument" and path in self.names:
                return path
        if "xl/workbook.xml" in self.names:
            return "xl/workbook.xml"
        raise FileRefused(_("The file is an Office document but not an Excel workbook (.xlsx): upload a workbook."))

    def _parts(self) -> tuple[str, str | None, str | None]:
        relationships = self._relationships(self.workbook_path)
        first = None
        for event, element in self._xml(self.workbook_path):
            if event != "end":
                continue
            name = local(element.tag)
            if name == "workbookPr" and (element.get("date1904") or "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif name == "sheet" and first is None:
                first = element.get(_RELATIONSHIP) or element.get(_STRICT_RELATIONSHIP)
            release(element)
        if first is None or first not in relationships or relationships[first][1] not in self.names:
            raise FileRefused(_("The workbook has no sheet."))
        by_kind = {kind: path for kind, path in relationships.values() if path in self.names}
        return relationships[first][1], by_kind.get("sharedStrings"), by_kind.get("styles")

    # -- shared strings and styles
    def shared_strings(self) -> list[str]:
        strings: list[str] = []
        if self.strings_path is None:
            return strings
        limits = self.limits
        total, pieces, length, depth_rph = 0, [], 0, 0
        for event, element in self._xml(self.strings_path):
            name = local(element.tag)
            if name == "rPh":  # phonetic guides: not part of the text
                depth_rph += 1 if event == "start" else -1
                continue
            if event != "end":
                continue
            if name == "t" and not depth_rph:
                text = element.text or ""
                pieces.append(text)
                length += len(text)
                total += len(text.encode("utf-8", "surrogatepass"))
                if length > limits.sheet_max_cell_chars:
                    raise _cell_too_long(limits)
                if total > limits.sheet_max_shared_strings_bytes:
                    raise FileRefused(_("The workbook's text adds up to more than %(size)s MB "
                                        "(SHEET_MAX_SHARED_STRINGS_BYTES): split it into several files.",
                                        size=format(limits.sheet_max_shared_strings_bytes / 1024 / 1024, ".1f")),
                                      "SHEET_MAX_SHARED_STRINGS_BYTES")
            elif name == "si":
                strings.append("".join(pieces))
                pieces, length = [], 0
                release(element)
        return strings

    def date_styles(self) -> set[int]:
        """The indexes of the cell formats that show a number as a date."""
        if self.styles_path is None:
            return set()
        custom: dict[int, str] = {}
        dates: set[int] = set()
        in_xfs, index = False, 0
        for event, element in self._xml(self.styles_path):
            name = local(element.tag)
            if name == "cellXfs":
                in_xfs = event == "start"
                continue
            if event != "end":
                continue
            if name == "numFmt":
                with contextlib.suppress(ValueError):
                    custom[int(element.get("numFmtId") or -1)] = element.get("formatCode") or ""
            elif name == "xf" and in_xfs:
                try:
                    number_format = int(element.get("numFmtId") or 0)
                except ValueError:
                    number_format = 0
                code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, ""))
                if code and is_date_format(code):
                    dates.add(index)
                index += 1
                if index > self.limits.upload_zip_max_members * 100:
                    raise _damaged("too many cell formats")
        return dates

    # -- the sheet
    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number as the sheet numbers it, cells by column from A) of every row present in the first sheet."""
        limits = self.limits
        strings = self.shared_strings()
        dates = self.date_styles()
        count, previous = 0, 0
        cells: dict[int, object] = {}
        for _event, element in self._xml(self.sheet_path, events=("end",), tags=list(_SHEET_TAGS)):
            name = _SHEET_TAGS[element.tag]
            if name == "c":
                self._cell(element, cells, strings, dates)
                release(element)
            elif name == "row":
                count += 1
                if count > limits.sheet_max_rows + 1:
                    raise FileRefused(_("The sheet has more than %(n)s rows (SHEET_MAX_ROWS; blank rows that carry "
                                        "formatting count too): split it into several files.",
                                        n=format(limits.sheet_max_rows, ",")), "SHEET_MAX_ROWS")
                number = self._row_number(element.get("r"), previous)
                previous = number
                release(element)
                if count % 256 == 0:
                    self.budget.tick()
                width = max(cells) if cells else 0
                yield number, [cells.get(c) for c in range(1, width + 1)]
                cells = {}
            else:  # the end of sheetData: what follows (merged cells, print settings…) is not read
                break

    def _cell(self, element, cells: dict, strings: list[str], dates: set[int]) -> None:
        limits = self.limits
        if len(cells) >= limits.sheet_max_columns:
            raise _too_many_columns(limits)
        column = self._column(element.get("r"), len(cells))
        kind = element.get("t") or "n"
        raw, inline = None, []
        for child in element:
            name = local(child.tag)
            if name == "v":
                raw = child.text
            elif name == "is":
                inline = [t.text or "" for t in child.iter(*_TEXT_TAGS)]
        cell = self._value(kind, raw, inline, element.get("s"), strings, dates)
        if cell is None or cell == "":
            return
        if column > limits.sheet_max_columns:
            raise FileRefused(_("A value is in column %(column)s, beyond the %(n)s columns an import reads "
                                "(SHEET_MAX_COLUMNS): delete what is past them.", column=_column_letters(column),
                                n=limits.sheet_max_columns), "SHEET_MAX_COLUMNS")
        cells[column] = cell

    @staticmethod
    def _row_number(raw: str | None, previous: int) -> int:
        if raw is None:
            return previous + 1
        if not raw.isdigit() or not previous < int(raw) <= 1_048_576:
            raise _damaged(f"row number {raw[:12]!r}")
        return int(raw)

    @staticmethod
    def _column(ref: str | None, present: int) -> int:
        if ref is None:
            return present + 1
        match = _CELL.match(ref)
        if not match:
            raise _damaged(f"cell reference {ref[:12]!r}")
        return _column_number(match.group(1))

    def _value(self, kind, raw, inline, style, strings, dates):
        limits = self.limits
        if kind == "inlineStr":
            text = "".join(inline)
            if len(text) > limits.sheet_max_cell_chars:
                raise _cell_too_long(limits)
            return text
        if raw is None:
            return None
        if len(raw) > limits.sheet_max_cell_chars:
            raise _cell_too_long(limits)
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                raise _damaged("a cell names a shared string that is not there") from None
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw)
            except ValueError:
                return raw
        try:
            number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        except ValueError:
            raise _damaged(f"a number cell holds {raw[:20]!r}") from None
        try:
            if style is not None and int(style) in dates:
                return from_excel(number, self.epoch)
        except (ValueError, OverflowError, TypeError):
            return number
        return number


def _cell_too_long(limits: Limits) -> FileRefused:
    return FileRefused(_("A cell holds more than %(n)s characters (SHEET_MAX_CELL_CHARS): shorten it.",
                         n=format(limits.sheet_max_cell_chars, ",")), "SHEET_MAX_CELL_CHARS")


def _too_many_columns(limits: Limits) -> FileRefused:
    return FileRefused(_("A row has more than %(n)s cells (SHEET_MAX_COLUMNS): delete the columns the import does "
                         "not need.", n=limits.sheet_max_columns), "SHEET_MAX_COLUMNS")


def rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the first sheet of the workbook `data`; FileRefused naming the limit it exceeds."""
    try:
        book = Workbook(data, limits)
    except zipfile.BadZipFile:
        raise _damaged("not a zip") from None
    yield from book.rows()
