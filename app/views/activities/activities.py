"""Activity pages: the list (filters, sort, CSV and XLSX of exactly the filtered rows), the calendar by month,
one activity's page, the officers' one form for logging and editing, and the upcoming visits on the home page."""
import calendar as months
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices, job_exports
from app.exports import CSV, XLSX, download
from app.formats.tables import csv_bytes, xlsx_bytes
from app.page_cache import cached_page
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads, activity_writes
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from app.services.registry import legislative
from app.services.requests import request_reads
from app.views.helpers import list_filters, show_refusal
from app.views.overview.home import home_panel
from forms.activities import ActivityFilterForm, ActivityForm, CalendarFilterForm, initial_data
from models import Activity, db

bp = Blueprint("activities", __name__, url_prefix="/activities")


def get_activity_or_404(activity_id: int) -> Activity:
    """An activity the user may see (a donor: one its contributions fund)."""
    return activity_reads.get(for_user(current_user), activity_id) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_ACTIVITIES)
@cached_page
def index():
    """Activities of every kind, filtered by State, regional group, kind, instrument, expert, partner, dates, status."""
    form, filters, paging = list_filters(ActivityFilterForm)
    if filters is None:
        return render_template("activities/list.html", form=form, page=None), 400
    page = activity_reads.list_page(for_user(current_user), activity_reads.ActivityFilters(**filters), paging)
    return render_template("activities/list.html", form=form, page=page)


def _export(extension: str):
    form, filters, paging = list_filters(ActivityFilterForm)
    if filters is None:
        messages = "; ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items() if errors)
        return Response(_("Some filters are not valid: %(problems)s", problems=messages) + "\n", status=400,
                        mimetype="text/plain")
    if job_exports.too_many_in(activity_reads.query(for_user(current_user), activity_reads.ActivityFilters(**filters),
                                                    loads=())):
        return job_exports.offload(_("Export of activities (%(format)s)", format=extension.upper()))
    rows = [activity_reads.export_row(a) for a in activity_reads.rows(
        for_user(current_user), activity_reads.ActivityFilters(**filters), paging)]
    name = f"activities-{date.today().isoformat()}.{extension}"
    if extension == "csv":
        return download(csv_bytes(activity_reads.EXPORT_HEADER, rows), CSV, name)
    return download(xlsx_bytes(_("Activities"), activity_reads.EXPORT_HEADER, rows), XLSX, name)


@bp.get("/export.csv")
@permission_required(Permission.VIEW_ACTIVITIES)
def export_csv():
    """The filtered list as CSV: every row of it (not one page), in its order."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required(Permission.VIEW_ACTIVITIES)
def export_xlsx():
    """The filtered list as an Excel workbook."""
    return _export("xlsx")


def _month(raw: str | None) -> date:
    if raw:
        year, month = raw.split("-")
        return date(int(year), int(month), 1)
    return date.today().replace(day=1)


def _shift(first: date, months_ahead: int) -> date:
    index = first.year * 12 + first.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


@bp.get("/calendar")
@permission_required(Permission.VIEW_ACTIVITIES)
@cached_page
def calendar():
    """A month of visits (planned and past), filterable by regional group and instrument."""
    form, filters, _paging = list_filters(CalendarFilterForm)
    if filters is None:
        return render_template("activities/calendar.html", form=form, first=None), 400
    first = _month(filters["month"])
    last = date(first.year, first.month, months.monthrange(first.year, first.month)[1])
    shown = activity_reads.calendar_month(for_user(current_user), activity_reads.ActivityFilters(
        regional_group=filters["regional_group"], instrument=filters["instrument"]), first, last)
    weeks = [[(day, shown.days.get(day, []), shown.counts.get(day, 0)) for day in week]
             for week in months.Calendar().monthdatescalendar(first.year, first.month)]
    args = {k: v for k, v in request.args.items() if k != "month"}
    before, after = _shift(first, -1), _shift(first, 1)
    return render_template("activities/calendar.html", form=form, first=first, last=last, shown=shown, weeks=weeks,
                           before=before, after=after,
                           list_args={k: filters[k] for k in ("regional_group", "instrument") if filters[k]},
                           previous=url_for(".calendar", **args, month=before.strftime("%Y-%m")),
                           next=url_for(".calendar", **args, month=after.strftime("%Y-%m")))


@bp.get("/<int:activity_id>")
@permission_required(Permission.VIEW_ACTIVITIES)
@cached_page
def detail(activity_id: int):
    """One activity: its visits, States, instruments, partners, experts, requests, findings and outcome."""
    activity = get_activity_or_404(activity_id)
    scope = for_user(current_user)
    staff = can(Permission.EDIT_ACTIVITIES)
    return render_template("activities/detail.html", activity=activity,
                           findings=legislative.findings_of_activity(scope, activity) if can(Permission.VIEW_ISSUES)
                           else [],
                           overlaps=activity_writes.overlaps(activity) if staff else [],
                           history=timeline_for("Activity", activity.id) if staff else None)


# --- logging and editing ----------------------------------------------------------------------------------------

def _prefill() -> dict | None:
    """A new activity answering `?request=ID`: that request, its State served, its instruments."""
    if not request.args.get("request", "").isdigit():
        return None
    answered = request_reads.get(for_user(current_user), int(request.args["request"]))
    if answered is None:
        return None
    return {"requests": [answered.id], "served": [answered.state.code],
            "instruments": [i.code for i in answered.instruments]}


def _edit(activity: Activity | None):
    scope = for_user(current_user)
    initial = initial_data(activity) if activity is not None else _prefill()
    form = ActivityForm(data=initial) if request.method == "GET" else ActivityForm()
    adding = request.method == "POST" and request.form.get("add")
    if adding:
        # "Add another visit / partner / expert" (the no-script way; pickers.js adds rows in place): a new empty
        # row, nothing validated or saved.
        form.add_row(request.form["add"])
    form_choices.activity_form(form)
    overlaps = activity_writes.overlaps(activity) if activity is not None else []
    status = 200
    if adding:
        pass
    elif form.validate_on_submit():
        try:
            saved, overlaps = activity_writes.save(scope, activity, activity_writes.ActivityData.of(form.values()),
                                                     form.version.data)
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            if activity is not None:
                activity = get_activity_or_404(activity.id)
        else:
            db.session.commit()
            flash(_("Saved “%(title)s”.", title=saved.title), "success")
            for overlap in overlaps:
                flash(_("Warning — %(warning)s", warning=overlap.message), "warning")
            return redirect(url_for(".detail", activity_id=saved.id))
    elif form.is_submitted():
        status = 422
    return render_template("activities/form.html", form=form, activity=activity, overlaps=overlaps), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ACTIVITIES)
def new():
    """Log an activity of any kind, with one or more visits."""
    return _edit(None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ACTIVITIES)
def edit(activity_id: int):
    """Edit an activity: everything it links is replaced by what the form lists."""
    return _edit(get_activity_or_404(activity_id))


@home_panel(Permission.EDIT_ACTIVITIES, "activities/_home_panel.html")
def upcoming(scope, _user):
    """The officer's home page: the visits coming up (or under way)."""
    return {"visits": activity_reads.upcoming_visits(scope, date.today())}
