"""Requests for assistance from States, and the guarded workflow a manager moves them through."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import StatusChangeMixin, TimestampMixin, dates_ordered, db, fk, one_of, utcnow
from models.enums import Priority, RequestChannel, RequestKind, RequestStatus

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
#: Moves that need a reason: the decisions, withdrawing, and putting a request back to pending.
REASON_REQUIRED = DECISIONS | {S.WITHDRAWN, S.PENDING}
#: The statuses of the managers' queue: waiting for a decision.
AWAITING_DECISION = frozenset({S.PENDING, S.UNDER_REVIEW})
#: The queue's condition as the partial index on it states it (the queries' `status IN (…)` must imply it).
AWAITING_SQL = "status IN ('pending', 'under_review')"

#: CHECK: the stored rank is the priority's (the queue orders by the rank, which an index can serve).
_RANK_SQL = "priority_rank = CASE priority " + " ".join(
    f"WHEN '{p.value}' THEN {p.rank}" for p in sorted(Priority, key=lambda p: p.rank)) + " END"
#: The requests awaiting a decision, as SQL (the queue's partial index).
AWAITING_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in sorted(AWAITING_DECISION)) + ")"


def date_problems(received: date | None, due: date | None, today: date) -> dict[str, str]:
    """What is wrong with a request's dates, by field: the form and the service both apply this one rule."""
    problems = {}
    if received is not None and received > today:
        problems["received_date"] = gettext("%(day)s is in the future: give the day the request arrived (today is "
                                            "%(today)s at the latest).", day=received.isoformat(),
                                            today=today.isoformat())
    if due is not None and received is not None and due < received:
        problems["due_date"] = gettext("The due date %(due)s is before the date received %(received)s: a request "
                                       "cannot be due before it arrived.", due=due.isoformat(),
                                       received=received.isoformat())
    return problems


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
        sa.CheckConstraint(_RANK_SQL, name="priority_rank_matches"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # The queue: pending / under review, by priority then age.
        sa.Index("ix_assistance_requests_queue", "status", "priority_rank", "received_date"),
        # The request list's filters and orders: a State's requests newest first, by priority.
        sa.Index("ix_assistance_requests_state_received", "state_id", "received_date"),
        sa.Index("ix_assistance_requests_priority_rank", "priority_rank", "received_date"),
        # The queue's default order over the requests awaiting a decision only (status IN two values cannot walk
        # ix_assistance_requests_queue in order: PostgreSQL sorted every awaiting request, 209 ms at 200,000).
        sa.Index("ix_assistance_requests_awaiting_order", "priority_rank", "received_date", "id",
                 postgresql_where=sa.text(AWAITING_SQL), sqlite_where=sa.text(AWAITING_SQL)),
        # ... and its orders by received and by due date (PostgreSQL walked the decided requests' dates to find them)
        sa.Index("ix_assistance_requests_awaiting_received", "received_date", "id",
                 postgresql_where=sa.text(AWAITING_SQL), sqlite_where=sa.text(AWAITING_SQL)),
        sa.Index("ix_assistance_requests_awaiting_due", "due_date", "received_date", "id",
                 postgresql_where=sa.text(AWAITING_SQL), sqlite_where=sa.text(AWAITING_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key of a record loaded from a data file (idempotent seeding); empty for records entered by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, index=True)
    #: Empty when the source does not say (the report gives no dates for the requests of para 19).
    received_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True, index=True)
    channel: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    requesting_authority: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: Set only by the reference record: the source names the State but not what it asked for, so the subject,
    #: kind and instruments are the Centre's reading of the report, shown as inferred.
    is_subject_inferred: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    priority: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=Priority.NORMAL.value, index=True)
    #: Priority.rank of `priority` (0 urgent … 3 low), kept by `_rank_priority` and checked by the database.
    priority_rank: Mapped[int] = mapped_column(nullable=False, default=Priority.NORMAL.rank,
                                               server_default=str(Priority.NORMAL.rank))
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=RequestStatus.PENDING.value,
                                        index=True)
    assigned_officer_id: Mapped[int | None] = fk("users.id", nullable=True)
    #: Who logged the request (empty for records loaded from the report).
    logged_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True, index=True)
    #: Raised by every change made through the services; a form carries the version it was rendered from.
    version: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")
    #: The last decision taken (approved / declined) and why.
    decision: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)

    # Optimistic locking: every UPDATE says `WHERE version = <the version read>` and the services set the next
    # version themselves, so two people saving at once cannot both win (the second gets StaleDataError).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    state = relationship("MemberState")
    instruments = relationship("Instrument", secondary=assistance_request_instruments, order_by="Instrument.id")
    assigned_officer = relationship("User", foreign_keys=[assigned_officer_id])
    logged_by = relationship("User", foreign_keys=[logged_by_id])
    status_changes: Mapped[list["RequestStatusChange"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestStatusChange.changed_at")
    activities = relationship("Activity", secondary="activity_requests", back_populates="requests")

    @validates("priority")
    def _rank_priority(self, _key, value):
        self.priority_rank = Priority(value).rank if value in Priority._value2member_map_ else -1
        return value

    def is_overdue(self, today: date) -> bool:
        """Past its due date and still waiting for a decision."""
        return (self.due_date is not None and self.due_date < today
                and RequestStatus(self.status) in AWAITING_DECISION)

    @property
    def first_response(self):
        """The earliest activity answering the request (cancelled ones are no answer), or None."""
        answers = [a for a in self.activities if a.status != "cancelled"]
        return min(answers, key=lambda a: (a.start_date or a.created_at.date(), a.id), default=None)

    @property
    def first_response_date(self) -> date | None:
        first = self.first_response
        return None if first is None else (first.start_date or first.created_at.date())

    @property
    def days_to_first_response(self) -> int | None:
        """Days from receipt to the first activity answering the request (None while either is unknown)."""
        answered = self.first_response_date
        return (answered - self.received_date).days if answered and self.received_date else None

    def change_status(self, to: RequestStatus | str, actor, reason: str | None = None) -> "RequestStatusChange":
        """Move to `to` if the workflow allows it, recording who, when and why; raise IllegalTransition if not."""
        to = RequestStatus(to)
        current = RequestStatus(self.status)
        if to not in TRANSITIONS[current]:
            raise IllegalTransition(gettext("A request that is %(status)s cannot become %(to)s.",
                                            status=current.label.lower(), to=to.label.lower()))
        reason = (reason or "").strip() or None
        if to in REASON_REQUIRED and not reason:
            if to in DECISIONS:
                raise IllegalTransition(gettext("A decision to mark a request %(status)s needs a reason.",
                                                status=to.label.lower()))
            raise IllegalTransition(gettext("Putting a request back to pending needs a reason.") if to is S.PENDING
                                    else gettext("Withdrawing a request needs a reason."))
        if to in DECISIONS:
            self.decision, self.decision_reason, self.decided_at = to.value, reason, utcnow()
        change = RequestStatusChange(from_status=current.value, to_status=to.value, reason=reason,
                                     actor_id=getattr(actor, "id", None))
        self.status_changes.append(change)
        self.status = to.value
        return change


#: The request list newest received first, undated last ("-received_date": NULLS LAST on every engine, app.listing
#: .ordered), then its tiebreak: read in this order, a page is found after a few hundred rows instead of sorting
#: every request the filters leave (an instrument's 100,000 at 200,000 requests: 132 → 15 ms). PostgreSQL only:
#: SQLite's indexes take no NULLS LAST (migration 20261207_received_desc).
NEWEST_RECEIVED = sa.Index("ix_assistance_requests_received_desc",
                           AssistanceRequest.received_date.desc().nulls_last(), AssistanceRequest.id.desc())
NEWEST_RECEIVED.ddl_if(dialect="postgresql")


class RequestStatusChange(StatusChangeMixin, db.Model):
    """One step of a request's history: who moved it, when, from what, to what, and why."""
    __tablename__ = "request_status_changes"
    __table_args__ = (
        one_of("from_status", RequestStatus, nullable=True),
        one_of("to_status", RequestStatus),
    )

    request_id: Mapped[int] = fk("assistance_requests.id", nullable=False, ondelete="CASCADE")

    request: Mapped[AssistanceRequest] = relationship(back_populates="status_changes")
    actor = relationship("User")
