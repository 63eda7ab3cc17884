"""What the treaty pages share: reading `as_of`, and paging, sorting a list computed in Python.

Party lists and reconciliation differences are computed by the rules, not selected by SQL, so they are paged
here with the same interface as Flask-SQLAlchemy's pagination (the pagination macro accepts either).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from flask import request


def as_of_arg(name: str = "as_of") -> tuple[date, str | None]:
    """The `as_of` query parameter (default today) and, when it is not a date, the message to show."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return date.today(), None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return date.today(), f"“{raw[:40]}” is not a date: write it as YYYY-MM-DD, e.g. 2003-07-02."


def page_arg(name: str = "page") -> int:
    """A page number; anything that is not a positive whole number means the first page."""
    raw = request.args.get(name, "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


@dataclass
class ListPage:
    """One page of a Python list, shaped like flask_sqlalchemy.pagination.Pagination."""
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate_list(items: list, per_page: int = 50) -> ListPage:
    """The requested page of `items` (a page past the end shows the last one, not an empty page)."""
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    page = min(page_arg(), pages)
    return ListPage(items[(page - 1) * per_page: page * per_page], page, per_page, total)


def sort_arg(allowed: dict[str, object], default: str) -> tuple[str, bool]:
    """(`sort` key among `allowed`, descending?) from `?sort=name` / `?sort=-name`; unknown keys: default."""
    raw = request.args.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    return (key, descending) if key in allowed else (default.lstrip("-"), default.startswith("-"))
