"""What every template can use: the permission check, enum labels, date formatting, the navigation."""
import re
from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.routing import BuildError
from wtforms import widgets

from app import history_words
from app.formatting import format_date, format_datetime, format_money, format_month, format_number
from app.languages import current_language, offered_languages, template_catalogue, text_direction
from app.permissions import AUTHENTICATED, Permission, can
from app.services.registry.state_names import local_name
from app.services.treaties.instrument_titles import title_of
from app.views.charts import table_rows
from models import enums

#: The main navigation: (endpoint, label, permission). An entry shows once its endpoint exists and the user
#: holds the permission; features add themselves here.
NAVIGATION = [
    ("dashboard.index", _l("Dashboard"), AUTHENTICATED),
    ("instruments.index", _l("Instruments"), Permission.VIEW_TREATIES),
    ("states.index", _l("States"), Permission.VIEW_TREATIES),
    ("reports.ratification_status", _l("Ratification status"), Permission.VIEW_TREATY_REPORTS),
    ("outcomes.index", _l("Outcomes"), Permission.VIEW_TREATIES),
    ("forecast.backtest", _l("Forecast backtest"), Permission.VIEW_TREATY_REPORTS),
    ("requests.mine", _l("My requests"), Permission.EDIT_REQUESTS),
    ("queue.index", _l("Queue"), Permission.DECIDE_REQUESTS),
    ("requests.index", _l("Requests"), Permission.VIEW_REQUESTS),
    ("activities.index", _l("Activities"), Permission.VIEW_ACTIVITIES),
    ("activities.calendar", _l("Calendar"), Permission.VIEW_ACTIVITIES),
    ("period_report.period", _l("Period report"), Permission.VIEW_ACTIVITIES),
    ("experts.index", _l("Experts"), Permission.VIEW_EXPERTS),
    ("issues.index", _l("Legislative issues"), Permission.VIEW_ISSUES),
    ("funding.index", _l("Donor portal"), Permission.VIEW_CONTRIBUTIONS),
    ("contributions.index", _l("Contributions"), Permission.VIEW_CONTRIBUTIONS),
    ("rates.index", _l("Exchange rates"), Permission.MANAGE_REFERENCE),
    ("treaties.imports", _l("Import"), Permission.IMPORT_TREATIES),
    ("treaties.reconciliation", _l("Reconciliation"), Permission.VIEW_TREATY_REPORTS),
    ("admin.users", _l("Accounts"), Permission.MANAGE_USERS),
    ("admin.audit", _l("Audit trail"), Permission.VIEW_AUDIT),
    # The work loop (issue 27)
    ("actions.mine", _l("My actions"), Permission.VIEW_ACTIONS),
    ("actions.index", _l("Follow-up actions"), Permission.VIEW_ACTIONS),
    ("activity_reports.index", _l("Activity reports"), Permission.EDIT_ACTIVITIES),
    ("comments.mentions", _l("Mentions"), Permission.COMMENT),
    # People who are told (issue 28)
    ("admin.mail", _l("Outgoing mail"), Permission.MANAGE_USERS),
]

