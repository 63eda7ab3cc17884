"""SQLite's trigram indexes: an FTS5 table of trigrams beside each table whose text grows with the work.

On PostgreSQL, pg_trgm's GIN indexes (models/search_indexes.py) answer `lower(column) LIKE '%text%'`. SQLite has
no index for a pattern that starts with a wildcard: a search that finds few rows read the whole table (a miss
among 200,000 requests: 67 ms for a picker, 120 ms for the request list, which counts and then pages). FTS5's
trigram tokenizer (SQLite 3.34 and later) keeps the text's trigrams in a virtual table; a phrase of three
characters or more matches where the text holds it, in any case: the miss takes 2 ms.

Each virtual table is an "external content" table: it holds only the trigrams, the text stays in its table, and
three triggers keep the trigrams in step with every insert, update and delete, in the same transaction — the ORM's,
a Core statement's or a seed's alike. `create_all` (the tests' databases) makes them with their table; the
migration 20261207_sqlite_trgm makes them for an existing database and fills them.

A migration that rebuilds one of these tables in batch mode (copy, drop, rename) drops its triggers with the old
table: it must call `create_statements` again after (tests/test_migrations.py checks that they are there).

Nothing is made where the SQLite library lacks FTS5 or its trigram tokenizer (`available`): the searches then read
the table as before (app.listing.holds asks the same question).
"""
from __future__ import annotations

import functools
import sqlite3

import sqlalchemy as sa
from sqlalchemy import event

from models.activity import Activity
from models.assistance_request import AssistanceRequest

#: table -> (the virtual table of its trigrams, the columns searched inside). Only tables that grow with the work:
#: the others are a few thousand rows at most, read faster whole.
TRIGRAM_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    AssistanceRequest.__tablename__: ("assistance_requests_trigrams", ("subject", "requesting_authority")),
    Activity.__tablename__: ("activities_trigrams", ("title",)),
}
#: What FTS5 adds beside each virtual table (its own bookkeeping, derived from the text).
SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


@functools.cache
def available() -> bool:
    """Whether this process's SQLite library has FTS5 with the trigram tokenizer (3.34 and later, built with FTS5)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def derived_tables() -> frozenset[str]:
    """Every table these indexes add to a database: the virtual tables and FTS5's shadow tables, made from the rows
    of the tables they index (left out of the backup's table counts and of Alembic's comparison with the models)."""
    return frozenset(name for fts, _columns in TRIGRAM_TABLES.values()
                     for name in (fts, *(fts + suffix for suffix in SHADOW_SUFFIXES)))


def include_object(_obj, name, type_, reflected, _compare_to) -> bool:
    """Alembic's filter: the tables these indexes add are not the models' (autogenerate would drop them)."""
    return not (type_ == "table" and reflected and name in derived_tables())


def create_statements(table: str) -> list[str]:
    """The virtual table of `table`'s trigrams, its three triggers, and the filling of it from the rows already
    there (idempotent: a table that has them is rebuilt from its rows, which is what they hold anyway)."""
    fts, columns = TRIGRAM_TABLES[table]
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


#: The writes each indexed table's triggers follow (`create_statements`), each trigger named `<fts table>_<write>`.
WRITES = ("insert", "delete", "update")


def drop_statements(table: str) -> list[str]:
    fts, _columns = TRIGRAM_TABLES[table]
    return [f"DROP TRIGGER IF EXISTS {fts}_{when}" for when in WRITES] + \
        [f"DROP TABLE IF EXISTS {fts}"]


def trigger_names() -> set[str]:
    return {f"{fts}_{when}" for fts, _columns in TRIGRAM_TABLES.values() for when in WRITES}


def _on_sqlite(connection) -> bool:
    return connection.dialect.name == "sqlite" and available()


def _made_with(table: sa.Table):
    def after_create(target, connection, **_kw):
        if _on_sqlite(connection):
            for statement in create_statements(table.name):
                connection.exec_driver_sql(statement)

    def before_drop(target, connection, **_kw):
        if _on_sqlite(connection):
            for statement in drop_statements(table.name):
                connection.exec_driver_sql(statement)
    event.listen(table, "after_create", after_create)
    event.listen(table, "before_drop", before_drop)


for _model in (AssistanceRequest, Activity):
    _made_with(_model.__table__)


def match_text(text: str) -> str:
    """`text` as an FTS5 phrase: every character taken literally (a double quote doubled), matched as a substring
    by the trigram tokenizer."""
    return '"' + text.replace('"', '""') + '"'


def indexed(table: str, column: str) -> bool:
    """Whether `table`'s `column` has its trigrams kept in this process's SQLite (`available`): the migration and
    `create_all` made them wherever the library has the tokenizer. (A database file made where it had not, then
    opened with a library that has it, needs the tables made: `create_statements`.)"""
    found = TRIGRAM_TABLES.get(table)
    return found is not None and column in found[1] and available()


#: Above this many rows holding the text, the trigrams cost more than they save: every matching id is fetched
#: before the first row is read (10 ms for "training", in a sixth of 200,000 requests), while a list read in its own
#: order, asking LIKE of each row, finds its page within its first rows (3 ms for the picker's 50).
MANY = 2000


def holding(session, table: sa.Table, column: str, text: str) -> sa.ColumnElement | None:
    """The rows of `table` whose `column` holds `text`, in any case: their ids, from the trigrams — or None when
    more than MANY rows hold it (counted up to MANY + 1 in one cheap statement: 0.2 ms for a miss, 1.2 ms for
    "training"), and the caller's LIKE does better."""
    if "\x00" in text:  # an FTS5 query ends at a NUL character (the forms refuse one before it gets here)
        return None
    fts, _columns = TRIGRAM_TABLES[table.name]
    trigrams = sa.table(fts, sa.column("rowid"))
    matching = sa.select(trigrams.c.rowid).where(
        sa.literal_column(fts).op("MATCH")(f"{{{column}}} : {match_text(text)}"))
    found = session.execute(sa.select(sa.func.count()).select_from(matching.limit(MANY + 1).subquery())).scalar()
    return table.c.id.in_(matching) if found <= MANY else None
