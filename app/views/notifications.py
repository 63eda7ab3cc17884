"""A person's notifications: the list (`/notifications`, paginated, filtered by read/unread and kind), marking
one or all read, and the bell in the header (its count is one indexed query). Also the administrators' outbox
(`/admin/mail`, on the administration blueprint): every e-mail, queued, sent or failed, with its attempts and
last error."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.permissions import Permission, login_required, permission_required
from app.services.mail import outbox
from app.services.notifications import events as notification_events
from app.services.notifications import inbox
from app.views.accounts.admin import bp as admin_bp
from app.views.accounts.auth import safe_next
from app.views.helpers import list_filters
from forms.notifications import NotificationFilterForm, OutboxFilterForm
from models import db
from models.mail import MailStatus
from models.notification import NotificationKind

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell():
    def unread_notifications() -> int:
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": unread_notifications}


@bp.after_app_request
def _dispatch_mail(response):
    """The e-mails this request queued, handed over once its transaction is committed (never inside it)."""
    outbox.dispatch_committed()
    return response


def get_notification_or_404(notification_id: int):
    return inbox.get(current_user, notification_id) or abort(404)


@bp.get("/notifications")
@login_required
def index():
    form, filters, paging = list_filters(NotificationFilterForm)
    if filters is None:
        return render_template("notifications/list.html", form=form, page=None), 400
    page = inbox.list_page(current_user, inbox.NotificationFilters(**filters), paging)
    return render_template("notifications/list.html", form=form, page=page, link_args=notification_events.link_args,
                           kinds=NotificationKind)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notification = get_notification_or_404(notification_id)
    inbox.mark_read(notification)
    db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    count = inbox.mark_all_read(current_user)
    db.session.commit()
    flash(ngettext("Marked %(num)d notification read.", "Marked %(num)d notifications read.", count), "success")
    return redirect(url_for("notifications.index"))


@admin_bp.get("/mail", endpoint="mail")
@permission_required(Permission.MANAGE_USERS)
def outbox_page():
    form, filters, paging = list_filters(OutboxFilterForm)
    if filters is None:
        return render_template("notifications/outbox.html", form=form, page=None, counts={}), 400
    page = outbox.list_page(filters["status"], filters["q"], paging)
    return render_template("notifications/outbox.html", form=form, page=page, counts=outbox.counts(),
                           statuses=MailStatus)
