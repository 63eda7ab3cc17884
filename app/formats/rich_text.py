"""Rich text as the reports store it: HTML limited to a small allow-list, cleaned by nh3 (the Rust sanitiser
ammonia, made for exactly this), so that what is rendered as HTML is only ever what this module let through.

Allowed: paragraphs and line breaks, emphasis (strong, em, b, i, u), lists, block quotes, and links to http(s) or
mailto addresses (opened as `rel="noopener noreferrer nofollow"`). Everything else is dropped: a script or a
style element with its content, event attributes, styles, other link schemes (javascript:, data:). Text typed
without any tag (the API, a browser without script) becomes paragraphs: blank lines part them, a line break is kept.
"""
import html
import re

import nh3

TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "a"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}
#: Elements whose content goes with them (nh3's default, named here so that the rule is read where it applies).
DROPPED_WITH_CONTENT = {"script", "style"}

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs (escaped): blank lines part paragraphs, a single line break is kept."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join("<p>" + html.escape(block).replace("\n", "<br>") + "</p>" for block in blocks)


def sanitize(value: str | None) -> str | None:
    """The sanitised HTML of `value`, or None when nothing readable is left."""
    if value is None:
        return None
    text = value.replace("\x00", "")
    if not _TAG.search(text):
        text = _paragraphs(text)
    cleaned = nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                        link_rel="noopener noreferrer nofollow", clean_content_tags=DROPPED_WITH_CONTENT,
                        strip_comments=True).strip()
    return cleaned if plain(cleaned) else None


def plain(value: str | None) -> str:
    """The text of sanitised HTML without its tags (to tell an empty report, to export, to search)."""
    if not value:
        return ""
    text = re.sub(r"<br\s*/?>|</p>|</li>|</blockquote>", "\n", value)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
