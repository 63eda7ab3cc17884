"""Whole pages kept until what they read changes: a page asked again by the same caller, with the same URL, on the
same day, while none of the tables it read has been written since, is answered with the bytes rendered the first
time.

Why whole pages: a page is a pure function of the record, the caller and the URL, and most visits repeat one
(the queue refreshed, the calendar feed polled, a dashboard reopened). The key holds everything a page may
depend on but the record:
- the caller: the session's sign-in (its account and session token) with the session's CSRF secret, so that a
  page's forms carry tokens of the session that reads them; or the API or feed token (its hash: the token names
  its account and scope, and these are part of the record);
- the URL with its query string, what the client accepts (JSON or HTML), and today's date (pages count days);
- the address the request named (scheme and Host): absolute links are built from PUBLIC_URL alone
  (app/public_address.py), so no page should depend on it — but should one ever do, a hostile Host header gets an
  entry of its own and never poisons the page everybody else is served;
- the language the browser asks for (its choice in the switcher, else Accept-Language, as app.languages reads
  them), so that a page kept in French is never served in answer to a visit in English (issue 30); an account's
  change of language is noted in the session too (app.views.accounts), so the session's next pages get a new key;
- nothing left to show once: a session with flashed messages is never served from, nor stored into, the cache.
The record a page depends on is kept beside it rather than in the key: the stamp of each table it read
(models.record_version: every committed change of a table replaces that table's stamp), noted while it rendered —
every statement's tables, and the tables behind figures kept per stamp (app.services.core.record_cache) — plus
the accounts' and tokens' tables, always (the early answer below leans on them), and the stamp of writes that name
no table. The stamps are asked from the database on each visit (one query of one small table) before anything
is read, so a change made through any process is seen by the next visit to every process, and a change committed
while a page renders leaves it kept under the older stamp (so, never served). A write to the requests therefore
keeps the treaty pages, and never lets a page that read a request outlive it (issue 26, item 5).
A repeat visit is answered before the account is even loaded (`answer_early`: why that is sound is said there).
Only complete 200 answers to plain GETs are kept, without their cookies; the after-request hooks (security
headers, session) run on every answer as usual. Entries also expire after PAGE_CACHE_SECONDS, so that no page
outlives its freshness by long (a "today" that turns, a clock shown). PAGE_CACHE=off, or CACHES_OFF (every cache
at once, for measuring), turns it off.

Stores: memory in each process (bounded in bytes, least recently used out first), or Redis when
CACHE_STORAGE_URI says redis://…, shared by every process.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from datetime import date
from functools import wraps

from flask import current_app, g, request, session
from flask_login import current_user

from app.auth_loaders import credential_noted
from app.extensions import login_manager
from app.languages import browser_language
from models import db
from models.record_version import ANY_TABLE, TABLE_PREFIX, all_stamps, noting_reads, table_stamp

#: Headers a kept answer does not repeat: cookies belong to the visit that set them; the rest is recomputed.
_NOT_KEPT = {"set-cookie", "content-length", "date", "vary"}
#: What a view's answer may be to be kept.
_KEPT_TYPES = ("text/html", "application/json", "text/calendar", "text/csv")
#: Tables every kept page depends on, read or not: whatever makes a sign-in or a token valid (answer_early). The
#: stamps table itself is what the check reads, not what a page shows.
_ALWAYS = frozenset({"users", "api_tokens", "calendar_feed_tokens", ANY_TABLE.removeprefix(TABLE_PREFIX)})
_NOT_SHOWN = frozenset({"record_versions"})


class MemoryStore:
    """Entries of one process, least recently used evicted first once `budget` bytes are held."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[str, tuple[float, int, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, _size, value = entry
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, seconds: int) -> None:
        if len(value) > self.budget // 4:  # one huge page must not empty the cache of everything else
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + seconds, len(value), value)
            self._size += len(value)
            while self._size > self.budget:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _expires, size, _value = self._entries.pop(key)
        self._size -= size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


class RedisStore:
    """Entries shared by every process (Redis expires them itself)."""

    def __init__(self, url: str, prefix: str):
        import redis
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def set(self, key: str, value: bytes, seconds: int) -> None:
        self.client.set(self.prefix + key, value, ex=seconds)

    def clear(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "*"):
            self.client.delete(key)


_stores: dict[tuple, MemoryStore | RedisStore] = {}
_stores_lock = threading.Lock()


def store():
    """The store of the current app's configuration (one per configuration and process)."""
    config = current_app.config
    which = (config["CACHE_STORAGE_URI"], config["PAGE_CACHE_BYTES"], config["CACHE_KEY_PREFIX"])
    with _stores_lock:
        if which not in _stores:
            uri = which[0]
            _stores[which] = RedisStore(uri, which[2] + "page:") if uri.startswith(("redis://", "rediss://")) \
                else MemoryStore(which[1])
        return _stores[which]


def clear_memory() -> None:
    """Forget every page this process keeps (the tests start each one from nothing)."""
    with _stores_lock:
        for kept in _stores.values():
            if isinstance(kept, MemoryStore):
                kept.clear()


