"""The funded activities of the IATI file, streamed (issue 26 item 4): what `/iati.xml` writes, read the way the file
is written.

One statement over a server-side cursor (`yield_per`; a named cursor on PostgreSQL) gives a row per allocation of
the caller's money, in the file's order — the activities by first visit, then title, each with its allocations by
contribution — with the activity's last day and the States it served as correlated subqueries; the donors and the
States come from small lookups read once. Each activity is a light `Funded` made of plain values, written and
dropped: the statements and the memory stay the same however many activities the file holds (the portal's load,
with every contribution, allocation, activity, visit and State in the session, took 287 statements and 935 MB at
200,000 requests). The objects read as app.services.funding.iati reads a donor_portal.FundedActivity, by the
models' attribute names, so that one writer serves both.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from app.scoping import Scope
from app.services.funding.funding_totals import money_of
from models import Activity, ActivityState, ActivityVisit, Allocation, Contribution, MemberState, Organization, db
from models.enums import ActivityStateRole

#: Rows fetched from the cursor at a time: memory is this many rows, whatever the file's size.
BATCH = 2000


@dataclass(frozen=True, slots=True)
class State:
    code: str
    name: str
    regional_group: str | None


@dataclass(frozen=True, slots=True)
class Donor:
    name: str
    kind: str | None
    state: State | None


@dataclass(frozen=True, slots=True)
class Money:
    """A contribution as the file reads it."""
    donor_id: int
    donor: Donor
    currency: str | None
    status: str
    pledged_date: date | None
    committed_date: date | None
    received_date: date | None


@dataclass(frozen=True, slots=True)
class Paid:
    """An allocation as the file reads it."""
    id: int
    contribution_id: int
    contribution: Money
    amount: Decimal | None
    is_inferred: bool
    basis: str | None


@dataclass(frozen=True, slots=True)
class Done:
    """An activity as the file reads it."""
    id: int
    kind: str
    status: str
    title: str
    description: str | None
    outcome: str | None
    updated_at: datetime | None
    start_date: date | None
    end_date: date | None


@dataclass(slots=True)
class Funded:
    """One activity, the allocations of the caller's money that paid for it, and the States it served, by name."""
    activity: Done
    allocations: list[Paid] = field(default_factory=list)
    states: list[State] = field(default_factory=list)


def _in_code_order(column):
    """A text column ordered by code point, as Python sorts strings (PostgreSQL's collation would not be)."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column


def funded(scope: Scope, donor: Organization | None) -> Iterator[Funded]:
    """The funded activities of `donor`'s money (None: every donor the scope may see), in the file's order, one at
    a time (three statements in all)."""
    condition = money_of(scope, donor)
    states = {row.id: State(row.code, row.name, row.regional_group) for row in db.session.execute(
        sa.select(MemberState.id, MemberState.code, MemberState.name, MemberState.regional_group))}
    donors = {row.id: Donor(row.name, row.kind, states.get(row.state_id)) for row in db.session.execute(
        sa.select(Organization.id, Organization.name, Organization.kind, Organization.state_id)
        .where(Organization.id.in_(sa.select(Contribution.donor_id).where(condition))))}
    # The order of the portal's list: first visit (undated last), title, then the first contribution paying for it
    first_money = (sa.select(sa.func.min(Allocation.contribution_id)).join(Contribution)
                   .where(Allocation.activity_id == Activity.id, condition).scalar_subquery())
    last_day = (sa.select(sa.func.max(ActivityVisit.end_date)).where(ActivityVisit.activity_id == Activity.id)
                .scalar_subquery())
    served = (sa.select(sa.func.aggregate_strings(sa.cast(ActivityState.state_id, sa.String), ","))
              .where(ActivityState.activity_id == Activity.id, ActivityState.role == ActivityStateRole.SERVED.value)
              .scalar_subquery())
    select = (sa.select(Activity.id, Activity.kind, Activity.status, Activity.title, Activity.description,
                        Activity.outcome, Activity.updated_at, Activity.first_visit_date, last_day.label("last_day"),
                        served.label("served"), Allocation.id.label("allocation_id"), Allocation.contribution_id,
                        Allocation.amount, Allocation.is_inferred, Allocation.basis, Contribution.donor_id,
                        Contribution.currency, Contribution.status.label("money_status"), Contribution.pledged_date,
                        Contribution.committed_date, Contribution.received_date)
              .join(Allocation, Allocation.activity_id == Activity.id)
              .join(Contribution, Contribution.id == Allocation.contribution_id)
              .where(condition)
              .order_by(Activity.first_visit_date.is_(None), Activity.first_visit_date,
                        _in_code_order(Activity.title), first_money, Activity.id, Allocation.contribution_id,
                        Allocation.id)
              .execution_options(yield_per=BATCH))
    rows = db.session.execute(select)
    for _activity_id, group in itertools.groupby(rows, key=lambda row: row.id):
        first = next(group)
        out = Funded(Done(first.id, first.kind, first.status, first.title, first.description, first.outcome,
                          first.updated_at, first.first_visit_date, first.last_day),
                     states=sorted((states[int(i)] for i in first.served.split(",")) if first.served else (),
                                   key=lambda s: s.name))
        for row in itertools.chain((first,), group):
            money = Money(row.donor_id, donors[row.donor_id], row.currency, row.money_status, row.pledged_date,
                          row.committed_date, row.received_date)
            out.allocations.append(Paid(row.allocation_id, row.contribution_id, money, row.amount, row.is_inferred,
                                        row.basis))
        yield out
