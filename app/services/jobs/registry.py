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
    #: False for plumbing done on someone's behalf (an e-mail's delivery): not listed among their jobs, not told.
    owner_facing: bool = True


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


def job(kind: str, *, time_limit: int = DEFAULT_TIME_LIMIT, owner_facing: bool = True):
    """Register the decorated function as the job of `kind` (called with the job's arguments); `owner_facing=False`
    keeps it off its owner's list of jobs and out of their notifications."""
    def register(function: Callable) -> Callable:
        _KINDS[kind] = JobKind(kind, function, time_limit, owner_facing)
        return function
    return register


def get(kind: str) -> JobKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No job function is registered as {kind!r}.") from None


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


def hidden_kinds() -> list[str]:
    """The kinds not shown to their owner (sorted)."""
    return sorted(k for k, spec in _KINDS.items() if not spec.owner_facing)


def is_owner_facing(kind: str) -> bool:
    spec = _KINDS.get(kind)
    return spec is None or spec.owner_facing
