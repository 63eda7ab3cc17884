"""Helpers tests share: counting the statements a block sends to the database."""
import re
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


#: SQLite's count of the rows whose text holds a search's words, in a growing table's trigrams
#: (models/sqlite_trigrams.holding): what decides how the list's own statements read them.
_TRIGRAM_COUNT = re.compile(r"^SELECT count\(\*\) AS count_1\s+"
                            r"FROM \(SELECT (\w+)_trigrams\.rowid AS rowid\s+FROM \1_trigrams\s")


def trigram_counts(statements: list[str]) -> list[str]:
    """The statements among `statements` that count a search's matches in SQLite's trigrams (never a list's
    own count, which reads the trigrams inside a condition of its table)."""
    return [s for s in statements if _TRIGRAM_COUNT.match(s.lstrip())]


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


def form_fields(body: str, form_class: str | None = None) -> list[tuple[str, str]]:
    """What a browser would submit from the first form of the page with a `method="post"` (other than the bar's
    sign-out and language switcher; with `form_class` among its classes, if given): inputs (checked boxes only),
    selected options, textareas — as (name, value) pairs."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = self.done = False
            self.pairs: list[tuple[str, str]] = []
            self.select = self.textarea = None
            self.text = ""

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and not self.done and (a.get("method") or "").lower() == "post" \
                    and not (a.get("action") or "").endswith(("/logout", "/language")) \
                    and (form_class is None or form_class in (a.get("class") or "").split()):
                self.inside = True
            if not self.inside:
                return
            if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                self.pairs.append((a["name"], a.get("value") or ""))
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                self.pairs.append((self.select, a.get("value") or ""))
            elif tag == "textarea":
                self.textarea, self.text = a.get("name"), ""

        def handle_data(self, data):
            if self.textarea:
                self.text += data

        def handle_endtag(self, tag):
            if tag == "form" and self.inside:
                self.inside, self.done = False, True
            elif tag == "select":
                self.select = None
            elif tag == "textarea" and self.textarea:
                self.pairs.append((self.textarea, self.text.removeprefix("\n")))
                self.textarea = None

    reader = Reader()
    reader.feed(body)
    return reader.pairs


def with_values(pairs: list[tuple[str, str]], **changes) -> dict:
    """`pairs` as a form post (a MultiDict-like dict of lists), with `changes` replacing fields by name."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    for name, value in changes.items():
        out[name] = value if isinstance(value, list) else [value]
    return out
