"""The lock that serialises writes to one instrument's treaty record: imports of its table, and actions entered by
hand (two at once could both pass the "already on record" check and collide on the unique action)."""
import sqlalchemy as sa
from flask import current_app, has_app_context

from models import Instrument, db

#: How long a write waits for another write to the same instrument's record to finish, by default (seconds).
LOCK_TIMEOUT = 10


class InstrumentBusy(Exception):
    """Another write to the instrument's record holds the lock longer than this one may wait."""

    def __init__(self, code: str):
        super().__init__(f"Another import of {code} is in progress.")  # for the log; callers word it for people
        self.code = code


def lock_instrument(instrument: Instrument) -> None:
    """Take the lock that serialises writes to `instrument`'s record, until the transaction ends.

    PostgreSQL: the instrument's row, FOR UPDATE. SQLite: the database's write lock, taken by a no-op write (SQLite
    has no row locks; a transaction that only read first and wrote later could not wait for it, and would fail
    at once with "database is locked"). Either waits at most IMPORT_LOCK_TIMEOUT seconds, then InstrumentBusy.
    """
    timeout = current_app.config.get("IMPORT_LOCK_TIMEOUT", LOCK_TIMEOUT) if has_app_context() else LOCK_TIMEOUT
    millis = max(int(float(timeout) * 1000), 1)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    try:
        if postgres:
            db.session.execute(sa.text(f"SET LOCAL lock_timeout = {millis}"))
            db.session.execute(sa.select(Instrument.id).where(Instrument.id == instrument.id).with_for_update())
            db.session.execute(sa.text("SET LOCAL lock_timeout = DEFAULT"))
        else:
            connection = db.session.connection()
            previous = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {millis}")
            try:
                connection.execute(sa.text("UPDATE instruments SET code = code WHERE id = :id"), {"id": instrument.id})
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous)}")
    except sa.exc.OperationalError as exc:
        if postgres and getattr(exc.orig, "pgcode", None) != "55P03":  # lock_not_available
            raise
        if not postgres and "locked" not in str(exc.orig):
            raise
        raise InstrumentBusy(instrument.code) from None
