"""Digests and reminders: plain functions the command line runs (`flask notifications digest --period …`,
`flask notifications remind-overdue`), ready to be scheduled by the job queue.

A digest is sent once per person and period: the `notification_digests` row (unique per person, period and first
day) is written in the same transaction as the message, so a second run, or two at once, sends nothing more."""
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app.formatting import format_date, lazy_date
from app.services.mail import compose
from app.services.notifications.events import absolute_link, managers, notify
from models import AssistanceRequest, FollowUpAction, Notification, NotificationDigest, User, db
from models.assistance_request import AWAITING_DECISION
from models.follow_up_action import PENDING
from models.notification import DigestPeriod, NotificationKind


def period_start(period: DigestPeriod, day: date) -> date:
    """The first day of the period that `day` closes: the day itself, or the Monday of its week."""
    return day if DigestPeriod(period) is DigestPeriod.DAILY else day - timedelta(days=day.weekday())


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def send_digests(period: str, day: date) -> int:
    """Send each person whose notifications wait for this period's digest one message listing them (those made up
    to the end of `day`); returns how many messages were queued. Commits per person."""
    period = DigestPeriod(period)
    start = period_start(period, day)
    waiting = (sa.select(Notification.user_id).where(Notification.delivery == period.value,
                                                       Notification.digest_id.is_(None),
                                                       Notification.created_at < _end_of(day))
               .distinct())
    user_ids = sorted(db.session.scalars(waiting))
    sent = 0
    for user_id in user_ids:
        sent += _digest_for(db.session.get(User, user_id), period, start, day)
    return sent


def _digest_for(user: User, period: DigestPeriod, start: date, day: date) -> int:
    items = list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.delivery == period.value, Notification.digest_id.is_(None),
        Notification.created_at < _end_of(day)).order_by(Notification.created_at, Notification.id)))
    if not items:
        return 0
    try:
        with db.session.begin_nested():
            digest = NotificationDigest(user_id=user.id, period=period.value, period_start=start)
            db.session.add(digest)
            db.session.flush()
    except IntegrityError:  # this person's digest of this period is already sent
        return 0
    with compose.in_language_of(user):
        what = _("today") if period is DigestPeriod.DAILY else _("the week of %(day)s", day=format_date(start))
        subject = (ngettext("Your daily digest: %(num)d notification", "Your daily digest: %(num)d notifications",
                            len(items)) if period is DigestPeriod.DAILY else
                   ngettext("Your weekly digest: %(num)d notification", "Your weekly digest: %(num)d notifications",
                            len(items)))
        message = compose.send("digest", user.email, subject, "digest", user.id, user=user, what=what,
                               items=[(n, absolute_link(n)) for n in items])
    digest.message_id = message.id
    for n in items:
        n.digest_id = digest.id
    db.session.commit()
    return 1


def remind_overdue(today: date) -> int:
    """Tell the officer of each overdue request (the managers when nobody is assigned) and the owner of each overdue
    follow-up action; once per record and due date whatever the number of runs. Returns how many were told."""
    told = 0
    awaiting = sorted(s.value for s in AWAITING_DECISION)
    late = db.session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.due_date < today,
                                                                AssistanceRequest.status.in_(awaiting))
                              .order_by(AssistanceRequest.id))
    everyone = None
    for request in late:
        key = f"request-overdue:{request.id}:{request.due_date.isoformat()}"
        message = _l("Request #%(id)s is overdue: it was due on %(day)s.", id=request.id,
                     day=lazy_date(request.due_date))
        if request.assigned_officer is not None:
            recipients = [request.assigned_officer]
        else:
            everyone = everyone if everyone is not None else managers()
            recipients = everyone
        told += sum(notify(u, NotificationKind.REQUEST_OVERDUE, message, request, event_key=key) is not None
                    for u in recipients)
    pending = sorted(s.value for s in PENDING)
    for action in db.session.scalars(sa.select(FollowUpAction).where(FollowUpAction.due_date < today,
                                                                     FollowUpAction.status.in_(pending))
                                     .order_by(FollowUpAction.id)):
        key = f"action-overdue:{action.id}:{action.due_date.isoformat()}"
        message = _l("Follow-up action #%(id)s is overdue: it was due on %(day)s.", id=action.id,
                     day=lazy_date(action.due_date))
        told += notify(action.owner, NotificationKind.ACTION_OVERDUE, message, action, event_key=key) is not None
    return told
