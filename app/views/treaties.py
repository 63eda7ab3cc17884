"""Treaty administration in the browser: import a depositary table (preview, then confirm), reconciliation,
and a treaty action entered by hand."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forms.base import choices
from forms.treaties import ImportConfirmForm, ImportUploadForm, ReconciliationFilterForm, TreatyActionForm
from models import db

from ..listing import page_of
from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import states as state_service
from ..services.errors import Refused
from ..services.reconciliation import differences, sources_of
from ..services.treaties import record_action, visible_instruments
from ..services.treaty_import import ImportRefused, import_text
from .helpers import list_filters, show_refusal

bp = Blueprint("treaties", __name__, url_prefix="/treaties")

#: A preview stays confirmable for an hour; after that the file must be uploaded again.
PREVIEW_MAX_AGE = 3600


def _signer() -> URLSafeTimedSerializer:
    # The previewed file travels back signed (and compressed) in the confirm form: the server keeps no
    # upload on disk, and what is committed is byte for byte what was previewed — nobody can alter it.
    return URLSafeTimedSerializer(current_app.secret_key, salt="treaties.import")


def _text_of(data: bytes) -> tuple[str | None, str | None]:
    """The upload's text, or the message saying why it is not text."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, f"The file is not UTF-8 text (line {line})."


@bp.route("/import", methods=["GET", "POST"], endpoint="imports")
@permission_required(Permission.IMPORT_TREATIES)
def import_upload():
    """Upload a UN Treaty Collection table: the answer is a preview (a dry run); nothing is written yet."""
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
        report = import_text(text, code, dry_run=True)
    except ImportRefused as exc:
        return render_template("treaties/import.html", form=form, refused=exc.lines(), filename=filename), 422
    confirm = ImportConfirmForm(formdata=None, data={"upload": _signer().dumps(
        {"user": current_user.id, "instrument": code, "filename": filename, "text": text})})
    return render_template("treaties/preview.html", report=report, confirm=confirm, filename=filename)


@bp.post("/import/confirm")
@permission_required(Permission.IMPORT_TREATIES)
def import_confirm():
    """Commit the previewed import."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash("The preview could not be confirmed; upload the file again.", "error")
        return redirect(url_for("treaties.imports"))
    try:
        payload = _signer().loads(form.upload.data, max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        flash("That preview is more than an hour old; upload the file again.", "error")
        return redirect(url_for("treaties.imports"))
    except BadSignature:
        flash("That preview was altered or is not ours; upload the file again.", "error")
        return redirect(url_for("treaties.imports"))
    if payload.get("user") != current_user.id:
        flash("That preview belongs to another account; upload the file again.", "error")
        return redirect(url_for("treaties.imports"))
    try:
        report = import_text(payload["text"], payload["instrument"], filename=payload["filename"])
    except ImportRefused as exc:  # the record changed since the preview (an alias removed, say)
        db.session.rollback()
        return render_template("treaties/import.html", form=ImportUploadForm(formdata=None),
                               refused=exc.lines(), filename=payload["filename"]), 422
    db.session.commit()
    flash(f"Imported {payload['filename']}: {report.summary()}.", "success")
    for warning in report.warnings[:20]:
        flash(warning, "warning")
    if len(report.warnings) > 20:
        flash(f"… and {len(report.warnings) - 20} more warning(s): see the audit trail.", "warning")
    return redirect(url_for("instruments.detail", code=report.instrument))


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
    scope = for_user(current_user)
    form.participant.choices = choices([("", "Choose…")] + [(s.code, f"{s.name} ({s.code})")
                                                            for s in state_service.choices(scope)])
    form.instrument.choices = choices([(i.code, f"{i.code} — {i.short_title}") for i in visible_instruments(scope)])
    if request.method == "GET" and request.args.get("state"):
        form.participant.data = request.args["state"].upper()
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
    flash(f"Recorded: {action.kind} of {action.instrument.code} on {action.action_date.isoformat()}.", "success")
    for warning in warnings:
        flash(f"Warning — {warning}", "warning")
    return redirect(url_for("states.detail", code=action.state.code))
