"""Follow-up actions (eTools' action points): what someone must do after a report, a request, a finding or a visit
to a State's page — who, by when, how urgently, for which State and instruments; open → in progress → done or
cancelled, every step kept with its note."""
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assistance_request import IllegalTransition
from models.base import StatusChangeMixin, TimestampMixin, db, fk, one_of, version_column
from models.enums import ActionStatus, Priority

S = ActionStatus

#: Which status may follow which. A closed action (done, cancelled) may be reopened, with a reason.
TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.DONE, S.CANCELLED}),
    S.DONE: frozenset({S.OPEN}),
    S.CANCELLED: frozenset({S.OPEN}),
}
#: Still to be done: what "open actions" counts, and what can be overdue.
PENDING = frozenset({S.OPEN, S.IN_PROGRESS})
#: Moves that need a note: cancelling says why, reopening says why.
NOTE_REQUIRED = frozenset({(S.OPEN, S.CANCELLED), (S.IN_PROGRESS, S.CANCELLED), (S.DONE, S.OPEN),
                           (S.CANCELLED, S.OPEN)})

follow_up_action_instruments = sa.Table(
    "follow_up_action_instruments", db.metadata,
    sa.Column("action_id", sa.ForeignKey("follow_up_actions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument_id", sa.ForeignKey("instruments.id"), primary_key=True, index=True),
)

_PENDING_SQL = ", ".join(f"'{s.value}'" for s in (S.OPEN, S.IN_PROGRESS))
_RANK_SQL = "priority_rank = CASE priority " + " ".join(
    f"WHEN '{p.value}' THEN {p.rank}" for p in sorted(Priority, key=lambda p: p.rank)) + " END"


class FollowUpAction(TimestampMixin, db.Model):
    __tablename__ = "follow_up_actions"
    __table_args__ = (
        one_of("status", ActionStatus),
        one_of("priority", Priority),
        sa.CheckConstraint(_RANK_SQL, name="priority_rank_matches"),
        sa.CheckConstraint("closed_at IS NULL OR status NOT IN (" + _PENDING_SQL + ")", name="closed_when_closed"),
        # "My actions" and the list: an owner's pending actions by due date; every pending action by due date.
        sa.Index("ix_follow_up_actions_owner_status_due", "owner_id", "status", "due_date"),
        sa.Index("ix_follow_up_actions_status_due", "status", "due_date"),
        sa.Index("ix_follow_up_actions_state_status", "state_id", "status"),
        # The list's default order, one page read from the index instead of every action sorted.
        sa.Index("ix_follow_up_actions_due_order", "due_date", "priority_rank", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    owner_id: Mapped[int] = fk("users.id", nullable=False)
    due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    priority: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=Priority.NORMAL.value)
    #: Priority.rank of `priority` (0 urgent … 3 low), set with it and checked by the database: the list sorts on it.
    priority_rank: Mapped[int] = mapped_column(nullable=False, default=Priority.NORMAL.rank,
                                               server_default=str(Priority.NORMAL.rank))
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=ActionStatus.OPEN.value)
    #: The State the action concerns.
    state_id: Mapped[int] = fk("member_states.id", nullable=False, index=False)
    #: Where it was raised (each optional): an activity's report, a request, a finding.
    activity_id: Mapped[int | None] = fk("activities.id", nullable=True, ondelete="SET NULL")
    request_id: Mapped[int | None] = fk("assistance_requests.id", nullable=True, ondelete="SET NULL")
    finding_id: Mapped[int | None] = fk("legislative_findings.id", nullable=True, ondelete="SET NULL")
    raised_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    #: When it was done or cancelled (empty while pending).
    closed_at: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    owner = relationship("User", foreign_keys=[owner_id])
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    state = relationship("MemberState")
    instruments = relationship("Instrument", secondary=follow_up_action_instruments, order_by="Instrument.id")
    activity = relationship("Activity")
    request = relationship("AssistanceRequest")
    finding = relationship("LegislativeFinding")
    history: Mapped[list["ActionStatusChange"]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="[ActionStatusChange.changed_at, ActionStatusChange.id]")

    def set_priority(self, value: str) -> None:
        self.priority, self.priority_rank = value, Priority(value).rank

    @property
    def is_pending(self) -> bool:
        return ActionStatus(self.status) in PENDING

    def is_overdue(self, today: date) -> bool:
        """Past its due date and not done or cancelled."""
        return self.is_pending and self.due_date < today

    def move(self, to: ActionStatus | str, actor, on: date, note: str | None = None) -> "ActionStatusChange":
        """Change the status, recording who, when and why; IllegalTransition when the move is not allowed or its
        note is missing."""
        to, current = ActionStatus(to), ActionStatus(self.status)
        if to is current:
            raise IllegalTransition(gettext("The action is already %(status)s.", status=to.label.lower()))
        if to not in TRANSITIONS[current]:
            raise IllegalTransition(gettext("An action that is %(status)s cannot become %(to)s.",
                                            status=current.label.lower(), to=to.label.lower()))
        note = (note or "").strip() or None
        if (current, to) in NOTE_REQUIRED and not note:
            raise IllegalTransition(gettext("Cancelling an action needs a note saying why.") if to is S.CANCELLED
                                    else gettext("Reopening an action needs a note saying why."))
        change = ActionStatusChange(from_status=current.value, to_status=to.value, reason=note,
                                    actor_id=getattr(actor, "id", None))
        self.history.append(change)
        self.status = to.value
        self.closed_at = None if to in PENDING else on
        return change


class ActionStatusChange(StatusChangeMixin, db.Model):
    """One step of an action's course: who moved it, when, from what, to what, and the note."""
    __tablename__ = "action_status_changes"
    __table_args__ = (one_of("from_status", ActionStatus, nullable=True), one_of("to_status", ActionStatus))

    action_id: Mapped[int] = fk("follow_up_actions.id", nullable=False, ondelete="CASCADE")

    action: Mapped[FollowUpAction] = relationship(back_populates="history")
    actor = relationship("User")
