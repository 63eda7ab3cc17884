"""Reads of the recorded treaty actions (signatures and deposits) for the domains above the treaty record: every
such read goes through here, so that what counts as a State's action on an instrument is said in one place.

The statuses computed by the rules (parties, entry into force) are `treaty_record`'s. Below this package, two
reads name an action without going through here, each for a reason: the audit trail's links (core, below every
domain) read an action's State code to link it, and the State list (registry) counts deposits with the model's own
expression `models.treaty.deposit_count`.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app.scoping import Scope
from models import Activity, ActivityState, MemberState, TreatyAction, db
from models.activity import activity_instruments
from models.enums import ActionCategory, ActivityStateRole

SIGNATURE = ActionCategory.SIGNATURE.value


def of_state(state_id: int, instrument_ids: Iterable[int] | None = None) -> list[TreatyAction]:
    """A State's signatures and deposits: of the given instruments, or (None) of every instrument."""
    select = sa.select(TreatyAction).where(TreatyAction.state_id == state_id)
    if instrument_ids is not None:
        ids = list(instrument_ids)
        if not ids:
            return []
        select = select.where(TreatyAction.instrument_id.in_(ids))
    return list(db.session.scalars(select))


def get(scope: Scope, action_id: int) -> TreatyAction | None:
    """One action, if `scope` may see its State and instrument."""
    return db.session.scalars(sa.select(TreatyAction).where(
        TreatyAction.id == action_id, scope.states(TreatyAction.state_id),
        scope.instruments(TreatyAction.instrument_id))).first()


def by_ids(action_ids: Iterable[int]) -> list[TreatyAction]:
    return list(db.session.scalars(sa.select(TreatyAction).where(TreatyAction.id.in_(list(action_ids)))))


def dated_up_to(as_of: date) -> sa.Result:
    """(state_id, instrument_id, category, action_date) of every action dated on or before `as_of`."""
    return db.session.execute(sa.select(TreatyAction.state_id, TreatyAction.instrument_id, TreatyAction.category,
                                        TreatyAction.action_date).where(TreatyAction.action_date <= as_of))


def timeline_select(state_id: int, as_of: date, instrument_ids: list[int], rank_of: dict[str, int]) -> sa.Select:
    """A State's actions as events of its timeline: (day, rank, kind, record_id), kind "signature" or
    "deposit", ranked within a day by `rank_of`."""
    is_signature = TreatyAction.category == SIGNATURE
    return (sa.select(TreatyAction.action_date.label("day"),
                      sa.case((is_signature, rank_of["signature"]), else_=rank_of["deposit"]).label("rank"),
                      sa.case((is_signature, "signature"), else_="deposit").label("kind"),
                      TreatyAction.id.label("record_id"))
            .where(TreatyAction.state_id == state_id, TreatyAction.action_date <= as_of,
                   TreatyAction.instrument_id.in_(instrument_ids)))


def followed_activities(activity_ids, latest_first: bool = True, *, keys_only: bool = False) -> sa.Select:
    """(action, activity, start) for each signature or deposit in a State one of `activity_ids` (a subquery)
    served, on an instrument the activity dealt with, dated after `start`, the activity's first visit. With
    `keys_only`, the rows are (action_id, activity_id, action_date, state_name, instrument_id, start): the ids and
    the order's keys, for a page to be chosen before its records are read."""
    # The first visit as the activity stores it (`Activity.first_visit_date`, kept by every write of its visits),
    # not a MIN over its visits per row: the join reads it from the activity it already joins.
    start = Activity.first_visit_date.label("start")
    first = (TreatyAction.action_date.desc(), start.desc()) if latest_first else (start, TreatyAction.action_date)
    columns = ((TreatyAction.id.label("action_id"), Activity.id.label("activity_id"), TreatyAction.action_date,
                MemberState.name.label("state_name"), TreatyAction.instrument_id) if keys_only
               else (TreatyAction, Activity))
    select = (sa.select(*columns, start)
              .select_from(TreatyAction)
              .join(ActivityState, sa.and_(ActivityState.state_id == TreatyAction.state_id,
                                           ActivityState.role == ActivityStateRole.SERVED.value))
              .join(activity_instruments, sa.and_(activity_instruments.c.activity_id == ActivityState.activity_id,
                                                  activity_instruments.c.instrument_id == TreatyAction.instrument_id))
              .join(Activity, Activity.id == ActivityState.activity_id)
              .join(MemberState, MemberState.id == TreatyAction.state_id)
              .where(ActivityState.activity_id.in_(activity_ids), TreatyAction.action_date > Activity.first_visit_date)
              .order_by(*first, MemberState.name, TreatyAction.instrument_id, Activity.id))
    if keys_only:
        return select
    # the State from the join the order needs, not joined a second time
    return select.options(contains_eager(TreatyAction.state), joinedload(TreatyAction.instrument))
