"""Reading follow-up actions: the list with the queue's filters (and "my actions", the same list narrowed to an
owner), one action with its history, the open actions of a State, of an activity, request or finding, and the
dashboard's counts — each a fixed number of queries whatever the number of actions. Staff only: a donor's scope
sees no action.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.formats.tables import joined
from app.listing import Page, Paging, ordered, paginate, text_condition
from app.scoping import Scope
from app.services.registry import states as state_service
from models import ActionStatusChange, ActivityReport, FollowUpAction, Instrument, MemberState, User, db
from models.activity_report import report_approvers
from models.enums import ActionStatus, Priority, ReportStatus
from models.follow_up_action import PENDING, follow_up_action_instruments

A = FollowUpAction
#: "pending": open or in progress (the default of "my actions"); the other values are the statuses themselves.
PENDING_FILTER = "pending"
_PENDING = [s.value for s in PENDING]
LOADS = (joinedload(A.owner), joinedload(A.state), selectinload(A.instruments), joinedload(A.activity),
         joinedload(A.request), joinedload(A.finding))


@dataclass(frozen=True)
class ActionFilters:
    q: str | None = None
    status: str | None = None          # a status, or "pending"
    owner: int | None = None           # an account id ("me" is turned into the caller's by the form's reader)
    state: str | None = None
    regional_group: str | None = None
    instrument: str | None = None
    priority: str | None = None
    overdue: bool | None = None
    due_from: date | None = None
    due_to: date | None = None
    activity: int | None = None
    request: int | None = None
    finding: int | None = None


#: Sort keys of the action lists (forms.work.action_forms.ActionFilterForm.SORTS names the same keys).
SORTS = {"due_date": A.due_date, "priority": A.priority_rank, "status": A.status, "state": MemberState.name,
         "owner": User.name, "created": A.created_at}


def query(scope: Scope, filters: ActionFilters, today: date) -> sa.Select:
    """The actions `scope` may see (none for a donor), narrowed by `filters` (overdue as at `today`)."""
    f = filters
    select = (sa.select(A).join(MemberState, MemberState.id == A.state_id).join(User, User.id == A.owner_id)
              .where(sa.false() if scope.is_donor else sa.true())
              .options(sa.orm.contains_eager(A.state), sa.orm.contains_eager(A.owner), *LOADS[2:]))
    if f.status == PENDING_FILTER:
        select = select.where(A.status.in_(_PENDING))
    elif f.status:
        select = select.where(A.status == f.status)
    for column, value in ((A.owner_id, f.owner), (A.activity_id, f.activity), (A.request_id, f.request),
                          (A.finding_id, f.finding), (A.priority, f.priority)):
        if value:
            select = select.where(column == value)
    if f.state:
        select = select.where(A.state_id.in_(state_service.ids_named(f.state)))
    if f.regional_group:
        select = select.where(MemberState.regional_group == f.regional_group)
    if f.instrument:
        select = select.where(A.id.in_(sa.select(follow_up_action_instruments.c.action_id).join(
            Instrument, Instrument.id == follow_up_action_instruments.c.instrument_id)
            .where(Instrument.code == f.instrument)))
    if f.overdue:
        select = select.where(A.status.in_(_PENDING), A.due_date < today)
    if f.due_from:
        select = select.where(A.due_date >= f.due_from)
    if f.due_to:
        select = select.where(A.due_date <= f.due_to)
    if f.q:
        select = select.where(text_condition(f.q, A.id, (A.description,),
                                             state_service.matching(A.state_id, f.q)))
    return select


def list_page(scope: Scope, filters: ActionFilters, paging: Paging, today: date) -> Page:
    return paginate(ordered(query(scope, filters, today), SORTS, paging, "due_date", (A.priority_rank, A.id)),
                    paging)


def rows(scope: Scope, filters: ActionFilters, paging: Paging, today: date) -> list[FollowUpAction]:
    """Every action of the list (not one page), in its order: what the CSV and XLSX exports hold."""
    select = ordered(query(scope, filters, today), SORTS, paging, "due_date", (A.priority_rank, A.id))
    return list(db.session.scalars(select).unique())


def get(scope: Scope, action_id: int) -> FollowUpAction | None:
    """One action with its history and who made each step, if `scope` may see it."""
    select = query(scope, ActionFilters(), date.today()).where(A.id == action_id).options(
        selectinload(A.history).joinedload(ActionStatusChange.actor), joinedload(A.raised_by))
    return db.session.scalars(select).unique().first()


def pending_of(scope: Scope, limit: int = 20, **link) -> tuple[list[FollowUpAction], int]:
    """The pending actions linked to one record (`state_id=`, `activity_id=`, `request_id=` or `finding_id=`), by
    due date, and how many there are: one query (a window function counts them)."""
    ((name, value),) = link.items()
    rows_ = db.session.execute(
        sa.select(A, sa.func.count().over()).where(getattr(A, name) == value, A.status.in_(_PENDING),
                                                   sa.false() if scope.is_donor else sa.true())
        .order_by(A.due_date, A.priority_rank, A.id).limit(limit)
        .options(joinedload(A.owner), joinedload(A.state))).unique().all()
    return [r[0] for r in rows_], (rows_[0][1] if rows_ else 0)


@dataclass(frozen=True)
class Figures:
    """Pending and overdue actions, in all and of one account, and the reports waiting for its review."""
    pending: int
    overdue: int
    mine_pending: int
    mine_overdue: int
    reports_awaiting: int = 0


def figures(scope: Scope, user, today: date) -> Figures:
    """The dashboard's counts of the work loop as at `today`: one query."""
    if scope.is_donor:
        return Figures(0, 0, 0, 0)
    pending = sa.select(A.id, A.due_date, A.owner_id).where(A.status.in_(_PENDING)).subquery()
    late = pending.c.due_date < today
    user_id = getattr(user, "id", None)
    mine = pending.c.owner_id == user_id

    def count(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
    awaiting = (sa.select(sa.func.count()).select_from(ActivityReport)
                .join(report_approvers, report_approvers.c.report_id == ActivityReport.id)
                .where(report_approvers.c.user_id == user_id, ActivityReport.status == ReportStatus.SUBMITTED.value)
                .scalar_subquery())
    row = db.session.execute(sa.select(count(pending.c.id.is_not(None)), count(late), count(mine),
                                       count(sa.and_(mine, late)), awaiting).select_from(pending)).one()
    return Figures(*(int(v or 0) for v in row))


def owner_choices() -> list[User]:
    """The accounts an action can be given to: active staff (not donors), by name."""
    return list(db.session.scalars(sa.select(User).where(User.role != "donor", User.is_active_account)
                                   .order_by(User.name, User.id)))


#: The columns of the actions' CSV and XLSX exports: codes and labels, ISO dates.
EXPORT_HEADER = ["id", "description", "status", "status_label", "priority", "overdue", "due_date", "owner",
                 "owner_email", "state", "state_name", "instruments", "activity", "request", "finding", "closed_at",
                 "created_at"]


def export_row(a: FollowUpAction, today: date) -> list:
    return [a.id, a.description, a.status, ActionStatus.label_of(a.status), Priority.label_of(a.priority),
            "yes" if a.is_overdue(today) else "no", a.due_date, a.owner.name, a.owner.email,
            a.state.code, a.state.name, joined(i.code for i in a.instruments), a.activity_id, a.request_id,
            a.finding_id, a.closed_at, a.created_at]
