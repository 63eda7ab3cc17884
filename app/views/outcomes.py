"""Outcome analytics: which assisted States deposited, how soon, how long things took — descriptive figures, each
opening the list of States behind it, with charts whose numbers stand beside them as tables (and as CSV)."""
from datetime import date
from operator import itemgetter
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.exports import csv_response
from app.listing import page_of, paging_from
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.outcomes import outcome_summary
from app.services.treaties import treaty_record
from app.views.charts import bar_charts, chart
from app.views.helpers import list_filters, refuse_filters
from app.work_limits import expensive_work
from forms.base import choices
from forms.outcomes import FIGURE_KEYS, DrillDownForm, OutcomeFilterForm

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

#: What url_for leaves unquoted in a query string (werkzeug.urls._urlencode, after the URL standard).
_QUERY_SAFE = "!$'()*,/:;?@"
#: The query parameters a drill-down link carries over from the page (the filters, not the paging).
_CARRIED = ("as_of", "instrument", "regional_group", "kind", "donor", "national", "period_from", "period_to")


def _prepare(form):
    """The drill-down's figures, named as the page names them (the form knows only keys); the donor is a picker."""
    if "figure" in form:
        form.figure.choices = choices((key, outcome_summary.FIGURES[key]) for key in FIGURE_KEYS)


def _drill(args: dict):
    """url(figure, **changes): the list of States behind a figure, with the page's filters and `changes`. The page
    has hundreds of these links: the route is built once and each link's query string added as url_for writes it
    (the same parameters in the same order, quoted alike: werkzeug.urls._urlencode)."""
    base = url_for("outcomes.states")
    carried = {k: v for k, v in args.items() if k in _CARRIED and v not in (None, "")}

    def url(figure, **changes):
        values = {"figure": figure, **carried}
        values.update({k: v for k, v in changes.items() if v is not None})
        return f"{base}?{urlencode(list(values.items()), safe=_QUERY_SAFE)}"
    return url


def _analysis(form_cls):
    """(scope, form, (as_of, filters, paging)): the last None when the filters are not valid. The page's paging
    is the breakdown by donor's (its only long table)."""
    scope = for_user(current_user)
    form, filters, paging = list_filters(form_cls, prepare=_prepare)
    if filters is None:
        return scope, form, None
    as_of = filters.get("as_of") or date.today()
    f = outcome_summary.OutcomeFilters(**form.outcome_filters())
    return scope, form, (as_of, f, paging)


def tables(analysis: outcome_summary.Analytics, progresses: list) -> dict[str, dict]:
    """Every chart's numbers as a table: name -> {title, header, rows}; the page shows them, the CSV downloads them."""
    out = {}
    for progress in progresses:
        code = progress.instrument.code
        out[f"cumulative-{code}"] = {
            "title": _("Parties to %(code)s over time", code=code),
            "header": [_("date"), _("parties"), _("counted toward the threshold")],
            "rows": [[d.isoformat(), parties, counted] for d, parties, counted in progress.points]}
    years, by_group = outcome_summary.deposits_by_group_and_year(analysis.record, analysis.filters.instrument)
    labels = ({g.value: g.label for g in outcome_summary.RegionalGroup}
              | {outcome_summary.NO_GROUP: _("No regional group")})
    out["deposits-by-group"] = {
        "title": (_("Deposits per regional group per year (%(instrument)s)",
                    instrument=analysis.filters.instrument) if analysis.filters.instrument
                  else _("Deposits per regional group per year (all instruments)")),
        "header": [_("year")] + [labels[g] for g in by_group] + [_("total")],
        "rows": [[y] + [by_group[g][i] for g in by_group] + [sum(by_group[g][i] for g in by_group)]
                 for i, y in enumerate(years)], "series": [labels[g] for g in by_group]}
    out["activities-by-month"] = {
        "title": _("Activities serving a State per month (within the filters)"),
        "header": [_("month"), _("activities")],
        "rows": [[m, n] for m, n in outcome_summary.activities_by_month(analysis.record, analysis.filters)]}
    summary = analysis.summary
    to_deposit = outcome_summary.lead_histogram((p.first, p.deposit)
                                                for p in summary.members.get("deposited_after", []))
    to_activity = outcome_summary.lead_histogram((p.request, p.first_after_request)
                                                 for p in summary.members.get("with_request", []))
    out["lead-times"] = {
        "title": _("Lead times (number of State–instrument pairs)"),
        "header": [_("months"), _("first activity → deposit"), _("request → first activity")],
        "rows": [[a[0], a[1], b[1]] for a, b in zip(to_deposit, to_activity, strict=True)]}
    return out


def _charts(data: dict) -> dict[str, list]:
    out = {}
    groups = data["deposits-by-group"]
    out["deposits-by-group"] = bar_charts(groups["title"], [str(r[0]) for r in groups["rows"]],
                                          [(name, [r[i + 1] for r in groups["rows"]])
                                           for i, name in enumerate(groups["series"])])
    months = data["activities-by-month"]["rows"]
    out["activities-by-month"] = bar_charts(data["activities-by-month"]["title"], [m for m, _n in months],
                                            [(_("activities"), [n for _m, n in months])])
    leads = data["lead-times"]["rows"]
    out["lead-times"] = bar_charts(_("First activity → deposit"), [r[0] for r in leads],
                                   [(_("first activity → deposit"), [r[1] for r in leads])])
    out["lead-times-request"] = bar_charts(_("Request → first activity"), [r[0] for r in leads],
                                           [(_("request → first activity"), [r[2] for r in leads])])
    return out


