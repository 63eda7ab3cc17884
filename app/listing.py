"""Paging and sorting, one convention for pages, the API and exports.

A list's query parameters are declared once, on its filter form (`forms.base.FilterForm`: `page`, `per_page`,
`sort` and the list's own filters); the form validates them and the OpenAPI document is built from it. Services
receive a `Paging` and answer a `Page`, whatever the caller.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from models import db, sqlite_trigrams


@dataclass(frozen=True)
class Paging:
    """Which page, how long, and in what order (`sort` is a key of the list's sort table)."""
    page: int = 1
    per_page: int = 25
    sort: str | None = None
    descending: bool = False


@dataclass
class Page:
    """One page of results; shaped like Flask-SQLAlchemy's Pagination, which the pager macro reads."""
    items: list
    page: int
    per_page: int
    total: int
    sort: str | None = None
    descending: bool = False

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

    def envelope(self, serialize) -> dict[str, Any]:
        """The API's list shape: {"items", "page", "per_page", "total", "pages"}."""
        return {"items": [serialize(x) for x in self.items], "page": self.page, "per_page": self.per_page,
                "total": self.total, "pages": self.pages}


@dataclass(frozen=True)
class JoinedSort:
    """A sort key read from another table through a many-to-one link (a request's State by its name): joined,
    LEFT OUTER on that table's key, so that no row is added or lost and a missing link sorts as empty. A subquery
    per row says the same, but PostgreSQL ran it as a scan of the other table for each row: the request list
    sorted by State took 1.4 s at 200,000 requests, 67 ms joined. `target` is an alias of its own, so that the
    join never meets another of the same table in the list's query. `inner`: every row has the link (a request's
    State), so an inner join loses none, and PostgreSQL may then walk the other table in the order asked for and
    read each one's rows from their index (the request list by State: 131 -> 8 ms, instead of sorting 200,000)."""
    column: Any
    target: Any
    onclause: Any
    inner: bool = False


def ordered(select: sa.Select, columns: dict[str, Any], paging: Paging, default: str, tiebreak, *,
            nulls_last: bool = False) -> sa.Select:
    """Order by the paging's sort key (or `default`, "-key" for descending), then `tiebreak` (a column or a tuple
    of them) so that pages are stable. Unknown keys never reach here: the filter form refuses them. With
    `nulls_last`, empty values come last in both directions, on every engine (SQLite and PostgreSQL disagree).
    A key may be a JoinedSort: its table is joined for the order."""
    key, descending = paging.sort, paging.descending
    if key not in columns:
        key, descending = default.lstrip("-"), default.startswith("-")
    column = columns[key]
    joined = isinstance(column, JoinedSort)
    outer = joined and not column.inner
    if joined:
        join = select.outerjoin if outer else select.join
        select, column = join(column.target, column.onclause), column.column
    order = column.desc() if descending else column.asc()
    if nulls_last and (outer or _may_be_null(column)):  # an outer join's column is empty where the link is
        order = order.nulls_last()
    tiebreaks = tiebreak if isinstance(tiebreak, tuple) else (tiebreak,)
    return select.order_by(order, *tiebreaks)


def _may_be_null(column) -> bool:
    """Whether a sort column can hold NULL: "NULLS LAST" on a column that cannot (an id) only stops PostgreSQL
    from reading it in its index's order, and it then sorts every row for one page (the request list newest
    first: 420 ms at 200,000 requests)."""
    return getattr(getattr(column, "expression", column), "nullable", True) is not False


def paginate(select: sa.Select, paging: Paging, *, count: bool = True, total: int | None = None,
             counted: sa.Select | None = None, many: Callable[[], sa.Select] | None = None) -> Page:
    """Run one page of `select`: a count query and a page query (plus whatever eager loads the select names).
    A caller that already knows the `total` (from an aggregate it ran anyway) saves the count query; `counted`:
    the same rows before `ordered` joined a table for the order (an inner join has to be read to be counted);
    `many`: a function giving the same page asked so that it is read in the order's index, called on SQLite when
    the count finds more than MANY rows and the page lies among the first 1/EARLY of them (see `likely`; PostgreSQL's
    statistics tell its planner how many match).

    A page past the end is empty (a script reading page after page stops there), never an error.
    """
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(
            (select if counted is None else counted).order_by(None).subquery())) if count else 0
    offset = (paging.page - 1) * paging.per_page
    if many is not None and total > MANY and (offset + paging.per_page) * EARLY <= total \
            and db.engine.dialect.name == "sqlite":
        select = many()
    items = list(db.session.scalars(select.limit(paging.per_page).offset(offset)).unique()) if offset < total else []
    return Page(items, paging.page, paging.per_page, total, paging.sort, paging.descending)


def page_of(items: list, paging: Paging) -> Page:
    """One page of a list computed in Python (figures that come from the treaty rules, not from SQL)."""
    start = (paging.page - 1) * paging.per_page
    return Page(items[start:start + paging.per_page], paging.page, paging.per_page, len(items), paging.sort,
                paging.descending)


def paging_from(form) -> Paging:
    """The Paging a validated `forms.base.FilterForm` asks for."""
    sort, descending = form.sort_key
    return Paging(page=form.page.data or 1, per_page=form.per_page.data or form.DEFAULT_PER_PAGE, sort=sort,
                  descending=descending)


