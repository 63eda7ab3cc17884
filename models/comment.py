"""Staff comments on requests, activities and reports, and the colleagues they mention.

A comment belongs to exactly one record (one foreign key per kind, exactly one set). A mention is a row of its own
(comment, mentioned account): what a notification is raised from (`app.services.comments.comment_writes.mentioned`),
and what a colleague's "mentions" list reads.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.attachment import exactly_one
from models.base import db, fk, utcnow


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        exactly_one("request_id", "activity_id", "report_id"),
        sa.Index("ix_comments_request_created", "request_id", "created_at"),
        sa.Index("ix_comments_activity_created", "activity_id", "created_at"),
        sa.Index("ix_comments_report_created", "report_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assistance_requests.id", ondelete="CASCADE"),
                                                   nullable=True)
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"),
                                                    nullable=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity_reports.id", ondelete="CASCADE"),
                                                  nullable=True)
    author_id: Mapped[int | None] = fk("users.id", nullable=True, ondelete="SET NULL")
    #: Plain text as typed (markup is refused), shown escaped with its line breaks and mentions.
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    author = relationship("User")
    request = relationship("AssistanceRequest")
    activity = relationship("Activity")
    report = relationship("ActivityReport")
    mentions: Mapped[list["Mention"]] = relationship(back_populates="comment", cascade="all, delete-orphan",
                                                     order_by="Mention.id")


class Mention(db.Model):
    """A colleague named in a comment with @: they find it on their mentions list."""
    __tablename__ = "mentions"
    __table_args__ = (
        sa.UniqueConstraint("comment_id", "user_id", name="uq_mentions_comment_user"),
        sa.Index("ix_mentions_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = fk("comments.id", nullable=False, ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE", index=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    comment: Mapped[Comment] = relationship(back_populates="mentions")
    user = relationship("User")
