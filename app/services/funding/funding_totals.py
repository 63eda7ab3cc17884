"""A donor's (or every donor's) totals, added up in SQL: one query grouped by donor, currency and status, then
converted with the rates. The portal page, the donor's home panel, the statement and the staff's donor lines all
read their figures here, so the page and the statement cannot disagree.

Pledges are shown apart and never counted (as the OCHA Financial Tracking Service does); a contribution whose amount
is not recorded is counted as such, never as zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.scoping import Scope
from app.services.funding import rates as rate_service
from models import Allocation, Contribution, Organization, db
from models.contribution import MONEY
from models.enums import ContributionStatus

ZERO = Decimal("0.00")
PLEDGED, RECEIVED = ContributionStatus.PLEDGED.value, ContributionStatus.RECEIVED.value


@dataclass(frozen=True)
class Sums:
    """One (donor, currency, status) group of the caller's contributions."""
    donor_id: int
    currency: str | None
    status: str
    amount: Decimal | None     # sum of the recorded amounts
    allocated: Decimal | None  # sum of their allocations' recorded amounts (contributions with an amount only)
    recorded: int              # contributions with an amount
    count: int                 # contributions


def money_of(scope: Scope, donor: Organization | None):
    """The condition on Contribution of the money a page or file is about: one donor's, or every donor the scope
    may see (None)."""
    condition = scope.contributions()
    return condition if donor is None else sa.and_(condition, Contribution.donor_id == donor.id)


def sums(condition) -> list[Sums]:
    """One query: amounts, allocations and counts per donor, currency and status."""
    # Correlated (an index lookup per contribution of this money), never a pass over every allocation.
    allocated = (sa.select(sa.func.coalesce(sa.func.sum(Allocation.amount), 0))
                 .where(Allocation.contribution_id == Contribution.id).scalar_subquery())
    recorded = Contribution.amount.is_not(None)
    select = (sa.select(Contribution.donor_id, Contribution.currency, Contribution.status,
                        sa.type_coerce(sa.func.sum(Contribution.amount), MONEY),
                        sa.type_coerce(sa.func.sum(sa.case((recorded, allocated))), MONEY),
                        sa.func.count(Contribution.amount), sa.func.count())
              .where(condition).group_by(Contribution.donor_id, Contribution.currency, Contribution.status))
    return [Sums(*row) for row in db.session.execute(select)]


def rates_for(groups: list[Sums], as_of: date) -> dict:
    """The rates the groups' currencies convert at on `as_of` (one query)."""
    return rate_service.latest({g.currency for g in groups if g.currency}, as_of)


def totals(groups: list[Sums], as_of: date, rates: dict) -> dict:
    """Pledged (shown apart), committed, received, allocated and unallocated, each a rates.Total."""
    recorded = [g for g in groups if g.recorded]
    counted = [g for g in recorded if g.status != PLEDGED]
    return {
        "pledged": rate_service.total(((g.currency, g.amount) for g in recorded if g.status == PLEDGED), as_of,
                                      rates),
        "committed": rate_service.total(((g.currency, g.amount) for g in counted), as_of, rates),
        "received": rate_service.total(((g.currency, g.amount) for g in counted if g.status == RECEIVED), as_of,
                                       rates),
        "allocated": rate_service.total(((g.currency, g.allocated or ZERO) for g in counted), as_of, rates),
        "unallocated": rate_service.total(((g.currency, g.amount - (g.allocated or ZERO)) for g in counted), as_of,
                                          rates),
    }


def unrecorded(groups: list[Sums]) -> int:
    """Contributions (not pledges) whose amount is not recorded."""
    return sum(g.count - g.recorded for g in groups if g.status != PLEDGED)


def by_donor(groups: list[Sums]) -> dict[int, list[Sums]]:
    out: dict[int, list[Sums]] = {}
    for g in groups:
        out.setdefault(g.donor_id, []).append(g)
    return out
