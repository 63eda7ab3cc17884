"""State pages: the list of participants, and one State's treaty actions, names and the assistance it received."""
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from forms.treaties import StateFilterForm
from models import (Activity, ActivityState, ActivityVisit, AssistanceRequest, MemberState, MemberStateAlias,
                    MemberStateName, TreatyAction, db)
from models.enums import ActionCategory

from ..permissions import Permission, can, permission_required
from ..scoping import activity_condition, state_condition
from ..services import treaties
from ..services.audit import timeline_for
from .listing import as_of_arg, page_arg, sort_arg

bp = Blueprint("states", __name__, url_prefix="/states")

_DEPOSITS = (sa.select(sa.func.count(TreatyAction.id))
             .where(TreatyAction.state_id == MemberState.id, TreatyAction.category == ActionCategory.DEPOSIT.value)
             .correlate(MemberState).scalar_subquery().label("deposits"))
SORTS = {"name": MemberState.name, "code": MemberState.code, "group": MemberState.regional_group,
         "deposits": _DEPOSITS}


def get_state_or_404(code: str) -> MemberState:
    """A State by code, if the user may see it (a donor: only States its money touches)."""
    state = db.session.scalars(sa.select(MemberState).where(
        MemberState.code == (code or "").upper(), state_condition(current_user))
        .options(selectinload(MemberState.names))).first()
    if state is None:
        abort(404)
    return state


@bp.get("/")
@permission_required(Permission.VIEW_TREATIES)
def index():
    """Participants, filterable by name or code (any name they bore or alias), regional group and kind."""
    form = StateFilterForm(request.args)
    query = sa.select(MemberState).where(state_condition(current_user))
    if form.validate():
        if form.q.data:
            like = f"%{form.q.data.lower()}%"
            query = query.where(sa.or_(
                sa.func.lower(MemberState.name).like(like), sa.func.lower(MemberState.code) == form.q.data.lower(),
                MemberState.id.in_(sa.select(MemberStateName.state_id).where(
                    sa.func.lower(MemberStateName.name).like(like))),
                MemberState.id.in_(sa.select(MemberStateAlias.state_id).where(
                    sa.func.lower(MemberStateAlias.alias).like(like)))))
        if form.group.data:
            query = query.where(MemberState.regional_group == form.group.data)
        if form.kind.data:
            query = query.where(MemberState.kind == form.kind.data)
    key, descending = sort_arg(SORTS, "name")
    column = SORTS[key]
    query = query.order_by(column.desc() if descending else column.asc(), MemberState.name)
    page = db.paginate(query, page=page_arg(), per_page=current_app.config["PER_PAGE"], error_out=False,
                       count=True)
    # The deposit counts of this page only (one grouped query), rather than a subquery per row.
    ids = [s.id for s in page.items]
    deposits = dict(db.session.execute(sa.select(TreatyAction.state_id, sa.func.count(TreatyAction.id))
                                       .where(TreatyAction.state_id.in_(ids),
                                              TreatyAction.category == ActionCategory.DEPOSIT.value)
                                       .group_by(TreatyAction.state_id)).all()) if ids else {}
    return render_template("states/list.html", form=form, page=page, deposits=deposits, sort=key,
                           descending=descending)


@bp.get("/<code>")
@permission_required(Permission.VIEW_TREATIES)
def detail(code):
    """One State: its actions on every instrument with in-force dates, its names, the assistance it received."""
    state = get_state_or_404(code)
    as_of, error = as_of_arg()
    instruments = treaties.visible_instruments(current_user)
    statuses = treaties.statuses(instruments, as_of)
    recorded = {(a.instrument_id, a.category): a for a in db.session.scalars(
        sa.select(TreatyAction).where(TreatyAction.state_id == state.id))}
    rows = []
    for instrument in instruments:
        party = next((p for p in statuses[instrument.code].parties if p.participant == state.code), None)
        rows.append({"instrument": instrument, "party": party,
                     "signature": recorded.get((instrument.id, ActionCategory.SIGNATURE.value)),
                     "deposit": recorded.get((instrument.id, ActionCategory.DEPOSIT.value))})
    involved = sa.or_(
        Activity.id.in_(sa.select(ActivityState.activity_id).where(ActivityState.state_id == state.id)),
        Activity.id.in_(sa.select(ActivityVisit.activity_id).where(ActivityVisit.country_id == state.id)))
    activities = list(db.session.scalars(sa.select(Activity).where(involved, activity_condition(current_user))
                                         .options(selectinload(Activity.visits).selectinload(ActivityVisit.country))))
    activities.sort(key=lambda a: (a.start_date is None, a.start_date or as_of, a.title))
    requests = []
    if can(Permission.VIEW_REQUESTS):
        requests = list(db.session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.state_id == state.id)
                                           .order_by(AssistanceRequest.received_date, AssistanceRequest.id)))
    names = sorted(state.names, key=lambda n: (n.valid_from is not None, n.valid_from))
    # Staff see who recorded what; donors read the record, not its authors.
    history = timeline_for("TreatyAction", [a.id for a in recorded.values()]) if can(Permission.EDIT_TREATIES) \
        else None
    return render_template("states/detail.html", state=state, as_of=as_of, as_of_error=error, rows=rows,
                           activities=activities, requests=requests, names=names, history=history), \
        400 if error else 200
