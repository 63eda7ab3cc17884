"""What a person reads of their notifications: the bell's count, the list (page and API), marking read. Every read
takes the person: nobody reads another's notifications."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.listing import Page, Paging, ordered, paginate
from app.services.core.errors import Refused
from models import Notification, User, db
from models.base import utcnow

#: The bell's count, built once: one indexed range of ix_notifications_user_read.
_UNREAD = (sa.select(sa.func.count()).select_from(Notification)
           .where(Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)))


def unread_count(user: User) -> int:
    """The bell: one statement."""
    return unread_count_of(user.id)


def unread_count_of(user_id: int) -> int:
    """The bell of the account `user_id`, without loading the account."""
    return db.session.scalar(_UNREAD, {"user_id": user_id}) or 0


@dataclass(frozen=True)
class NotificationFilters:
    read: str | None = None   # "yes" | "no"
    kind: str | None = None


#: Sort keys of the list (forms.notifications.NotificationFilterForm.SORTS names the same keys).
SORTS = {"created": Notification.created_at, "kind": Notification.kind}


def list_page(user: User, filters: NotificationFilters, paging: Paging) -> Page:
    select = sa.select(Notification).where(Notification.user_id == user.id)
    if filters.read:
        select = select.where(Notification.read_at.is_not(None) if filters.read == "yes"
                              else Notification.read_at.is_(None))
    if filters.kind:
        select = select.where(Notification.kind == filters.kind)
    return paginate(ordered(select, SORTS, paging, "-created", Notification.id.desc()), paging)


def get(user: User, notification_id: int) -> Notification | None:
    """One of `user`'s notifications (None for another's: the same answer as for none)."""
    found = db.session.get(Notification, notification_id)
    return found if found is not None and found.user_id == user.id else None


def mark_read(notification: Notification) -> bool:
    return notification.mark_read()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    result = db.session.execute(sa.update(Notification).where(Notification.user_id == user.id,
                                                              Notification.read_at.is_(None))
                                .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount or 0


def check_read_value(value: str | None) -> None:
    if value not in (None, "", "yes", "no"):
        raise Refused({"read": _("read is yes or no.")})
