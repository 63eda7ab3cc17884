"""Assistance activities (missions, seminars, meetings, written analyses…): the scoped reads every page, the API,
the exports and the calendar feed share.

One query per use, built by `query(scope, filters)`; the eager loads of `LOADS` bring everything a list shows
(visits and their countries, States, instruments, partners, experts) in a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from models import Activity, ActivityPartner, ActivityState, ActivityVisit, Deployment, Instrument, MemberState, db
from models.activity import activity_instruments, activity_requests

from ..listing import Page, Paging, ordered, paginate
from ..scoping import Scope

LOADS = (
    selectinload(Activity.visits).selectinload(ActivityVisit.country),
    selectinload(Activity.states).selectinload(ActivityState.state),
    selectinload(Activity.instruments),
    selectinload(Activity.other_instruments),
    selectinload(Activity.partners).selectinload(ActivityPartner.organization),
    selectinload(Activity.deployments).selectinload(Deployment.expert),
)


@dataclass(frozen=True)
class ActivityFilters:
    q: str | None = None
    kind: str | None = None
    status: str | None = None
    state: str | None = None            # a State code: served, taking part or visited
    regional_group: str | None = None
    instrument: str | None = None
    expert: int | None = None
    partner: int | None = None
    date_from: date | None = None       # visits ending on or after
    date_to: date | None = None         # visits starting on or before
    request: int | None = None


def _first_visit():
    return (sa.select(sa.func.min(ActivityVisit.start_date)).where(ActivityVisit.activity_id == Activity.id)
            .correlate(Activity).scalar_subquery())


#: Sort keys of the activity list (forms.activity.ActivityFilterForm.SORTS names the same keys).
SORTS = {"start_date": _first_visit(), "title": Activity.title, "kind": Activity.kind, "status": Activity.status,
         "id": Activity.id}


def _involving(state_ids):
    """Activities that served a State of `state_ids`, had it take part, or visited it."""
    return sa.or_(Activity.id.in_(sa.select(ActivityState.activity_id).where(ActivityState.state_id.in_(state_ids))),
                  Activity.id.in_(sa.select(ActivityVisit.activity_id).where(ActivityVisit.country_id.in_(state_ids))))


def query(scope: Scope, filters: ActivityFilters) -> sa.Select:
    """The activities `scope` may see, narrowed by `filters`, with what a list shows eagerly loaded."""
    select = sa.select(Activity).where(scope.activities()).options(*LOADS)
    f = filters
    if f.kind:
        select = select.where(Activity.kind == f.kind)
    if f.status:
        select = select.where(Activity.status == f.status)
    if f.state:
        select = select.where(_involving(sa.select(MemberState.id).where(MemberState.code == f.state.upper())))
    if f.regional_group:
        select = select.where(_involving(sa.select(MemberState.id).where(MemberState.regional_group
                                                                         == f.regional_group)))
    if f.instrument:
        select = select.where(Activity.id.in_(
            sa.select(activity_instruments.c.activity_id).join(Instrument).where(Instrument.code == f.instrument)))
    if f.expert:
        select = select.where(Activity.id.in_(
            sa.select(Deployment.activity_id).where(Deployment.expert_id == f.expert)))
    if f.partner:
        select = select.where(Activity.id.in_(sa.select(ActivityPartner.activity_id).where(
            ActivityPartner.organization_id == f.partner)))
    if f.date_from:
        select = select.where(Activity.id.in_(sa.select(ActivityVisit.activity_id).where(
            ActivityVisit.end_date >= f.date_from)))
    if f.date_to:
        select = select.where(Activity.id.in_(sa.select(ActivityVisit.activity_id).where(
            ActivityVisit.start_date <= f.date_to)))
    if f.request:
        select = select.where(Activity.id.in_(sa.select(activity_requests.c.activity_id).where(
            activity_requests.c.request_id == f.request)))
    if f.q:
        select = select.where(Activity.title.ilike(f"%{f.q}%"))
    return select


def list_page(scope: Scope, filters: ActivityFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "start_date", Activity.id), paging)


def get(scope: Scope, activity_id: int) -> Activity | None:
    """One activity with everything its page shows, if `scope` may see it."""
    return db.session.scalars(query(scope, ActivityFilters()).where(Activity.id == activity_id)).first()


def involving_state(scope: Scope, state: MemberState) -> list[Activity]:
    """The activities that served, gathered or visited `state`, in date order (undated last)."""
    rows = list(db.session.scalars(query(scope, ActivityFilters()).where(_involving([state.id]))))
    rows.sort(key=lambda a: (a.start_date is None, a.start_date or date.max, a.title))
    return rows
