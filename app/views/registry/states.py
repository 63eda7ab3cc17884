"""State pages: the list of participants, and one State's treaty actions, names and the assistance it received."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.page_cache import cached_page
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads
from app.services.core.audit import timeline_for
from app.services.outcomes import outcome_timeline
from app.services.registry import states as state_service
from app.services.requests import request_reads
from app.services.treaties import treaty_actions, treaty_record
from app.views.helpers import list_filters
from forms.registry.states import StateDetailForm, StateFilterForm
from models import MemberState
from models.enums import ActionCategory

bp = Blueprint("states", __name__, url_prefix="/states")

#: The latest activities and requests a State's page shows; the rest are a link away (the filtered lists).
STATE_PAGE_ROWS = 20


def get_state_or_404(code: str) -> MemberState:
    """A State by code, if the user may see it (a donor: only States its money touches)."""
    return state_service.get(for_user(current_user), code) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def index():
    """Participants, filterable by name or code (any name they bore or alias), regional group and kind."""
    form, filters, paging = list_filters(StateFilterForm)
    if filters is None:
        return render_template("registry/states/list.html", form=form, page=None, deposits={}), 400
    page, deposits = state_service.list_page(for_user(current_user), state_service.StateFilters(**filters), paging)
    return render_template("registry/states/list.html", form=form, page=page, deposits=deposits)


@bp.get("/<code>")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def detail(code):
    """One State: its actions on every instrument with in-force dates, its names, the assistance it received."""
    state = get_state_or_404(code)
    scope = for_user(current_user)
    form, filters, paging = list_filters(StateDetailForm)
    error = filters is None  # a bad date: its message beside the field, today's status below
    as_of = date.today() if error else (filters["as_of"] or date.today())
    instruments = treaty_record.visible_instruments(scope)
    followed = next((i for i in instruments if not error and i.code == filters["instrument"]), None)
    statuses = treaty_record.statuses(instruments, as_of)
    # The latest events, or one page of the whole timeline in date order once a page is asked for. The latest
    # take the statuses above for their in-force days (worked out once, not again, when they cover every instrument).
    if not error and form.page.data:
        timeline_page = outcome_timeline.timeline(scope, state, as_of, followed, paging)
        outcome_events, timeline_total = timeline_page.items, timeline_page.total
    else:
        timeline_page = None
        outcome_events, timeline_total = outcome_timeline.latest(scope, state, as_of, followed, paging.per_page,
                                                                 statuses)
    timeline_args = {k: request.args[k] for k in ("as_of", "instrument", "per_page") if request.args.get(k)}
    recorded = {(a.instrument_id, a.category): a for a in treaty_actions.of_state(state.id)}
    rows = []
    for instrument in instruments:
        party = next((p for p in statuses[instrument.code].parties if p.participant == state.code), None)
        rows.append({"instrument": instrument, "party": party,
                     "signature": recorded.get((instrument.id, ActionCategory.SIGNATURE.value)),
                     "deposit": recorded.get((instrument.id, ActionCategory.DEPOSIT.value)),
                     "warnings": treaty_record.recorded_warnings(state, instrument, recorded)})
    activities, activity_total = activity_reads.involving_state(scope, state, limit=STATE_PAGE_ROWS)
    requests, request_total = request_reads.of_state(scope, state, limit=STATE_PAGE_ROWS) \
        if can(Permission.VIEW_REQUESTS) else ([], 0)
    names = sorted(state.names, key=lambda n: (n.valid_from is not None, n.valid_from))
    # Staff see who recorded what; donors read the record, not its authors.
    # (one more than shown: enough to say there are more, with no count)
    history = timeline_for("TreatyAction", [a.id for a in recorded.values()], limit=STATE_PAGE_ROWS + 1) \
        if can(Permission.EDIT_TREATIES) else None
    return render_template("registry/states/detail.html", state=state, as_of=as_of, form=form, rows=rows,
                           instruments=instruments, outcome_events=outcome_events, followed=followed,
                           timeline_page=timeline_page, timeline_total=timeline_total, timeline_args=timeline_args,
                           activities=activities, activity_total=activity_total, requests=requests,
                           request_total=request_total, names=names, history=history,
                           history_rows=STATE_PAGE_ROWS), \
        400 if error else 200
