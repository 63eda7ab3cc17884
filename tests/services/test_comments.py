"""Comments: plain text with @mentions resolved to colleagues' accounts (and refused when they name nobody, two
accounts or a donor), recorded as mentions through one function, editable by their author for 15 minutes, audited."""
from datetime import timedelta

import pytest

from app.listing import Paging
from app.services.comments import comment_reads, comment_writes
from app.services.comments import mentions as mention_service
from app.services.core.errors import Refused
from models import AuditEntry, db
from models.base import utcnow
from tests import factories


def test_handles_are_read_out_of_text_but_not_out_of_addresses():
    assert mention_service.handles("@ana.ortiz please check, and @Bob@unodc.org. Write to x@y.org") == \
        ["ana.ortiz", "bob@unodc.org"]
    assert mention_service.handles("no mention here, nor in a@b") == []


def test_a_comment_mentions_colleagues_who_find_it_on_their_list(session):
    author = factories.user("officer", email="writer@unodc.test")
    ana = factories.user("manager", email="ana.ortiz@unodc.test")
    request = factories.request()
    comment = comment_writes.add("request", request, "Please look at this, @ana.ortiz.", author)
    assert [m.user_id for m in comment.mentions] == [ana.id]
    page = comment_reads.mentions_page(ana, comment_reads.MentionFilters(), Paging())
    assert [m.comment_id for m in page.items] == [comment.id]
    thread, total = comment_reads.thread("request", request.id)
    assert thread == [comment] and total == 1
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.record_type == "Comment",
                                                           AuditEntry.record_id == comment.id)).one()
    assert entry.action == "create" and entry.after["mentions"] == ["ana.ortiz@unodc.test"]


@pytest.mark.parametrize("text, words", [
    ("Ask @nobody.here", "no colleague's account"), ("Ask @twin", "names 2 accounts"),
    ("Ask @funder", "donor's account"), ("", "Write the comment"), ("<script>alert(1)</script>", "plain text"),
    ("x" * 5001, "At most 5,000")])
def test_a_bad_comment_is_refused_beside_its_text(session, text, words):
    author = factories.user("officer")
    factories.user("officer", email="twin@a.test")
    factories.user("officer", email="twin@b.test")
    factories.user("donor", email="funder@donor.test")
    with pytest.raises(Refused) as refused:
        comment_writes.add("activity", factories.activity(), text, author)
    assert set(refused.value.errors) == {"text"} and words in refused.value.message


def test_a_comment_is_editable_by_its_author_for_fifteen_minutes(session):
    author, other = factories.user("officer"), factories.user("officer", email="bea@unodc.test")
    comment = comment_writes.add("activity", factories.activity(), "First thought", author)
    comment_writes.edit(comment, "Second thought, @bea", author, comment.version)
    assert comment.body == "Second thought, @bea" and comment.edited_at is not None
    assert [m.user_id for m in comment.mentions] == [other.id]
    with pytest.raises(Refused, match="Only its author"):
        comment_writes.edit(comment, "Mine now", other, comment.version)
    later = utcnow() + timedelta(minutes=16)
    with pytest.raises(Refused, match="15 minutes"):
        comment_writes.edit(comment, "Too late", author, comment.version, now=later)
    assert not comment_writes.can_edit(comment, author, later) and comment_writes.can_edit(comment, author)
