"""The database handle, the constraint naming convention and shared column helpers.

`db` lives here, not in `app/`, so that `models/` never imports the application (dependencies flow
models <- forms <- app).
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit names let Alembic drop and alter constraints the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """A timezone-aware now; used as a *callable* default so each row gets its own instant."""
    return datetime.now(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


def one_of(column: str, enum_cls, *, nullable: bool = False) -> sa.CheckConstraint:
    """A CHECK constraint restricting a string column to an enum's values (or NULL, if `nullable`)."""
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    rule = f"{column} IN ({values})"
    return sa.CheckConstraint(f"{column} IS NULL OR {rule}" if nullable else rule, name=f"{column}_valid")


def dates_ordered(start: str, end: str, name: str = "dates_ordered") -> sa.CheckConstraint:
    """CHECK end >= start, where both are present."""
    return sa.CheckConstraint(f"{end} IS NULL OR {start} IS NULL OR {end} >= {start}", name=name)


def fk(target: str, *, nullable: bool, ondelete: str | None = None, index: bool = True):
    """A foreign-key column, indexed, with an explicit nullability (STYLE: `*_id`, indexed, explicit)."""
    return mapped_column(sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def version_column():
    """An integer `version` for SQLAlchemy's `version_id_col`: every UPDATE says `WHERE version = <read>` and
    raises it, so two saves of the same read cannot both win (the second gets StaleDataError)."""
    return mapped_column(sa.Integer, nullable=False, default=1, server_default="1")


class StatusChangeMixin:
    """One step of a record's guarded workflow: who moved it, when, from what, to what, and why. Every history of
    status changes has this shape (the record's own foreign key and relationship are declared beside it)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = fk("users.id", nullable=True)
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    #: Empty for the first entry (the record's creation).
    from_status: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
