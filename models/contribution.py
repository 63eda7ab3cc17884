"""Donor money: projects, contributions (Decimal with an ISO 4217 currency) and their allocation to activities."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, dates_ordered, db, fk, one_of
from .enums import ContributionStatus

MONEY = sa.Numeric(16, 2)

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
    """A donor's contribution. The amount may be unrecorded (the report gives none): then it stays empty."""
    __tablename__ = "contributions"
    __table_args__ = (
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("amount IS NULL OR currency IS NOT NULL", name="amount_has_currency"),
        sa.CheckConstraint("currency IS NULL OR length(currency) = 3", name="currency_iso4217"),
        one_of("status", ContributionStatus),
        dates_ordered("period_start", "period_end", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    donor_id: Mapped[int] = fk("organizations.id", nullable=False)
    project_id: Mapped[int | None] = fk("projects.id", nullable=True)
    amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    #: ISO 4217 code, e.g. "USD".
    currency: Mapped[str | None] = mapped_column(sa.String(3), nullable=True)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=ContributionStatus.PLEDGED.value)
    contribution_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Earmark: the period the money is for, and the regions (UN regional group names).
    period_start: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    regions: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    donor = relationship("Organization", back_populates="contributions")
    project = relationship("Project", back_populates="contributions")
    instruments = relationship("Instrument", secondary=contribution_instruments, order_by="Instrument.id")
    allocations = relationship("Allocation", back_populates="contribution", cascade="all, delete-orphan")


class Allocation(db.Model):
    """Part of a contribution spent on one activity: what lets a donor see the activity."""
    __tablename__ = "allocations"
    __table_args__ = (
        sa.UniqueConstraint("contribution_id", "activity_id", name="uq_allocations_contribution_activity"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = fk("contributions.id", nullable=False, ondelete="CASCADE")
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    #: In the contribution's currency; empty when unrecorded.
    amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    contribution = relationship("Contribution", back_populates="allocations")
    activity = relationship("Activity", back_populates="allocations")
