"""Treaty actions: what each participant deposited, and what each source says it deposited."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, db, fk, one_of, version_column
from models.enums import ActionCategory, ActionKind

_CATEGORY_MATCHES_KIND = ("(kind = 'signature' AND category = 'signature') OR "
                          "(kind <> 'signature' AND category = 'deposit')")


class _KindAndCategory:
    """`kind` and the `category` it implies (filled in from the kind when not given)."""
    kind: Mapped[str] = mapped_column(sa.String(14), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(10), nullable=False)

    def __init__(self, **kwargs):
        kind = kwargs.get("kind")
        if kind and "category" not in kwargs:
            kwargs["category"] = ActionKind(kind).category.value
        super().__init__(**kwargs)


class TreatyAction(_KindAndCategory, TimestampMixin, db.Model):
    """The record of one signature or deposit, as the system holds it (the figures are computed from these).

    One action of a kind per participant and instrument, enforced more strictly as one signature and one deposit
    (the unique category): a participant that ratified cannot also accede.
    """
    __tablename__ = "treaty_actions"
    __table_args__ = (
        sa.UniqueConstraint("state_id", "instrument_id", "category",
                            name="uq_treaty_actions_state_instrument_category"),
        one_of("kind", ActionKind),
        one_of("category", ActionCategory),
        sa.CheckConstraint(_CATEGORY_MATCHES_KIND, name="category_matches_kind"),
        # An instrument's actions of a category up to a date (a source's totals, the statuses).
        sa.Index("ix_treaty_actions_instrument_category_date", "instrument_id", "category", "action_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    instrument_id: Mapped[int] = fk("instruments.id", nullable=False)
    action_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    #: Where the current date comes from, e.g. "A/58/165 annex", "UNTC table", "entered by hand".
    source: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    state = relationship("MemberState")
    instrument = relationship("Instrument")


class TreatyActionSource(_KindAndCategory, db.Model):
    """What one source says about one action, kept so that sources can be compared (reconciliation)."""
    __tablename__ = "treaty_action_sources"
    __table_args__ = (
        sa.UniqueConstraint("source", "state_id", "instrument_id", "category",
                            name="uq_treaty_action_sources_claim"),
        one_of("kind", ActionKind),
        one_of("category", ActionCategory),
        sa.CheckConstraint(_CATEGORY_MATCHES_KIND, name="category_matches_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    instrument_id: Mapped[int] = fk("instruments.id", nullable=False)
    action_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: The participant's name as the source prints it.
    name_as_printed: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: Where in the source: "annex B no. 40", "line 12".
    locator: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)

    state = relationship("MemberState")
    instrument = relationship("Instrument")


def deposit_count(state_id) -> sa.ScalarSelect:
    """How many instruments the State `state_id` (a column, correlated, or a value) has deposited: the State list's
    column and its sort key."""
    return (sa.select(sa.func.count(TreatyAction.id))
            .where(TreatyAction.state_id == state_id, TreatyAction.category == ActionCategory.DEPOSIT.value)
            .scalar_subquery())
