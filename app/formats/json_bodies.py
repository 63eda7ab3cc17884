"""JSON bodies read without trusting them: nesting depth checked on the raw bytes before any parser recurses into
them, and every string of the parsed body checked for what no text column can store (a NUL, PostgreSQL refuses it;
a lone UTF-16 surrogate such as "\\ud800", which no encoding can write), each named by where it is in the body.

Python's JSON reader recurses once per level: a body of 100,000 "[" is a RecursionError (a 500), not a parse
error, so the depth is counted first, outside strings, in one pass over the bracket characters.
"""
from __future__ import annotations

import re

DEFAULT_MAX_DEPTH = 32
#: A JSON string (escapes included), to be skipped when counting brackets; possessive, so it never backtracks.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")
_OPENING = frozenset(b"[{")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class TooDeep(ValueError):
    """The body nests objects and arrays deeper than allowed (the message names the limit)."""


def depth(raw: bytes, limit: int) -> int:
    """The deepest nesting of objects and arrays in `raw` (strings skipped), up to `limit` + 1: TooDeep past it."""
    deepest = level = 0
    for match in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if match.group()[0] in _OPENING:
            level += 1
            if level > limit:
                raise TooDeep(f"The body nests objects and arrays more than {limit} levels deep (JSON_MAX_DEPTH).")
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def _problem(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Contains a NUL character, which no text may hold."
    return (f"Contains a lone UTF-16 surrogate (\\u{ord(found.group()):04x}), which is not a character: send the "
            "text as valid Unicode.")


def unstorable_text(data, path: str = "") -> dict[str, str]:
    """{where: message} for every string of a parsed body (keys included) holding a NUL or a lone surrogate;
    `where` is the key ("title"), a row's field ("visits-0-city", as the forms name it) or a list item ("states-1").
    The depth is already bounded, so the walk is too."""
    found: dict[str, str] = {}
    if isinstance(data, str):
        message = _problem(data)
        if message:
            found[path or "body"] = message
    elif isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}-{key}" if path else str(key)
            message = _problem(key) if isinstance(key, str) else None
            if message:
                found[_shown(where)] = "The field's name: " + message[0].lower() + message[1:]
            found.update(unstorable_text(value, _shown(where)))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found.update(unstorable_text(value, f"{path}-{n}" if path else str(n)))
    return found


def _shown(name: str) -> str:
    """A name as it can be written back in an answer (a lone surrogate or a NUL in a key replaced)."""
    return _UNSTORABLE.sub("\ufffd", name)