#: A record's number as people type it: "16" or "#16" (spaces around ignored).
RECORD_NUMBER = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")


def record_number(text: str | None) -> int | None:
    """The record number a text filter names ("#16", "16"), or None: lists match it against the record's id
    besides their words, so a number copied from a page or an e-mail finds its record."""
    found = RECORD_NUMBER.match(text or "")
    return int(found.group(1)) if found else None


#: The shortest text a trigram index (PostgreSQL's pg_trgm, models/search_indexes.py) can look up. A shorter one
#: holds no trigram: the index hands back every row to be checked again, which costs more than reading the table
#: in the list's own order until a page is found (a two-letter miss among 200,000 requests: 180 ms).
TRIGRAM = 3


class text_position(GenericFunction):
    """Where `needle` starts in `haystack` (1-based), 0 if it is not there: SQLite's instr, PostgreSQL's strpos."""
    type = sa.Integer()
    inherit_cache = True


@compiles(text_position)
def _instr(element, compiler, **kw):
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(text_position, "postgresql")
def _strpos(element, compiler, **kw):
    return f"strpos({compiler.process(element.clauses, **kw)})"


class among(GenericFunction):
    """`among(column, select)`: `column` is one of the values a one-column SELECT finds. SQLite: `IN (SELECT …)`.
    PostgreSQL: `= ANY (ARRAY(SELECT …))`, which the planner works out once before the statement (an InitPlan)
    and can then read from the column's index; `IN (SELECT …)` beside other arms of an OR was tested row by row,
    so a list's text search read every row instead of joining the indexes of each arm (a bitmap of each): the
    request list's "law" among 200,000 requests, 150 -> 7 ms (app.services.registry.states.matching)."""
    name = "palermo_among"
    type = sa.Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition already: no "= 1" after it where booleans are integers (SQLite)


@compiles(among)
def _in_select(element, compiler, **kw):
    column, values = element.clauses
    return f"({compiler.process(column, **kw)} IN {compiler.process(values, **kw)})"


@compiles(among, "postgresql")
def _any_of_array(element, compiler, **kw):
    column, values = element.clauses
    return f"({compiler.process(column, **kw)} = ANY (ARRAY{compiler.process(values, **kw)}))"


#: More rows than this match a list's filters: its page is found sooner by reading the rows in the list's order
#: and keeping those that match than by gathering every match and sorting them (`paginate`'s `many`, `likely`)...
MANY = 2000
#: ... when the page lies among the first 1/EARLY of the matches: reading in order then reads about that share of the
#: table before the page. Deeper, gathering wins: the last page of 2,515 matches among 50,000 activities read in
#: order took 75 ms, gathered and sorted 9 ms.
EARLY = 20


class likely(GenericFunction):
    """`likely(condition)`: the condition, which SQLite's planner is told holds for most rows. SQLite keeps no
    statistics here (app.services.core.planner_statistics says why), so it takes the index of any equality as
    selective: the activity list filtered by "completed" (46,000 of 50,000 activities) gathered them from the status
    index and sorted them all for one page (31 ms), where reading the list's order index finds the page in its first
    rows (0.1 ms). Only where the count found the matches many (`paginate`'s `many`): gathering few beats reading in
    order. PostgreSQL has statistics: the condition alone."""
    type = sa.Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition already (as `among`)


@compiles(likely)
def _likely(element, compiler, **kw):
    return f"likely({compiler.process(element.clauses, **kw)})"


@compiles(likely, "postgresql")
def _condition_alone(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)})"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character taken literally (for ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, lower-case, its wildcards taken literally (ESCAPE '\\')."""
    return f"%{escape_like(text.lower())}%"


def holds(column, text: str):
    """`text` somewhere in `column`, in any case: what a trigram index answers — pg_trgm's on PostgreSQL
    (`lower(column) LIKE`), on SQLite the FTS5 table of trigrams beside a table that grows with the work
    (models/sqlite_trigrams.py) — or, for text too short to have a trigram, a plain search for the text, which no
    index is asked for."""
    if len(text) < TRIGRAM:
        return text_position(sa.func.lower(column), text.lower()) > 0
    plain = getattr(column, "expression", column)  # the Column behind a model's attribute
    table = getattr(plain, "table", None)
    if isinstance(table, sa.Table) and db.engine.dialect.name == "sqlite" \
            and sqlite_trigrams.indexed(table.name, plain.name):
        few = sqlite_trigrams.holding(db.session, table, plain.name, text)
        if few is not None:
            return few
    return sa.func.lower(column).like(like_pattern(text), escape="\\")


def text_condition(text: str, id_column, columns, *also):
    """What a list's text filter matches: `text` inside any of `columns` (any case, its % and _ taken literally),
    the record whose number it is (`id_column`, for "#16" or "16"), or any condition of `also` (the domain's own:
    its States by any of their names, say). One WHERE clause: the list stays one statement."""
    found = [holds(column, text) for column in columns]
    number = record_number(text)
    if number is not None:
        found.append(id_column == number)
    return sa.or_(*found, *also)
