"""Calendar feed tokens: issue, revoke, and find the owner of the token in a `/missions.ics?token=…` URL.

A calendar client cannot sign in, so the feed's URL carries a secret of its own. It opens the feed and nothing
else, with its owner's scope; a user holds at most one live token, and issuing a new one revokes the old.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.languages import current_language
from app.scoping import Scope
from app.services.core import audit, record_cache
from app.services.registry.state_names import local_name
from app.services.treaties.instrument_titles import title_of
from models import CalendarFeedToken, User, db
from models.base import utcnow
from models.record_version import ACTIVITIES
from models.user import hash_token

#: Longer than any token `CalendarFeedToken.issue` makes; anything longer is not worth hashing.
MAX_TOKEN_LENGTH = 200


def current(user: User) -> CalendarFeedToken | None:
    """The user's live token, if any."""
    return db.session.scalars(sa.select(CalendarFeedToken).where(
        CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None))).first()


def _revoke_live(user: User) -> int:
    live = db.session.scalars(sa.select(CalendarFeedToken).where(
        CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None))).all()
    for token in live:
        token.revoked_at = utcnow()
    return len(live)


def issue(user: User) -> str:
    """A new feed token for `user` (the old one stops working); returns the raw token, shown once."""
    replaced = _revoke_live(user)
    token, raw = CalendarFeedToken.issue(user)
    db.session.add(token)
    db.session.flush()
    audit.record_for(token, "create", f"Calendar feed address issued for {user.email}"
                     + (" (the previous one revoked)" if replaced else ""), after={"prefix": token.prefix})
    return raw


def revoke(user: User) -> bool:
    """Revoke the user's live token; False when there was none."""
    if not _revoke_live(user):
        return False
    db.session.flush()
    audit.record("revoke", record_type="CalendarFeedToken", summary=f"Calendar feed address revoked for {user.email}")
    return True


#: The token with its owner, in one query, built once: every poll of a feed asks it.
_FEED_TOKEN_WITH_OWNER = (sa.select(CalendarFeedToken).where(CalendarFeedToken.token_hash == sa.bindparam("token_hash"))
                          .options(joinedload(CalendarFeedToken.user)))


def owner_of(raw: str | None) -> tuple[User, CalendarFeedToken] | None:
    """The active account a live token belongs to, and the token; None for anything else."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(_FEED_TOKEN_WITH_OWNER, {"token_hash": hash_token(raw)})
    if token is None or token.is_revoked or not token.user.is_active:
        return None
    return token.user, token


# ------------------------------------------------------------------ the feed itself, built once per change
#: The iCalendar text per activities stamp, scope and site address: calendar programs poll the feed, and it holds
#: thousands of visits; rebuilt when an activity, a visit, an allocation or a name it shows changes.
FEEDS = record_cache.cache(ACTIVITIES, 32)


def feed_ics(scope: Scope, url_for_activity: Callable[[int], str], site: str) -> bytes:
    """The VCALENDAR of the latest visits `scope` may see (`site`: the address its links start with, in the key;
    the language it is written in too)."""
    from app.formats.ical import feed
    from app.services.activities import activity_reads
    language = current_language()
    return FEEDS.get(("ics", scope, site, language), lambda: feed(
        activity_reads.feed_visits(scope), url_for_activity, _("Palermo missions"),
        lambda state: local_name(state, language), title_of))
