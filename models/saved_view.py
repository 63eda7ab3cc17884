"""Saved views (issue 29): a list's filters and sort kept under a name, for oneself or shared with the team.

A view keeps only the query string, never rows: opened by anyone, the list runs it in the opener's own scope, so a
view shared by a manager shows a colleague only what that colleague may see.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, fk, utcnow

#: The lists a view can be saved from: the key stored in `list_name`, the page's endpoint.
LIST_ENDPOINTS = {"queue": "queue.index", "requests": "requests.index", "activities": "activities.index",
                  "actions": "actions.index", "contributions": "contributions.index"}
MAX_NAME = 80
MAX_QUERY = 2000


class SavedView(db.Model):
    __tablename__ = "saved_views"
    __table_args__ = (
        sa.CheckConstraint("list_name IN (" + ", ".join(f"'{k}'" for k in LIST_ENDPOINTS) + ")",
                           name="list_name_valid"),
        # The menu of one list: the owner's views and the team's shared ones, by name.
        sa.Index("ix_saved_views_list_owner", "list_name", "owner_id"),
        sa.UniqueConstraint("owner_id", "list_name", "name", name="uq_saved_views_owner_list_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE")
    #: Which list (a key of LIST_ENDPOINTS).
    list_name: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME), nullable=False)
    #: The list's query string without its page number (filters, sort, page size), as validated when saved.
    query: Mapped[str] = mapped_column(sa.String(MAX_QUERY), nullable=False, default="")
    #: Shared with the team: every staff account (a donor's account: the accounts of the same donor).
    is_shared: Mapped[bool] = mapped_column(nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    owner = relationship("User")

    @property
    def endpoint(self) -> str:
        return LIST_ENDPOINTS[self.list_name]
