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


def field_errors(body: str, field: str | None = None) -> list[str]:
    """The messages shown beside form fields (templates/_macros/forms.html), of one field or of all."""
    import html
    import re
    name = re.escape(field) if field else r"[\w-]+"
    return [html.unescape(m) for m in re.findall(rf'<div id="{name}-error" class="invalid-feedback[^"]*">([^<]*)<',
                                                 body)]
