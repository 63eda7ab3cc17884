"""Spreadsheet imports in the browser: /requests/import and /activities/import. Upload (a malformed file is refused
at once), a preview at its own URL that a reload shows again without posting the file, and the confirmation that
writes every row or none. The templates to fill are downloaded from the upload page."""
from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.formats import sheets
from app.languages import current_language
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.jobs import broker as job_broker
from app.services.sheets import sheet_uploads
from app.work_limits import expensive_work
from forms.sheets import SheetConfirmForm, SheetUploadForm

bp = Blueprint("sheet_imports", __name__)

#: kind -> (the permission that creates such records, the list the import returns to)
KINDS = {"requests": (Permission.EDIT_REQUESTS, "requests.index"),
         "activities": (Permission.EDIT_ACTIVITIES, "activities.index")}


def _upload_page(kind: str, form, status=200, refused: str | None = None, filename: str | None = None):
    return render_template("sheets/upload.html", kind=kind, spec=sheet_uploads.module(kind), form=form,
                           refused=refused, filename=filename, back=KINDS[kind][1]), status


def upload(kind: str):
    """The upload form; a posted file is read at once (refused whole when it is not a table) and stored, and the
    browser sent to its preview."""
    form = SheetUploadForm()
    if not form.validate_on_submit():
        return _upload_page(kind, form, 422 if form.is_submitted() else 200)
    file = form.file.data
    try:
        stored = sheet_uploads.upload(kind, file.read(), file.filename or "upload", current_user.id)
    except sheet_uploads.ImportRefused as exc:
        form.file.errors = [*form.file.errors, str(exc)]  # beside the field; the alert above says nothing was written
        return _upload_page(kind, form, 422, refused=str(exc), filename=file.filename)
    location = url_for(f"sheet_imports.{kind}_preview", upload_id=stored.id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":  # upload_progress.js goes there itself
        return jsonify(location=location)
    return redirect(location, 303)


def _outcome(kind: str, status: int, title: str, message: str):
    return render_template("sheets/outcome.html", kind=kind, title=title, message=message,
                           back=KINDS[kind][1]), status


def _load(kind: str, upload_id: str):
    """The caller's stored upload, or the page saying why there is none (imported, expired, another's)."""
    entry = sheet_uploads.imported(upload_id)  # its file is kept until it expires: imported is what counts
    if entry is not None:
        return None, _outcome(kind, 409, _("Already imported"), sheet_uploads.already_message(entry))
    stored = sheet_uploads.load(upload_id, kind)
    if stored is None or stored.expired:
        return None, _outcome(kind, 404, _("No such preview"), _("This preview does not exist or is more than an "
                                                                 "hour old: upload the file again."))
    if stored.user_id != current_user.id:
        return None, _outcome(kind, 403, _("Not your preview"), _("That preview belongs to another account: upload "
                                                                  "the file yourself to import it."))
    return stored, None


def _preview_page(kind, stored, report, status=200):
    return render_template("sheets/preview.html", kind=kind, spec=sheet_uploads.module(kind), upload=stored,
                           report=report, confirm=SheetConfirmForm(formdata=None), back=KINDS[kind][1]), status


def preview(kind: str, upload_id: str):
    """What confirming would import: counts, and every bad row and cell. Nothing is written; a reload posts nothing."""
    stored, refusal = _load(kind, upload_id)
    if refusal:
        return refusal
    try:
        report = sheet_uploads.preview(stored, for_user(current_user))
    except sheet_uploads.ImportRefused as exc:
        return _outcome(kind, 422, _("File refused"), str(exc))
    return _preview_page(kind, stored, report, 200 if report.ok else 422)


def confirm(kind: str, upload_id: str):
    """Write every row of the previewed file, or none: a job (thousands of rows take longer than a request may),
    whose progress page the browser is sent to at once."""
    stored, refusal = _load(kind, upload_id)
    if refusal:
        return refusal
    if not SheetConfirmForm().validate_on_submit():
        flash(_("The preview could not be confirmed; try again."), "error")
        return redirect(url_for(f"sheet_imports.{kind}_preview", upload_id=stored.id), 303)
    try:
        job = job_broker.enqueue("sheet_import", kind, stored.id, current_user.id, current_language(),
                                 owner=current_user,
                                 label=str(sheet_uploads.module(kind).JOB_LABEL) % {"file": stored.filename})
    except job_broker.QueueUnavailable as exc:
        return _outcome(kind, 503, _("Not started"), exc.message)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


def template(kind: str, extension: str):
    """The file to fill: the header and one example row (the workbook also has a sheet of accepted values)."""
    spec = sheet_uploads.module(kind)
    header, example = spec.template_rows()
    if extension == "csv":
        body, mimetype = sheets.template_csv(header, example), "text/csv"
    else:
        body, mimetype = sheets.template_xlsx(spec.TITLE, header, example, spec.notes()), sheets.XLSX_TYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={kind}-import-template.{extension}"})


def _view(function, kind: str, name: str, doc: str):
    def view(**kwargs):
        return function(kind, **kwargs)
    view.__name__ = f"{kind}_{name}"
    view.__doc__ = doc
    return permission_required(KINDS[kind][0])(view)


for _kind in KINDS:
    bp.add_url_rule(f"/{_kind}/import", endpoint=f"{_kind}_upload", methods=["GET", "POST"],
                    view_func=expensive_work("import")(_view(upload, _kind, "upload",
                                                             f"Upload {_kind} from a spreadsheet (CSV or XLSX).")))
    for _extension in ("csv", "xlsx"):
        bp.add_url_rule(f"/{_kind}/import/template.{_extension}", endpoint=f"{_kind}_template_{_extension}",
                        view_func=expensive_work(None)(_view(  # a blank file to fill: nothing to count
                            lambda kind, _e=_extension: template(kind, _e), _kind, f"template_{_extension}",
                            f"The template of a spreadsheet of {_kind} ({_extension.upper()}).")))
    bp.add_url_rule(f"/{_kind}/import/<upload_id>", endpoint=f"{_kind}_preview",
                    view_func=_view(preview, _kind, "preview", f"The preview of an upload of {_kind}."))
    bp.add_url_rule(f"/{_kind}/import/<upload_id>/confirm", endpoint=f"{_kind}_confirm", methods=["POST"],
                    view_func=_view(confirm, _kind, "confirm", f"POST: import the previewed {_kind}, all or none."))


@bp.errorhandler(413)
def too_large(_exc):
    """MAX_CONTENT_LENGTH refused the upload before any of it was read: say what the limit is."""
    kind = "activities" if request.path.startswith("/activities") else "requests"
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    form = SheetUploadForm(formdata=None)
    form.file.errors = [_("The upload is too large: the limit is %(limit)s MB. Split the file, or save it as .xlsx "
                          "(smaller than CSV). Nothing was imported.", limit=f"{limit:g}")]
    return _upload_page(kind, form, 413)
