"""Raising a notification: `notify(user, kind, message, record)`, called by the service where the event happens.

The recipient's preference for the kind is read once, here, and kept on the notification (`delivery`): "email"
queues a message at once (sent after the transaction commits), "daily"/"weekly" wait for the digest, "app" stays
in the bell. An event with an `event_key` is told once per recipient (a reminder run twice adds nothing).
"""
import sqlalchemy as sa

from app.services.mail import compose
from app.services.notifications.preferences import delivery_for
from models import Notification, User, db
from models.enums import Role
from models.notification import Delivery, NotificationKind

#: Where a notification's record is: record_type -> (endpoint, its URL argument).
RECORD_PAGES = {"request": ("requests.detail", "request_id"), "activity": ("activities.detail", "activity_id"),
                "report": ("activity_reports.show", "activity_id"), "action": ("actions.detail", "action_id"),
                "queue": ("queue.index", None), "job": ("jobs.detail", "job_id")}


def record_of(obj) -> tuple[str, int | None]:
    """(record_type, record_id) of a record a notification may be about (a report is reached by its activity)."""
    name = type(obj).__name__
    if name == "AssistanceRequest":
        return "request", obj.id
    if name == "ActivityReport":
        return "report", obj.activity_id
    if name == "FollowUpAction":
        return "action", obj.id
    if name == "Activity":
        return "activity", obj.id
    raise TypeError(f"no notification page for a {name}")


def notify(user: User | None, kind: NotificationKind, message, record=None, *,
           record_ref: tuple[str, int | None] | None = None, event_key: str | None = None,
           actor=None) -> Notification | None:
    """Tell `user` of an event (None: nobody is told — the actor themself, an inactive account, nobody at all, or an
    event with `event_key` already told). `message`: text, or better a lazy_gettext string with its values, which
    is written in the recipient's language. Flushes; never commits."""
    if user is None or not user.is_active_account or (actor is not None and getattr(actor, "id", None) == user.id):
        return None
    if event_key and db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == user.id, Notification.event_key == event_key)) is not None:
        return None
    record_type, record_id = record_ref or (record_of(record) if record is not None else (None, None))
    delivery = delivery_for(user, kind)
    with compose.in_language_of(user):  # a lazy message (lazy_gettext with its values) in the recipient's language
        message = str(message)
    notification = Notification(user_id=user.id, kind=NotificationKind(kind).value, message=message[:300],
                                record_type=record_type, record_id=record_id, delivery=delivery,
                                event_key=event_key)
    db.session.add(notification)
    db.session.flush()
    if delivery == Delivery.EMAIL.value:
        compose.send("notification", user.email, message[:200], "notification", user.id, user=user,
                     notification=notification, link=absolute_link(notification))
    return notification


def notify_all(users, kind: NotificationKind, message, record=None, **options) -> list[Notification]:
    return [n for n in (notify(u, kind, message, record, **options) for u in users) if n is not None]


def managers() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.MANAGER.value, User.is_active_account)
                                   .order_by(User.id)))


def donors_of(donor_ids) -> list[User]:
    """The active donor accounts bound to any of `donor_ids`."""
    ids = sorted(set(donor_ids))
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.role == Role.DONOR.value, User.donor_id.in_(ids),
                                                         User.is_active_account).order_by(User.id)))


def link_args(notification: Notification) -> tuple[str, dict] | None:
    page = RECORD_PAGES.get(notification.record_type or "")
    if page is None:
        return None
    endpoint, argument = page
    return endpoint, ({argument: notification.record_id} if argument else {})


def absolute_link(notification: Notification) -> str | None:
    found = link_args(notification)
    return compose.url(found[0], **found[1]) if found else None
