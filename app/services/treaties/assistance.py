"""What "assisted" means, defined once: a State is assisted on an instrument by a non-cancelled activity that names
the instrument and that the State was served by, or took part in (its experts came). The forecast's table of the
States most advanced and the outcome analytics (/outcomes) both read assistance from `assisted_select`, so the two
cannot count different States.

A donor's "States reached" is narrower (served only: a ratification where a State merely took part would be wrongly
credited to the money); it is app.services.funding.reach.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.scoping import Scope
from models import Activity, ActivityState
from models.activity import activity_instruments
from models.enums import ActivityStateRole, ActivityStatus

#: The roles that make a State assisted by an activity: served, or took part.
ASSISTED_ROLES = (ActivityStateRole.SERVED.value, ActivityStateRole.PARTICIPANT.value)

#: Said on the pages beside the figures that count assisted States.
DEFINITION = _l("served by, or took part in, an activity on the instrument (a mission, seminar, workshop, meeting "
                "or written analysis; not cancelled)")


def assisted_select(scope: Scope) -> sa.Select:
    """(state_id, instrument_id, activity_id, kind, day, role) of every activity assisting a State on an instrument,
    as `scope` may see them; `day` is the activity's first visit (None for an activity without a visit, which the
    callers leave out of anything placed in time)."""
    return (sa.select(ActivityState.state_id, activity_instruments.c.instrument_id, Activity.id, Activity.kind,
                      Activity.first_visit_date.label("day"), ActivityState.role)
            .select_from(Activity)
            .join(ActivityState, ActivityState.activity_id == Activity.id)
            .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
            .where(ActivityState.role.in_(ASSISTED_ROLES), Activity.status != ActivityStatus.CANCELLED.value,
                   scope.activities())
            .distinct())
