"""The job functions, by kind: a domain registers each with `@job("kind", time_limit=…)` in its own jobs.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Seconds a job may run unless its kind says otherwise.
DEFAULT_TIME_LIMIT = 600


@dataclass(frozen=True)
class JobKind:
    kind: str
    function: Callable
    time_limit: int


@dataclass(frozen=True)
class Result:
    """What a job function returns: a sentence for the user and, optionally, a file or a link to the records."""
    summary: str
    file_name: str | None = None
    file_type: str | None = None
    data: bytes | None = None
    link: str | None = None


class JobFailed(Exception):
    """Raised by a job function to fail with a message for the user; everything it wrote is rolled back."""


_KINDS: dict[str, JobKind] = {}


def job(kind: str, *, time_limit: int = DEFAULT_TIME_LIMIT):
    """Register the decorated function as the job of `kind` (called with the job's arguments)."""
    def register(function: Callable) -> Callable:
        _KINDS[kind] = JobKind(kind, function, time_limit)
        return function
    return register


def get(kind: str) -> JobKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No job function is registered as {kind!r}.") from None


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
