"""What a caller may see, as SQL conditions: the Scope every read service takes.

A Scope is built from the signed-in user (`for_user`) or named as `EVERYTHING` (the command line, the seeding);
there is no default, so a service called without one fails loudly instead of showing everything. Pages, the API,
exports and feeds all narrow their queries through the same Scope, so they cannot disagree.

A donor sees its own donor's contributions, the activities those contributions fund, and the States, instruments
and experts of those activities — nothing else. Staff scopes cover everything these conditions touch (what a
role may do at all is `app.permissions`' business, not this module's).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from models import (
    Activity,
    ActivityPartner,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Deployment,
    Expert,
    LegislativeFinding,
    MemberState,
    Organization,
)
from models.activity import activity_instruments, activity_requests
from models.enums import Role

#: The donor id of a donor account bound to no donor: it matches no row, so such an account sees nothing.
_NO_DONOR = -1


@dataclass(frozen=True)
class Scope:
    """Everything (`donor_id` None) or one donor's money (`donor_id` set)."""

    donor_id: int | None = None
    #: Who the scope was built for, for messages and logs ("user 12", "command line").
    label: str = "everything"

    @property
    def is_donor(self) -> bool:
        return self.donor_id is not None

    # -- the sets a donor is confined to, as subqueries of ids
    def funded_activity_ids(self) -> sa.Select:
        """Ids of the activities the donor's contributions fund."""
        return (sa.select(Allocation.activity_id)
                .join(Contribution, Contribution.id == Allocation.contribution_id)
                .where(Contribution.donor_id == self.donor_id))

    def state_ids(self) -> sa.Select:
        """Ids of the States a donor may see: those its funded activities served, hosted or brought together."""
        funded = self.funded_activity_ids()
        return sa.union(
            sa.select(ActivityState.state_id).where(ActivityState.activity_id.in_(funded)),
            sa.select(ActivityVisit.country_id).where(ActivityVisit.activity_id.in_(funded)),
        )

    def instrument_ids(self) -> sa.Select:
        return (sa.select(activity_instruments.c.instrument_id)
                .where(activity_instruments.c.activity_id.in_(self.funded_activity_ids())))

    # -- conditions for WHERE clauses
    def activities(self, column=None):
        """Activity rows (or any activity id `column`) the scope may see."""
        column = Activity.id if column is None else column
        return column.in_(self.funded_activity_ids()) if self.is_donor else sa.true()

    def contributions(self):
        return Contribution.donor_id == self.donor_id if self.is_donor else sa.true()

    def states(self, column=None):
        """MemberState rows (or any State id `column`) the scope may see."""
        column = MemberState.id if column is None else column
        return column.in_(self.state_ids()) if self.is_donor else sa.true()

    def instruments(self, column):
        return column.in_(self.instrument_ids()) if self.is_donor else sa.true()

    def requests(self):
        """A donor sees the requests its funded activities answer (the permission table keeps donors away from
        the request pages; the condition makes any read that forgets it safe all the same)."""
        if not self.is_donor:
            return sa.true()
        return AssistanceRequest.id.in_(sa.select(activity_requests.c.request_id).where(
            activity_requests.c.activity_id.in_(self.funded_activity_ids())))

    def experts(self):
        """A donor sees the experts deployed on the activities it funds."""
        if not self.is_donor:
            return sa.true()
        return Expert.id.in_(sa.select(Deployment.expert_id).where(
            Deployment.activity_id.in_(self.funded_activity_ids())))

    def deployments(self):
        """A donor sees an expert's deployments on the activities it funds, not the expert's other work."""
        return Deployment.activity_id.in_(self.funded_activity_ids()) if self.is_donor else sa.true()

    def findings(self):
        """A donor sees the legislative findings raised in the activities it funds."""
        return LegislativeFinding.activity_id.in_(self.funded_activity_ids()) if self.is_donor else sa.true()

    def organizations(self):
        """A donor sees its own donor organization, the partners of the activities it funds and the affiliations
        of the experts deployed on them."""
        if not self.is_donor:
            return sa.true()
        funded = self.funded_activity_ids()
        return sa.or_(
            Organization.id == self.donor_id,
            Organization.id.in_(sa.select(ActivityPartner.organization_id)
                                .where(ActivityPartner.activity_id.in_(funded))),
            Organization.id.in_(sa.select(Expert.affiliation_id).join(Deployment, Deployment.expert_id == Expert.id)
                                .where(Deployment.activity_id.in_(funded))))


#: The command line's scope, and the seeding's: every record. Named, never implied.
EVERYTHING = Scope()


def for_user(user) -> Scope:
    """The scope of a signed-in user. Anonymous or missing users are an error, not "everything"."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise TypeError("for_user needs a signed-in user; name EVERYTHING explicitly for the command line")
    if user.role == Role.DONOR.value:
        return Scope(donor_id=user.donor_id if user.donor_id is not None else _NO_DONOR, label=f"donor user {user.id}")
    return Scope(donor_id=None, label=f"user {user.id}")
