"""Notifications and preferences in the synthetic data (issue 28), in proportion to the requests: one notification
per two requests, spread over the synthetic staff (assignments, new requests for managers, overdue reminders,
reviews, actions, mentions), two in three read; one staff account in three with preferences of its own. Written in
bulk, like the rest of `flask seed synthetic`."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, at, next_ids
from models import AssistanceRequest, Notification, NotificationPreference, User, db
from models.notification import Delivery, NotificationKind

#: What staff are told of, and how often (managers also of new requests).
OFFICER_KINDS = [(NotificationKind.REQUEST_ASSIGNED, "request"), (NotificationKind.REQUEST_OVERDUE, "request"),
                 (NotificationKind.REPORT_RETURNED, None), (NotificationKind.ACTION_ASSIGNED, None),
                 (NotificationKind.MENTION, "request")]
MANAGER_KINDS = [(NotificationKind.REQUEST_NEW, "request"), (NotificationKind.REPORT_SUBMITTED, None),
                 (NotificationKind.MENTION, "request")]


def generate_notifications(generator) -> None:
    rng = generator.rng
    staff = db.session.execute(sa.select(User.id, User.role).where(
        User.email.like(f"synthetic-%-{generator.seed}-%@synthetic.test")).order_by(User.id)).all()
    requests = list(db.session.scalars(sa.select(AssistanceRequest.id).where(
        AssistanceRequest.source == generator.source).order_by(AssistanceRequest.id)))
    if not staff or not requests:
        return
    ids = next_ids(Notification.__table__, NotificationPreference.__table__)
    days = (SYNTHETIC_TODAY - SYNTHETIC_START).days
    rows = []
    for i in range(len(requests) // 2):
        user = staff[i % len(staff)]
        kind, record = rng.choice(MANAGER_KINDS if user.role == "manager" else OFFICER_KINDS)
        request_id = rng.choice(requests)
        created = at(SYNTHETIC_START + timedelta(days=rng.randrange(days + 1)), rng)
        rows.append({"id": ids["notifications"] + i, "user_id": user.id, "kind": kind.value,
                     "message": f"{kind.label}: request #{request_id}", "record_type": record or "request",
                     "record_id": request_id, "delivery": Delivery.APP.value, "event_key": None,
                     "created_at": created, "read_at": created if rng.random() < 2 / 3 else None,
                     "digest_id": None})
    generator.write(Notification.__table__, rows)
    choices = [d.value for d in Delivery]
    prefs = []
    for user in staff[::3]:
        for kind in rng.sample(list(NotificationKind), 3):
            prefs.append({"id": ids["notification_preferences"] + len(prefs), "user_id": user.id,
                          "kind": kind.value, "delivery": rng.choice(choices)})
    generator.write(NotificationPreference.__table__, prefs)
