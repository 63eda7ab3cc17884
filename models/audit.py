"""The audit trail: every write, as data (who, when, what, before, after)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, fk, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_record", "record_type", "record_id"),
        # The trail filtered by kind of record or by action, newest first.
        sa.Index("ix_audit_entries_type_occurred", "record_type", "occurred_at"),
        sa.Index("ix_audit_entries_action_occurred", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False,
                                                  index=True)
    #: Empty for the system (seeding, imports from the command line) and for failed logins.
    actor_id: Mapped[int | None] = fk("users.id", nullable=True, ondelete="SET NULL")
    #: Who, as text that survives the account: an e-mail, "system", "cli".
    actor_label: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    #: create, update, delete, status, import, login, login_failed, role_change, …
    action: Mapped[str] = mapped_column(sa.String(30), nullable=False, index=True)
    record_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    record_id: Mapped[int | None] = mapped_column(nullable=True)
    summary: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    before: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45), nullable=True)
    #: The `row_hash` of the entry before this one (by id): the link of the hash chain (GENESIS for the first).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: SHA-256 (hex) of `prev_hash` and this entry's content (`app.services.core.audit_chain.content`): changing,
    #: removing or slipping in a row breaks the chain at that row.
    row_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    actor = relationship("User")


#: The `prev_hash` of the first entry of the trail.
GENESIS = "0" * 64


class AuditChainHead(db.Model):
    """The end of the audit hash chain: one row (id 1), locked by every transaction that appends to the trail, so
    that two appending at once cannot both follow the same entry."""
    __tablename__ = "audit_chain_heads"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The `row_hash` of the newest entry (GENESIS while the trail is empty).
    last_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


# A new database starts with its chain head, as the migration that created the table leaves it.
sa.event.listen(AuditChainHead.__table__, "after_create",
                sa.DDL(f"INSERT INTO audit_chain_heads (id, last_hash) VALUES (1, '{GENESIS}')"))


class AuditVerification(db.Model):
    """One run of `flask audit verify`: when, and what it found (the admin audit page shows the latest)."""
    __tablename__ = "audit_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    is_intact: Mapped[bool] = mapped_column(nullable=False)
    #: How many entries were checked.
    entries: Mapped[int] = mapped_column(nullable=False)
    #: The first entry found wrong (its id), empty when the chain is intact or the wrong part is past its end.
    entry_id: Mapped[int | None] = mapped_column(nullable=True)
    #: What is wrong, in a sentence; empty when intact.
    problem: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
