"""Requests for assistance from States, and the guarded workflow a manager moves them through."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, dates_ordered, db, fk, one_of, utcnow
from .enums import Priority, RequestChannel, RequestKind, RequestStatus

S = RequestStatus

#: Which status may follow which; anything else is refused by `AssistanceRequest.change_status`.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.PENDING: frozenset({S.UNDER_REVIEW, S.APPROVED, S.DECLINED, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.DECLINED, S.WITHDRAWN, S.PENDING}),
    S.APPROVED: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.DECLINED: frozenset({S.PENDING}),
    S.WITHDRAWN: frozenset(),
}
#: Statuses a decision is recorded with (its reason is then required).
DECISIONS = frozenset({S.APPROVED, S.DECLINED})


class IllegalTransition(ValueError):
    """A status change the workflow does not allow; the message says why."""


assistance_request_instruments = sa.Table(
    "assistance_request_instruments", db.metadata,
    sa.Column("request_id", sa.ForeignKey("assistance_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument_id", sa.ForeignKey("instruments.id"), primary_key=True, index=True),
)


class AssistanceRequest(TimestampMixin, db.Model):
    __tablename__ = "assistance_requests"
    __table_args__ = (
        one_of("kind", RequestKind),
        one_of("priority", Priority),
        one_of("status", RequestStatus),
        one_of("channel", RequestChannel, nullable=True),
        dates_ordered("received_date", "due_date", name="due_after_received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key of a record loaded from a data file (idempotent seeding); empty for records entered by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: Empty when the source does not say (the report gives no dates for the requests of para 19).
    received_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True, index=True)
    channel: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    requesting_authority: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    priority: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=Priority.NORMAL.value)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=RequestStatus.PENDING.value,
                                        index=True)
    assigned_officer_id: Mapped[int | None] = fk("users.id", nullable=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The last decision taken (approved / declined) and why.
    decision: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)

    state = relationship("MemberState")
    instruments = relationship("Instrument", secondary=assistance_request_instruments, order_by="Instrument.id")
    assigned_officer = relationship("User", foreign_keys=[assigned_officer_id])
    status_changes: Mapped[list["RequestStatusChange"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestStatusChange.changed_at")
    activities = relationship("Activity", secondary="activity_requests", back_populates="requests")

    def change_status(self, to: RequestStatus | str, actor, reason: str | None = None) -> "RequestStatusChange":
        """Move to `to` if the workflow allows it, recording who, when and why; raise IllegalTransition if not."""
        to = RequestStatus(to)
        current = RequestStatus(self.status)
        if to not in TRANSITIONS[current]:
            raise IllegalTransition(f"A request that is {current.label.lower()} cannot become {to.label.lower()}.")
        reason = (reason or "").strip() or None
        if to in DECISIONS:
            if not reason:
                raise IllegalTransition(f"A decision to mark a request {to.label.lower()} needs a reason.")
            self.decision, self.decision_reason, self.decided_at = to.value, reason, utcnow()
        change = RequestStatusChange(from_status=current.value, to_status=to.value, reason=reason,
                                     actor_id=getattr(actor, "id", None))
        self.status_changes.append(change)
        self.status = to.value
        return change


class RequestStatusChange(db.Model):
    """One step of a request's history: who moved it, when, from what, to what, and why."""
    __tablename__ = "request_status_changes"
    __table_args__ = (
        one_of("from_status", RequestStatus, nullable=True),
        one_of("to_status", RequestStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = fk("assistance_requests.id", nullable=False, ondelete="CASCADE")
    actor_id: Mapped[int | None] = fk("users.id", nullable=True)
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    #: Empty for the first entry (the request's creation).
    from_status: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    request: Mapped[AssistanceRequest] = relationship(back_populates="status_changes")
    actor = relationship("User")
