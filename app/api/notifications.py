"""Notifications through the API: GET /api/v1/notifications (the caller's own, newest first, paginated, `read` and
`kind` filters) and POST /api/v1/notifications/<id>/read. Each item has `kind`, `read` and `link` (the absolute
address of its record's page, or null)."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import ApiError, documented, list_args, page_schema
from app.permissions import login_required
from app.services.notifications import events as notification_events
from app.services.notifications import inbox
from forms.notifications import NotificationFilterForm
from models import Notification, db

NOTIFICATION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "message": {"type": "string"},
    "read": {"type": "boolean"}, "link": {"type": "string", "nullable": True},
    "record": {"type": "object", "nullable": True, "properties": {"type": {"type": "string"},
                                                                   "id": {"type": "integer", "nullable": True}}},
    "created_at": {"type": "string"}, "read_at": {"type": "string", "nullable": True}}}


def notification_json(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "message": n.message, "read": n.is_read,
            "link": notification_events.absolute_link(n),
            "record": {"type": n.record_type, "id": n.record_id} if n.record_type else None,
            "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}


@bp.get("/notifications")
@login_required
@documented("The caller's notifications, newest first; `read=no` gives the unread ones.",
            args=NotificationFilterForm, response=page_schema(NOTIFICATION))
def notifications():
    filters, paging = list_args(NotificationFilterForm)
    page = inbox.list_page(current_user, inbox.NotificationFilters(**filters), paging)
    return jsonify(page.envelope(notification_json))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
@documented("Mark one of the caller's notifications read (marking it again changes nothing).",
            response=NOTIFICATION)
def notification_read(notification_id: int):
    notification = inbox.get(current_user, notification_id)
    if notification is None:
        raise ApiError(404, _("There is no such notification of yours."))
    inbox.mark_read(notification)
    db.session.commit()
    return jsonify(notification_json(notification))
