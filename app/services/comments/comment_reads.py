"""Reading comments: a record's thread (its comments with their authors and mentions, in a fixed number of
queries), one comment, and the comments that mention a colleague (their "mentions" list)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.listing import Page, Paging, holds, ordered, paginate
from models import ActivityReport, Comment, Mention, db
from models.enums import AttachedTo

COLUMNS = {AttachedTo.REQUEST: Comment.request_id, AttachedTo.ACTIVITY: Comment.activity_id,
           AttachedTo.REPORT: Comment.report_id}
_LOADS = (joinedload(Comment.author), selectinload(Comment.mentions).joinedload(Mention.user))
#: A record's page shows its latest comments up to this many (the API pages through all of them).
THREAD_ROWS = 100


def thread(kind: AttachedTo, record_id: int, limit: int = THREAD_ROWS) -> tuple[list[Comment], int]:
    """The latest `limit` comments on one record, oldest of them first, and how many there are in all (three
    queries: the comments with their count, their mentions)."""
    column = COLUMNS[AttachedTo(kind)]
    rows = db.session.execute(sa.select(Comment, sa.func.count().over()).where(column == record_id)
                              .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
                              .options(*_LOADS)).unique().all()
    return [row[0] for row in reversed(rows)], (rows[0][1] if rows else 0)


def thread_page(kind: AttachedTo, record_id: int, paging: Paging) -> Page:
    """One page of a record's comments, oldest first (the API)."""
    select = sa.select(Comment).where(COLUMNS[AttachedTo(kind)] == record_id).options(*_LOADS)
    return paginate(select.order_by(Comment.created_at, Comment.id), paging)


def get(comment_id: int) -> Comment | None:
    """One comment, whatever record it is on (the caller checks that record)."""
    return db.session.scalars(sa.select(Comment).where(Comment.id == comment_id).options(*_LOADS)).first()


@dataclass(frozen=True)
class MentionFilters:
    kind: str | None = None     # request, activity, report: what the comment is on
    q: str | None = None        # words in the comment


#: Sort keys of the mentions list (forms.comments.MentionFilterForm.SORTS names the same keys).
SORTS = {"created": Mention.created_at}


def mentions_page(user, filters: MentionFilters, paging: Paging) -> Page:
    """The comments that mention `user`, newest first, with what each is on (a fixed number of queries)."""
    select = (sa.select(Mention).join(Comment, Comment.id == Mention.comment_id).where(Mention.user_id == user.id)
              .options(joinedload(Mention.comment).joinedload(Comment.author),
                       joinedload(Mention.comment).joinedload(Comment.request),
                       joinedload(Mention.comment).joinedload(Comment.activity),
                       joinedload(Mention.comment).joinedload(Comment.report).joinedload(ActivityReport.activity)))
    if filters.kind:
        select = select.where(COLUMNS[AttachedTo(filters.kind)].is_not(None))
    if filters.q:
        select = select.where(holds(Comment.body, filters.q))
    return paginate(ordered(select, SORTS, paging, "-created", Mention.id.desc()), paging)


def mention_count(user) -> int:
    """How many comments mention `user` (the navigation's and the dashboard's figure)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Mention).where(Mention.user_id == user.id)) or 0
