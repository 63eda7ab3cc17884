"""Participants in the treaties: UN Member States, other States and the European Union."""
import re
import unicodedata
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, db, fk, one_of
from models.enums import ParticipantKind, RegionalGroup


def alias_key(name: str) -> str:
    """How an outside name is matched: accents, case, a leading "the", punctuation spacing ignored."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.replace("\u2019", "'").casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


class MemberState(TimestampMixin, db.Model):
    """A participant. `code` is stable for life: ISO 3166-1 alpha-3 today (EUU for the European Union)."""
    __tablename__ = "member_states"
    __table_args__ = (
        one_of("kind", ParticipantKind),
        one_of("regional_group", RegionalGroup, nullable=True),
        sa.CheckConstraint("length(code) = 3", name="code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(3), unique=True, nullable=False)
    #: The name in force today; earlier names are in `names`.
    name: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=ParticipantKind.STATE.value)
    is_un_member: Mapped[bool] = mapped_column(nullable=False, default=True)
    #: UN regional group; empty for non-members and the European Union.
    regional_group: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)

    names: Mapped[list["MemberStateName"]] = relationship(
        back_populates="state", cascade="all, delete-orphan", order_by="MemberStateName.valid_from")
    aliases: Mapped[list["MemberStateAlias"]] = relationship(back_populates="state", cascade="all, delete-orphan")

    @property
    def is_reio(self) -> bool:
        return self.kind == ParticipantKind.REIO.value

    def name_on(self, day: date | None) -> str:
        """The name in force on `day` (today's name when there is no history or no day)."""
        if day is None or not self.names:
            return self.name
        current = self.name
        for entry in sorted(self.names, key=lambda n: n.valid_from or date.min):
            if entry.valid_from is None or entry.valid_from <= day:
                current = entry.name
        return current

    def name_changes_between(self, start: date, end: date) -> list["MemberStateName"]:
        """Name changes that took effect in (start, end]: what a report as at `end` footnotes."""
        return [n for n in self.names if n.valid_from and start < n.valid_from <= end]

    def __repr__(self) -> str:
        return f"<MemberState {self.code}>"


class MemberStateName(db.Model):
    """One name a participant bore, from `valid_from` (empty: from the beginning) until the next one."""
    __tablename__ = "member_state_names"
    __table_args__ = (sa.UniqueConstraint("state_id", "valid_from", name="uq_member_state_names_state_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = fk("member_states.id", nullable=False, ondelete="CASCADE")
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    valid_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    state: Mapped[MemberState] = relationship(back_populates="names")


class MemberStateAlias(db.Model):
    """Another spelling that resolves to a participant (the UN Treaty Collection's, the report's, an old name)."""
    __tablename__ = "member_state_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = fk("member_states.id", nullable=False, ondelete="CASCADE")
    alias: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: `alias_key(alias)`: the normalized form that lookups compare; one participant per key.
    key: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)

    state: Mapped[MemberState] = relationship(back_populates="aliases")