def _said() -> dict[str, Markup]:
    """The words of the page's figures (outcomes/_figures.html), each translated once, as the template's `_()`
    would make them: safe markup whose `%` escapes what it is given."""
    return {"list": Markup(_("%(n)s — list the States: %(figure)s")),
            "within": Markup(_("%(n)s — list the States that deposited within %(months)s months")),
            "elapsed": Markup(_("%(n)s — list the States whose %(months)s months have elapsed")),
            "of": Markup(_("of")), "days": Markup(_("%(n)s days"))}


def _progresses(scope, f: outcome_summary.OutcomeFilters, as_of: date):
    instruments = treaty_record.visible_instruments(scope)
    return treaty_record.progresses([i for i in instruments if f.instrument is None or i.code == f.instrument], as_of)


@bp.get("/")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def index():
    """The descriptive analytics of assistance and deposits, with their breakdowns, comparison and charts."""
    scope, form, asked = _analysis(OutcomeFilterForm)
    if asked is None:
        return render_template("outcomes/index.html", form=form, analysis=None), 400
    as_of, f, paging = asked
    analysis = outcome_summary.analytics(scope, as_of, f, donors=paging)
    progresses = _progresses(scope, f, as_of)
    data = tables(analysis, progresses)
    cumulative = {p.instrument.code: [chart(p, as_of), chart(p, as_of, width=360, height=260, max_ticks=4)]
                  for p in progresses}
    return render_template("outcomes/index.html", form=form, analysis=analysis, as_of=as_of, tables=data,
                           bar=_charts(data), cumulative=cumulative, progresses=progresses,
                           drill=_drill(request.args), donor_view=scope.is_donor,
                           instruments=[p.instrument for p in progresses],
                           # each label is said on hundreds of links: translated once here
                           figures={k: str(v) for k, v in outcome_summary.FIGURES.items()}, said=_said(),
                           medians=outcome_summary.MEDIANS,
                           windows=outcome_summary.WINDOWS, assisted_definition=outcome_summary.ASSISTED,
                           reached_definition=outcome_summary.REACHED)


@bp.get("/csv/<name>")
@expensive_work("export")
@permission_required(Permission.VIEW_TREATIES)
def table_csv(name):
    """One chart's table as CSV, with the page's filters."""
    scope, form, asked = _analysis(OutcomeFilterForm)
    if asked is None:
        refuse_filters(form)
    as_of, f, _paging = asked
    analysis = outcome_summary.analytics(scope, as_of, f, with_breakdowns=False)
    wanted = _progresses(scope, f, as_of) if name.startswith("cumulative-") else []
    data = tables(analysis, wanted).get(name) or abort(404)
    columns = [(h, itemgetter(i)) for i, h in enumerate(data["header"])]
    return csv_response(f"outcomes-{name}-{as_of.isoformat()}.csv", columns, data["rows"])


@bp.get("/states")
@permission_required(Permission.VIEW_TREATIES)
@cached_page
def states():
    """The States behind one figure of the analytics, with the same filters."""
    scope, form, asked = _analysis(DrillDownForm)
    if asked is None:
        return render_template("outcomes/states.html", form=form, analysis=None), 400
    as_of, f, _paging = asked
    figure = form.figure.data or "assisted"
    analysis = outcome_summary.analytics(scope, as_of, f, with_breakdowns=False)
    items, hidden = outcome_summary.drill_down_visible(scope, analysis, figure, form.group.data or None)
    # Paged: every State × instrument is 788 rows (300 KB, most of the page's time); the CSV holds them all.
    return render_template("outcomes/states.html", form=form, analysis=analysis, as_of=as_of, figure=figure,
                           label=outcome_summary.FIGURES[figure], page=page_of(items, paging_from(form)),
                           hidden=hidden,
                           group=form.group.data or None, donor_view=scope.is_donor,
                           back_url=url_for("outcomes.index", **{k: v for k, v in request.args.items()
                                                                  if k in _CARRIED}),
                           csv_url=url_for("outcomes.states_csv", **request.args))


@bp.get("/states.csv")
@permission_required(Permission.VIEW_TREATIES)
def states_csv():
    """The list behind a figure as CSV."""
    scope, form, asked = _analysis(DrillDownForm)
    if asked is None:
        refuse_filters(form)
    as_of, f, _paging = asked
    figure = form.figure.data or "assisted"
    analysis = outcome_summary.analytics(scope, as_of, f, with_breakdowns=False)
    items, _hidden = outcome_summary.drill_down_visible(scope, analysis, figure, form.group.data or None)
    rows = [[p.state.code, p.state.name_on(as_of), p.instrument.code, p.state.regional_group, p.first, p.deposit,
             p.signature, p.request, p.days_to_deposit, None if p.deposit else p.elapsed]
            if isinstance(p, outcome_summary.Pair) else
            [p[0].code, p[0].name_on(as_of), p[1].code, p[0].regional_group, None,
             analysis.record.deposits.get((p[0].id, p[1].id)), analysis.record.signatures.get((p[0].id, p[1].id)),
             None, None, None] for p in items]
    header = ["state", "name", "instrument", "regional_group", "first_assistance", "deposit", "signature",
              "first_request", "days_first_assistance_to_deposit", "days_since_first_assistance_not_party"]
    columns = [(h, itemgetter(i)) for i, h in enumerate(header)]
    return csv_response(f"outcomes-{figure}-{as_of.isoformat()}.csv", columns, rows)
