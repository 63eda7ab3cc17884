"""Helpers tests share: counting the statements a block sends to the database."""
from contextlib import contextmanager

from sqlalchemy import event

from models import db


@contextmanager
def count_queries():
    """Statements the database executes inside the block (savepoints of the test harness excluded)."""
    statements = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
