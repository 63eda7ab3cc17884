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


def postgresql_session_settings(engine: sa.Engine, random_page_cost: float | None) -> None:
    """Two planner settings of the app's PostgreSQL sessions (the server's defaults, for other clients, are left
    alone):

    - JIT off. PostgreSQL compiles a statement to machine code once its estimated cost passes jit_above_cost: worth
      it for a report that runs for minutes, not for a page's statement of tens of milliseconds. The request list
      sorted by State at 200,000 requests spent 108 ms compiling for a 1.4 s statement, and every statement over
      the threshold pays it again at every execution.
    - `random_page_cost` (POSTGRES_RANDOM_PAGE_COST, 1.1 by default; empty: the server's). The default of 4 prices
      a page read out of order as a spinning disk's; a database that lives in memory or on an SSD reads it nearly
      as fast as the next one, and at 4 the planner scanned the 50,000 activities and visits whole to join a
      State's 481 of them (a State page's timeline: 61 -> 22 ms at 200,000 requests). 1.1 is what PostgreSQL's
      own documentation and its tuning guides suggest for such storage."""
    if engine.dialect.name != "postgresql":
        return
    statements = ["SET jit = off"]
    if random_page_cost is not None:
        statements.append(f"SET random_page_cost = {float(random_page_cost)}")

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()  # psycopg2 opened a transaction for the SETs: end it, keeping the settings
