"""No English left on French, Spanish and Arabic pages outside the record's data (issue 30).

A small crawler: signed in as the role that opens each main page, it asks for the page with Accept-Language fr,
es or ar and reads every text node, and every placeholder, title and aria-label. A text that is, word for word,
an English message of the catalogue which that language translates differently is English left on the page: the
template or the code printed the source text instead of asking the catalogue. Record data (a State's name, an
activity's title) is never a whole catalogue message, so it passes, and so do words the language writes the same
("Instruments", "Excel (XLSX)").
"""
import functools
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from models import Organization, db
from tests.conftest import login
from tests.main_pages import MAIN_PAGES

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"

LANGUAGES = ("fr", "es", "ar")
#: The role a page is crawled as, among those that open it: the one that sees the most of it (a manager sees every
#: button an officer does, and the queue), the donor where only the donor and staff open it the same way.
ROLE_ORDER = ("manager", "admin", "officer", "donor", "anonymous")


def _crawled() -> list[tuple[str, str, str]]:
    """(language, role, path): every main page (tests/main_pages.py) as one role that opens it, the three languages
    taken in turn, then the donor's own statement and period report. Every message is translated in all three (a
    catalogue test checks that), so what a page leaves in English it leaves in each language: one language per page
    finds it, at a third of the cost."""
    pages = [(LANGUAGES[i % len(LANGUAGES)], min(page.roles, key=ROLE_ORDER.index), page.path)
             for i, page in enumerate(MAIN_PAGES)]
    return pages + [("fr", "donor", "/funding/statement"), ("ar", "donor", "/funding/statement"),
                    ("es", "donor", "/reports/period?from=2002-07-05&to=2003-07-04"),
                    ("ar", "donor", "/reports/period?from=2002-07-05&to=2003-07-04")]


PAGES = _crawled()


def catalogue(language: str):
    """The language's catalogue, compiled first when its .mo is missing or older than the .po (as the Makefile's
    translations target does), so that the pages are rendered from the messages read here."""
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        # Written aside, then moved into place: another test worker may be reading the .mo at the same time.
        fd, partial = tempfile.mkstemp(dir=mo.parent, suffix=".mo.part")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.chmod(partial, 0o644)
        os.replace(partial, mo)
    return catalog


@functools.cache
def english_left_behind(language: str) -> frozenset[str]:
    """The English messages the language translates into something else: whole texts, without placeholders."""
    found = set()
    for message in catalogue(language):
        if not message.id or not message.string or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if "%(" not in msgid and any(c.isalpha() for c in msgid) and msgid not in strings:
                found.add(msgid.replace("%%", "%").strip())
    return frozenset(found)


class _Texts(HTMLParser):
    """Every visible text node and every placeholder / title / aria-label of a page, whitespace collapsed."""

    SKIPPED = {"script", "style", "code", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping:
            self.texts.append(text)


@pytest.fixture()
def clients(app, make_user):
    """One test client per role, signed in as a new account of that role (the donor bound to Canada)."""
    made = {}

    def of(role):
        if role not in made:
            made[role] = app.test_client()
            if role == "donor":
                canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
                login(made[role], make_user("donor", donor=canada))
            elif role != "anonymous":
                login(made[role], make_user(role))
        return made[role]
    return of


@pytest.mark.parametrize("language, role, path", PAGES, ids=[f"{lang}-{role}-{path}" for lang, role, path in PAGES])
def test_no_english_is_left_on_a_main_page(app, clients, language, role, path):
    english = english_left_behind(language)
    assert len(english) > 300, "the catalogue translates too little to judge the pages by"
    response = clients(role).get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.status_code)
    body = response.get_data(as_text=True)
    # The page says which language it is in, and which way it reads (Arabic right to left).
    direction = "rtl" if language == "ar" else "ltr"
    assert re.search(rf'<html lang="{language}" dir="{direction}">', body), body[:200]
    parser = _Texts()
    parser.feed(body)
    left = sorted({text for text in parser.texts if text in english})
    assert not left, f"English left on {path} in {language}: " + " | ".join(left)


def test_no_template_assigns_the_name_of_gettext():
    """`{% set _ = list.append(x) %}` or `{% for _ in ... %}` shadows `_()` for the rest of the block, and the next
    translated text fails with "'NoneType' object is not callable" (the pager did, until renamed to `__`)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    shadowing = re.compile(r"\{%-?\s*(set|for)\s+(_\s*(=|,|in\b)|[\w\s,]*,\s*_\s*(=|in\b))")
    offenders = [f"{path.relative_to(templates)}: {match.group(0)}"
                 for path in sorted(templates.rglob("*")) if path.suffix in (".html", ".txt")
                 for match in shadowing.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders
