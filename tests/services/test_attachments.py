"""Attachments: the folder storage, the checks of what a file really is (by content, never by name), versions that
keep the earlier files, and the audit of each upload."""
import hashlib
import io
import zipfile

import pytest

from app.services.attachments import attachment_reads, attachment_writes, file_checks
from app.services.attachments.storage import FolderStorage, key_for
from app.services.core.errors import Refused
from models import AuditEntry, db
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def office(kind: str = "docx", extra: dict | None = None) -> bytes:
    """A minimal Office Open XML file of `kind`, with `extra` members."""
    parts = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(parts[kind], "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def bomb(kind: str = "xlsx") -> bytes:
    return office(kind, {"xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/media/x.xml": b"0" * (60 << 20)})


# ------------------------------------------------------------------ storage
def test_the_folder_storage_keeps_a_file_once_under_its_hash(tmp_path):
    storage = FolderStorage(tmp_path)
    digest = hashlib.sha256(PDF).hexdigest()
    key = key_for(digest)
    storage.put(key, PDF)
    storage.put(key, PDF)  # the same bytes again: nothing changes
    assert storage.exists(key) and storage.open(key).read() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    assert (tmp_path / key).stat().st_mode & 0o077 == 0  # readable by the server's user only
    with pytest.raises(ValueError):
        storage.open("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        storage.open(key_for("0" * 64))


# ------------------------------------------------------------------ what a file is
@pytest.mark.parametrize("name, data, kind", [
    ("report.pdf", PDF, "pdf"), ("draft-law.docx", office("docx"), "docx"), ("budget.xlsx", office("xlsx"), "xlsx"),
    ("slides.pptx", office("pptx"), "pptx"), ("law.odt", odt(), "odt"), ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20,
                                                                          "png"),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"), ("notes.txt", "Décret n° 12".encode(), "txt"),
    ("table.csv", b"state,date\nROU,2002-12-04\n", "csv")])
def test_accepted_files_are_recognised_by_their_content(name, data, kind):
    checked = file_checks.check(name, data, 10 << 20)
    assert checked.kind == kind and checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


@pytest.mark.parametrize("name, data, words", [
    ("law.pdf", b"<html><body><script>alert(1)</script></body></html>", "web page"),
    ("notes.txt", b"<!DOCTYPE html><html></html>", "web page"),
    ("report.pdf", office("docx"), "named .pdf but its content is a Word document"),
    ("budget.xlsx", office("docx"), "content is a Word document"),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60, "Windows program"),
    ("setup.exe", b"MZ\x90\x00", "are not accepted"),
    ("run.sh", b"#!/bin/sh\nrm -rf /", "are not accepted"),
    ("script.txt", b"#!/bin/sh\nrm -rf /", "script"),
    ("page.html", b"<html></html>", "are not accepted"),
    ("image.svg", b"<svg onload=alert(1)/>", "are not accepted"),
    ("macro.docm", office("docx"), "carry macros"),
    ("macro.docx", office("docx", {"word/vbaProject.bin": b"VBA"}), "macros"),
    ("macro.xlsx", office("xlsx", {"xl/vbaProject.bin": b"VBA"}), "macros"),
    ("bomb.xlsx", bomb("xlsx"), "zip bomb"),
    ("bomb.docx", bomb("docx"), "zip bomb"),
    ("archive.docx", b"PK\x03\x04garbage", "damaged"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "damaged"),
    ("../../etc/passwd.pdf", PDF, "folder path"), ("C:\\Users\\x\\law.pdf", PDF, "folder path"),
    ("law\x07.pdf", PDF, "control"), ("law\u202efdp.exe", PDF, "control"), (".hidden.pdf", PDF, "starts or ends"),
    ("noextension", PDF, "without an extension"), ("empty.pdf", b"", "empty"),
])
def test_hostile_files_are_refused_with_a_reason(name, data, words):
    with pytest.raises(Refused) as refused:
        file_checks.check(name, data, 100 << 20)
    assert set(refused.value.errors) == {"file"} and words in refused.value.message


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(Refused, match=r"at most 0\.0 MB|at most"):
        file_checks.check("big.pdf", PDF + b"0" * 2000, 1024)


# ------------------------------------------------------------------ records and versions
def test_replacing_a_file_keeps_its_earlier_versions(session, app):
    officer = factories.user("officer")
    activity = factories.activity()
    attachment = attachment_writes.attach("activity", activity, "mission-report.pdf", PDF, officer, "Mission report")
    second = PDF + b"% revised\n"
    attachment_writes.replace(attachment, "mission-report-v2.pdf", second, officer)
    found = attachment_reads.get(attachment.id)
    assert found.current_number == 2 and [v.file_name for v in found.versions] == ["mission-report.pdf",
                                                                                   "mission-report-v2.pdf"]
    assert attachment_reads.open_file(attachment_reads.version(found, 1)).read() == PDF
    assert attachment_reads.open_file(attachment_reads.version(found, None)).read() == second
    assert found.attached_to == ("activity", activity.id) and attachment_reads.of("activity", activity.id) == [found]
    audited = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.record_type == "Attachment",
                                                                    AuditEntry.record_id == attachment.id)).all()
    assert sorted(audited) == ["create", "update"]


def test_a_refused_file_leaves_nothing(session, app):
    officer = factories.user("officer")
    activity = factories.activity()
    with pytest.raises(Refused):
        attachment_writes.attach("activity", activity, "x.pdf", b"<html>", officer)
    assert attachment_reads.of("activity", activity.id) == []
