"""Results computed from a part of the record, kept per process until that part changes (models.record_version).

Every use asks the database for the part's stamp (one query of one row), so a change committed through another
process is seen by the next request here; entries of older stamps are simply no longer asked for and age out.
Holds only values that are never changed in place (frozen dataclasses, tuples, bytes), never ORM objects.
CACHES_OFF (every cache off at once, for measuring) computes every value afresh. A page that uses a kept value
depends on the part's tables as if it had read them (noted for app.page_cache).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context

from models import db
from models.record_version import current_stamp, note_tables, part_tables

T = TypeVar("T")


class RecordCache:
    def __init__(self, name: str, size: int):
        self.name, self.size = name, size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        note_tables(part_tables(self.name))
        if caches_off():
            return compute()
        stamp = current_stamp(db.session, self.name)
        if stamp is None:  # no version row yet: nothing can be known to be current
            return compute()
        key = (stamp, *key)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_caches: list[RecordCache] = []


def caches_off() -> bool:
    """Whether CACHES_OFF asks every cache to compute afresh (outside an app there is no setting: on)."""
    return has_app_context() and bool(current_app.config.get("CACHES_OFF"))


def cache(name: str, size: int) -> RecordCache:
    made = RecordCache(name, size)
    _caches.append(made)
    return made


def clear_all() -> None:
    """Forget everything computed (tests start each one from nothing, so that query counts do not depend on
    order)."""
    for made in _caches:
        made.clear()
