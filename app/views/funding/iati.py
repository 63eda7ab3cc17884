"""/iati.xml: IATI activity 2.03 of every funded activity the caller may see (CONTRACT.md) — a donor gets its
own, staff everything, or one donor's with `?donor=<id>`."""
from datetime import date

from flask import Blueprint, Response, abort
from flask_login import current_user

from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.funding import donor_portal, iati
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
    document = iati.build(donor_portal.portal(scope, donor, filters["as_of"] or date.today()))
    return Response(document, mimetype="application/xml")
