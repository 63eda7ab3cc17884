"""SQLite's trigram indexes (issue 26, "no page grows with the data"): an FTS5 table of the trigrams of the
requests' subjects and requesting authorities, and one of the activities' titles, kept in step by triggers
(models/sqlite_trigrams.py). A picker's or a list's search for text that matches few rows read the whole table:
a miss among 200,000 requests 67 ms for the picker, 120 ms for the request list; 2 ms from the trigrams.

SQLite only, and only where its library has FTS5's trigram tokenizer (3.34 and later); PostgreSQL has pg_trgm's
indexes (20261207_lookup). Filling them reads every row once: 1.5 s at 200,000 requests.

Revision ID: 20261207_sqlite_trgm
Revises: 20261207_facts_covering
Create Date: 2026-12-07
"""
import sqlite3

from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_sqlite_trgm'
down_revision = '20261207_facts_covering'
branch_labels = None
depends_on = None

#: As models/sqlite_trigrams.py makes them (written out: a migration does not import the models it predates).
TABLES = (
    ('assistance_requests', 'assistance_requests_trigrams', ('subject', 'requesting_authority')),
    ('activities', 'activities_trigrams', ('title',)),
)


def _available() -> bool:
    probe = sqlite3.connect(':memory:')
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def _statements(table: str, fts: str, columns: tuple) -> list[str]:
    listed = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    add = f'INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});'
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f'CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {add} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN {remove} {add} END',
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade():
    if op.get_bind().dialect.name != 'sqlite' or not _available():
        return
    for table, fts, columns in TABLES:
        for statement in _statements(table, fts, columns):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for _table, fts, _columns in TABLES:
        for when in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS {fts}_{when}')
        op.execute(f'DROP TABLE IF EXISTS {fts}')
