"""The annex of A/58/165 rebuilt from data for any date: /reports/ratification-status (HTML and CSV). The report
itself, regenerated for any period, is app.views.overview.period_report.

From the record by default (marking where the annex as printed differs), or `source=annex`: the annex alone.
"""
from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user

from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.treaties.treaty_record import SOURCES
from app.services.treaties.treaty_reports import annex, annex_csv
from app.views.helpers import filters_refused_as_text, list_filters
from forms.treaties.record import RatificationStatusForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _arguments():
    """(form, as_of, source); as_of None when a parameter is not valid (the form carries the message)."""
    form, filters, _paging = list_filters(RatificationStatusForm)
    if filters is None:
        return form, None, None
    return form, filters["as_of"] or date.today(), SOURCES.get(filters["source"] or "")


@bp.get("/ratification-status")
@permission_required(Permission.VIEW_TREATY_REPORTS)
@cached_page
def ratification_status():
    """Signatures and ratifications per instrument, and every ratifying participant, as at `as_of`."""
    form, as_of, source = _arguments()
    if as_of is None:
        return render_template("treaties/ratification_status.html", form=form, as_of=None, source=None,
                               sections=[]), 400
    return render_template("treaties/ratification_status.html", form=form, as_of=as_of, source=source,
                           sections=annex(as_of, for_user(current_user), source))


@bp.get("/ratification-status.csv")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def ratification_status_csv():
    """The same annex as CSV: summary rows, then one row per ratifying participant."""
    form, as_of, source = _arguments()
    if as_of is None:
        return filters_refused_as_text(form)
    body = annex_csv(annex(as_of, for_user(current_user), source), as_of, source)
    suffix = f"-{source.key}" if source else ""
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=ratification-status-{as_of.isoformat()}{suffix}.csv"})
