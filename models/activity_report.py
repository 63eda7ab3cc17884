"""Activity reports: what an activity did, who took part, what it found and recommended, and the review that
approves it (draft → submitted → returned → submitted … → approved; a manager may unlock an approved report).

One report per activity. Its rich text (summary, recommendations, outcome) is stored already sanitised (a small
allow-list of tags, see app/formats/rich_text.py): nothing else is ever rendered as HTML.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assistance_request import IllegalTransition
from models.base import StatusChangeMixin, TimestampMixin, db, fk, one_of, utcnow, version_column
from models.enums import ReportStatus

S = ReportStatus

#: Which status may follow which (`ActivityReport.move` refuses anything else). Unlocking an approved report puts
#: it back to a draft: it must be reviewed again before it counts as approved.
TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.RETURNED, S.APPROVED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.APPROVED: frozenset({S.DRAFT}),
}
#: The statuses in which the author may change the text.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

report_approvers = sa.Table(
    "report_approvers", db.metadata,
    sa.Column("report_id", sa.ForeignKey("activity_reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ActivityReport(TimestampMixin, db.Model):
    __tablename__ = "activity_reports"
    __table_args__ = (
        one_of("status", ReportStatus),
        sa.CheckConstraint("status <> 'approved' OR approved_at IS NOT NULL", name="approved_has_date"),
        # The review lists: reports of a status, newest change first.
        sa.Index("ix_activity_reports_status_updated", "status", "updated_at"),
        # The list's default order (latest change first): one page read from the index, not every report sorted.
        sa.Index("ix_activity_reports_updated_order", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was made from.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"), unique=True,
                                             nullable=False)
    #: Stable key of a report loaded from a data file (A/58/165); empty for reports written by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=ReportStatus.DRAFT.value, index=True)
    #: What was done (sanitised HTML).
    summary: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: What the activity recommended (sanitised HTML).
    recommendations: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: The outcome so far (sanitised HTML).
    outcome: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: Who started the report (empty for reports drawn from a source document): never its approver.
    author_id: Mapped[int | None] = fk("users.id", nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    approved_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    #: Where a report not written in the system comes from, e.g. "A/58/165 para. 16".
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)

    activity = relationship("Activity")
    author = relationship("User", foreign_keys=[author_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    #: The approvers of the latest submission.
    approvers = relationship("User", secondary=report_approvers, order_by="User.name")
    counterparts: Mapped[list["ReportCounterpart"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportCounterpart.position")
    history: Mapped[list["ReportStatusChange"]] = relationship(
        back_populates="report", cascade="all, delete-orphan",
        order_by="[ReportStatusChange.changed_at, ReportStatusChange.id]")

    @property
    def is_editable(self) -> bool:
        return ReportStatus(self.status) in EDITABLE

    @property
    def is_approved(self) -> bool:
        return self.status == S.APPROVED.value

    def move(self, to: ReportStatus | str, actor, note: str | None = None, sent_to: list[str] | None = None
             ) -> "ReportStatusChange":
        """Move to `to` if the review allows it, recording who, when and the note; IllegalTransition if not.
        (Who may make which move, and which notes are required, is the review service's to check.)"""
        to, current = ReportStatus(to), ReportStatus(self.status)
        if to not in TRANSITIONS[current]:
            raise IllegalTransition(gettext("A report that is %(status)s cannot become %(to)s.",
                                            status=current.label.lower(), to=to.label.lower()))
        now = utcnow()
        if to is S.SUBMITTED:
            self.submitted_at = now
        if to is S.APPROVED:
            self.approved_at, self.approved_by_id = now, getattr(actor, "id", None)
        elif current is S.APPROVED:
            self.approved_at, self.approved_by_id = None, None
        change = ReportStatusChange(from_status=current.value, to_status=to.value,
                                    reason=(note or "").strip() or None, actor_id=getattr(actor, "id", None),
                                    changed_at=now, sent_to=list(sent_to or []))
        self.history.append(change)
        self.status = to.value
        return change


class ReportCounterpart(db.Model):
    """Someone the activity met: an official of the State, of a partner (name, institution, role)."""
    __tablename__ = "report_counterparts"
    __table_args__ = (sa.CheckConstraint("name IS NOT NULL OR institution IS NOT NULL", name="named"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = fk("activity_reports.id", nullable=False, ondelete="CASCADE")
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    #: Empty where the source names only the institution ("the State Duma's working group").
    name: Mapped[str | None] = mapped_column(sa.String(160), nullable=True)
    institution: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    role: Mapped[str | None] = mapped_column(sa.String(160), nullable=True)

    report: Mapped[ActivityReport] = relationship(back_populates="counterparts")


class ReportStatusChange(StatusChangeMixin, db.Model):
    """One step of a report's review, shown as its thread: submitted (to whom, with the author's note or answer),
    returned (the approver's note), approved, unlocked (the reason)."""
    __tablename__ = "report_status_changes"
    __table_args__ = (one_of("from_status", ReportStatus, nullable=True), one_of("to_status", ReportStatus))

    report_id: Mapped[int] = fk("activity_reports.id", nullable=False, ondelete="CASCADE")
    #: On a submission: the names of the approvers it went to, as they were then.
    sent_to: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    report: Mapped[ActivityReport] = relationship(back_populates="history")
    actor = relationship("User")
