"""Uploaded files read within bounds: the one place that opens a zip (XLSX, Office, OpenDocument), streams its
members and parses their XML, with every limit checked before the work grows with the file.

A hostile file is small on the wire and huge once read: a zip member that unpacks a thousandfold, a sheet whose
`<dimension>` claims a million rows, one shared string of 300 MB, an XML entity bomb. So nothing here trusts what a
file declares about itself: the members' declared sizes are checked first (cheap), then what really comes out of
each is counted while it is read, and the XML is parsed as a stream with entities never resolved and any DOCTYPE
refused (Office files never carry one). A time budget bounds the whole read.

Every refusal is a `FileRefused` whose message names the limit (the configuration setting) and says what to do;
`limit` holds that setting's name. The limits come from the configuration (`Limits.from_config`; config.py and the
README document them); `Limits()` holds the defaults, for callers without an application.
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

from flask_babel import gettext as _
from lxml import etree

#: Past this much unpacked from one member, its packing ratio is judged (small parts pack tightly and are fine).
RATIO_FREE_BYTES = 1024 * 1024
CHUNK = 64 * 1024


class FileRefused(ValueError):
    """A file refused whole; the message says why (shown as is), `limit` names the setting it exceeded, if any."""

    def __init__(self, message: str, limit: str | None = None):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may cost to read. Each attribute is the setting of the same name, upper-cased."""
    #: Parts of one zip (a workbook has a dozen; a document with many images some hundreds).
    upload_zip_max_members: int = 2000
    #: Bytes one zip member may weigh packed and unpacked.
    upload_zip_max_member_bytes: int = 128 * 1024 * 1024
    #: Bytes every member of one zip may unpack to in all.
    upload_zip_max_unpacked_bytes: int = 256 * 1024 * 1024
    #: How many times a member may be larger unpacked than packed (past its first megabyte).
    upload_zip_max_ratio: int = 200
    #: Seconds reading one file may take, whatever it holds: a backstop behind the other limits, above what a
    #: workbook of SHEET_MAX_ROWS real rows takes on a busy server.
    upload_read_seconds: float = 10.0
    #: Rows of a sheet (blank rows that carry formatting count: they are rows the file makes us read).
    sheet_max_rows: int = 20_000
    #: Cells in one row of a sheet, and the last column a value may be in.
    sheet_max_columns: int = 200
    #: Characters in one cell (Excel's own limit).
    sheet_max_cell_chars: int = 32_767
    #: UTF-8 bytes of all the shared strings of a workbook together.
    sheet_max_shared_strings_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        values = {}
        for f in fields(cls):
            raw = config.get(f.name.upper())
            if raw not in (None, ""):
                values[f.name] = float(raw) if f.name == "upload_read_seconds" else int(raw)
        return cls(**values)


def current_limits() -> Limits:
    """The limits of the running application's configuration (the defaults outside an application)."""
    from flask import current_app, has_app_context
    return Limits.from_config(current_app.config) if has_app_context() else Limits()


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class Budget:
    """The limits, the time left and the bytes unpacked so far while one file is read."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.upload_read_seconds
        self.unpacked = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise FileRefused(_("Reading the file took longer than the %(n)s seconds an upload may take "
                                "(UPLOAD_READ_SECONDS): send a smaller or simpler file.",
                                n=format(self.limits.upload_read_seconds, "g")), "UPLOAD_READ_SECONDS")


# ------------------------------------------------------------------ what a file is, by its content
_MAGIC = ((b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"MZ", "a Windows program"),
          (b"\x7fELF", "a Linux program"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
          (b"Rar!", "a RAR archive"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97–2003 workbook (.xls)"),
          (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"))


def sniff(data: bytes) -> str | None:
    """"zip" for a zip (XLSX, Office, OpenDocument), a description for another binary kind this app never takes as
    a table, None for anything else (text, to be read as such)."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


# ------------------------------------------------------------------ zips
def _bad_member_name(name: str) -> bool:
    """A member name that is a path out of the archive: absolute, a drive, a backslash, or a ".." part."""
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or ".." in parts or (":" in parts[0])
            or any(ord(ch) < 32 for ch in name))


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip, once what its directory declares is within the limits (members, their names, packed and unpacked
    sizes, ratio); FileRefused otherwise. What each member really unpacks to is counted by `read_member`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise FileRefused(_("The file is damaged: it cannot be opened. Save it again and upload the new copy.")) \
            from None
    if len(members) > limits.upload_zip_max_members:
        raise FileRefused(_("The file packs %(parts)s parts: more than the %(n)s a document holds "
                            "(UPLOAD_ZIP_MAX_MEMBERS). It is refused as a possible zip bomb.",
                            parts=format(len(members), ","), n=format(limits.upload_zip_max_members, ",")),
                          "UPLOAD_ZIP_MAX_MEMBERS")
    declared = 0
    for member in members:
        if _bad_member_name(member.filename):
            raise FileRefused(_("The file holds a part whose name is a folder path out of the file (“..”, an "
                                "absolute path or a drive): it is refused. Save the document again and upload the "
                                "new copy."))
        if member.flag_bits & 0x1:
            raise FileRefused(_("The file is password-protected: its content cannot be checked. Remove the "
                                "password and upload it again."))
        if member.compress_size > len(data):
            raise FileRefused(_("The file is damaged: a part claims to be larger than the file. Save it again and "
                                "upload the new copy."))
        if max(member.compress_size, member.file_size) > limits.upload_zip_max_member_bytes:
            # Two whole sentences, packed or unpacked, for the languages that inflect the word.
            at_most = megabytes(limits.upload_zip_max_member_bytes)
            if member.compress_size > limits.upload_zip_max_member_bytes:
                message = _("A part of the file weighs %(size)s packed: more than the %(max)s a part may weigh "
                            "(UPLOAD_ZIP_MAX_MEMBER_BYTES).", size=megabytes(member.compress_size), max=at_most)
            else:
                message = _("A part of the file weighs %(size)s unpacked: more than the %(max)s a part may weigh "
                            "(UPLOAD_ZIP_MAX_MEMBER_BYTES).", size=megabytes(member.file_size), max=at_most)
            raise FileRefused(message, "UPLOAD_ZIP_MAX_MEMBER_BYTES")
        if member.file_size > RATIO_FREE_BYTES and \
                member.file_size > limits.upload_zip_max_ratio * max(member.compress_size, 1):
            raise _ratio_refusal(limits)
        declared += member.file_size
    if declared > limits.upload_zip_max_unpacked_bytes:
        raise _unpacked_refusal(limits)
    return archive


