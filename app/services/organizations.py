"""Organizations (partners, hosts, donors): the scoped reads of their pages and of the forms' choices."""
from __future__ import annotations

import sqlalchemy as sa

from models import Organization, db

from ..scoping import Scope


def get(scope: Scope, organization_id: int) -> Organization | None:
    """One organization, if `scope` may see it (a donor: itself and the partners of what it funds)."""
    return db.session.scalars(sa.select(Organization).where(Organization.id == organization_id,
                                                            scope.organizations())).first()


def choices(scope: Scope) -> list[Organization]:
    """Every organization `scope` may see, by name: the options of a partner select."""
    return list(db.session.scalars(sa.select(Organization).where(scope.organizations()).order_by(Organization.name)))
