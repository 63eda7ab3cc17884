"""What every template can use: the permission check, enum labels, date formatting."""
from flask import current_app

from models import enums

from .formatting import format_date, format_money
from .permissions import Permission, can

#: The main navigation: (endpoint, label, permission). An entry shows once its endpoint exists and the user
#: holds the permission; features add themselves here.
NAVIGATION = [
    ("instruments.index", "Instruments", Permission.VIEW_TREATIES),
    ("states.index", "States", Permission.VIEW_TREATIES),
    ("reports.ratification_status", "Ratification status", Permission.VIEW_TREATY_REPORTS),
    ("requests.mine", "My requests", Permission.EDIT_REQUESTS),
    ("queue.index", "Queue", Permission.DECIDE_REQUESTS),
    ("requests.index", "Requests", Permission.VIEW_REQUESTS),
    ("activities.index", "Activities", Permission.VIEW_ACTIVITIES),
    ("activities.calendar", "Calendar", Permission.VIEW_ACTIVITIES),
    ("experts.index", "Experts", Permission.VIEW_EXPERTS),
    ("issues.index", "Legislative issues", Permission.VIEW_ISSUES),
    ("contributions.index", "Funding", Permission.VIEW_CONTRIBUTIONS),
    ("treaties.imports", "Import", Permission.IMPORT_TREATIES),
    ("treaties.reconciliation", "Reconciliation", Permission.VIEW_TREATY_REPORTS),
    ("admin.users", "Accounts", Permission.MANAGE_USERS),
    ("admin.audit", "Audit trail", Permission.VIEW_AUDIT),
]


def nav_endpoints() -> set[str]:
    return set(current_app.view_functions)


def nav_items() -> list[tuple[str, str, Permission]]:
    present = nav_endpoints()
    return [item for item in NAVIGATION if item[0] in present]


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


def init_app(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Globals rather than a context processor: the macro files (links, forms, record) are imported without the
    # page's context and see only globals.
    app.jinja_env.globals.update(can=can, Permission=Permission, enums=enums, nav_items=nav_items,
                                 nav_endpoints=nav_endpoints, stale_groups=stale_groups)
