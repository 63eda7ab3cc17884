"""Experts: the scoped reads every page and the API share."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from models import Expert, Instrument, MemberState, db
from models.expert import expert_instruments

from ..listing import Page, Paging, ordered, paginate
from ..scoping import Scope

LOADS = (selectinload(Expert.affiliation), selectinload(Expert.nationality), selectinload(Expert.instruments))


@dataclass(frozen=True)
class ExpertFilters:
    q: str | None = None
    kind: str | None = None
    instrument: str | None = None
    nationality: str | None = None


#: Sort keys of the expert list (forms.expert.ExpertFilterForm.SORTS names the same keys).
SORTS = {"name": Expert.name, "kind": Expert.kind, "id": Expert.id}


def query(scope: Scope, filters: ExpertFilters) -> sa.Select:
    select = sa.select(Expert).where(scope.experts()).options(*LOADS)
    f = filters
    if f.kind:
        select = select.where(Expert.kind == f.kind)
    if f.instrument:
        select = select.where(Expert.id.in_(sa.select(expert_instruments.c.expert_id).join(Instrument)
                                            .where(Instrument.code == f.instrument)))
    if f.nationality:
        select = select.where(Expert.nationality_id.in_(
            sa.select(MemberState.id).where(MemberState.code == f.nationality.upper())))
    if f.q:
        select = select.where(Expert.name.ilike(f"%{f.q}%"))
    return select


def list_page(scope: Scope, filters: ExpertFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "name", Expert.id), paging)


def get(scope: Scope, expert_id: int) -> Expert | None:
    return db.session.scalars(query(scope, ExpertFilters()).where(Expert.id == expert_id)).first()
