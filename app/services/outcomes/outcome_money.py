"""The contributions on a State's outcome timeline (app.services.outcomes.outcome_timeline): which contributions one
line stands for, and how it says where its date comes from and whether the record infers the funding.

A contribution with a date of its own (pledged, committed or received) has its own line. Those without one take the
date of the first activity of the timeline they paid for and say so — once per such date, not once per donor: the
seven donors of one A/58/165 para 16 mission are one line, named by its first contribution.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.scoping import Scope
from models import Allocation, Contribution, db
from models.enums import ContributionStatus


def own_date():
    """A contribution's own date, in SQL: pledged, else committed, else received (None: it has none)."""
    return sa.func.coalesce(Contribution.pledged_date, Contribution.committed_date, Contribution.received_date)


@dataclass
class Line:
    """The contributions one timeline line stands for (the first is the one the union's row names)."""
    contributions: list[Contribution]
    day: date | None
    inferred: bool = False

    @property
    def head(self) -> Contribution:
        return self.contributions[0]

    @property
    def title(self) -> str:
        if len(self.contributions) == 1:
            return _("%(donor)s: contribution %(status)s", donor=self.head.donor.name,
                     status=ContributionStatus.label_of(self.head.status).lower())
        names = ", ".join(sorted(c.donor.name for c in self.contributions))
        return _("%(n)s contributions: %(names)s", n=len(self.contributions), names=names)

    @property
    def date_note(self) -> str | None:
        """Where the date comes from, when it is not the contribution's own (said once for the whole line)."""
        h = self.head
        if self.day is None or h.pledged_date or h.committed_date or h.received_date:
            return None
        if len(self.contributions) == 1:
            return _("the date of the first activity it paid for")
        return _("the date of the first activity they paid for: none of these %(n)s contributions has a date of its "
                 "own", n=len(self.contributions))


def lines(scope: Scope, paid, activities, contribution_days: dict[int, date | None]) -> dict[int, Line]:
    """Per contribution id of the union's rows, the Line it heads (two queries). `paid` is the union's
    (contribution_id, first_paid) subquery, `activities` the timeline's activities."""
    own = own_date()
    undated_days = [d for d in contribution_days.values() if d is not None]
    joins_a_line = sa.and_(own.is_(None), scope.contributions(), sa.or_(
        paid.c.first_paid.in_(undated_days),
        paid.c.first_paid.is_(None) if None in contribution_days.values() else sa.false()))
    heads: dict[int, Contribution] = {}
    others: dict[date | None, list[Contribution]] = defaultdict(list)
    for contribution, first_paid in db.session.execute(
            sa.select(Contribution, paid.c.first_paid).join(paid, paid.c.contribution_id == Contribution.id)
            .where(sa.or_(Contribution.id.in_(list(contribution_days)), joins_a_line))
            .options(joinedload(Contribution.donor)).order_by(Contribution.id)):
        if contribution.id in contribution_days:
            heads[contribution.id] = contribution
        else:
            others[first_paid].append(contribution)
    out = {}
    for head_id, day in contribution_days.items():
        head = heads[head_id]
        dated = head.pledged_date or head.committed_date or head.received_date
        out[head_id] = Line([head] + ([] if dated else others.get(day, [])), day)
    members = [c.id for line in out.values() for c in line.contributions]
    inferred = set(db.session.scalars(
        sa.select(Allocation.contribution_id).join(activities, activities.c.id == Allocation.activity_id)
        .where(Allocation.contribution_id.in_(members), Allocation.is_inferred)))
    for line in out.values():
        line.inferred = any(c.id in inferred for c in line.contributions)
    return out
