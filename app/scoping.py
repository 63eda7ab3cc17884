"""Donor scoping in the query layer: what each user may see, as SQL conditions.

Pages, the API and exports all build their queries from these, so they cannot disagree. A donor sees its own
donor's contributions, the activities those contributions fund, the States and instruments of those activities
— and nothing else. Everyone else (staff) sees everything these functions cover.
"""
import sqlalchemy as sa

from models import (Activity, ActivityState, ActivityVisit, Allocation, Contribution, Deployment, Expert,
                    MemberState)
from models.activity import activity_instruments
from models.enums import Role


def is_donor(user) -> bool:
    return getattr(user, "role", None) == Role.DONOR.value


def _donor_id(user):
    # A donor account without a donor sees nothing (-1 matches no row) rather than everything.
    return user.donor_id if user.donor_id is not None else -1


def funded_activity_ids(user) -> sa.Select:
    """Ids of the activities a donor's contributions fund."""
    return (sa.select(Allocation.activity_id)
            .join(Contribution, Contribution.id == Allocation.contribution_id)
            .where(Contribution.donor_id == _donor_id(user)))


def activity_condition(user):
    return Activity.id.in_(funded_activity_ids(user)) if is_donor(user) else sa.true()


def contribution_condition(user):
    return Contribution.donor_id == _donor_id(user) if is_donor(user) else sa.true()


def state_ids(user) -> sa.Select:
    """Ids of the States a donor may see: those its funded activities served, hosted or brought together."""
    funded = funded_activity_ids(user)
    return sa.union(
        sa.select(ActivityState.state_id).where(ActivityState.activity_id.in_(funded)),
        sa.select(ActivityVisit.country_id).where(ActivityVisit.activity_id.in_(funded)),
    )


def state_condition(user):
    return MemberState.id.in_(state_ids(user)) if is_donor(user) else sa.true()


def instrument_ids(user) -> sa.Select:
    return (sa.select(activity_instruments.c.instrument_id)
            .where(activity_instruments.c.activity_id.in_(funded_activity_ids(user))))


def instrument_condition(user, instrument_column):
    return instrument_column.in_(instrument_ids(user)) if is_donor(user) else sa.true()


def expert_condition(user):
    """A donor sees the experts deployed on the activities it funds."""
    if not is_donor(user):
        return sa.true()
    return Expert.id.in_(sa.select(Deployment.expert_id).where(Deployment.activity_id.in_(
        funded_activity_ids(user))))
