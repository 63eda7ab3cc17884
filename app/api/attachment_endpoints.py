"""Attachments through the API: POST /api/v1/{requests|activities|findings|contributions}/<id>/attachments (and a
report's, /api/v1/activities/<id>/report/attachments) with a multipart field `file`, GET of the same for a record's
files, GET /api/v1/attachments/<id> (what the file is, its versions), GET /api/v1/attachments/<id>/download, and
POST /api/v1/attachments/<id>/versions to replace it. The record a file belongs to is read through its own scoped
read: the same answer (404) whether a file does not exist or its record may not be seen."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import NOT_FOUND_KEYS, ApiError, documented, not_found
from app.api.writes import refusal
from app.file_downloads import download_response
from app.permissions import Permission, can, login_required, permission_required, require
from app.scoping import for_user
from app.security import accepts_uploads
from app.services.attachments import attachment_reads, attachment_writes
from app.services.core.errors import Refused
from app.services.work import attached_records
from models import Attachment, db
from models.enums import AttachedTo

VERSION = {"type": "object", "properties": {
    "number": {"type": "integer"}, "file_name": {"type": "string"}, "content_type": {"type": "string"},
    "size": {"type": "integer"}, "sha256": {"type": "string"}, "uploaded_at": {"type": "string"},
    "uploaded_by": {"type": "integer", "nullable": True}, "download": {"type": "string"}}}
ATTACHMENT = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"},
    "attached_to": {"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "integer"}}},
    "current_version": {"type": "integer"}, "file_name": {"type": "string"}, "content_type": {"type": "string"},
    "size": {"type": "integer"}, "sha256": {"type": "string"}, "download": {"type": "string"},
    "versions": {"type": "array", "items": VERSION}}}
UPLOAD = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "The file (its type is read from its content)."},
    "title": {"type": "string", "maxLength": 200, "description": "What the file is; the file name when left out."}}}
REPLACE = {"type": "object", "required": ["file"], "properties": {"file": UPLOAD["properties"]["file"]}}
ROUTES = [(AttachedTo.REQUEST, "/requests/<int:record_id>/attachments"),
          (AttachedTo.ACTIVITY, "/activities/<int:record_id>/attachments"),
          (AttachedTo.REPORT, "/activities/<int:record_id>/report/attachments"),
          (AttachedTo.FINDING, "/findings/<int:record_id>/attachments"),
          (AttachedTo.CONTRIBUTION, "/contributions/<int:record_id>/attachments")]


def attachment_json(a: Attachment) -> dict:
    kind, record_id = a.attached_to
    current = a.current
    return {"id": a.id, "title": a.title, "attached_to": {"kind": kind.value, "id": record_id},
            "current_version": a.current_number, "file_name": current.file_name,
            "content_type": current.content_type, "size": current.size, "sha256": current.sha256,
            "download": url_for("api.attachments_download", attachment_id=a.id),
            "versions": [{"number": v.number, "file_name": v.file_name, "content_type": v.content_type,
                          "size": v.size, "sha256": v.sha256, "uploaded_at": v.uploaded_at.isoformat(),
                          "uploaded_by": v.uploaded_by_id,
                          "download": url_for("api.attachments_download", attachment_id=a.id, version=v.number)}
                         for v in a.versions]}


def _record(kind: AttachedTo, record_id: int):
    if not can(attached_records.KINDS[kind].view):
        raise not_found(NOT_FOUND_KEYS[kind])
    scope = for_user(current_user)
    found = (attached_records.report_of_activity(scope, record_id) if kind is AttachedTo.REPORT
             else attached_records.visible(scope, kind, record_id))
    if found is None:
        raise not_found(NOT_FOUND_KEYS[kind])
    return found


def _upload() -> tuple[str | None, bytes]:
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, _("Send the file as multipart/form-data, in the field `file`."),
                       code="unsupported_media_type")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, _("Give the file in the field `file`."), {"file": _("Choose a file to upload.")})
    return upload.filename, upload.read()


def _list_view(kind: AttachedTo):
    def view(record_id: int):
        record = _record(kind, record_id)
        return jsonify({"items": [attachment_json(a) for a in attachment_reads.of(kind, record.id)]})
    view.__name__ = f"{kind.value}_attachments"
    return documented(f"The files of a {kind.label.lower()}.", response={"type": "object", "properties": {
        "items": {"type": "array", "items": ATTACHMENT}}})(view)


def _create_view(kind: AttachedTo):
    def view(record_id: int):
        record = _record(kind, record_id)
        name, data = _upload()
        title = request.form.get("title")
        try:
            attachment = attachment_writes.attach(kind, record, name, data, current_user._get_current_object(),
                                                  title)
        except Refused as exc:
            raise refusal(exc) from None
        db.session.commit()
        response = jsonify(attachment_json(attachment))
        response.status_code = 201
        response.headers["Location"] = url_for("api.attachments_item", attachment_id=attachment.id)
        return response
    view.__name__ = f"{kind.value}_attachments_create"
    return documented(f"Attach a file to a {kind.label.lower()} (multipart, field `file`; optional `title`): PDF, "
                      "Word, Excel, PowerPoint, OpenDocument, images, plain text or CSV, checked by content, at most "
                      "ATTACHMENT_MAX_BYTES. Answers 201 with the attachment's `id`.", multipart=UPLOAD,
                      response=ATTACHMENT, status=201)(view)


for _kind, _rule in ROUTES:
    bp.add_url_rule(_rule, endpoint=f"{_kind.value}_attachments", methods=["GET"],
                    view_func=permission_required(attached_records.KINDS[_kind].view)(_list_view(_kind)))
    bp.add_url_rule(_rule, endpoint=f"{_kind.value}_attachments_create", methods=["POST"],
                    view_func=accepts_uploads("ATTACHMENT_MAX_BYTES")(
                        permission_required(attached_records.KINDS[_kind].edit)(_create_view(_kind))))


def _attachment(attachment_id: int) -> tuple[Attachment, AttachedTo]:
    found = attachment_reads.get(attachment_id)
    if found is not None:
        kind, record_id = found.attached_to
        if can(attached_records.KINDS[kind].view) and \
                attached_records.visible(for_user(current_user), kind, record_id) is not None:
            return found, kind
    raise ApiError(404, _("There is no such attachment, or you may not see it."))


@bp.get("/attachments/<int:attachment_id>")
@login_required
@documented("What a file is: its title, the record it belongs to, its current version and every earlier one.",
            response=ATTACHMENT)
def attachments_item(attachment_id: int):
    return jsonify(attachment_json(_attachment(attachment_id)[0]))


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
@documented("The file, as a download (Content-Disposition: attachment, X-Content-Type-Options: nosniff): the "
            "current version, or `version`.", produces="application/octet-stream", parameters=[
                {"name": "version", "in": "query", "required": False, "description": "A version number.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 999999}}])
def attachments_download(attachment_id: int):
    attachment, _kind = _attachment(attachment_id)
    raw = request.args.get("version", "")
    if raw and (not raw.isdigit() or len(raw) > 6):
        raise ApiError(400, _("version: give a version number (1, 2, …)."), {"version": _("Not a version number.")})
    found = attachment_reads.version(attachment, int(raw) if raw else None)
    if found is None:
        raise ApiError(404, _("The file has no version %(version)s.", version=raw))
    return download_response(found)


@bp.post("/attachments/<int:attachment_id>/versions")
@accepts_uploads("ATTACHMENT_MAX_BYTES")
@permission_required(Permission.EDIT_ACTIVITIES)  # staff who change records; the record's own is checked below
@documented("Replace the file by a new version (multipart, field `file`); the earlier versions stay.",
            multipart=REPLACE, response=ATTACHMENT, status=201)
def attachments_replace(attachment_id: int):
    attachment, kind = _attachment(attachment_id)
    require(attached_records.KINDS[kind].edit)
    name, data = _upload()
    try:
        attachment_writes.replace(attachment, name, data, current_user._get_current_object())
    except Refused as exc:
        raise refusal(exc) from None
    db.session.commit()
    response = jsonify(attachment_json(attachment))
    response.status_code = 201
    return response
