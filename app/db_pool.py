"""Pooled database connections are tested before use only when they may have gone stale.

SQLAlchemy's `pool_pre_ping` tests every connection at every checkout: one more round trip per request, which on
PostgreSQL cost 0.3–0.5 ms of a kept page's 1.5–2 ms. A connection given back less than PING_AFTER_IDLE_SECONDS
ago was working then; one that waited longer may have been cut (a database restarted overnight, a firewall's idle
timeout), and is tested first — a dead one is replaced before the request sees it (DisconnectionError makes the
pool take another, SQLAlchemy's "pessimistic" handling). A restart while the pool is busy fails the statements of
connections already in use; SQLAlchemy then recognises the disconnect and empties the pool, so only requests in
flight at that moment see an error.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy import event

#: How long a connection may wait in the pool and still be used without a test.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN_AT = "palermo_checked_in_at"


def ping_idle_connections(engine: sa.Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    @event.listens_for(engine, "checkin")
    def _note_return(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test_if_idle(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(_CHECKED_IN_AT)
        if returned is None or time.monotonic() - returned < idle_seconds:  # new, or in use moments ago
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises for a dead connection
            raise sa.exc.DisconnectionError("the pooled connection no longer answers") from error


def sqlite_readers_never_wait(engine: sa.Engine) -> None:
    """A SQLite file in write-ahead-log mode (issue 28): a job's worker writing a 5,000-row import in one long
    transaction no longer locks the pages out (in the default rollback journal a large transaction takes the whole
    file before it commits, and readers gave up with "database is locked"). Writers still take turns. In-memory
    databases (the tests') keep their own journal."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def postgresql_without_jit(engine: sa.Engine) -> None:
    """PostgreSQL compiles a statement to machine code (JIT) once its estimated cost passes jit_above_cost: worth it
    for a report that runs for minutes, not for a page's statement of tens of milliseconds. The request list sorted
    by State at 200,000 requests spent 108 ms compiling for a 1.4 s statement, and every statement over the
    threshold pays it again at every execution. Off for the app's connections (a setting of the session: the
    server's default, for other clients, is left alone)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _no_jit(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()  # psycopg2 opened a transaction for the SET: end it, keeping the setting
