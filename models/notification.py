"""Notifications (issue 28): what a person is told, their preferences per kind, and the digests sent.

Notifications are data first (STYLE 21): a service records the event in the same transaction as the change;
delivery (the bell, an e-mail at once, a daily or weekly digest) follows the recipient's preference, read when
the notification is made and kept on it (`delivery`), so that a later change of preference does not resend.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, fk, one_of, utcnow
from models.enums import N_, LabelledEnum


class NotificationKind(LabelledEnum):
    REQUEST_ASSIGNED = "request_assigned", N_("A request assigned to me")
    REQUEST_NEW = "request_new", N_("A new request in the queue (managers)")
    REQUEST_OVERDUE = "request_overdue", N_("A request overdue")
    REPORT_SUBMITTED = "report_submitted", N_("A report submitted to me for review")
    REPORT_RETURNED = "report_returned", N_("My report returned for changes")
    REPORT_APPROVED = "report_approved", N_("My report approved")
    ACTION_ASSIGNED = "action_assigned", N_("A follow-up action assigned to me")
    ACTION_OVERDUE = "action_overdue", N_("A follow-up action of mine overdue")
    MENTION = "mention", N_("A mention in a comment")
    ACTIVITY_COMPLETED = "activity_completed", N_("An activity my donor funds completed")
    JOB_FINISHED = "job_finished", N_("A job of mine finished or failed")


class Delivery(LabelledEnum):
    APP = "app", N_("In the app only")
    EMAIL = "email", N_("By e-mail at once")
    DAILY = "daily", N_("In a daily digest")
    WEEKLY = "weekly", N_("In a weekly digest")


#: Told by e-mail at once unless the person chooses otherwise (issue 28); every other kind: in the app only.
EMAIL_BY_DEFAULT = frozenset({NotificationKind.REQUEST_ASSIGNED, NotificationKind.REPORT_RETURNED,
                              NotificationKind.MENTION})


class DigestPeriod(LabelledEnum):
    DAILY = "daily", N_("Daily")
    WEEKLY = "weekly", N_("Weekly")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        one_of("kind", NotificationKind),
        one_of("delivery", Delivery),
        # The bell: SELECT count(*) WHERE user_id = ? AND read_at IS NULL — one index range, whatever the size.
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        # An event told once: a reminder job run twice for the same day adds nothing.
        sa.UniqueConstraint("user_id", "event_key", name="uq_notifications_user_event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE", index=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: One sentence saying what happened, shown in the list and the e-mail.
    message: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The record it is about ("request", "activity", "report", "action") and its id; the link is built from them.
    record_type: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    record_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: How it was to reach the person, from their preference at the time (app, email, daily, weekly).
    delivery: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=Delivery.APP.value)
    #: What makes the event unique for its recipient (the overdue reminder of request 12 due 2026-12-01, say).
    event_key: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    #: The digest that carried it (daily or weekly delivery), once sent.
    digest_id: Mapped[int | None] = fk("notification_digests.id", nullable=True, ondelete="SET NULL")

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self) -> bool:
        """Mark it read; False when it already was (nothing changes)."""
        if self.read_at is not None:
            return False
        self.read_at = utcnow()
        return True


class NotificationPreference(db.Model):
    """How one person wants one kind of notification; no row means the default (EMAIL_BY_DEFAULT)."""
    __tablename__ = "notification_preferences"
    __table_args__ = (one_of("kind", NotificationKind), one_of("delivery", Delivery),
                      sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE", index=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    delivery: Mapped[str] = mapped_column(sa.String(10), nullable=False)


class NotificationDigest(db.Model):
    """One digest of one person for one period: the unique key is what makes a digest run twice send once."""
    __tablename__ = "notification_digests"
    __table_args__ = (one_of("period", DigestPeriod),
                      sa.UniqueConstraint("user_id", "period", "period_start",
                                          name="uq_notification_digests_user_period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE", index=False)
    period: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: The first day of the period (the day, or the Monday of the week).
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    message_id: Mapped[int | None] = fk("mail_outbox.id", nullable=True, ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
