"""Organizations: donor governments, partner organizations, institutes."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, db, fk, one_of, version_column
from models.enums import OrganizationKind


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (one_of("kind", OrganizationKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    #: Stable key of a record loaded from a data file; empty for records entered by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True, nullable=False)
    acronym: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: The State a government (donor or host) belongs to.
    state_id: Mapped[int | None] = fk("member_states.id", nullable=True)
    city: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)

    state = relationship("MemberState")
    contributions = relationship("Contribution", back_populates="donor")

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def __repr__(self) -> str:
        return f"<Organization {self.reference_key or self.name}>"