def _may_be_kept() -> bool:
    """Whether this request may be answered from, or stored into, the cache at all (the caller aside)."""
    config = current_app.config
    return (config["PAGE_CACHE"] and not config.get("CACHES_OFF") and request.method == "GET"
            and "_flashes" not in session
            and not (request.if_none_match or request.if_modified_since or request.range))


def _stamps() -> dict[str, str]:
    """Every stamp, read once per request before anything else (the early answer and the view share it)."""
    if "record_stamps" not in g:
        g.record_stamps = all_stamps(db.session)
    return g.record_stamps


def _key_for(caller: str) -> str:
    parts = ("tables", caller, session.get("csrf_token", ""), request.host_url, request.full_path,
             str(request.accept_mimetypes), date.today().isoformat(), browser_language())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _stamps_of(tables) -> dict[str, str] | None:
    """The stamps, as read at the start of this request, of `tables` (None when one has none: nothing was ever
    stamped, so nothing can be known to be current)."""
    stamps = _stamps()
    found = {table: table_stamp(stamps, table) for table in tables}
    return None if None in found.values() else found


def _current(kept: bytes) -> bytes | None:
    """The kept entry, if none of the tables its page read has changed since."""
    head = json.loads(kept.partition(b"\n")[0])
    read = head[3] if len(head) > 3 else None
    return kept if read and _stamps_of(read) == read else None


def _caller() -> str:
    """Who the view served: the session's sign-in (account and session token, as Flask-Login keeps it), or the
    token that authenticated the request (its kind and hash: the token names its account and scope)."""
    if g.get("credential"):
        return g.credential
    return "session:" + session["_user_id"]


def _early_caller() -> str | None:
    """Who asks, as `_caller` would say once the account is loaded — when that can be told without a query."""
    signed_in = session.get("_user_id")
    if signed_in:
        if session.get("_id") != login_manager._session_identifier_generator():  # "strong" session protection
            return None
        return "session:" + signed_in
    noted = credential_noted(request)
    return None if noted is None else noted[0]


def _key() -> str | None:
    """The key of this visit, or None when it must be rendered afresh and not kept."""
    if not _may_be_kept() or not current_user.is_authenticated:
        return None
    return _key_for(_caller())


def _keepable(response) -> bool:
    return (response.status_code == 200 and not response.is_streamed and response.mimetype in _KEPT_TYPES
            and "Set-Cookie" not in response.headers and not session.modified)


def _freeze(status: int, headers: list, private: bool, read: dict[str, str], body: bytes) -> bytes:
    """One line of JSON (status, headers, whether the client may keep it, the stamps of the tables the page read),
    then the body: nothing a shared store holds is ever unpickled."""
    return json.dumps([status, headers, private, read]).encode() + b"\n" + body


def _thaw(kept: bytes) -> tuple[int, list, bool, bytes]:
    head, _, body = kept.partition(b"\n")
    status, headers, private = json.loads(head)[:3]
    return status, [tuple(pair) for pair in headers], private, body


def _answer(kept: bytes):
    status, headers, private, body = _thaw(kept)
    if private:  # what the view told the after-request hooks (app.security) holds for its copy too
        g.cache_privately = True
    return current_app.response_class(body, status=status, headers=headers)


def answer_early():
    """Before the account is loaded: a repeat visit of a kept page, answered from the cache.

    Sound without loading the account, because whatever makes a sign-in or a token valid or not — the account,
    its role, whether it is active, its session token (a new password ends every session), the token's scope or
    revocation — is part of the record, in the accounts' and tokens' tables, which every kept page depends on
    whatever it read: a change to any of it replaces their stamps, and nothing kept under an older stamp is ever
    served. The entry was stored by a visit that the view's own checks let through, for this same sign-in or
    token. What is not in the record is checked here as it would be later: the session's browser identifier
    (Flask-Login's "strong" protection), and, for a token, that its use is recorded recently enough that nothing
    needs writing (app.auth_loaders.credential_noted). Anything else goes the usual way: the account loaded, the
    view's permission checked, the page rendered or taken from the cache there."""
    if not _may_be_kept():
        return None
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "keeps_pages", False):
        return None
    caller = _early_caller()
    kept = store().get(_key_for(caller)) if caller else None
    kept = _current(kept) if kept is not None else None
    return None if kept is None else _answer(kept)


def init_app(app) -> None:
    app.before_request(answer_early)  # after the security checks (app.security), which every request passes


def cached_page(view):
    """Keep this view's answers until a table it read changes (see the module). For views that only read: a view that
    writes, or that depends on anything outside the key, must not wear it."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        kept = store().get(key)
        if kept is not None and _current(kept) is not None:
            return _answer(kept)
        _stamps()  # before anything is read: a change committed while the page renders makes it stale at once
        with noting_reads() as read:
            response = current_app.make_response(view(*args, **kwargs))
        stamps = _stamps_of((read - _NOT_SHOWN) | _ALWAYS)
        if _keepable(response) and stamps is not None:
            headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _NOT_KEPT]
            store().set(key, _freeze(response.status_code, headers, bool(g.get("cache_privately")), stamps,
                                     response.get_data()),
                        current_app.config["PAGE_CACHE_SECONDS"])
        return response
    wrapped.keeps_pages = True  # copied onto the decorators above it (functools.wraps): read by answer_early
    return wrapped
