"""The outbox (issue 28): every e-mail the application sends is kept here, queued, sent or failed."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, fk, one_of, utcnow
from models.enums import N_, LabelledEnum


class MailStatus(LabelledEnum):
    QUEUED = "queued", N_("Queued")
    SENT = "sent", N_("Sent")
    FAILED = "failed", N_("Failed")


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        one_of("status", MailStatus),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_date"),
        # `flask mail deliver-due`: the queued messages whose next attempt is due.
        sa.Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account it is for, when it is for one (a reset link asked for an unknown address is never queued).
    user_id: Mapped[int | None] = fk("users.id", nullable=True, ondelete="SET NULL")
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: What it is: "notification", "digest", "password_reset".
    category: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    #: When a queued message is next tried (after a refusal, later and later); None once sent or failed.
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    #: While one worker sends it: until when the message is that worker's (app.services.mail.outbox.deliver). Past
    #: it — the worker died mid-send — any worker may take it again.
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
