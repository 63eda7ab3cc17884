"""GET /api/v1/lookup/<kind>?q=: what a type-ahead picker offers — at most 50 records of one kind matching the
text, each as {id, label}, in the caller's scope (app.services.overview.lookup; one query)."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import ApiError, documented, validated_args
from app.permissions import Permission, login_required, require
from app.scoping import for_user
from app.services.overview import lookup
from forms.lookup import LookupForm

#: Who may look up each kind: the permission of the pages that show it. Staff accounts are for staff only (a
#: donor is refused them: 403), as are requests, which a donor never sees.
PERMISSIONS = {"states": Permission.VIEW_TREATIES, "experts": Permission.VIEW_EXPERTS,
               "organizations": Permission.VIEW_ACTIVITIES, "requests": Permission.VIEW_REQUESTS,
               "activities": Permission.VIEW_ACTIVITIES, "users": Permission.VIEW_ACTIONS,
               "issues": Permission.VIEW_ISSUES}

_ITEMS = {"type": "object", "required": ["items"], "properties": {"items": {
    "type": "array", "maxItems": lookup.MAX_ITEMS, "items": {
        "type": "object", "required": ["id", "label"], "properties": {
            "id": {"oneOf": [{"type": "integer"}, {"type": "string"}],
                   "description": "What a form takes: a State's code, every other record's number."},
            "label": {"type": "string"}}}}}}
_KIND = {"name": "kind", "in": "path", "required": True, "description": "What to look up.",
         "schema": {"type": "string", "enum": list(lookup.KINDS)}}


@bp.get("/lookup/<kind>")
@login_required
@documented("A type-ahead picker's search: at most 50 records of one kind matching `q` (a State by any of its "
            "names, a request or activity by #number or title words), only those the caller may see. Requests and "
            "activities are offered newest first; text with no word of three letters or more is looked for among "
            "the newest 5,000 of them only (a third letter, or the #number, finds any).",
            parameters=[_KIND], args=LookupForm, response=_ITEMS)
def lookup_items(kind):
    """Records of `kind` matching `q`, as {id, label}."""
    if kind not in lookup.KINDS:
        raise ApiError(404, _("No lookup of %(kind)s: look up one of %(kinds)s.", kind=repr(kind[:40]),
                              kinds=", ".join(lookup.KINDS)), code="not_found")
    require(PERMISSIONS[kind])
    form = validated_args(LookupForm)
    among = form.among.data or None
    if among and among not in lookup.KINDS[kind].among:
        offered = ", ".join(lookup.KINDS[kind].among) or "—"
        raise ApiError(400, _("Some query parameters are not valid: %(names)s.", names="among"),
                       {"among": f"{kind} cannot be narrowed to {among}: only to {offered}."})
    items = lookup.search(kind, for_user(current_user), form.q.data, among)
    return jsonify({"items": [{"id": i.id, "label": i.label} for i in items]})
