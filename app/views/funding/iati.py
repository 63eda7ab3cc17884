"""/iati.xml: IATI activity 2.03 of every funded activity the caller may see (CONTRACT.md) — a donor gets its
own, staff everything, or one donor's with `?donor=<id>`."""
from datetime import date

from flask import Blueprint, abort
from flask_login import current_user

from app import job_exports
from app.exports import spooled_response
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.funding import contributions as contribution_service
from app.services.funding import donor_portal, iati, iati_rows
from app.services.funding.donor_portal import NotYours
from app.views.helpers import list_filters, refuse_filters
from forms.funding.portal import FundingFilterForm

bp = Blueprint("iati", __name__)


@bp.get("/iati.xml")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def activities():
    form, filters, _paging = list_filters(FundingFilterForm)
    if filters is None:
        refuse_filters(form)
    scope = for_user(current_user)
    try:
        donor = donor_portal.donor_for(scope, filters["donor"])
    except NotYours:
        abort(404)
    listed = contribution_service.query(scope, contribution_service.ContributionFilters(
        donor_id=donor.id if donor is not None else None))
    if job_exports.too_many_in(listed):  # over EXPORT_JOB_ROWS contributions: made as a job (one COUNT first)
        return job_exports.offload("IATI activity file", "iati", "iati-activities.xml")
    # streamed from a server-side cursor, an activity at a time (three statements, constant memory)
    return spooled_response(iati.chunks(iati_rows.funded(scope, donor), filters["as_of"] or date.today()),
                            "application/xml")


@bp.post("/iati.xml/job")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def activities_job():
    """POST: regenerate the IATI file (the same as /iati.xml with the same `donor` and `as_of`) as a job of the
    caller's; the browser goes to its page, where the file is downloaded once made."""
    form, filters, _paging = list_filters(FundingFilterForm)
    if filters is None:
        refuse_filters(form)
    try:
        donor_portal.donor_for(for_user(current_user), filters["donor"])
    except NotYours:
        abort(404)
    return job_exports.offload("IATI activity file", "iati", "iati-activities.xml", endpoint="iati.activities")
