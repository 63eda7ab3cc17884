"""Donor contributions: the scoped reads every page and the API share (a donor sees only its own)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from models import Contribution, Organization, db

from ..listing import Page, Paging, ordered, paginate
from ..scoping import Scope

LOADS = (selectinload(Contribution.donor), selectinload(Contribution.project), selectinload(Contribution.instruments),
         selectinload(Contribution.allocations))


@dataclass(frozen=True)
class ContributionFilters:
    status: str | None = None
    donor: str | None = None      # name (part of it) or acronym
    currency: str | None = None


#: Sort keys of the contribution list (forms.contribution.ContributionFilterForm.SORTS names the same keys).
SORTS = {"id": Contribution.id, "date": Contribution.contribution_date, "amount": Contribution.amount,
         "status": Contribution.status}


def query(scope: Scope, filters: ContributionFilters) -> sa.Select:
    select = sa.select(Contribution).where(scope.contributions()).options(*LOADS)
    f = filters
    if f.status:
        select = select.where(Contribution.status == f.status)
    if f.donor:
        select = select.where(Contribution.donor_id.in_(sa.select(Organization.id).where(sa.or_(
            Organization.name.ilike(f"%{f.donor}%"), Organization.acronym == f.donor))))
    if f.currency:
        select = select.where(Contribution.currency == f.currency.upper())
    return select


def list_page(scope: Scope, filters: ContributionFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "id", Contribution.id), paging)


def get(scope: Scope, contribution_id: int) -> Contribution | None:
    return db.session.scalars(query(scope, ContributionFilters()).where(Contribution.id == contribution_id)).first()
