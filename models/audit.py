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

    actor = relationship("User")
