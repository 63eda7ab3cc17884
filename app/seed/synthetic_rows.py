"""What every part of `flask seed synthetic` shares: the synthetic calendar, the names and topics it draws from, the
two ways it draws (an instant on a day, a weighted choice) and how its rows reach the database (ids computed here,
written in bulk, never through the ORM's unit of work)."""
from __future__ import annotations

import bisect
import csv
import io
import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from models import db

#: The day the synthetic record is "as at": requests are received up to it, planned activities run a year past it.
SYNTHETIC_TODAY = date(2026, 6, 30)
#: The first day of the synthetic record (the Convention's adoption).
SYNTHETIC_START = date(2000, 11, 15)

TOPICS = ["extradition", "mutual legal assistance", "money-laundering", "corruption", "witness protection",
          "liability of legal persons", "jurisdiction", "border control", "victim support", "confiscation"]
GIVEN = ["Amina", "Carlos", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jean", "Kofi", "Lena",
         "Mateo", "Nadia", "Olu", "Priya", "Quentin", "Rosa", "Samir", "Tanya", "Umar", "Vera", "Wei", "Yusuf", "Zora"]
FAMILY = ["Abebe", "Bianchi", "Chen", "Diallo", "Eriksen", "Fernandes", "Garcia", "Haddad", "Ivanova", "Jensen",
          "Kowalski", "Lopez", "Mensah", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka",
          "Usman", "Varga", "Weber", "Yilmaz"]

_NULL = "\\N"


def next_ids(*tables) -> dict[str, int]:
    """The first free id of each table, by table name: the rows are numbered here, before they are written."""
    return {t.name: (db.session.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1 for t in tables}


def insert(table, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL (several times faster than multi-row INSERTs), executemany elsewhere."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(table, rows)
        return
    for start in range(0, len(rows), 20000):
        db.session.execute(sa.insert(table), rows[start:start + 20000])


def _copy(table, rows: list[dict]) -> None:
    """COPY ... FROM STDIN (CSV, NULL written as \\N)."""
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([json.dumps(row[c]) if c in json_columns else
                         (_NULL if row[c] is None else row[c]) for c in columns])
    buffer.seek(0)
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
    finally:
        cursor.close()


def move_sequences() -> None:
    """PostgreSQL: explicit ids do not advance a serial's sequence; move each past the largest id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def at(day: date, rng: random.Random) -> datetime:
    """An instant in office hours on `day`."""
    return datetime(day.year, day.month, day.day, 8 + rng.randrange(10), rng.randrange(60), tzinfo=UTC)


def weighted(rng: random.Random, pairs: list) -> Callable[[], object]:
    """A draw among the values of (value, weight) pairs, each as likely as its weight."""
    values = [v for v, _ in pairs]
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return lambda: values[bisect.bisect_right(cumulative, rng.random() * total)]
