"""The donor portal (a donor's own money: contributions, activities funded, States reached, treaty actions that
followed), the same per donor and for every donor for staff, the statement (page, CSV, XLSX) and the donor's home
panel. All read `donor_portal` in the caller's scope: the page one page of each list, the statement everything."""
from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import job_exports
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.funding import contributions as contribution_service
from app.services.funding import donor_portal, iati, reach, statements
from app.services.funding.donor_portal import NotYours
from app.views.helpers import list_filters, refuse_filters
from app.views.overview.home import home_panel
from forms.funding.portal import FundingFilterForm

bp = Blueprint("funding", __name__, url_prefix="/funding")

#: Rows of each of the portal's lists per page (each pages on `<section>_page`): every list's default page
#: (forms.base.FilterForm.DEFAULT_PER_PAGE). The portal shows four lists at once; at 50 rows each it rendered 200
#: rows (124 KB) and rendering, not its SQL, was most of its time (issue 26: 208 -> 147 ms at 200,000 requests).
PORTAL_ROWS = 25
#: The printed statement's lists page the same way (issue 26: every contribution of a large donor was 4.5 MB
#: and seconds of rendering at 20,000 requests); its CSV and XLSX hold everything.
STATEMENT_ROWS = 50


def _filters(donor_id: int | None = None):
    """(form, scope, donor, filters) for the query string; a bad parameter is a 400, another donor's id a 404."""
    scope = for_user(current_user)
    form, filters, _paging = list_filters(FundingFilterForm)
    if filters is None:
        refuse_filters(form)
    try:
        donor = donor_portal.donor_for(scope, donor_id if donor_id is not None else filters["donor"])
    except NotYours:
        abort(404)
    return form, scope, donor, filters


def _load(donor_id: int | None = None):
    """(form, portal) with everything listed: the statement and its files."""
    form, scope, donor, filters = _filters(donor_id)
    return form, donor_portal.portal(scope, donor, filters["as_of"] or date.today())


def _statement_file(extension: str, write):
    """The statement's file, or a job making it when it lists more than EXPORT_JOB_ROWS contributions (one COUNT
    query before the portal is built; each contribution is a row, or one per allocation)."""
    _form, scope, donor, _filters_ = _filters()
    select = contribution_service.query(scope, contribution_service.ContributionFilters(
        donor_id=donor.id if donor is not None else None))
    if job_exports.too_many_in(select):
        return job_exports.offload(_("Funding statement (%(format)s)", format=extension.upper()))
    _form, portal = _load()
    return write(portal)


def _pages(filters) -> dict[str, int]:
    return {section: filters[f"{section}_page"] for section in donor_portal.SECTIONS}


def _page(donor_id: int | None = None) -> str:
    """The portal page: totals in SQL and one page of each list."""
    form, scope, donor, filters = _filters(donor_id)
    portal = donor_portal.page(scope, donor, filters["as_of"] or date.today(), _pages(filters), PORTAL_ROWS)
    return render_template("funding/portal.html", form=form, portal=portal, reached_definition=reach.DEFINITION,
                           iati_placeholder=iati.PLACEHOLDER_REF if iati.placeholder_reporter() else None)


@bp.get("/")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@cached_page
def index():
    """A donor's portal; for staff, every donor side by side (and `?donor=` for one)."""
    return _page()


@bp.get("/donors/<int:donor_id>")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@cached_page
def donor(donor_id: int):
    """One donor's portal as staff see it (a donor reaches only its own)."""
    if current_user.role == "donor":
        _filters(donor_id)  # 404 for another donor's id
        return redirect(url_for("funding.index"))
    return _page(donor_id)


@bp.get("/statement")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def statement():
    """The printable statement (print stylesheet: app/static/print.css): the totals, and one page of each list
    (STATEMENT_ROWS); the CSV and XLSX beside it hold every row."""
    form, scope, donor, filters = _filters()
    portal = donor_portal.page(scope, donor, filters["as_of"] or date.today(), _pages(filters), STATEMENT_ROWS,
                               donor_portal.STATEMENT_LOADS)
    return render_template("funding/statement.html", form=form, portal=portal,
                           rows=statements.rows_of(portal.contributions.items), today=date.today())


def _filename(portal, extension: str) -> str:
    who = f"donor-{portal.donor.id}" if portal.donor is not None else "all-donors"
    return f"statement-{who}-{portal.as_of.isoformat()}.{extension}"


@bp.get("/statement.csv")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def statement_csv():
    return _statement_file("csv", lambda portal: Response(statements.to_csv(portal), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_filename(portal, "csv")}"'}))


@bp.get("/statement.xlsx")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def statement_xlsx():
    return _statement_file("xlsx", lambda portal: Response(
        statements.to_xlsx(portal), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(portal, "xlsx")}"'}))


@home_panel(Permission.VIEW_CONTRIBUTIONS, "funding/_home_panel.html")
def home(scope, user):
    """A donor's money at a glance on its home page (staff have the funding page in the navigation)."""
    if not scope.is_donor:
        return None
    return {"portal": donor_portal.overview(scope, donor_portal.donor_for(scope, None), date.today()),
            "reached_definition": reach.DEFINITION}
