"""What a file really is, read from its content, never from its name or the type the browser claims.

A file is accepted when its name is a plain file name (no path, no control or direction characters), its
extension is one of the accepted kinds, and its content is that kind: PDF, Word, Excel and PowerPoint (the Office
Open XML formats and the older binary ones), OpenDocument, PNG, JPEG, GIF, WebP, TIFF, plain text and CSV.
Refused: executables and scripts, web pages (an HTML file renamed .pdf or .txt), content of another kind than its
extension, macro-enabled Office and OpenDocument files, password-protected ones (their content cannot be checked),
and zip bombs — the Office and OpenDocument formats are zip files, so each is opened and read within the bounds of
app/formats/upload_limits.py (members, their names, packed and unpacked sizes, packing ratio, time; the
UPLOAD_ZIP_* settings) before it is kept.

Every refusal is a `Refused` on the field `file`, with a message saying what to do.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

import olefile
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formats.upload_limits import Budget, FileRefused, current_limits, drain, open_zip
from app.services.core.errors import Refused

FIELD = "file"

KINDS: dict[str, tuple[str, str]] = {  # kind -> (content type, what it is called)
    "pdf": ("application/pdf", _l("a PDF document")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _l("a Word document")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _l("an Excel workbook")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             _l("a PowerPoint presentation")),
    "doc": ("application/msword", _l("a Word 97–2003 document")),
    "xls": ("application/vnd.ms-excel", _l("an Excel 97–2003 workbook")),
    "ppt": ("application/vnd.ms-powerpoint", _l("a PowerPoint 97–2003 presentation")),
    "odt": ("application/vnd.oasis.opendocument.text", _l("an OpenDocument text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _l("an OpenDocument spreadsheet")),
    "odp": ("application/vnd.oasis.opendocument.presentation", _l("an OpenDocument presentation")),
    "png": ("image/png", _l("a PNG image")),
    "jpeg": ("image/jpeg", _l("a JPEG image")),
    "gif": ("image/gif", _l("a GIF image")),
    "webp": ("image/webp", _l("a WebP image")),
    "tiff": ("image/tiff", _l("a TIFF image")),
    "txt": ("text/plain; charset=utf-8", _l("plain text")),
    "csv": ("text/csv; charset=utf-8", _l("a CSV table")),
}
#: Extension -> the kind its content must be.
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "doc": "doc", "xls": "xls",
              "ppt": "ppt", "odt": "odt", "ods": "ods", "odp": "odp", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
              "gif": "gif", "webp": "webp", "tif": "tiff", "tiff": "tiff", "txt": "txt", "csv": "csv"}
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm"}
ACCEPTED = _l("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, TIFF, plain text or CSV")

_EXECUTABLE = ((b"MZ", _l("a Windows program")), (b"\x7fELF", _l("a Linux program")),
               (b"\xcf\xfa\xed\xfe", _l("a Mac program")), (b"\xce\xfa\xed\xfe", _l("a Mac program")),
               (b"\xca\xfe\xba\xbe", _l("a program")), (b"#!", _l("a script")))
_WEB = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta|link|style|\?xml|a\s)",
                  re.I)


@dataclass(frozen=True)
class Checked:
    """A file that passed: its name as uploaded, its kind, content type, size and SHA-256 (hex)."""
    file_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def _refuse(message: str):
    raise Refused({FIELD: message})


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_name(raw: str | None) -> tuple[str, str]:
    """(the file name, its lower-case extension), or Refused saying what is wrong with the name."""
    name = unicodedata.normalize("NFC", raw or "")
    if not name.strip():
        _refuse(_("Choose a file to upload."))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        _refuse(_("The file name holds control or text-direction characters: rename the file with ordinary "
                "characters and upload it again."))
    if "/" in name or "\\" in name or name in (".", ".."):
        _refuse(_("The file name holds a folder path: upload the file under its own name only."))
    if name.startswith(".") or name != name.strip():
        _refuse(_("The file name starts or ends with a blank or a dot: rename the file and upload it again."))
    if len(name) > 200:
        _refuse(_("The file name is longer than 200 characters: rename the file and upload it again."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in MACRO_EXTENSIONS:
        _refuse(_("“.%(extension)s” files carry macros, which are not accepted: save the document without macros "
                  "(e.g. as .docx or .xlsx) and upload that.", extension=extension))
    if extension not in EXTENSIONS:
        if extension:
            _refuse(_("“.%(extension)s” files are not accepted: upload %(accepted)s.", extension=extension,
                      accepted=ACCEPTED))
        _refuse(_("Files without an extension are not accepted: upload %(accepted)s.", accepted=ACCEPTED))
    return name, extension


def check(raw_name: str | None, data: bytes, max_bytes: int) -> Checked:
    """The file if it is what its name says and within the limits; Refused (field `file`) otherwise."""
    name, extension = check_name(raw_name)
    if not data:
        _refuse(_("The file is empty."))
    if len(data) > max_bytes:
        _refuse(_("The file is %(size)s: at most %(limit)s is accepted. Send a smaller file (a PDF of lower "
                  "resolution, say), or split it.", size=megabytes(len(data)), limit=megabytes(max_bytes)))
    expected = EXTENSIONS[extension]
    found = _kind_of(data, expected)
    if found != expected:
        _refuse(_("The file is named .%(extension)s but its content is %(found)s: upload %(expected)s under a "
                  ".%(extension)s name, or the file under its real extension.", extension=extension,
                  found=KINDS[found][1] if found in KINDS else found, expected=KINDS[expected][1]))
    return Checked(name, found, KINDS[found][0], len(data), hashlib.sha256(data).hexdigest())


def _kind_of(data: bytes, expected: str) -> str:
    """The kind the content is (a key of KINDS), or a description of what else it is."""
    for magic, what in _EXECUTABLE:
        if data.startswith(magic):
            _refuse(_("The file is %(what)s: programs and scripts are not accepted.", what=what))
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data)
    return _text_kind(data, expected)


def _text_kind(data: bytes, expected: str) -> str:
    head = data[:8192]
    if _WEB.search(head):
        _refuse(_("The file is a web page (HTML or markup): save it as PDF and upload that."))
    if b"\x00" in data:
        return _("binary data of an unknown kind")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("text that is not UTF-8 (save it as UTF-8)")
    return "csv" if expected == "csv" else "txt"


def _zip_kind(data: bytes) -> str:
    """An Office Open XML or OpenDocument file, read within bounds: Refused for a bomb or a macro."""
    limits = current_limits()
    try:
        archive = open_zip(data, limits)
    except FileRefused as exc:
        _refuse(str(exc))
    members = archive.infolist()
    names = {m.filename for m in members}
    lowered = {n.lower() for n in names}
    if any(n.endswith("vbaproject.bin") or n.startswith(("activex/", "word/activex/", "xl/activex/"))
           or "/activex/" in n for n in lowered):
        _refuse(_("The document carries macros or ActiveX controls, which are not accepted: save it without macros "
                "(as .docx, .xlsx or .pptx) and upload that."))
    if any(n.startswith("scripts/") or (n.startswith("basic/") and not n.endswith("-lc.xml")) for n in lowered):
        _refuse(_("The document carries macros, which are not accepted: save it without macros and upload that."))
    try:
        drain(archive, Budget(limits))
    except FileRefused as exc:
        _refuse(str(exc))
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml").lower()
        if b"macroenabled" in types or b"vbaproject" in types:
            _refuse(_("The document is macro-enabled, which is not accepted: save it without macros and upload that."))
        for part, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
                           ("ppt/presentation.xml", "pptx")):
            if part in names:
                return kind
        return _("an Office file of another kind")
    if "mimetype" in names:
        declared = archive.read("mimetype").strip().decode("ascii", "replace")
        for kind in ("odt", "ods", "odp"):
            if declared == KINDS[kind][0]:
                return kind
        return _("a document of type %(type)s", type=repr(declared[:60]))
    return _("a zip archive (archives are not accepted: upload the documents themselves)")


def _ole_kind(data: bytes) -> str:
    """A Word, Excel or PowerPoint 97–2003 file (an OLE2 compound file): Refused when it carries macros or is
    encrypted."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            entries = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError, AttributeError):  # olefile's ways of meeting a bad file
        _refuse(_("The file is damaged: it cannot be opened. Save it again and upload the new copy."))
    if {"encryptioninfo", "encryptedpackage"} & entries:
        _refuse(_("The file is password-protected: its content cannot be checked. Remove the password and upload it "
                "again."))
    if any(e == "macros" or e.startswith("macros/") or "_vba_project" in e or e.endswith("/vba") or e == "vba"
           for e in entries):
        _refuse(_("The document carries macros, which are not accepted: save it without macros and upload that."))
    if "worddocument" in entries:
        return "doc"
    if "workbook" in entries or "book" in entries:
        return "xls"
    if "powerpoint document" in entries:
        return "ppt"
    return _("a compound file of another kind (an installer, say)")
