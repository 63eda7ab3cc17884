"""Comment pages: posting a comment on a request, an activity or a report (staff only), correcting one's own
within its window, and a colleague's mentions list (`/mentions`).

The record a comment goes on is read through its own domain's scoped read, as for files. The thread each record's
page shows is `templates/comments/_thread.html`, fed by `comment_thread(kind, record)`.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.comments import comment_reads, comment_writes
from app.services.comments.mentions import handle_of
from app.services.core.errors import Refused
from app.services.work import attached_records
from app.views.helpers import list_filters, show_refusal
from forms.comments import CommentEditForm, CommentForm, MentionFilterForm
from models import db
from models.enums import AttachedTo

bp = Blueprint("comments", __name__)

COMMENT_ROUTES = [(AttachedTo.REQUEST, "/requests/<int:record_id>/comments"),
                  (AttachedTo.ACTIVITY, "/activities/<int:record_id>/comments"),
                  (AttachedTo.REPORT, "/activities/<int:record_id>/report/comments")]


def get_record_or_404(kind: AttachedTo, record_id: int):
    """The record a comment goes on (a report: by its activity's id), if the user may see it."""
    if not can(attached_records.KINDS[kind].view):
        abort(404)
    scope = for_user(current_user)
    found = (attached_records.report_of_activity(scope, record_id) if kind is AttachedTo.REPORT
             else attached_records.visible(scope, kind, record_id))
    return found if found is not None else abort(404)


def _record_url(kind: AttachedTo, record) -> str:
    endpoint, values = attached_records.page_args(kind, record)
    return url_for(endpoint, **values)


@bp.app_context_processor
def _thread():
    """`comment_thread(kind, record)` -> (the latest comments, how many in all); `comment_post_url(kind, record)`;
    `can_edit_comment(comment)`; `my_handle()`. Empty for those who may not comment (donors)."""
    def comment_thread(kind, record):
        if record is None or not can(Permission.COMMENT):
            return [], 0
        return comment_reads.thread(AttachedTo(kind), record.id)

    def comment_post_url(kind, record):
        kind = AttachedTo(kind)
        record_id = record.activity_id if kind is AttachedTo.REPORT else record.id
        return url_for(f"comments.post_{kind.value}", record_id=record_id)

    def can_edit_comment(comment):
        return comment_writes.can_edit(comment, current_user)
    return {"comment_thread": comment_thread, "comment_post_url": comment_post_url,
            "can_edit_comment": can_edit_comment, "comment_form": lambda: CommentForm(formdata=None),
            "my_handle": lambda: handle_of(current_user)}


def _post_view(kind: AttachedTo):
    def view(record_id: int):
        record = get_record_or_404(kind, record_id)
        form = CommentForm()
        back = _record_url(kind, record)
        status = 422
        if form.validate_on_submit():
            try:
                comment = comment_writes.add(kind, record, form.text.data, current_user._get_current_object())
            except Refused as exc:
                db.session.rollback()
                status = show_refusal(form, exc)
            else:
                db.session.commit()
                mentioned = ", ".join(m.user.name for m in comment.mentions)
                flash(_("Comment posted") + (f"; {mentioned} will find it under their mentions." if mentioned else "."),
                      "success")
                return redirect(f"{back}#comment-{comment.id}")
        return render_template("comments/form.html", form=form, kind=kind, record=record, back=back,
                               action=request.path), status
    view.__name__ = f"post_{kind.value}"
    view.__doc__ = f"Comment on a {kind.label.lower()}."
    return view


for _kind, _rule in COMMENT_ROUTES:
    bp.add_url_rule(_rule, endpoint=f"post_{_kind.value}", methods=["POST"],
                    view_func=permission_required(Permission.COMMENT)(_post_view(_kind)))


def get_comment_or_404(comment_id: int):
    """A comment and its record, if the user may see that record."""
    comment = comment_reads.get(comment_id) or abort(404)
    for kind, column in comment_writes.COLUMNS.items():
        record_id = getattr(comment, column)
        if record_id is not None:
            if not can(attached_records.KINDS[kind].view):
                abort(404)
            record = attached_records.visible(for_user(current_user), kind, record_id)
            return (comment, kind, record) if record is not None else abort(404)
    abort(404)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.COMMENT)
def edit(comment_id: int):
    """Correct one's own comment, within 15 minutes of posting it."""
    comment, kind, record = get_comment_or_404(comment_id)
    back = _record_url(kind, record)
    form = CommentEditForm(data={"text": comment.body, "version": comment.version}) if request.method == "GET" \
        else CommentEditForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                comment_writes.edit(comment, form.text.data, current_user._get_current_object(), form.version.data)
            except Refused as exc:
                db.session.rollback()
                status = show_refusal(form, exc)
            else:
                db.session.commit()
                flash(_("Comment corrected."), "success")
                return redirect(f"{back}#comment-{comment.id}")
    elif not comment_writes.can_edit(comment, current_user):
        form.text.errors = [_("Only its author may edit a comment, for 15 minutes after posting it: this one stands "
                              "as written.")]
        status = 409
    return render_template("comments/edit.html", form=form, comment=comment, back=back), status


@bp.get("/mentions")
@permission_required(Permission.COMMENT)
def mentions():
    """The comments that mention me, newest first."""
    form, filters, paging = list_filters(MentionFilterForm)
    if filters is None:
        return render_template("comments/mentions.html", form=form, page=None), 400
    page = comment_reads.mentions_page(current_user, comment_reads.MentionFilters(**filters), paging)
    return render_template("comments/mentions.html", form=form, page=page)