#: The menus of the navigation bar, in order: (key, label, endpoints or blueprints they gather). An entry goes to the
#: first menu naming its endpoint, else the first naming its blueprint, else the last ("Casework").
NAV_AREAS = [
    ("Dashboard", _l("Dashboard"), ("dashboard",)),
    ("Treaties", _l("Treaties"), ("instruments", "states", "reports", "forecast", "treaties.reconciliation",
                                  "outcomes")),
    ("Casework", _l("Casework"), ("requests", "queue", "activities", "calendar_feed", "experts", "issues", "findings",
                                  "period_report.period")),
    ("Funding", _l("Funding"), ("funding", "contributions", "rates", "iati", "donors", "projects",
                                "organizations")),
    ("Administration", _l("Administration"), ("admin", "treaties.imports", "rates.index")),
]
#: Pages reached from a navigation entry without being under its URL: the entry they belong to.
NAV_PARENTS = {"treaties.new_action": "states.index", "treaties.import_confirm": "treaties.imports"}


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavArea:
    key: str  # the menu's name in English: its element id, the same in every language
    label: str
    links: list[NavLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def nav_endpoints() -> frozenset[str]:
    """The app's endpoints, asked by every record link a page renders (thousands on a long page): built once per
    app and number of routes, not at every call."""
    functions = current_app.view_functions
    cached = current_app.extensions.get("palermo.nav_endpoints")
    if cached is None or cached[0] != len(functions):
        cached = (len(functions), frozenset(functions))
        current_app.extensions["palermo.nav_endpoints"] = cached
    return cached[1]


#: Stands for a record's key while a page learns the shape of an endpoint's URL (see `record_url`).
_KEY = 987654321
#: Keys that every URL converter writes unchanged (numbers, State codes): only these take the quick path.
_PLAIN = re.compile(r"[A-Za-z0-9_-]{1,40}")


def record_url(endpoint: str, **values) -> str:
    """url_for(endpoint, key=value) for a record's page or sub-path, the same URL, without building it through the
    URL map each time: a list renders ten record links and buttons per row, and url_for cost more than the rest of
    the row. The URL of the endpoint is built once per request with a stand-in key, then the key is put in its
    place; anything else (several values, a key a converter would quote) goes through url_for."""
    if len(values) != 1:
        return url_for(endpoint, **values)
    ((name, value),) = values.items()
    shape = _url_shape(endpoint, name, value)
    if not shape:
        return url_for(endpoint, **values)
    return f"{shape[0]}{value}{shape[1]}"


def _url_shape(endpoint: str, name: str, value) -> tuple[str, str] | tuple[()]:
    """What comes before and after the key `value` in the URL of `endpoint` (`record_url`), or () when url_for
    must build that URL itself."""
    if isinstance(value, bool) or not ((isinstance(value, int) and value >= 0)
                                       or (isinstance(value, str) and _PLAIN.fullmatch(value))):
        return ()
    shapes = g.setdefault("record_url_shapes", {})
    shape = shapes.get((endpoint, name, type(value)))
    if shape is None:
        stand_in = _KEY if isinstance(value, int) else f"K{_KEY}"
        try:
            parts = url_for(endpoint, **{name: stand_in}).split(str(stand_in))
        except (BuildError, ValueError):  # a converter that takes only some keys: url_for judges each one
            parts = []
        shape = shapes[(endpoint, name, type(value))] = tuple(parts) if len(parts) == 2 else ()
    return shape


def page_link(endpoint: str, text, title=None, **values) -> Markup:
    """A link to a record's page (`text` escaped, as `title` is), or the text alone where the app has no such page:
    what the link macros of templates/_macros/links.html render, as one Python call rather than a macro a row
    calls several times over (each Jinja macro call costs more than the link itself)."""
    if endpoint not in nav_endpoints():
        return escape(text)
    # each part escaped on its own, as Markup.format would, without its string.Formatter (a third of a long
    # list's rendering time)
    href = escape(record_url(endpoint, **values))
    if title:
        return Markup(f'<a href="{href}" title="{escape(title)}">{escape(text)}</a>')
    return Markup(f'<a href="{href}">{escape(text)}</a>')


def state_links(states, as_of=None) -> Markup:
    """The links of `states` separated by commas: what `state_link` (templates/_macros/links.html) renders for
    each, in one call per list. A funding page names a State hundreds of times over (every party each instrument
    reached); a macro call, a language lookup and a URL lookup per State cost more than the links themselves."""
    states = list(states)
    language = current_language()
    if not states or "states.detail" not in nav_endpoints():
        return Markup(", ").join(escape(local_name(s, language, as_of)) for s in states)
    # each part escaped on its own, as page_link does; record_url knows the URL's shape after the first State
    return Markup(", ".join(f'<a href="{escape(record_url("states.detail", code=s.code))}">'
                            f'{escape(local_name(s, language, as_of))}</a>' for s in states))


def instrument_title(text: str | None) -> str:
    """`title_of` for the templates (the `instrument_title` filter), translated from the page's catalogue as the
    templates' `_` is: Flask-Babel's gettext looks the catalogue up again at each of a list's instrument links."""
    return title_of(text, lambda message: template_catalogue().ugettext(message))


def nav_items() -> list[tuple[str, str, Permission]]:
    present = nav_endpoints()
    return [item for item in NAVIGATION if item[0] in present]


def _area_of(endpoint: str) -> str:
    blueprint = endpoint.split(".")[0]
    for key, _label, members in NAV_AREAS:
        if endpoint in members:
            return key
    for key, _label, members in NAV_AREAS:
        if blueprint in members:
            return key
    return "Casework"


def current_nav_endpoint(items: list[tuple[str, str]]) -> str | None:
    """The one navigation entry of the page being shown, from (endpoint, url) pairs: the page's own endpoint,
    else the entry it belongs to (NAV_PARENTS), else the entry whose URL is the longest prefix of the page's
    path (/requests/12 belongs to Requests, /activities/calendar to Calendar). None on pages of no entry."""
    endpoint = request.endpoint or ""
    endpoints = {e for e, _ in items}
    if endpoint in endpoints:
        return endpoint
    if NAV_PARENTS.get(endpoint) in endpoints:
        return NAV_PARENTS[endpoint]
    best = None
    for candidate, url in items:
        base = url.rstrip("/")
        if base and (request.path == base or request.path.startswith(base + "/")):
            if best is None or len(base) > len(best[1]):
                best = (candidate, base)
    return best[0] if best else None


def nav_areas() -> list[NavArea]:
    """The navigation the signed-in user may use, by menu, with exactly one entry current at most."""
    visible = [(endpoint, label) for endpoint, label, permission in nav_items() if can(permission)]
    urls = {endpoint: url_for(endpoint) for endpoint, _ in visible}
    current = current_nav_endpoint(list(urls.items()))
    areas = []
    for key, label, _members in NAV_AREAS:
        links = [NavLink(e, str(text), urls[e], e == current) for e, text in visible if _area_of(e) == key]
        if links:
            areas.append(NavArea(key, str(label), links))
    return areas


def stale_groups(items, as_of) -> list[tuple]:
    """The records complete to a day before `as_of`, grouped by that day, earliest first: [(day, [codes])].

    `items` are instruments (the day of their record) or report sections (the day of what they were built from)."""
    groups: dict = {}
    for item in items:
        instrument = getattr(item, "instrument", item)
        day = item.complete_to if hasattr(item, "complete_to") else instrument.record_complete_to
        if day is not None and day < as_of:
            groups.setdefault(day, []).append(instrument.code)
    return sorted(groups.items())


def row_template(html) -> Markup:
    """An empty row for a <template> (app/static/form_rows.js): its fields' `name`s become `data-row-name`, which
    the script turns back when it copies the row in. Until then the page's form has no such field: a program that
    reads the page's fields, or a browser's own form handling, sees only the rows the form holds."""
    return Markup(re.sub(r'(<(?:input|select|textarea)\b[^>]*?\s)name="', r'\1data-row-name="', str(html)))


def state_name(state, as_of=None) -> str:
    """A State's name in the page's language (as at `as_of` when given): app.services.registry.state_names."""
    return local_name(state, current_language(), as_of)


def control_kind(field) -> str:
    """What a form field looks like to the person filling it in, whatever its class is called: "checkbox" (a
    yes/no, `FlagFilter` included), "select" (any choice from options: the select arrow) or "text". Read from the
    widget, so a subclass (IdChoiceField, FlagFilter) is drawn as what it is, and a typed record number (a
    SelectField subclass with a text input) stays a text box."""
    widget = getattr(field, "widget", None)
    if isinstance(widget, widgets.CheckboxInput):
        return "checkbox"
    if isinstance(widget, widgets.Select):
        return "select"
    return "text"


def init_app(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["row_template"] = row_template
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["state_name"] = state_name
    app.jinja_env.filters["instrument_title"] = instrument_title
    app.jinja_env.filters["table_rows"] = table_rows
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Globals rather than a context processor: the macro files (links, forms, record) are imported without the
    # page's context and see only globals.
    app.jinja_env.globals.update(can=can, Permission=Permission, enums=enums, nav_items=nav_items,
                                 nav_endpoints=nav_endpoints, nav_areas=nav_areas, stale_groups=stale_groups,
                                 record_url=record_url, page_link=page_link, state_links=state_links,
                                 control_kind=control_kind,
                                 history_in_words=history_words.in_words,
                                 record_type_text=history_words.record_type_text, current_language=current_language,
                                 text_direction=text_direction, offered_languages=offered_languages)
