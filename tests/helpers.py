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


def inline_code(body: str) -> list[str]:
    """What the Content-Security-Policy would block on a page: scripts with a body or from elsewhere than the
    app's own static files, style attributes, event-handler attributes. Empty when the page is clean."""
    import re
    found = [m.group(0) for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", body, re.S | re.I)
             if m.group(2).strip() or not re.search(r'\bsrc="/(?:static|bootstrap/static)/', m.group(1))]
    found += re.findall(r"\sstyle=\"[^\"]*\"", body)
    found += re.findall(r"\son[a-z]+=\"[^\"]*\"", body)
    return found
