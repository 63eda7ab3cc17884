"""Every count on a home page, a dashboard or the donor portal is a link to the rows it counts (issue 29 item 4).

A count is a number standing alone in a table cell, a definition, a badge or a heading's note (`16`), or opening a
phrase that says what it counts (`16 activities funded`). The pages are read as each role sees them, on the
reference record (every figure there is non-zero somewhere), and every count found outside a link is reported.
"""
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from models import Organization, db

#: Elements whose numbers are not counts: the page's structure (headers, captions, labels) and the charts.
SKIPPED = {"script", "style", "svg", "title", "option", "label", "th", "caption", "button", "code", "progress",
           "select", "textarea", "nav"}
#: Classes marking a number that counts nothing the record lists: an instrument's threshold (a rule of the
#: treaty), the days elapsed between an activity and a treaty action (a duration), and the home page's "records
#: of the past" broken down by year (their rows are the list's own: the undated ones are counted under the year
#: of the report that records them, which no filter names).
NOT_COUNTS = {"threshold", "elapsed", "old-work"}
#: What a count standing alone looks like, and a count opening a phrase that names what it counts.
ALONE = re.compile(r"^\d[\d,\u202f\u00a0]*$")
COUNTED = re.compile(r"(?<![\w#/.:-])(\d[\d,]*) (contributions?|activit(?:y|ies)|States?|treaty actions?|requests?|"
                     r"reports?|actions?|deposits?)\b")
BOXES = {"td", "dd", "small", "span", "li", "p", "strong", "h2", "div"}


class _Counts(HTMLParser):
    """The counts of <main> that no link holds, as (text, the element's tag)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set]] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            return
        self.stack.append((tag, set((dict(attrs).get("class") or "").split())))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        tags = [t for t, _c in self.stack]
        classes = set().union(*(c for _t, c in self.stack)) if self.stack else set()
        if "main" not in tags or "a" in tags or SKIPPED & set(tags) or NOT_COUNTS & classes:
            return
        text = " ".join(data.split())
        if not text or not self.stack:
            return
        tag = self.stack[-1][0]
        if tag in BOXES and ALONE.match(text) or COUNTED.search(text):
            self.found.append((text, tag))


def unlinked_counts(page: str) -> list[tuple[str, str]]:
    parser = _Counts()
    parser.feed(page)
    return parser.found


def _canada():
    return db.session.scalar(sa.select(Organization).filter_by(name="Canada"))


PAGES = [("officer", "/"), ("manager", "/"), ("admin", "/"), ("donor", "/"),
         ("officer", "/dashboard"), ("manager", "/dashboard"), ("admin", "/dashboard"), ("donor", "/dashboard"),
         ("donor", "/funding/"), ("manager", "/funding/"), ("manager", "/funding/donors/{canada}")]


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{r} {p}" for r, p in PAGES])
def test_every_count_on_a_home_page_dashboard_or_portal_is_a_link(client, login_as, role, path):
    login_as(role, **({"donor": _canada()} if role == "donor" else {}))
    response = client.get(path.format(canada=_canada().id))
    assert response.status_code == 200
    assert unlinked_counts(response.get_data(as_text=True)) == []


def test_the_reader_finds_a_count_left_unlinked():
    """The check itself: a bare count, in a cell or opening a phrase, is found; a linked one, a date or a
    threshold is not."""
    page = ('<main><table><tr><td class="text-end">12</td><td><a href="/x">7</a></td>'
            '<td class="text-end threshold">40</td><td>3 July 2005</td></tr></table>'
            '<p>16 activities funded · <a href="/s">3 States reached</a></p></main>')
    assert unlinked_counts(page) == [("12", "td"), ("16 activities funded ·", "p")]
