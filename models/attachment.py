"""Files attached to records (a mission report, a note verbale, a draft law): the file itself lives outside the
database, in the attachment storage, under its SHA-256; the database keeps what it is, whose it is, and every
version (replacing a file adds a version, the earlier ones stay).

An attachment belongs to exactly one record: one nullable foreign key per kind of record, exactly one of them set
(a CHECK), so the database itself keeps the link honest and a record's files go with it.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, fk, utcnow
from models.enums import AttachedTo

#: The foreign key column of each kind of record a file or a comment can belong to.
ATTACHED_COLUMNS = {AttachedTo.REQUEST: "request_id", AttachedTo.ACTIVITY: "activity_id",
                    AttachedTo.REPORT: "report_id", AttachedTo.FINDING: "finding_id",
                    AttachedTo.CONTRIBUTION: "contribution_id"}


def exactly_one(*columns: str) -> sa.CheckConstraint:
    """CHECK: exactly one of `columns` is set."""
    total = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns)
    return sa.CheckConstraint(f"{total} = 1", name="one_parent")


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (exactly_one(*ATTACHED_COLUMNS.values()),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = fk("assistance_requests.id", nullable=True, ondelete="CASCADE")
    activity_id: Mapped[int | None] = fk("activities.id", nullable=True, ondelete="CASCADE")
    report_id: Mapped[int | None] = fk("activity_reports.id", nullable=True, ondelete="CASCADE")
    finding_id: Mapped[int | None] = fk("legislative_findings.id", nullable=True, ondelete="CASCADE")
    contribution_id: Mapped[int | None] = fk("contributions.id", nullable=True, ondelete="CASCADE")
    #: What the file is, in a few words ("Note verbale of 12 March 2003"); the file name when not given.
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The number of the newest version (1 for a file never replaced).
    current_number: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = fk("users.id", nullable=True, ondelete="SET NULL")

    created_by = relationship("User")
    versions: Mapped[list["AttachmentVersion"]] = relationship(
        back_populates="attachment", cascade="all, delete-orphan", order_by="AttachmentVersion.number")

    @property
    def attached_to(self) -> tuple[AttachedTo, int]:
        """The kind and id of the record the file belongs to."""
        for kind, column in ATTACHED_COLUMNS.items():
            value = getattr(self, column)
            if value is not None:
                return kind, value
        raise ValueError(f"attachment {self.id} belongs to nothing")

    @property
    def current(self) -> "AttachmentVersion":
        return next(v for v in self.versions if v.number == self.current_number)


class AttachmentVersion(db.Model):
    """One uploaded file: its name as uploaded (checked), its real type (read from its content), size, SHA-256."""
    __tablename__ = "attachment_versions"
    __table_args__ = (
        sa.UniqueConstraint("attachment_id", "number", name="uq_attachment_versions_number"),
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = fk("attachments.id", nullable=False, ondelete="CASCADE", index=False)
    number: Mapped[int] = mapped_column(nullable=False)
    file_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The type the content was recognised as (never the one the browser claimed).
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    #: Where the storage keeps the bytes (derived from the SHA-256: identical files are stored once).
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    uploaded_by_id: Mapped[int | None] = fk("users.id", nullable=True, ondelete="SET NULL")

    attachment: Mapped[Attachment] = relationship(back_populates="versions")
    uploaded_by = relationship("User")
