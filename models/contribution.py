"""Donor money: projects, contributions (Decimal with an ISO 4217 currency), their guarded status, and their
allocation to activities."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import StatusChangeMixin, TimestampMixin, dates_ordered, db, fk, one_of, version_column
from models.enums import ContributionStatus

MONEY = sa.Numeric(16, 2)
#: Past this an amount is a typing mistake, not a contribution (forms, services and a CHECK all refuse it).
MAX_AMOUNT = Decimal(10) ** 12
_NOT_ABSURD = f"amount IS NULL OR amount <= {MAX_AMOUNT}"

S = ContributionStatus
#: The one way money moves: pledged, then committed, then received. Nothing goes back.
TRANSITIONS: dict[ContributionStatus, ContributionStatus | None] = {
    S.PLEDGED: S.COMMITTED, S.COMMITTED: S.RECEIVED, S.RECEIVED: None}
#: The column holding the date of each step.
STEP_DATE = {S.PLEDGED: "pledged_date", S.COMMITTED: "committed_date", S.RECEIVED: "received_date"}


class IllegalContributionStep(ValueError):
    """A status change the workflow does not allow; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


contribution_instruments = sa.Table(
    "contribution_instruments", db.metadata,
    sa.Column("contribution_id", sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument_id", sa.ForeignKey("instruments.id"), primary_key=True, index=True),
)


class Project(TimestampMixin, db.Model):
    __tablename__ = "projects"
    __table_args__ = (dates_ordered("start_date", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(sa.String(255), unique=True, nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    start_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)

    contributions = relationship("Contribution", back_populates="project")


class Contribution(TimestampMixin, db.Model):
    """A donor's contribution. The amount may be unrecorded (the report gives none): then it stays empty.

    The earmark is the project, the instruments, the regions and the period: an allocation outside it is refused.
    """
    __tablename__ = "contributions"
    __table_args__ = (
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(_NOT_ABSURD, name="amount_not_absurd"),
        sa.CheckConstraint("amount IS NULL OR currency IS NOT NULL", name="amount_has_currency"),
        sa.CheckConstraint("currency IS NULL OR length(currency) = 3", name="currency_iso4217"),
        one_of("status", ContributionStatus),
        dates_ordered("period_start", "period_end", name="period_ordered"),
        dates_ordered("pledged_date", "committed_date", name="committed_after_pledged"),
        dates_ordered("pledged_date", "received_date", name="received_after_pledged"),
        dates_ordered("committed_date", "received_date", name="received_after_committed"),
        sa.CheckConstraint("committed_date IS NULL OR status IN ('committed', 'received')",
                           name="committed_date_when_committed"),
        sa.CheckConstraint("received_date IS NULL OR status = 'received'", name="received_date_when_received"),
        sa.Index("ix_contributions_donor_status", "donor_id", "status"),  # a donor's money by step (portal, lists)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    donor_id: Mapped[int] = fk("organizations.id", nullable=False)
    project_id: Mapped[int | None] = fk("projects.id", nullable=True)
    amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    #: ISO 4217 code, e.g. "USD" (checked against the IATI Currency codelist by forms and services).
    currency: Mapped[str | None] = mapped_column(sa.String(3), nullable=True, index=True)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=ContributionStatus.PLEDGED.value,
                                        index=True)
    #: The date of each step; empty where the source gives none (the report gives no dates).
    pledged_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True, index=True)
    committed_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    received_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Earmark: the period the money is for, and the regions (UN regional group names).
    period_start: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    regions: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    donor = relationship("Organization", back_populates="contributions")
    project = relationship("Project", back_populates="contributions")
    instruments = relationship("Instrument", secondary=contribution_instruments, order_by="Instrument.id")
    allocations = relationship("Allocation", back_populates="contribution", cascade="all, delete-orphan",
                               order_by="Allocation.id")
    status_changes: Mapped[list["ContributionStatusChange"]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", order_by="ContributionStatusChange.id")

    @property
    def is_pledge(self) -> bool:
        """A pledge is shown but never counted in committed or received totals."""
        return self.status == S.PLEDGED.value

    @property
    def allocated(self) -> Decimal:
        """The recorded amounts of its allocations (in the contribution's currency)."""
        return sum((a.amount for a in self.allocations if a.amount is not None), Decimal("0.00"))

    @property
    def unallocated(self) -> Decimal | None:
        """What is left to allocate; None when the amount is not recorded."""
        return None if self.amount is None else self.amount - self.allocated

    def step_date(self, status: ContributionStatus | str) -> date | None:
        return getattr(self, STEP_DATE[ContributionStatus(status)])

    def change_status(self, to: ContributionStatus | str, on: date | None, actor,
                      reason: str | None = None) -> "ContributionStatusChange":
        """Move one step along pledged -> committed -> received on the date `on`, recording who and why; raise
        IllegalContributionStep for any other move or for a date before an earlier step's."""
        to, current = ContributionStatus(to), ContributionStatus(self.status)
        if TRANSITIONS[current] is not to:
            if current is S.RECEIVED:
                raise IllegalContributionStep(gettext("This contribution has been received: its status cannot "
                                                      "change."))
            raise IllegalContributionStep(gettext(
                "A %(status)s contribution can only become %(next)s, not %(to)s.",
                status=current.label.lower(), next=TRANSITIONS[current].label.lower(), to=to.label.lower()))
        if on is None:
            raise IllegalContributionStep(gettext("Give the date it was %(status)s.", status=to.label.lower()), "on")
        for earlier in (S.PLEDGED, S.COMMITTED):
            previous = self.step_date(earlier)
            if earlier is not to and previous is not None and on < previous:
                raise IllegalContributionStep(gettext(
                    "The %(status)s date (%(day)s) cannot be before the %(earlier)s date (%(previous)s).",
                    status=to.label.lower(), day=on.isoformat(), earlier=earlier.label.lower(),
                    previous=previous.isoformat()), "on")
            if earlier is current:
                break
        change = ContributionStatusChange(from_status=current.value, to_status=to.value, on_date=on,
                                          reason=(reason or "").strip() or None, actor_id=getattr(actor, "id", None))
        self.status_changes.append(change)
        setattr(self, STEP_DATE[to], on)
        self.status = to.value
        return change


class ContributionStatusChange(StatusChangeMixin, db.Model):
    """One step of a contribution's history: pledged, committed, received — when, by whom, and why."""
    __tablename__ = "contribution_status_changes"
    __table_args__ = (
        one_of("from_status", ContributionStatus, nullable=True),
        one_of("to_status", ContributionStatus),
    )

    contribution_id: Mapped[int] = fk("contributions.id", nullable=False, ondelete="CASCADE")
    #: The date of the step itself (the day the money was committed, say), as opposed to when it was recorded.
    on_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    contribution: Mapped[Contribution] = relationship(back_populates="status_changes")
    actor = relationship("User")


class Allocation(db.Model):
    """Part of a contribution spent on one activity: what lets a donor see the activity."""
    __tablename__ = "allocations"
    __table_args__ = (
        sa.UniqueConstraint("contribution_id", "activity_id", name="uq_allocations_contribution_activity"),
        sa.Index("ix_allocations_activity_contribution", "activity_id", "contribution_id"),  # who funds an activity
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(_NOT_ABSURD, name="amount_not_absurd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = fk("contributions.id", nullable=False, ondelete="CASCADE")
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    #: In the contribution's currency; empty when unrecorded.
    amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: True where the record infers that this money paid for the activity and the source does not say so
    #: (A/58/165 names the donors of a project, not the missions each one paid for).
    is_inferred: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False,
                                              server_default=sa.false())
    #: Why the record links the two: the source's words or the inference made.
    basis: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    contribution = relationship("Contribution", back_populates="allocations")
    activity = relationship("Activity", back_populates="allocations")
