"""Flask-Login: who is asking — the session's user, or the API's `Authorization: Bearer TOKEN`."""
import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, g, session
from flask_babel import gettext
from flask_login import user_loaded_from_cookie
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from sqlalchemy.orm import joinedload

from app.extensions import login_manager
from models import ApiToken, User, db
from models.base import utcnow
from models.enums import N_
from models.record_version import BOOKKEEPING
from models.user import hash_token

login_manager.login_view = "auth.login"
# Flashed into the session, which keeps text only: marked here, translated by the callback when flashed.
login_manager.login_message = N_("Sign in to see that page.")
login_manager.localize_callback = gettext
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
        _forget_noted("bearer", hash_token(raw))
        return None
    user = token.user
    _note_use(token, "bearer")
    g.credential = "bearer:" + token.token_hash  # who asked, for kept pages (app.page_cache)
    g.authenticated_by_token = True  # read by the CSRF check (app.security): no cookie, no CSRF risk
    g.token_scope = token.scope      # read by the API: a read-scope token changes nothing
    g.api_token_id = token.id  # the API's rate limit counts per token (app.api.rate_limit)
    return user


def _note_use(token, kind: str) -> None:
    """Record that `token` was used — unless that was recorded less than TOKEN_USE_RESOLUTION ago (then no write).
    A plain UPDATE committed on its own: nothing else is pending this early in the request. Guarded by the old
    value, so that of several requests arriving together only one writes."""
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite gives back naive UTC
        last = last.replace(tzinfo=UTC)
    if last is not None and now - last < TOKEN_USE_RESOLUTION:
        _remember_noted(kind, token, last)
        return
    model = type(token)
    db.session.execute(sa.update(model).where(model.id == token.id, model.last_used_at.is_(None) if last is None
                                              else model.last_used_at < now - TOKEN_USE_RESOLUTION)
                       .values(last_used_at=now)
                       .execution_options(synchronize_session=False, **{BOOKKEEPING: True}))
    db.session.commit()  # expires the token: the next read sees the value written
    _remember_noted(kind, token, now)


# ------------------------------------------------------------------ tokens this process has seen, for kept pages
#: Tokens this process found valid, by kind and hash: their id and until when their use stays noted (the use
#: recorded, plus TOKEN_USE_RESOLUTION). Until then a repeat visit with the token needs nothing written, so a kept
#: page may answer it without reading the token (app.page_cache.answer_early). Neither fact can go wrong with
#: time: an id never changes, and a recorded use only moves later. Whether the token is still valid is not kept
#: here: revoking it, or closing its account, changes the record, and with it every kept page's key.
_noted: dict[tuple[str, str], tuple[int, datetime]] = {}
_noted_lock = threading.Lock()
#: Enough for every token in use; past it, the oldest are forgotten (they then go the usual way once).
_NOTED_AT_MOST = 10_000


def _remember_noted(kind: str, token, used_at: datetime) -> None:
    with _noted_lock:
        if len(_noted) >= _NOTED_AT_MOST:
            _noted.pop(next(iter(_noted)))
        _noted[(kind, token.token_hash)] = (token.id, used_at + TOKEN_USE_RESOLUTION)


def _forget_noted(kind: str, token_hash: str) -> None:
    """A token found refused: its allowance is no longer its own (app.api.rate_limit counts such calls by address)."""
    with _noted_lock:
        _noted.pop((kind, token_hash), None)


def credential_noted(request) -> tuple[str, int] | None:
    """The credential of a token request ("bearer:HASH" or "feed:HASH") and its token's id, without a query —
    when this process has seen the token valid and its use is noted for now; else None (the usual way). Also None
    when the request carries a sign-in, which Flask-Login would try before any token."""
    if "_user_id" in session or current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies:
        return None
    if request.path == FEED_PATH and "token" in request.args:
        kind, raw = "feed", request.args["token"]
        if not raw or len(raw) > MAX_TOKEN_LENGTH:
            return None
    else:
        kind, raw = "bearer", bearer_token(request)
        if raw is None:
            return None
    token_hash = hash_token(raw)
    with _noted_lock:
        found = _noted.get((kind, token_hash))
    if found is None or utcnow() >= found[1]:
        return None
    return f"{kind}:{token_hash}", found[0]


def _feed_token_owner(raw: str):
    """The owner of a calendar feed token, for this one request (nothing goes into the session). A token that
    opens nothing is a 401, which a calendar client reports, rather than a redirect to a sign-in page."""
    from app.services.activities.calendar_feeds import owner_of
    found = owner_of(raw)
    if found is None:
        _forget_noted("feed", hash_token(raw))
        if g.get("feed_token_refused"):  # asked again while the 401 page renders: anonymous
            return None
        g.feed_token_refused = True
        abort(401)
    user, token = found
    _note_use(token, "feed")
    g.credential = "feed:" + token.token_hash
    g.authenticated_by_feed_token = True
    return user


@user_loaded_from_cookie.connect
def _protect_restored_session(app, user):
    """A session restored from the "remember me" cookie has no identifier yet; "strong" protection would empty
    it on the very next request. Give it the identifier of the browser that presented the cookie."""
    session["_id"] = login_manager._session_identifier_generator()
