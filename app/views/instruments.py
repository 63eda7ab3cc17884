"""Instrument pages: the four instruments with their status, and one instrument's progress to entry into force."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from forms.treaties import AsOfForm
from models import db

from ..permissions import Permission, can, permission_required
from ..scoping import is_donor, state_ids
from ..services import treaties
from ..services.audit import timeline_for
from ..services.treaty_reports import chart, parties
from .listing import as_of_arg, paginate_list, sort_arg

bp = Blueprint("instruments", __name__, url_prefix="/instruments")

PARTY_SORTS = {"date": lambda r: (r["date"], r["name"].casefold()),
               "name": lambda r: r["name"].casefold(),
               "in_force": lambda r: (r["in_force_date"] is None, r["in_force_date"] or r["date"], r["name"])}


def _as_of_form():
    as_of, error = as_of_arg()
    form = AsOfForm(formdata=None, data={"as_of": None if error else as_of.isoformat()})
    if error:
        form.as_of.errors = [error]
    return as_of, error, form


@bp.get("/")
@permission_required(Permission.VIEW_TREATIES)
def index():
    """Every instrument the user may see, with signatories, parties and entry into force as at `as_of`."""
    as_of, error, form = _as_of_form()
    if error:
        return render_template("instruments/list.html", form=form, as_of=None, rows=[]), 400
    listed = treaties.visible_instruments(current_user)
    statuses = treaties.statuses(listed, as_of)
    names = treaties.participants(s.threshold_deposit.participant for s in statuses.values() if s.threshold_deposit)
    rows = [(i, statuses[i.code]) for i in listed]
    return render_template("instruments/list.html", form=form, as_of=as_of, rows=rows, names=names)


@bp.get("/<code>")
@permission_required(Permission.VIEW_TREATIES)
def detail(code):
    """Progress to the threshold, the cumulative chart and the parties with their in-force dates."""
    instrument = treaties.get_instrument(code, current_user)
    if instrument is None:
        abort(404)
    as_of, error, form = _as_of_form()
    if error:
        return render_template("instruments/detail.html", instrument=instrument, form=form, as_of=None), 400
    progress = treaties.progress(instrument, as_of)
    states = treaties.participants(p.participant for p in progress.status.parties)
    rows = parties(progress.status, states, as_of)
    if is_donor(current_user):  # the figures stay whole; the list shows only the States the donor may see
        visible = set(db.session.scalars(state_ids(current_user)))
        rows = [r for r in rows if r["state"].id in visible]
    key, descending = sort_arg(PARTY_SORTS, "date")
    rows.sort(key=PARTY_SORTS[key], reverse=descending)
    threshold = progress.status.threshold_deposit
    parent = instrument.supplements  # a Protocol waits for its Convention: show where that stands
    parent_status = treaties.instrument_status(parent, as_of) if parent else None
    return render_template("instruments/detail.html", instrument=instrument, form=form, as_of=as_of,
                           status=progress.status, chart=chart(progress, as_of), page=paginate_list(rows),
                           sort=key, descending=descending, parent=parent, parent_status=parent_status,
                           fortieth=states.get(threshold.participant) if threshold else None,
                           history=timeline_for("Instrument", instrument.id)
                           if can(Permission.IMPORT_TREATIES) else None)
