"""Treaty administration in the browser: import a depositary table (preview, then confirm), reconciliation,
and a treaty action entered by hand."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.formatting import format_date, format_number
from app.languages import current_language
from app.listing import page_of
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core.errors import Refused
from app.services.jobs import broker as job_broker
from app.services.treaties import treaty_import_previews
from app.services.treaties.reconciliation import differences, sources_of
from app.services.treaties.treaty_import import ImportRefused, import_text
from app.services.treaties.treaty_record import record_action
from app.views.helpers import list_filters, show_refusal
from app.work_limits import expensive_work
from forms.treaties.record import ImportConfirmForm, ImportUploadForm, ReconciliationFilterForm, TreatyActionForm
from models import db
from models.enums import ActionKind

bp = Blueprint("treaties", __name__, url_prefix="/treaties")


def _text_of(data: bytes) -> tuple[str | None, str | None]:
    """The upload's text, or the message saying why it is not text."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, _("The file is not UTF-8 text (line %(line)s).", line=line)


@bp.route("/import", methods=["GET", "POST"], endpoint="imports")
@expensive_work("import")
@permission_required(Permission.IMPORT_TREATIES)
def import_upload():
    """Upload a UN Treaty Collection table. A malformed one is refused at once; a readable one is stored and the
    browser sent to its preview page (a dry run; nothing is written yet)."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return render_template("treaties/import.html", form=form), 422 if form.is_submitted() else 200
    upload = form.file.data
    text, problem = _text_of(upload.read())
    if problem:
        form.file.errors.append(problem)
        return render_template("treaties/import.html", form=form), 422
    code, filename = form.instrument.data, upload.filename or "upload.csv"
    try:
        import_text(text, code, dry_run=True, complete_to=form.complete_to.data)
    except ImportRefused as exc:
        return render_template("treaties/import.html", form=form, refused=exc.lines(), filename=filename), 422
    preview = treaty_import_previews.save(text, code, filename, current_user.id, form.complete_to.data)
    return redirect(url_for("treaties.preview", preview_id=preview.id), 303)


@bp.errorhandler(413)
def too_large(_exc):
    """MAX_CONTENT_LENGTH refused the upload before any of it was read: say what the limit is."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    form = ImportUploadForm(formdata=None)
    form.file.errors = [_("The upload is too large: the limit is %(limit)s MB (a UN Treaty Collection table is a few "
                          "kilobytes). Nothing was imported.", limit=f"{limit:g}")]
    return render_template("treaties/import.html", form=form), 413


def _outcome(status: int, title: str, message: str, code: str | None = None):
    """A refusal or a "nothing to do" page about a preview, with the way on."""
    return render_template("treaties/import_outcome.html", title=title, message=message, code=code), status


def _load_preview(preview_id: str):
    """The caller's preview, or the page that says why there is none (already imported, expired, not theirs)."""
    entry = treaty_import_previews.imported(preview_id)  # its file is kept until it expires: imported is what counts
    if entry is not None:
        done = treaty_import_previews.PreviewAlreadyImported(entry)
        return None, _outcome(409, _("Already imported"), done.lines()[0], done.code)
    preview = treaty_import_previews.load(preview_id)
    if preview is None or preview.expired:
        return None, _outcome(404, _("No such preview"), _("This preview does not exist or is more than an hour old: "
                                                           "upload the file again."))
    if preview.user_id != current_user.id:
        return None, _outcome(403, _("Not your preview"), _("That preview belongs to another account: upload the "
                                                            "file yourself to import it."))
    return preview, None


def _preview_page(preview, report, confirm, status=200):
    if report.mass_removal:
        confirm.allow_mass_removal.label.text = _(
            "Yes, remove %(removed)s of the %(existing)s actions of %(code)s on record: the depositary withdrew them",
            removed=format_number(len(report.removed)), existing=format_number(report.existing),
            code=report.instrument)
        confirm.removals.data = str(len(report.removed))
    return render_template("treaties/preview.html", preview=preview, report=report, confirm=confirm,
                           filename=preview.filename), status


@bp.get("/import/<preview_id>")
@permission_required(Permission.IMPORT_TREATIES)
def preview(preview_id: str):
    """The preview of a stored upload: what confirming would change now. Reloading it posts nothing."""
    preview, refusal = _load_preview(preview_id)
    if refusal:
        return refusal
    entry = treaty_import_previews.imported(preview.id)
    if entry is not None:
        return _outcome(409, _("Already imported"),
                        treaty_import_previews.PreviewAlreadyImported(entry).lines()[0], preview.instrument)
    try:
        report = treaty_import_previews.dry_run(preview)
    except ImportRefused as exc:  # the record changed since the upload (an alias removed, say)
        return render_template("treaties/import.html", form=ImportUploadForm(formdata=None),
                               refused=exc.lines(), filename=preview.filename), 422
    return _preview_page(preview, report, ImportConfirmForm(formdata=None))


@bp.post("/import/<preview_id>/confirm")
@permission_required(Permission.IMPORT_TREATIES)
def import_confirm(preview_id: str):
    """Import the previewed table, once: a job (issue 28), whose page the browser is sent to."""
    preview, refusal = _load_preview(preview_id)
    if refusal:
        return refusal
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("The preview could not be confirmed; try again."), "error")
        return redirect(url_for("treaties.preview", preview_id=preview.id), 303)
    try:
        job = job_broker.enqueue("treaty_import", preview.id, current_user.id, form.confirmed_removals(),
                                 current_language(), owner=current_user,
                                 label=_("Import of %(file)s (%(instrument)s)", file=preview.filename,
                                         instrument=preview.instrument))
    except job_broker.QueueUnavailable as exc:
        return _outcome(503, _("Not started"), exc.message, preview.instrument)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


@bp.get("/reconciliation")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def reconciliation():
    """Where the sources (the annex, the depositary's tables, entries by hand) disagree."""
    form, filters, paging = list_filters(ReconciliationFilterForm)
    if filters is None:
        return render_template("treaties/reconciliation.html", form=form, page=page_of([], paging),
                               sources=[]), 400
    diffs = differences(for_user(current_user), instrument_code=filters["instrument"] or None)
    return render_template("treaties/reconciliation.html", form=form, page=page_of(diffs, paging),
                           sources=sources_of(diffs))


@bp.route("/actions/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_TREATIES)
def new_action():
    """Record a signature or deposit by hand: refused when it cannot be right, warned when it looks odd."""
    form = TreatyActionForm()
    if request.method == "GET" and request.args.get("state"):
        form.participant.data = request.args["state"].upper()[:3]
    form_choices.treaty_action_form(form)  # after the preselection: the picker offers what the form holds
    if not form.validate_on_submit():
        return render_template("treaties/action_form.html", form=form), 422 if form.is_submitted() else 200
    try:
        action, warnings = record_action(form.participant.data, form.instrument.data, form.kind.data,
                                         form.action_date.data, note=form.note.data)
    except Refused as exc:
        db.session.rollback()
        show_refusal(form, exc)
        return render_template("treaties/action_form.html", form=form), 422
    db.session.commit()
    flash(_("Recorded: %(kind)s of %(instrument)s on %(day)s.", kind=ActionKind.label_of(action.kind).lower(),
            instrument=action.instrument.code, day=format_date(action.action_date)), "success")
    for warning in warnings:
        flash(_("Warning — %(warning)s", warning=warning), "warning")
    return redirect(url_for("states.detail", code=action.state.code))
