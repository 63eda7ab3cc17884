"""Legislative issues raised with States, and each State's progress on them over time."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assistance_request import IllegalTransition
from models.base import TimestampMixin, db, fk, one_of, utcnow, version_column
from models.enums import FindingStatus

#: The order a State's law goes through; a step back (a draft withdrawn) needs a reason.
FINDING_ORDER = [s.value for s in FindingStatus]


class LegislativeIssue(TimestampMixin, db.Model):
    __tablename__ = "legislative_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    code: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: e.g. "UNTOC art. 5"
    article: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)


class LegislativeFinding(TimestampMixin, db.Model):
    """An issue as it stands in one State; `status` is the latest of `history`."""
    __tablename__ = "legislative_findings"
    __table_args__ = (
        sa.UniqueConstraint("state_id", "issue_id", name="uq_legislative_findings_state_issue"),
        one_of("status", FindingStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    issue_id: Mapped[int] = fk("legislative_issues.id", nullable=False)
    #: The activity where the issue was raised.
    activity_id: Mapped[int | None] = fk("activities.id", nullable=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=FindingStatus.IDENTIFIED.value)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    state = relationship("MemberState")
    issue = relationship("LegislativeIssue")
    activity = relationship("Activity")
    history: Mapped[list["FindingStatusChange"]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingStatusChange.status_date")

    def record_status(self, status: FindingStatus | str, on: date | None, actor=None, note=None):
        """Append a step to the history and make it the current status (no rule applied: the first step, and
        the reference record's; people move a status with `change_status`)."""
        status = FindingStatus(status)
        self.history.append(FindingStatusChange(status=status.value, status_date=on, note=note,
                                                actor_id=getattr(actor, "id", None)))
        self.status = status.value

    def change_status(self, to: FindingStatus | str, on: date, actor, note: str | None = None):
        """Move to `to` on `on`, recording who and why; raise IllegalTransition when the move cannot be right:
        the same status again, a day before the last step's or in the future, a step back without a reason."""
        to = FindingStatus(to)
        note = (note or "").strip() or None
        if to.value == self.status:
            raise IllegalTransition(gettext("The finding is already “%(status)s”.", status=to.label))
        if on is None:
            raise IllegalTransition(gettext("Give the day the status took effect."))
        if on > date.today():
            raise IllegalTransition(gettext("That day is in the future: record a status once it has taken effect."))
        last = max((h.status_date for h in self.history if h.status_date), default=None)
        if last and on < last:
            raise IllegalTransition(gettext("The last step is dated %(day)s: a new one cannot come before it.",
                                            day=last.isoformat()))
        if FINDING_ORDER.index(to.value) < FINDING_ORDER.index(self.status) and not note:
            raise IllegalTransition(gettext("Moving back to “%(status)s” needs a reason (a draft withdrawn, a law "
                                            "repealed).", status=to.label))
        self.record_status(to, on, actor=actor, note=note)


class FindingStatusChange(db.Model):
    __tablename__ = "finding_status_changes"
    __table_args__ = (one_of("status", FindingStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = fk("legislative_findings.id", nullable=False, ondelete="CASCADE")
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The day the status took effect (empty where the source gives none).
    status_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    actor_id: Mapped[int | None] = fk("users.id", nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    finding: Mapped[LegislativeFinding] = relationship(back_populates="history")
    actor = relationship("User")
