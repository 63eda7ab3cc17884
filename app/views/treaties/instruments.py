"""Instrument pages: the four instruments with their status, and one instrument's progress to entry into force."""
from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.listing import page_of
from app.page_cache import cached_page
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.core.audit import timeline_for
from app.services.registry import states as state_service
from app.services.treaties import deposit_likelihood, treaty_record
from app.services.treaties.treaty_reports import visible_parties
from app.views.charts import chart
from app.views.helpers import list_filters
from forms.treaties.record import AsOfForm, PartyListForm

bp = Blueprint("instruments", __name__, url_prefix="/instruments")

#: The States listed as likely to deposit next (the most likely first).
LIKELY_SHOWN = 25

PARTY_SORTS = {"date": lambda r: (r["date"], r["name"].casefold()),
               "name": lambda r: r["name"].casefold(),
               "in_force": lambda r: (r["in_force_date"] is None, r["in_force_date"] or r["date"], r["name"])}


@bp.get("/")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def index():
    """Every instrument the user may see, with signatories, parties and entry into force as at `as_of`."""
    form, filters, _paging = list_filters(AsOfForm)
    if filters is None:
        return render_template("treaties/instruments/list.html", form=form, as_of=None, rows=[]), 400
    as_of = filters["as_of"] or date.today()
    listed = treaty_record.visible_instruments(for_user(current_user))
    statuses = treaty_record.statuses(listed, as_of)
    names = state_service.participants(t.participant for s in statuses.values() for t in s.threshold_ties)
    rows = [(i, statuses[i.code]) for i in listed]
    return render_template("treaties/instruments/list.html", form=form, as_of=as_of, rows=rows, names=names)


@bp.get("/<code>")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def detail(code):
    """Progress to the threshold, the cumulative chart and the parties with their in-force dates."""
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope) or abort(404)
    form, filters, paging = list_filters(PartyListForm)
    if filters is None:
        return render_template("treaties/instruments/detail.html", instrument=instrument, form=form, as_of=None), 400
    as_of = filters["as_of"] or date.today()
    progress = treaty_record.progress(instrument, as_of)
    # The figures stay whole; a donor's list shows only the States its money reached.
    rows = visible_parties(progress.status, as_of, scope)
    rows.sort(key=PARTY_SORTS[paging.sort or "date"], reverse=paging.descending)
    parent = instrument.supplements  # a Protocol waits for its Convention: show where that stands
    parent_status = treaty_record.instrument_status(parent, as_of) if parent else None
    # every deposit of the threshold's day: when there are several, the page names them all (no order is known)
    fortieth = state_service.participants(t.participant for t in progress.status.threshold_ties)
    # Managers plan assistance: which States are likely to deposit next (a model of the record, descriptive).
    outlook = deposit_likelihood.outlook(instrument, as_of, scope) if can(Permission.DECIDE_REQUESTS) else None
    likely = outlook.ranked[:LIKELY_SHOWN] if outlook else ()
    likely_states = state_service.participants([r.code for r in likely])
    return render_template("treaties/instruments/detail.html", instrument=instrument, form=form, as_of=as_of,
                           status=progress.status, page=page_of(rows, paging),
                           charts=[chart(progress, as_of), chart(progress, as_of, width=360, height=260, max_ticks=4)],
                           parent=parent, parent_status=parent_status, fortieth=fortieth,
                           narrowed=scope.is_donor, outlook=outlook, likely=likely, likely_states=likely_states,
                           history=timeline_for("Instrument", instrument.id)
                           if can(Permission.IMPORT_TREATIES) else None)
