"""Requests for assistance: the scoped reads every page, the API and the exports share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from models import AssistanceRequest, Instrument, MemberState, db
from models.assistance_request import assistance_request_instruments

from ..listing import Page, Paging, ordered, paginate
from ..scoping import Scope

LOADS = (
    selectinload(AssistanceRequest.state),
    selectinload(AssistanceRequest.instruments),
    selectinload(AssistanceRequest.assigned_officer),
    selectinload(AssistanceRequest.activities),
)


@dataclass(frozen=True)
class RequestFilters:
    q: str | None = None
    status: str | None = None
    state: str | None = None
    regional_group: str | None = None
    instrument: str | None = None
    kind: str | None = None
    priority: str | None = None
    assigned_officer: int | None = None
    received_from: date | None = None
    received_to: date | None = None


#: Sort keys of the request list (forms.request.RequestFilterForm.SORTS names the same keys).
SORTS = {"id": AssistanceRequest.id, "received_date": AssistanceRequest.received_date,
         "status": AssistanceRequest.status, "priority": AssistanceRequest.priority,
         "due_date": AssistanceRequest.due_date}


def query(scope: Scope, filters: RequestFilters) -> sa.Select:
    select = sa.select(AssistanceRequest).where(scope.requests()).options(*LOADS)
    f = filters
    if f.status:
        select = select.where(AssistanceRequest.status == f.status)
    if f.state:
        select = select.where(AssistanceRequest.state_id.in_(
            sa.select(MemberState.id).where(MemberState.code == f.state.upper())))
    if f.regional_group:
        select = select.where(AssistanceRequest.state_id.in_(
            sa.select(MemberState.id).where(MemberState.regional_group == f.regional_group)))
    if f.instrument:
        select = select.where(AssistanceRequest.id.in_(
            sa.select(assistance_request_instruments.c.request_id).join(Instrument)
            .where(Instrument.code == f.instrument)))
    if f.kind:
        select = select.where(AssistanceRequest.kind == f.kind)
    if f.priority:
        select = select.where(AssistanceRequest.priority == f.priority)
    if f.assigned_officer:
        select = select.where(AssistanceRequest.assigned_officer_id == f.assigned_officer)
    if f.received_from:
        select = select.where(AssistanceRequest.received_date >= f.received_from)
    if f.received_to:
        select = select.where(AssistanceRequest.received_date <= f.received_to)
    if f.q:
        select = select.where(AssistanceRequest.subject.ilike(f"%{f.q}%"))
    return select


def list_page(scope: Scope, filters: RequestFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "id", AssistanceRequest.id), paging)


def get(scope: Scope, request_id: int) -> AssistanceRequest | None:
    return db.session.scalars(query(scope, RequestFilters()).where(AssistanceRequest.id == request_id)).first()


def of_state(scope: Scope, state: MemberState) -> list[AssistanceRequest]:
    """A State's requests, oldest first (undated last)."""
    return list(db.session.scalars(query(scope, RequestFilters()).where(AssistanceRequest.state_id == state.id)
                                   .order_by(AssistanceRequest.received_date.is_(None),
                                             AssistanceRequest.received_date, AssistanceRequest.id)))