def _ratio_refusal(limits: Limits) -> FileRefused:
    return FileRefused(_("A part of the file unpacks to more than %(n)s times its packed size (UPLOAD_ZIP_MAX_RATIO): "
                         "it is refused as a possible zip bomb.", n=limits.upload_zip_max_ratio),
                       "UPLOAD_ZIP_MAX_RATIO")


def _unpacked_refusal(limits: Limits) -> FileRefused:
    return FileRefused(_("The file unpacks to more than %(size)s (UPLOAD_ZIP_MAX_UNPACKED_BYTES): it is refused as a "
                         "possible zip bomb.", size=megabytes(limits.upload_zip_max_unpacked_bytes)),
                       "UPLOAD_ZIP_MAX_UNPACKED_BYTES")


def read_member(archive: zipfile.ZipFile, name: str, budget: Budget) -> Iterator[bytes]:
    """The member's bytes in chunks, counting what really comes out (a directory may lie about sizes): FileRefused
    past the member's limit, the ratio, the file's total or the time budget, or when the member is damaged."""
    limits = budget.limits
    member = archive.getinfo(name)
    read = 0
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                read += len(chunk)
                budget.unpacked += len(chunk)
                if read > limits.upload_zip_max_member_bytes:
                    raise FileRefused(_("A part of the file unpacks to more than %(size)s "
                                        "(UPLOAD_ZIP_MAX_MEMBER_BYTES).",
                                        size=megabytes(limits.upload_zip_max_member_bytes)),
                                      "UPLOAD_ZIP_MAX_MEMBER_BYTES")
                if read > RATIO_FREE_BYTES and read > limits.upload_zip_max_ratio * max(member.compress_size, 1):
                    raise _ratio_refusal(limits)
                if budget.unpacked > limits.upload_zip_max_unpacked_bytes:
                    raise _unpacked_refusal(limits)
                budget.tick()
                yield chunk
    except FileRefused:
        raise
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, RuntimeError):
        raise FileRefused(_("The file is damaged: a part of it cannot be read. Save it again and upload the new "
                            "copy.")) from None


def drain(archive: zipfile.ZipFile, budget: Budget) -> None:
    """Unpack every member within the limits, keeping nothing (a file checked whole before it is kept)."""
    for member in archive.infolist():
        for _chunk in read_member(archive, member.filename, budget):
            pass


# ------------------------------------------------------------------ XML
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def local(tag) -> str:
    """An element's name without its namespace ("{…/main}row" -> "row")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def iter_xml(chunks: Iterator[bytes], budget: Budget, max_text_bytes: int | None = None,
             text_limit: str = "SHEET_MAX_CELL_CHARS", events=("start", "end"),
             tags=None) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) of a streamed XML part (`events` of the elements named in `tags`, every element when None),
    parsed by lxml with entities never resolved, no DTD loaded, nothing fetched; a DOCTYPE or an entity declaration
    is refused at once (an entity bomb), and so is a text run longer than `max_text_bytes` before the parser holds
    it. The caller clears what it has read."""
    parser = etree.XMLPullParser(events=events, tag=tags, resolve_entities=False, load_dtd=False, no_network=True,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
    tail = b""
    run = 0  # bytes since the last "<": the text the parser is accumulating
    try:
        for chunk in chunks:
            window = tail + chunk
            if any(d in window for d in _DECLARATIONS):
                raise FileRefused(_("The file declares XML entities (a DOCTYPE), which Office files never do: it is "
                                    "refused as a possible XML bomb."))
            tail = window[-16:]
            if max_text_bytes is not None:
                pieces = chunk.split(b"<")
                longest = max(run + len(pieces[0]), *(len(p) for p in pieces[1:])) if len(pieces) > 1 else \
                    run + len(chunk)
                run = len(pieces[-1]) if len(pieces) > 1 else run + len(chunk)
                if longest > max_text_bytes:
                    raise FileRefused(_("A cell of the file holds more than %(n)s bytes of text, beyond the limit of "
                                        "a cell (%(setting)s).", n=format(max_text_bytes, ","), setting=text_limit),
                                      text_limit)
            parser.feed(chunk)
            yield from parser.read_events()
            budget.tick()
        parser.close()
        yield from parser.read_events()
    except etree.XMLSyntaxError as exc:
        raise FileRefused(_("The file is damaged: a part of it is not well-formed XML (%(problem)s). Save it again "
                            "and upload the new copy.", problem=str(exc)[:80])) from None


def release(element) -> None:
    """Drop an element read to its end, and the siblings before it, so memory stays flat over a long part."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
