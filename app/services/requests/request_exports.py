"""The rows of the request and queue exports, streamed: what `/requests.csv|.xlsx` and `/queue.csv|.xlsx` write.

An export holds every row of a filtered list (200,000 at scale), so it is read the way a file is written: one
statement over a server-side cursor (`yield_per`; a named cursor on PostgreSQL), each row a light `ExportRow`
made from plain columns and dropped once written. What a row shows from other tables comes without a statement of
its own: the State, the officer and the instruments from small lookups read once (a few hundred rows at most),
the instrument ids and the first answering activity's date as correlated subqueries of the one statement (each a
look-up on the link tables' request_id index). So the statements, the memory and the time per row stay the same
however many rows the export holds; an ORM load with eager loads held every request, its State and its
instruments in the session until the file was done.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.listing import Paging, ordered
from app.scoping import Scope
from app.services.requests import queue as queue_service
from app.services.requests import request_reads
from models import Activity, AssistanceRequest, Instrument, MemberState, User, db
from models.activity import activity_requests
from models.assistance_request import assistance_request_instruments

R = AssistanceRequest
#: Rows fetched from the cursor at a time: memory is this many rows, whatever the export's size.
BATCH = 2000
#: The request's own columns an export writes (ExportRow has an attribute of each name).
_OWN = ("id", "state_id", "kind", "subject", "is_subject_inferred", "status", "priority", "received_date",
        "due_date", "channel", "requesting_authority", "assigned_officer_id", "logged_by_id", "decision",
        "decision_reason", "decided_at", "source")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Named:
    """A State or an instrument as an export names it."""
    code: str
    name: str
    short_title: str | None = None


class ExportRow:
    """One request as an export reads it: the model's attribute names, so the export's columns read a row as
    they would read an AssistanceRequest; the rules that derive a value are the model's own."""
    __slots__ = (*_OWN, "state", "instruments", "assigned_officer", "logged_by", "first_response_date")

    is_overdue = AssistanceRequest.is_overdue
    days_to_first_response = AssistanceRequest.days_to_first_response


def _instrument_ids():
    links = assistance_request_instruments.c
    return (sa.select(sa.func.aggregate_strings(sa.cast(links.instrument_id, sa.String), ","))
            .where(links.request_id == R.id).scalar_subquery())


def _first_response_date():
    """The earliest start (else creation day) of a non-cancelled activity answering the request: the date of
    AssistanceRequest.first_response, in SQL (an activity's start is its stored first visit's date)."""
    links = activity_requests.c
    answered = sa.func.coalesce(Activity.first_visit_date, sa.func.date(Activity.created_at, type_=sa.Date))
    return (sa.select(sa.func.min(answered, type_=sa.Date))
            .join(activity_requests, links.activity_id == Activity.id)
            .where(links.request_id == R.id, Activity.status != "cancelled").scalar_subquery())


def _stream(select: sa.Select) -> Iterator[ExportRow]:
    states = {row.id: Named(row.code, row.name) for row in db.session.execute(
        sa.select(MemberState.id, MemberState.code, MemberState.name))}
    instruments = {str(row.id): Named(row.code, row.code, row.short_title) for row in db.session.execute(
        sa.select(Instrument.id, Instrument.code, Instrument.short_title))}
    people = {row.id: Person(row.name, row.email) for row in db.session.execute(
        sa.select(User.id, User.name, User.email))}
    columns = [getattr(R, name) for name in _OWN]
    select = select.with_only_columns(*columns, _instrument_ids().label("instrument_ids"),
                                      _first_response_date().label("first_response_date"))
    # A relationship's own order (Instrument.id), which the aggregate does not promise on every engine.
    order = {key: n for n, key in enumerate(sorted(instruments, key=int))}
    for found in db.session.execute(select.execution_options(yield_per=BATCH)):
        row = ExportRow()
        for name, value in zip(_OWN, found, strict=False):
            setattr(row, name, value)
        row.state = states.get(row.state_id)
        row.assigned_officer = people.get(row.assigned_officer_id)
        row.logged_by = people.get(row.logged_by_id)
        ids = found.instrument_ids.split(",") if found.instrument_ids else []
        row.instruments = [instruments[i] for i in sorted(ids, key=order.__getitem__)]
        row.first_response_date = found.first_response_date
        yield row


def request_rows(scope: Scope, filters: request_reads.RequestFilters, paging: Paging, today: date | None = None
                 ) -> Iterator[ExportRow]:
    """Every row of the filtered request list, in the list's order, one at a time (four statements in all)."""
    return _stream(request_reads.sorted_query(scope, filters, paging, today, loads=()))


def queue_rows(scope: Scope, filters: queue_service.QueueFilters, paging: Paging, today: date | None = None
               ) -> Iterator[ExportRow]:
    """Every request of the filtered queue, in the queue's order, one at a time (four statements in all)."""
    tiebreak = (R.received_date.asc().nulls_last(), R.id)
    select = queue_service.query(scope, filters, today, loads=())
    return _stream(ordered(select, queue_service.SORTS, paging, "priority", tiebreak, nulls_last=True))
