"""A person's notifications: the list (`/notifications`, paginated, filtered by read/unread and kind), marking
one or all read, and the bell in the header (its count is one indexed query). Also the administrators' outbox
(`/admin/mail`, on the administration blueprint): every e-mail, queued, sent or failed, with its attempts and
last error."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
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


#: The bell in the header (templates/base.html) is rendered, and kept, with these marks for its count and its colour;
#: they are filled in on the page's way out, fresh and kept pages alike, with no template and no account loaded.
#: Were the count rendered with the page, every kept page would depend on the notifications table, and any
#: notification raised for anyone would drop every page kept for everybody (app.page_cache).
BELL = {"count": "__palermo_unread__", "colour": "__palermo_unread_colour__"}


@bp.app_context_processor
def _bell_marks():
    return {"bell": BELL}


@bp.after_app_request
def _fill_bell(response):
    """The header's bell, with the unread count of whoever the page is for: one indexed count, outside the reads a
    kept page notes. Only inside the bell's own link: a record's text holding the marks stays as it was written."""
    if response.mimetype != "text/html" or response.is_streamed or response.direct_passthrough:
        return response
    body = response.get_data()
    start = body.find(b'id="bell"')
    if start < 0:
        return response
    end = body.index(b"</a>", start)
    owner = _page_owner_id()
    unread = inbox.unread_count_of(owner) if owner else 0
    bell = (body[start:end].replace(BELL["colour"].encode(), b"bg-danger" if unread else b"bg-secondary")
            .replace(BELL["count"].encode(), str(unread).encode()))
    response.set_data(body[:start] + bell + body[end:])
    return response


def _page_owner_id() -> int | None:
    """The signed-in account the page was made for: the one loaded for the view, or — a kept page answered before
    any account is loaded (app.page_cache.answer_early) — the session's, which that answer has already vouched for."""
    loaded = g.get("_login_user")
    if loaded is not None:
        return loaded.id if loaded.is_authenticated else None
    ident = session.get("_user_id", "").partition(":")[0]
    return int(ident) if ident.isdigit() else None


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
