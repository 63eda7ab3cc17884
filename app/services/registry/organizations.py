"""Organizations (donor governments, partners, hosts, institutes): the scoped reads their pages, the forms' choices
and the search share."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.listing import Page, Paging, ordered, paginate, text_condition
from app.scoping import Scope
from app.services.registry import states as state_service
from models import Organization, db

LOADS = (selectinload(Organization.state),)


@dataclass(frozen=True)
class OrganizationFilters:
    q: str | None = None        # in the name or the acronym
    kind: str | None = None


#: Sort keys of an organization list.
SORTS = {"name": Organization.name, "kind": Organization.kind, "id": Organization.id}


def query(scope: Scope, filters: OrganizationFilters) -> sa.Select:
    select = sa.select(Organization).where(scope.organizations()).options(*LOADS)
    f = filters
    if f.kind:
        select = select.where(Organization.kind == f.kind)
    if f.q:
        select = select.where(text_condition(f.q, Organization.id, (Organization.name, Organization.acronym),
                                             state_service.matching(Organization.state_id, f.q)))
    return select


def list_page(scope: Scope, filters: OrganizationFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "name", Organization.id), paging)


def get(scope: Scope, organization_id: int) -> Organization | None:
    return db.session.scalars(query(scope, OrganizationFilters()).where(Organization.id == organization_id)).first()


def choices(scope: Scope) -> list[Organization]:
    """Every organization `scope` may see, by name: the options of a partner select."""
    return list(db.session.scalars(sa.select(Organization).where(scope.organizations()).order_by(Organization.name)))
