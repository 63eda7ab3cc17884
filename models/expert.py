"""Experts and their deployments to activities."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, dates_ordered, db, fk, one_of, version_column
from models.enums import ExpertKind, LegalTradition

expert_instruments = sa.Table(
    "expert_instruments", db.metadata,
    sa.Column("expert_id", sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument_id", sa.ForeignKey("instruments.id"), primary_key=True, index=True),
)


class Expert(TimestampMixin, db.Model):
    __tablename__ = "experts"
    __table_args__ = (one_of("kind", ExpertKind), one_of("legal_tradition", LegalTradition, nullable=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    #: Stable key of a record loaded from a data file; empty for records entered by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(sa.String(160), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    affiliation_id: Mapped[int | None] = fk("organizations.id", nullable=True)
    nationality_id: Mapped[int | None] = fk("member_states.id", nullable=True)
    #: Contact details: never shown to donors.
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    #: Legal topics of expertise, e.g. ["extradition", "money-laundering"].
    topics: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: Working languages, e.g. ["English", "French"].
    languages: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    legal_tradition: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    affiliation = relationship("Organization")
    nationality = relationship("MemberState")
    instruments = relationship("Instrument", secondary=expert_instruments, order_by="Instrument.id")
    deployments = relationship("Deployment", back_populates="expert", cascade="all, delete-orphan")


class Deployment(db.Model):
    """An expert sent to an activity, in a role, for some dates (empty: the activity's own dates)."""
    __tablename__ = "deployments"
    __table_args__ = (
        sa.UniqueConstraint("expert_id", "activity_id", name="uq_deployments_expert_activity"),
        dates_ordered("start_date", "end_date"),
        sa.Index("ix_deployments_expert_start", "expert_id", "start_date"),  # an expert's deployments by date
        sa.Index("ix_deployments_activity_expert", "activity_id", "expert_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = fk("experts.id", nullable=False, ondelete="CASCADE")
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    role: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    start_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    expert = relationship("Expert", back_populates="deployments")
    activity = relationship("Activity", back_populates="deployments")
