"""The annex of A/58/165 rebuilt from data for any date: /reports/ratification-status (HTML and CSV)."""
from flask import Blueprint, Response, render_template
from flask_login import current_user

from forms.treaties import AsOfForm

from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services.treaty_reports import annex, annex_csv
from .helpers import as_of_arg

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/ratification-status")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def ratification_status():
    """Signatures and ratifications per instrument, and every ratifying participant, as at `as_of`."""
    as_of, error = as_of_arg()
    form = AsOfForm(formdata=None, data={"as_of": as_of})
    if error:
        form.as_of.data = None
        form.as_of.errors = [error]
        return render_template("reports/ratification_status.html", form=form, as_of=None, sections=[]), 400
    return render_template("reports/ratification_status.html", form=form, as_of=as_of,
                           sections=annex(as_of, for_user(current_user)))


@bp.get("/ratification-status.csv")
@permission_required(Permission.VIEW_TREATY_REPORTS)
def ratification_status_csv():
    """The same annex as CSV: summary rows, then one row per ratifying participant."""
    as_of, error = as_of_arg()
    if error:
        return Response(error + "\n", status=400, mimetype="text/plain")
    body = annex_csv(annex(as_of, for_user(current_user)), as_of)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=ratification-status-{as_of.isoformat()}.csv"})
