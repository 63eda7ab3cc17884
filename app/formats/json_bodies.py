"""JSON bodies read without trusting them: nesting depth checked on the raw bytes before any parser recurses into
them, and every string of the parsed body checked for what no text column can store (a NUL, PostgreSQL refuses it;
a lone UTF-16 surrogate such as "\\ud800", which no encoding can write), each named by where it is in the body.

Python's JSON reader recurses once per level: a body of 100,000 "[" is a RecursionError (a 500), not a parse
error, so the depth is counted first, outside strings, in one pass over the bytes.
"""
from __future__ import annotations

import re

import numpy as np
from flask_babel import gettext as _

DEFAULT_MAX_DEPTH = 32
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class TooDeep(ValueError):
    """The body nests objects and arrays deeper than allowed (the message names the limit)."""


def _outside_strings(code: np.ndarray) -> np.ndarray:
    """True for each byte outside a JSON string: a quote opens or closes one unless an odd run of backslashes
    stands before it."""
    positions = np.arange(code.size)
    backslash = code == 92
    last_other = np.maximum.accumulate(np.where(backslash, -1, positions))  # the last byte that is no backslash
    run_before = np.empty(code.size, dtype=np.int64)
    run_before[:1] = 0
    run_before[1:] = positions[:-1] - last_other[:-1]  # backslashes right before each byte
    quote = (code == 34) & (run_before % 2 == 0)
    return np.cumsum(quote) % 2 == 0


def depth(raw: bytes, limit: int) -> int:
    """The deepest nesting of objects and arrays in `raw` (strings skipped); TooDeep past `limit`. Counted with
    numpy over the bytes (a running sum of openings and closings outside strings): a 5 MB body costs milliseconds,
    not a Python step per bracket."""
    code = np.frombuffer(raw, dtype=np.uint8)
    if code.size == 0:
        return 0
    outside = _outside_strings(code)
    steps = ((code == 91) | (code == 123)).astype(np.int32) - ((code == 93) | (code == 125)).astype(np.int32)
    deepest = int(np.cumsum(steps * outside).max(initial=0))
    if deepest > limit:
        raise TooDeep(_("The body nests objects and arrays more than %(limit)s levels deep (JSON_MAX_DEPTH).",
                        limit=limit))
    return deepest


def _problem(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Contains a NUL character, which no text may hold.")
    return _("Contains a lone UTF-16 surrogate (\\u%(code)s), which is not a character: send the text as valid "
             "Unicode.", code=f"{ord(found.group()):04x}")


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
                found[_shown(where)] = _("The field's name: %(problem)s", problem=message[0].lower() + message[1:])
            found.update(unstorable_text(value, _shown(where)))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found.update(unstorable_text(value, f"{path}-{n}" if path else str(n)))
    return found


def _shown(name: str) -> str:
    """A name as it can be written back in an answer (a lone surrogate or a NUL in a key replaced)."""
    return _UNSTORABLE.sub("\ufffd", name)
