"""The managers' queue: requests awaiting a decision (pending, under review), by priority then age, with the counts
of its ageing buckets. The same query as the request list (`requests.conditions`), narrowed to the queue."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa

from app.listing import Page, Paging, ordered, paginate
from app.scoping import Scope
from app.services.requests import request_reads
from app.services.requests.request_reads import LOADS, RequestFilters
from models import AssistanceRequest, db
from models.enums import AgeBucket

R = AssistanceRequest


@dataclass(frozen=True)
class QueueFilters:
    q: str | None = None
    status: str | None = None            # pending or under_review; both when empty
    regional_group: str | None = None
    instrument: str | None = None
    kind: str | None = None
    assigned_officer: int | str | None = None
    age: str | None = None
    overdue: bool = False
    #: The queue as at a day (the dashboard's): requests received by then, or undated. Not a filter of the page.
    received_by: date | None = None

    def as_request_filters(self) -> RequestFilters:
        return RequestFilters(**{name: getattr(self, name) for name in self.__dataclass_fields__
                                 if name != "received_by"})


#: Sort keys of the queue (forms.request.QueueFilterForm.SORTS names the same keys). "priority" is the queue's own
#: order: urgent first, then the oldest received, undated last.
SORTS = {"priority": R.priority_rank, "received_date": R.received_date, "due_date": R.due_date,
         **{key: request_reads.SORTS[key] for key in ("id", "state", "subject", "kind", "status", "assigned")}}


def _conditions(scope: Scope, filters: QueueFilters, today: date) -> list:
    where = request_reads.conditions(scope, filters.as_request_filters(), today)
    if filters.received_by:
        where.append(sa.or_(R.received_date.is_(None), R.received_date <= filters.received_by))
    if not filters.status:
        where.append(R.status.in_(request_reads.AWAITING))
    elif filters.status not in request_reads.AWAITING:
        where.append(sa.false())  # the queue holds nothing else, whatever a hand-made URL asks for
    return where


def query(scope: Scope, filters: QueueFilters, today: date | None = None, loads=LOADS) -> sa.Select:
    return sa.select(R).where(*_conditions(scope, filters, today or date.today())).options(*loads)


def list_page(scope: Scope, filters: QueueFilters, paging: Paging, today: date | None = None) -> Page:
    tiebreak = (R.received_date.asc().nulls_last(), R.id)
    rows = query(scope, filters, today, ())  # built once: the page adds the loads, the count reads it bare
    return paginate(ordered(rows.options(*LOADS), SORTS, paging, "priority", tiebreak, nulls_last=True),
                    paging, counted=rows)


#: "All matching" acts on at most this many requests at once: past it, narrowing the filters is the safer triage.
MAX_MATCHING = 500


def matching_pairs(scope: Scope, filters: QueueFilters, today: date | None = None) -> list[tuple[int, int]]:
    """(id, version) of every request the filtered queue holds, as they stand now (one query, no rows loaded):
    what "all matching" acts on. At most MAX_MATCHING + 1, so that the caller can tell there are too many."""
    select = (sa.select(R.id, R.version).where(*_conditions(scope, filters, today or date.today()))
              .order_by(R.id).limit(MAX_MATCHING + 1))
    return [(row.id, row.version) for row in db.session.execute(select)]


@dataclass(frozen=True)
class Figures:
    """The queue's counts as at `today`, within the filters other than the age bucket."""
    today: date
    buckets: dict[AgeBucket, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.buckets.values())

    def as_json(self) -> dict:
        return {"as_of": self.today.isoformat(), "total": self.total, "overdue": self.overdue,
                "buckets": [{"key": b.value, "label": b.label, "count": n} for b, n in self.buckets.items()]}


def figures(scope: Scope, filters: QueueFilters, today: date | None = None) -> Figures:
    """Requests per ageing bucket and overdue ones, in one grouped query (never a loop over the rows)."""
    today = today or date.today()
    inner = (sa.select(request_reads.age_bucket_column(today).label("bucket"),
                       sa.case((request_reads.overdue_condition(today), 1), else_=0).label("overdue"))
             .where(*_conditions(scope, replace(filters, age=None), today)).subquery())
    rows = db.session.execute(sa.select(inner.c.bucket, sa.func.count(), sa.func.sum(inner.c.overdue))
                              .group_by(inner.c.bucket)).all()
    counts = {bucket: 0 for bucket in AgeBucket}
    overdue = 0
    for bucket, count, late in rows:
        counts[AgeBucket(bucket)] = count
        overdue += int(late or 0)
    return Figures(today, counts, overdue)
