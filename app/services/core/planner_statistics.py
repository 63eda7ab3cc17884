"""Planner statistics after a bulk write: PostgreSQL plans from the statistics ANALYZE gathers, and a table filled
by tens of thousands of rows since its last ANALYZE is planned as if it were empty (the donor portal's main query
took 3,987 ms after `seed synthetic`, 8.6 ms after ANALYZE). Autovacuum would get there, minutes later; the
commands and imports that write in bulk gather them at once. SQLite plans from its indexes alone, and is left so:
its statistics (ANALYZE at 200,000 requests, tried in the sixth session) sped the activity list filtered by status
from 51 to 34 ms, but turned the homes from 28 to 330 ms and the queue from 50 to 410–510 ms, whose statements and
indexes were chosen for the planner without them.
"""
import sqlalchemy as sa

from models import db


def analyze(*tables: str) -> None:
    """ANALYZE `tables` (every table when none is named) on PostgreSQL, in the current transaction (its own rows
    are counted, and the statistics are kept only if it commits); nothing on other engines."""
    unknown = [t for t in tables if t not in db.metadata.tables]
    if unknown:  # a typo fails on every engine, not first in production
        raise ValueError(f"not tables of the application: {', '.join(unknown)}")
    if db.session.get_bind().dialect.name != "postgresql":
        return
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    db.session.execute(sa.text("ANALYZE " + ", ".join(quote(t) for t in tables)))


def vacuum_analyze() -> None:
    """VACUUM (ANALYZE) every table on PostgreSQL, after a bulk load has been committed (VACUUM cannot run inside a
    transaction: it takes a connection of its own, in autocommit). Besides the statistics, it marks the pages all
    visible, which lets counts and lists read their indexes alone (index-only scans: the API's count of 200,000
    requests 43 → 24 ms): what autovacuum does in the background where it is on — and some servers run with it
    off (this project's machines: `SHOW autovacuum`). Nothing on other engines."""
    engine = db.engine  # not the session's connection: VACUUM needs one outside any transaction
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # SKIP_LOCKED: a table another transaction is analysing or altering is left to the next run, not waited for
        connection.exec_driver_sql("VACUUM (ANALYZE, SKIP_LOCKED)")
