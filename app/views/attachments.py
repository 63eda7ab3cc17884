"""Attachment pages: adding a file to a request, an activity, a report, a finding or a contribution; a file's page
with its versions and the form that replaces it; the download (always as a download, never shown inline).

A file is reached only through the record it belongs to: that record is read through its own domain's scoped read
(app/services/work/attached_records.py), so a donor downloads the files of the records it may see and gets a 404
for any other. The section each record's page shows is `templates/attachments/_section.html`, fed by
`attachments_of(kind, record)`.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.file_downloads import download_response
from app.permissions import Permission, can, login_required, permission_required, require
from app.scoping import for_user
from app.security import accepts_uploads
from app.services.attachments import attachment_reads, attachment_writes
from app.services.attachments.file_checks import megabytes
from app.services.core.errors import Refused
from app.services.work import attached_records
from app.views.helpers import show_refusal
from forms.attachments import ReplaceForm, UploadForm
from models import Attachment, AttachmentVersion, db
from models.enums import AttachedTo

bp = Blueprint("attachments", __name__)

#: Where the upload of each kind of record is posted: (kind, URL rule, name of the id in it).
UPLOAD_ROUTES = [
    (AttachedTo.REQUEST, "/requests/<int:record_id>/attachments"),
    (AttachedTo.ACTIVITY, "/activities/<int:record_id>/attachments"),
    (AttachedTo.REPORT, "/activities/<int:record_id>/report/attachments"),
    (AttachedTo.FINDING, "/findings/<int:record_id>/attachments"),
    (AttachedTo.CONTRIBUTION, "/contributions/<int:record_id>/attachments"),
]


def get_record_or_404(kind: AttachedTo, record_id: int):
    """The record of `kind` (a report: by its activity's id) if the user may see it; 404 otherwise, also when the
    user's role does not see records of that kind (no telling a record exists)."""
    if not can(attached_records.KINDS[kind].view):
        abort(404)
    scope = for_user(current_user)
    if kind is AttachedTo.REPORT:
        found = attached_records.report_of_activity(scope, record_id)
    else:
        found = attached_records.visible(scope, kind, record_id)
    return found if found is not None else abort(404)


def get_attachment_or_404(attachment_id: int) -> tuple[Attachment, object]:
    """A file and the record it belongs to, if the user may see that record."""
    attachment = attachment_reads.get(attachment_id) or abort(404)
    kind, record_id = attachment.attached_to
    if not can(attached_records.KINDS[kind].view):
        abort(404)
    record = attached_records.visible(for_user(current_user), kind, record_id)
    return (attachment, record) if record is not None else abort(404)


def record_url(kind: AttachedTo, record) -> str:
    endpoint, values = attached_records.page_args(kind, record)
    return url_for(endpoint, **values)


@bp.app_context_processor
def _section():
    """`attachments_of(kind, record)`: the files a record's page lists; `attachment_upload_url(kind, record)`."""
    def attachments_of(kind, record):
        return attachment_reads.of(AttachedTo(kind), record.id) if record is not None else []

    def attachment_upload_url(kind, record):
        kind = AttachedTo(kind)
        if not can(attached_records.KINDS[kind].edit):
            return None
        record_id = record.activity_id if kind is AttachedTo.REPORT else record.id
        return url_for(f"attachments.upload_{kind.value}", record_id=record_id)
    return {"attachments_of": attachments_of, "attachment_upload_url": attachment_upload_url,
            "attachment_limit": lambda: megabytes(attachment_writes.max_bytes())}


def _upload_view(kind: AttachedTo):
    def view(record_id: int):
        record = get_record_or_404(kind, record_id)
        form = UploadForm()
        back = record_url(kind, record)
        if form.validate_on_submit():
            upload = form.file.data
            try:
                data = upload.read() if upload else b""
                attachment = attachment_writes.attach(kind, record, getattr(upload, "filename", None), data,
                                                      current_user._get_current_object(), form.title.data)
            except Refused as exc:
                db.session.rollback()
                status = show_refusal(form, exc)
            else:
                db.session.commit()
                flash(_("Attached “%(name)s”.", name=attachment.current.file_name), "success")
                return redirect(back + "#attachments")
        else:
            status = 422 if form.is_submitted() else 400
        return render_template("attachments/upload.html", form=form, kind=kind, record=record, back=back,
                               action=request.path, limit=megabytes(attachment_writes.max_bytes())), status
    view.__name__ = f"upload_{kind.value}"
    view.__doc__ = f"Attach a file to a {kind.label.lower()}."
    return view


for _kind, _rule in UPLOAD_ROUTES:
    bp.add_url_rule(_rule, endpoint=f"upload_{_kind.value}", methods=["POST"], view_func=accepts_uploads(
        "ATTACHMENT_MAX_BYTES")(permission_required(attached_records.KINDS[_kind].edit)(_upload_view(_kind))))


@bp.get("/attachments/<int:attachment_id>")
@login_required
def detail(attachment_id: int):
    """A file: its versions (each downloadable) and, for those who may change its record, the form that replaces
    it."""
    attachment, record = get_attachment_or_404(attachment_id)
    kind = attachment.attached_to[0]
    return render_template("attachments/detail.html", attachment=attachment, record=record, kind=kind,
                           back=record_url(kind, record), form=ReplaceForm(),
                           can_replace=can(attached_records.KINDS[kind].edit),
                           limit=megabytes(attachment_writes.max_bytes()))


@bp.post("/attachments/<int:attachment_id>/replace")
@accepts_uploads("ATTACHMENT_MAX_BYTES")
@permission_required(Permission.EDIT_ACTIVITIES)  # staff who change records; the record's own is checked below
def replace(attachment_id: int):
    """Upload a new version of the file; the earlier versions stay downloadable."""
    attachment, record = get_attachment_or_404(attachment_id)
    kind = attachment.attached_to[0]
    require(attached_records.KINDS[kind].edit)
    form = ReplaceForm()
    status = 422
    if form.validate_on_submit():
        upload = form.file.data
        try:
            version = attachment_writes.replace(attachment, getattr(upload, "filename", None),
                                                upload.read() if upload else b"", current_user._get_current_object())
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            attachment, record = get_attachment_or_404(attachment_id)
        else:
            db.session.commit()
            flash(_("“%(title)s” replaced: version %(number)s is now current.", title=attachment.title,
                    number=version.number), "success")
            return redirect(url_for(".detail", attachment_id=attachment.id))
    return render_template("attachments/detail.html", attachment=attachment, record=record, kind=kind,
                           back=record_url(kind, record), form=form, can_replace=True,
                           limit=megabytes(attachment_writes.max_bytes())), status


def _version_asked(attachment: Attachment) -> AttachmentVersion:
    raw = request.args.get("version", "")
    if raw and not raw.isdigit():
        abort(400, description="version: give a version number (1, 2, …).")
    if raw and len(raw) > 6:
        abort(404)
    found = attachment_reads.version(attachment, int(raw) if raw else None)
    return found if found is not None else abort(404)


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
def download(attachment_id: int):
    """The current version of the file (`?version=N`: an earlier one), as a download."""
    attachment, _record = get_attachment_or_404(attachment_id)
    return download_response(_version_asked(attachment))
