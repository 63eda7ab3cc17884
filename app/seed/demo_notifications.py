"""A few notifications for the demo accounts of `make run` (issue 28), about records of the reference record, so that
the bell and /notifications have something to show. In the app only: nothing is e-mailed."""
import sqlalchemy as sa

from models import Activity, AssistanceRequest, Notification, User, db
from models.enums import Role
from models.notification import Delivery, NotificationKind


def add_demo_notifications(users: list[User]) -> int:
    """Three notifications per staff account, one per donor account; returns how many were added."""
    request_id = db.session.scalar(sa.select(sa.func.min(AssistanceRequest.id)))
    activity_id = db.session.scalar(sa.select(sa.func.min(Activity.id)))
    added = 0
    for user in users:
        if user.role == Role.DONOR.value:
            told = [(NotificationKind.ACTIVITY_COMPLETED, "An activity your contribution funds is completed.",
                     "activity", activity_id)]
        else:
            told = [(NotificationKind.REQUEST_ASSIGNED, f"Request #{request_id} is assigned to you.", "request",
                     request_id),
                    (NotificationKind.REQUEST_NEW if user.role == Role.MANAGER.value else NotificationKind.MENTION,
                     f"Have a look at request #{request_id}.", "request", request_id),
                    (NotificationKind.ACTION_ASSIGNED, "Welcome to Palermo: your notifications appear here.",
                     None, None)]
        for kind, message, record_type, record_id in told:
            if record_type and record_id is None:
                continue
            db.session.add(Notification(user_id=user.id, kind=kind.value, message=message, record_type=record_type,
                                        record_id=record_id, delivery=Delivery.APP.value))
            added += 1
    db.session.flush()
    return added
