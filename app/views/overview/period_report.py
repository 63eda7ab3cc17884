"""The progress report of A/58/165 regenerated from data for any period: /reports/period (HTML, printable, and
each table as CSV), as the caller's scope lets it see the record."""
from datetime import date

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import job_exports
from app.exports import csv_response
from app.formats.tables import joined
from app.languages import current_language
from app.page_cache import cached_page
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.overview import period_report
from app.services.registry.state_names import local_name
from app.views.helpers import filters_refused_as_text, list_filters
from forms.overview.period_report import PeriodReportForm
from models import enums

bp = Blueprint("period_report", __name__, url_prefix="/reports")

#: A report over more than a year is a job (issue 28: 2002–2014 took 13.7 s in the request); its page is its file.
LONG_PERIOD_DAYS = 366


def _period():
    """(form, first, last); first None when a parameter is not valid. Without `from`: the year of `to`, to it."""
    form, filters, _paging = list_filters(PeriodReportForm)
    if filters is None:
        return form, None, None
    last = filters["date_to"] or date.today()
    first = filters["date_from"] or date(last.year, 1, 1)
    return form, first, last


def _build(first, last):
    return period_report.build(for_user(current_user), first, last, with_requests=can(Permission.VIEW_REQUESTS))


@bp.get("/period")
@permission_required(Permission.VIEW_ACTIVITIES)
@cached_page
def period():
    """The progress report of A/58/165 for any period: activities, meetings, requests, deposits, donors."""
    form, first, last = _period()
    if first is None:
        return render_template("overview/period.html", form=form, report=None), 400
    if (last - first).days > LONG_PERIOD_DAYS and not job_exports.in_job():
        return job_exports.offload(_("Period report %(first)s to %(last)s", first=first.isoformat(),
                                     last=last.isoformat()), "period_report",
                                   f"period-report-{first.isoformat()}-{last.isoformat()}.html")
    if job_exports.in_job():  # a long period's file: every row, as the CSV files hold them
        report = _build(first, last)
    else:  # one page of each long table (issue 26); each table's CSV holds every row
        pages = {table: form[f"{table}_page"].data for table in period_report.PAGED}
        report = period_report.build_page(for_user(current_user), first, last, can(Permission.VIEW_REQUESTS), pages)
    return render_template("overview/period.html", form=form, report=report,
                           tables=period_report.TABLES, reference=period_report.A58_165_PERIOD)


def _names(items) -> str:
    return joined(items)


def _visits(row) -> str:
    language = current_language()
    return _names(f"{v.city + ', ' if v.city else ''}{local_name(v.country, language, v.start_date)} "
                  f"{v.start_date.isoformat()}/{v.end_date.isoformat()}" for v in row.visits)


#: How a CSV cell marks a donor's funding of an activity that is the record's inference, not the source's statement
#: (a label: in the language of the file, as the other label columns).
INFERRED = _l("%(name)s (inferred)")


def _marked(name: str, inferred: bool) -> str:
    return str(INFERRED) % {"name": name} if inferred else name

_ACTIVITY_COLUMNS = [
    ("id", lambda r: r.activity.id), ("kind", lambda r: r.activity.kind),
    ("kind_label", lambda r: enums.ActivityKind.label_of(r.activity.kind)), ("title", lambda r: r.activity.title),
    ("status", lambda r: r.activity.status), ("visits", _visits),
    ("states_served", lambda r: _names(s.code for s in r.served)),
    ("states_taking_part", lambda r: _names(s.code for s in r.participants)),
    ("instruments", lambda r: _names(i.code for i in r.activity.instruments)),
    ("donors", lambda r: _names(_marked(d.name, r.is_inferred(d)) for d in r.donors)),
    ("source", lambda r: r.activity.source)]
PERIOD_COLUMNS = {
    "activities": _ACTIVITY_COLUMNS,
    "meetings": _ACTIVITY_COLUMNS + [("participating_states", lambda r: _names(s.code for s in r.all_states)),
                                     ("participants", lambda r: len(r.all_states))],
    "requests": [("id", lambda r: r.id), ("state", lambda r: r.state.code),
                 ("state_name", lambda r: local_name(r.state, current_language())),
                 ("received_date", lambda r: r.received_date), ("kind", lambda r: r.kind),
                 ("subject", lambda r: r.subject), ("instruments", lambda r: _names(i.code for i in r.instruments)),
                 # as /requests.csv says it: the kind, subject and instruments are the record's reading (para 19)
                 ("subject_inferred", lambda r: "yes" if r.is_subject_inferred else "no"),
                 ("status", lambda r: r.status), ("status_label", lambda r: enums.RequestStatus.label_of(r.status)),
                 ("first_response_date", lambda r: r.first_response_date), ("source", lambda r: r.source)],
    "deposits": [("date", lambda d: d.date), ("instrument", lambda d: d.instrument),
                 ("participant", lambda d: d.participant), ("name", lambda d: d.name), ("action", lambda d: d.kind),
                 ("counted", lambda d: d.counted), ("in_force_date", lambda d: d.in_force_date)],
    "donors": [("donor", lambda d: d.donor.name), ("projects", lambda d: _names(sorted(d.projects))),
               ("activities", lambda d: len(d.activities)),
               ("activity_titles", lambda d: _names(_marked(a.title, a.id in d.inferred) for a in d.activities))],
}


@bp.get("/period.csv")
@permission_required(Permission.VIEW_ACTIVITIES)
def period_csv():
    """One table of the period report as CSV (`table=activities|meetings|requests|deposits|donors`)."""
    form, first, last = _period()
    if first is None:
        return filters_refused_as_text(form)
    table = form.table.data or ""
    if table not in PERIOD_COLUMNS:
        return Response(_("table: give one of %(tables)s.", tables=", ".join(PERIOD_COLUMNS)) + "\n", status=400,
                        mimetype="text/plain")
    if (last - first).days > LONG_PERIOD_DAYS and not job_exports.in_job():  # as the page: a job over a year
        return job_exports.offload(_("Period report %(first)s to %(last)s, %(table)s (CSV)", first=first.isoformat(),
                                     last=last.isoformat(), table=table),
                                   "period_report", f"period-{first.isoformat()}-{last.isoformat()}-{table}.csv")
    report = _build(first, last)
    rows = getattr(report, table)
    if rows is None:
        abort(403)  # the requests, for a caller who may not see requests
    return csv_response(f"period-{first.isoformat()}-{last.isoformat()}-{table}.csv", PERIOD_COLUMNS[table], rows)
