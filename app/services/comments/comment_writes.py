"""Writing comments: adding one to a record, editing one's own within EDIT_WINDOW, and recording whom it mentions
(`mentioned`, the one place a mention becomes data — where a notification will be raised from).

Each write checks the text, writes its audit entry (before and after) and flushes; the caller commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import format_number
from app.services.comments import mentions as mention_service
from app.services.core import audit
from app.services.core.errors import Refused, Stale
from app.services.notifications import events as notification_events
from forms.base import MARKUP
from models import Comment, Mention, User, db
from models.base import utcnow
from models.enums import AttachedTo

#: A comment can be corrected by its author for this long after it was posted; after that it stands as written.
EDIT_WINDOW = timedelta(minutes=15)
MAX_TEXT = 5000
COLUMNS = {AttachedTo.REQUEST: "request_id", AttachedTo.ACTIVITY: "activity_id", AttachedTo.REPORT: "report_id"}


def _checked_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused({"text": _("Write the comment.")})
    if len(text) > MAX_TEXT:
        raise Refused({"text": _("At most %(limit)s characters (%(given)s given).", limit=format_number(MAX_TEXT),
                                 given=format_number(len(text)))})
    if "\x00" in text:
        raise Refused({"text": _("The comment contains a NUL character.")})
    if MARKUP.search(text):
        raise Refused({"text": _("Write plain text: markup such as <b> or <script> is not allowed in a comment "
                               "(it would be shown as typed, never interpreted).")})
    return text


def mentioned(comment: Comment, users: list[User]) -> list[Mention]:
    """Record that `comment` mentions `users` (the author is never told of their own comment). The one function
    every mention goes through: a notification of the mention is to be raised here."""
    made = [Mention(comment=comment, user_id=user.id) for user in users if user.id != comment.author_id]
    db.session.add_all(made)
    author = db.session.get(User, comment.author_id) if comment.author_id else None
    record = _record_ref(comment)
    for user in users:
        if user.id != comment.author_id:
            notification_events.notify(user, notification_events.NotificationKind.MENTION,
                                       _l("%(name)s mentioned you: %(text)s",
                                          name=author.name if author else _l("Someone"), text=comment.body[:200]),
                                       record_ref=record)
    return made


def _record_ref(comment: Comment) -> tuple[str, int | None] | None:
    """The page of the record a comment is on (a report's is reached through its activity)."""
    if comment.request_id:
        return "request", comment.request_id
    if comment.activity_id:
        return "activity", comment.activity_id
    if comment.report_id:
        return "report", comment.report.activity_id if comment.report else None
    return None


def add(kind: AttachedTo, record, text: str | None, author: User) -> Comment:
    """A new comment by `author` on `record` (of `kind`); Refused (field `text`) when empty, too long or mentioning
    nobody known."""
    kind = AttachedTo(kind)
    if kind not in COLUMNS:
        raise Refused({None: _("A record of this kind (%(kind)s) takes no comments.", kind=kind.label.lower())})
    body = _checked_text(text)
    users = mention_service.resolve(body)
    comment = Comment(body=body, author_id=author.id, **{COLUMNS[kind]: record.id})
    db.session.add(comment)
    db.session.flush()
    mentioned(comment, users)
    db.session.flush()
    audit.record_for(comment, "create", f"Commented on {kind.label.lower()} #{record.id}",
                     after={"text": body, "mentions": [u.email for u in users], "on": f"{kind.value} {record.id}"},
                     actor=author)
    return comment


def editable_until(comment: Comment) -> datetime:
    return comment.created_at + EDIT_WINDOW


def can_edit(comment: Comment, user, now: datetime | None = None) -> bool:
    """Whether `user` may still edit `comment` (its author, within the window)."""
    now = now or utcnow()
    created = comment.created_at if comment.created_at.tzinfo else comment.created_at.replace(tzinfo=now.tzinfo)
    return getattr(user, "id", None) == comment.author_id and now <= created + EDIT_WINDOW


def edit(comment: Comment, text: str | None, editor: User, version: int | None, now: datetime | None = None
         ) -> Comment:
    """Change the text of one's own comment within EDIT_WINDOW of posting it; mentions follow the text (a colleague
    newly named is told, one no longer named loses the mention)."""
    if editor.id != comment.author_id:
        raise Refused({None: _("Only its author may edit a comment.")})
    if not can_edit(comment, editor, now):
        raise Refused({"text": _("A comment can be edited for %(minutes)s minutes after it was posted: this one "
                                 "stands as written. Add a new comment instead.",
                                 minutes=int(EDIT_WINDOW.total_seconds() // 60))})
    if version is not None and version != comment.version:
        raise Stale(_("The comment changed since this page was loaded: nothing was saved."), comment.version)
    body = _checked_text(text)
    users = mention_service.resolve(body)
    before = {"text": comment.body, "mentions": sorted(m.user_id for m in comment.mentions)}
    wanted = {u.id for u in users if u.id != comment.author_id}
    for mention in list(comment.mentions):
        if mention.user_id not in wanted:
            comment.mentions.remove(mention)
    already = {m.user_id for m in comment.mentions}
    comment.body, comment.edited_at = body, utcnow()
    mentioned(comment, [u for u in users if u.id not in already])
    db.session.flush()
    audit.record_for(comment, "update", f"Edited comment #{comment.id}", before=before,
                     after={"text": body, "mentions": sorted(wanted)}, actor=editor)
    return comment
