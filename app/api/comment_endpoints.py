"""Comments through the API: GET|POST /api/v1/{requests|activities}/<id>/comments (and a report's,
/api/v1/activities/<id>/report/comments) with `text`, PATCH /api/v1/comments/<id> (its author, within 15 minutes,
If-Match), GET /api/v1/mentions (the comments that mention the caller). Staff only: donors never see comments."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import NOT_FOUND_KEYS, ApiError, documented, list_args, not_found, page_schema
from app.api.writes import created, if_match, item_response, json_body, refusal, validated_form
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.comments import comment_reads, comment_writes
from app.services.core.errors import Refused
from app.services.work import attached_records
from forms.comments import CommentEditForm, CommentForm, MentionFilterForm
from models import Comment, db
from models.enums import AttachedTo

COMMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "text": {"type": "string"},
    "author": {"type": "integer", "nullable": True}, "author_name": {"type": "string", "nullable": True},
    "created_at": {"type": "string"}, "edited_at": {"type": "string", "nullable": True},
    "editable_until": {"type": "string"},
    "on": {"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "integer"}}},
    "mentions": {"type": "array", "items": {"type": "object", "properties": {
        "user": {"type": "integer"}, "name": {"type": "string"}}}}}}
ROUTES = [(AttachedTo.REQUEST, "/requests/<int:record_id>/comments"),
          (AttachedTo.ACTIVITY, "/activities/<int:record_id>/comments"),
          (AttachedTo.REPORT, "/activities/<int:record_id>/report/comments")]


def comment_json(c: Comment) -> dict:
    kind, record_id = next((k, getattr(c, column)) for k, column in comment_writes.COLUMNS.items()
                           if getattr(c, column) is not None)
    return {"id": c.id, "version": c.version, "text": c.body, "author": c.author_id,
            "author_name": c.author.name if c.author else None, "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "editable_until": comment_writes.editable_until(c).isoformat(),
            "on": {"kind": kind.value, "id": record_id},
            "mentions": [{"user": m.user_id, "name": m.user.name} for m in c.mentions]}


def _record(kind: AttachedTo, record_id: int):
    scope = for_user(current_user)
    found = (attached_records.report_of_activity(scope, record_id) if kind is AttachedTo.REPORT
             else attached_records.visible(scope, kind, record_id)) if can(attached_records.KINDS[kind].view) else None
    if found is None:
        raise not_found(NOT_FOUND_KEYS[kind])
    return found


def _list_view(kind: AttachedTo):
    def view(record_id: int):
        record = _record(kind, record_id)
        _filters, paging = list_args(MentionFilterForm)
        return jsonify(comment_reads.thread_page(kind, record.id, paging).envelope(comment_json))
    view.__name__ = f"{kind.value}_comments"
    return documented(f"The comments on a {kind.label.lower()}, oldest first (page, per_page).",
                      args=MentionFilterForm, response=page_schema(COMMENT))(view)


def _create_view(kind: AttachedTo):
    def view(record_id: int):
        record = _record(kind, record_id)
        form = validated_form(CommentForm, json_body())
        try:
            comment = comment_writes.add(kind, record, form.text.data, current_user._get_current_object())
        except Refused as exc:
            raise refusal(exc) from None
        db.session.commit()
        return created(comment_json(comment), comment.version, "api.comments_item", comment_id=comment.id)
    view.__name__ = f"{kind.value}_comments_create"
    return documented(f"Comment on a {kind.label.lower()}: `text`, plain text; @name mentions a colleague (the "
                      "part of their e-mail before the @), who finds it under GET /api/v1/mentions.",
                      body=CommentForm, response=COMMENT, status=201)(view)


for _kind, _rule in ROUTES:
    bp.add_url_rule(_rule, endpoint=f"{_kind.value}_comments", methods=["GET"],
                    view_func=permission_required(Permission.COMMENT)(_list_view(_kind)))
    bp.add_url_rule(_rule, endpoint=f"{_kind.value}_comments_create", methods=["POST"],
                    view_func=permission_required(Permission.COMMENT)(_create_view(_kind)))


def _comment(comment_id: int) -> Comment:
    found = comment_reads.get(comment_id)
    if found is not None:
        kind, record_id = next((k, getattr(found, c)) for k, c in comment_writes.COLUMNS.items()
                               if getattr(found, c) is not None)
        if can(attached_records.KINDS[kind].view) and \
                attached_records.visible(for_user(current_user), kind, record_id) is not None:
            return found
    raise ApiError(404, _("There is no such comment, or you may not see it."))


@bp.get("/comments/<int:comment_id>")
@permission_required(Permission.COMMENT)
@documented("One comment.", response=COMMENT)
def comments_item(comment_id: int):
    found = _comment(comment_id)
    return item_response(comment_json(found), found.version)


@bp.patch("/comments/<int:comment_id>")
@permission_required(Permission.COMMENT)
@documented("Correct one's own comment (`text`), within 15 minutes of posting it. If-Match is required.",
            body=CommentEditForm, response=COMMENT, if_match=True)
def comments_update(comment_id: int):
    comment = _comment(comment_id)
    version = if_match(comment.version)
    try:
        form = validated_form(CommentEditForm, json_body(), version=version)
        comment_writes.edit(comment, form.text.data, current_user._get_current_object(), version)
    except Refused as exc:
        raise refusal(exc, lambda: (comment_json(_comment(comment_id)), _comment(comment_id).version)) from None
    db.session.commit()
    return item_response(comment_json(comment), comment.version)


MENTION = {"type": "object", "properties": {"comment": COMMENT, "at": {"type": "string"}}}


@bp.get("/mentions")
@permission_required(Permission.COMMENT)
@documented("The comments that mention the caller, newest first.", args=MentionFilterForm,
            response=page_schema(MENTION))
def mentions():
    filters, paging = list_args(MentionFilterForm)
    page = comment_reads.mentions_page(current_user, comment_reads.MentionFilters(**filters), paging)
    return jsonify(page.envelope(lambda m: {"comment": comment_json(m.comment), "at": m.created_at.isoformat()}))


