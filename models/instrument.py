"""The Convention and its Protocols, with the parameters their entry-into-force articles set."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, db, fk


class Instrument(TimestampMixin, db.Model):
    __tablename__ = "instruments"
    __table_args__ = (
        sa.CheckConstraint("threshold > 0", name="threshold_positive"),
        sa.CheckConstraint("days_after_threshold >= 0 AND days_after_later_deposit >= 0", name="days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    short_title: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    #: e.g. "General Assembly resolution 55/25, annex I"
    adopted_by: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    adopted_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: Last day a State could sign; after it the way in is accession.
    signature_closed_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The Convention a Protocol supplements (empty for the Convention itself).
    supplements_id: Mapped[int | None] = fk("instruments.id", nullable=True)
    #: Counted deposits needed for entry into force (40).
    threshold: Mapped[int] = mapped_column(nullable=False, default=40)
    #: Entry into force on the Nth day after the threshold deposit (90).
    days_after_threshold: Mapped[int] = mapped_column(nullable=False, default=90)
    #: For a later deposit, in force on the Nth day after it (30), or at entry into force if later.
    days_after_later_deposit: Mapped[int] = mapped_column(nullable=False, default=30)
    eif_article: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    #: The day up to which the record of this instrument's actions is complete: the day its last depositary table
    #: was taken from the UN Treaty Collection (the shipped table's, or the last import's). Empty when no table
    #: was ever loaded. Figures asked for a later day say that later deposits are not recorded.
    record_complete_to: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    supplements: Mapped["Instrument | None"] = relationship(remote_side=[id], back_populates="protocols")
    protocols: Mapped[list["Instrument"]] = relationship(back_populates="supplements")

    def __repr__(self) -> str:
        return f"<Instrument {self.code}>"
