"""Flask-Login: who is asking — the session's user, or the API's `Authorization: Bearer TOKEN`."""
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import abort, g, session
from flask_login import user_loaded_from_cookie
from sqlalchemy.orm import joinedload

from models import ApiToken, User, db
from models.base import utcnow
from models.record_version import BOOKKEEPING
from models.user import hash_token

from .extensions import login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"
# "strong": a session cookie replayed from another address or browser is emptied, not merely marked stale.
# (Sessions are therefore never made permanent: Flask-Login downgrades permanent sessions to "basic".)
login_manager.session_protection = "strong"

#: Longer than any token `ApiToken.issue` makes; anything longer is not worth hashing.
MAX_TOKEN_LENGTH = 200
#: How stale a token's `last_used_at` may grow: it is written at most once per this interval, so that requests
#: with a token read only (a write on every request would serialise them behind one another).
TOKEN_USE_RESOLUTION = timedelta(hours=1)
#: The one URL a calendar feed token opens (`?token=…`): a calendar client cannot sign in.
FEED_PATH = "/missions.ics"


@login_manager.user_loader
def load_user(user_id: str):
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def bearer_token(request) -> str | None:
    """The raw token of an `Authorization: Bearer …` header, if there is one."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return raw


#: The token with its account, in one query: every API request's first statement, built once (not per request).
_API_TOKEN_WITH_ACCOUNT = (sa.select(ApiToken).where(ApiToken.token_hash == sa.bindparam("token_hash"))
                           .options(joinedload(ApiToken.user)))


@login_manager.request_loader
def load_user_from_token(request):
    """The account of a valid bearer token; revoked tokens and inactive accounts are refused."""
    if request.path == FEED_PATH and "token" in request.args:
        return _feed_token_owner(request.args["token"])
    raw = bearer_token(request)
    if raw is None:
        return None
    token = db.session.scalar(_API_TOKEN_WITH_ACCOUNT, {"token_hash": hash_token(raw)})
    if token is None or token.is_revoked or not token.user.is_active:
        return None
    user = token.user
    _note_use(token)
    g.authenticated_by_token = True  # read by the CSRF check (app.security): no cookie, no CSRF risk
    g.token_scope = token.scope      # read by the API: a read-scope token changes nothing
    g.api_token_id = token.id  # the API's rate limit counts per token (app.api.rate_limit)
    return user


def _note_use(token) -> None:
    """Record that `token` was used — unless that was recorded less than TOKEN_USE_RESOLUTION ago (then no write).
    A plain UPDATE committed on its own: nothing else is pending this early in the request. Guarded by the old
    value, so that of several requests arriving together only one writes."""
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite gives back naive UTC
        last = last.replace(tzinfo=UTC)
    if last is not None and now - last < TOKEN_USE_RESOLUTION:
        return
    model = type(token)
    db.session.execute(sa.update(model).where(model.id == token.id, model.last_used_at.is_(None) if last is None
                                              else model.last_used_at < now - TOKEN_USE_RESOLUTION)
                       .values(last_used_at=now)
                       .execution_options(synchronize_session=False, **{BOOKKEEPING: True}))
    db.session.commit()  # expires the token: the next read sees the value written


def _feed_token_owner(raw: str):
    """The owner of a calendar feed token, for this one request (nothing goes into the session). A token that
    opens nothing is a 401, which a calendar client reports, rather than a redirect to a sign-in page."""
    from .services.calendar_feeds import owner_of
    found = owner_of(raw)
    if found is None:
        if g.get("feed_token_refused"):  # asked again while the 401 page renders: anonymous
            return None
        g.feed_token_refused = True
        abort(401)
    user, token = found
    _note_use(token)
    g.authenticated_by_feed_token = True
    return user


@user_loaded_from_cookie.connect
def _protect_restored_session(app, user):
    """A session restored from the "remember me" cookie has no identifier yet; "strong" protection would empty
    it on the very next request. Give it the identifier of the browser that presented the cookie."""
    session["_id"] = login_manager._session_identifier_generator()
