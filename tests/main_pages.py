"""The main pages of the app, by role: the one list the layout tests (tests/views/test_layout.py) and the browser's
accessibility and screenshot tests (tests/e2e/test_accessibility.py) walk.

Add your pages here when you add them: a path (with its query string) and the roles that open it with a 200.
Donor pages assume the donor account is bound to Canada (tests/e2e/conftest.py, the `donor_canada` helpers).
"""
from dataclasses import dataclass

STAFF = ("officer", "manager", "admin")
SIGNED_IN = ("officer", "manager", "donor", "admin")


@dataclass(frozen=True)
class MainPage:
    name: str               # the screenshot's file name
    path: str
    roles: tuple[str, ...]


MAIN_PAGES = [
    MainPage("login", "/login", ("anonymous",)),
    MainPage("home", "/", SIGNED_IN),
    MainPage("instruments", "/instruments/", SIGNED_IN),
    MainPage("instrument", "/instruments/TIP", SIGNED_IN),
    MainPage("states", "/states/", SIGNED_IN),
    MainPage("state", "/states/BOL", SIGNED_IN),
    MainPage("report", "/reports/ratification-status?as_of=2003-07-02", STAFF),
    MainPage("report-annex", "/reports/ratification-status?as_of=2003-07-02&source=annex", STAFF),
    MainPage("reconciliation", "/treaties/reconciliation", STAFF),
    MainPage("search", "/search?q=Bolivia", SIGNED_IN),
    MainPage("treaty-action", "/treaties/actions/new?state=BOL", STAFF),
    MainPage("import", "/treaties/import", ("admin",)),
    # Requests and the queue (issue 9)
    MainPage("queue", "/queue", ("manager", "admin")),
    MainPage("requests", "/requests/", STAFF),
    MainPage("requests-filtered", "/requests/?status=pending&instrument=FIREARMS", STAFF),
    MainPage("request", "/requests/1", STAFF),
    MainPage("request-form", "/requests/new?state=BIH", STAFF),
    MainPage("my-requests", "/requests/mine", STAFF),
    # Spreadsheet imports (issue 14)
    MainPage("requests-import", "/requests/import", STAFF),
    MainPage("activities-import", "/activities/import", STAFF),
    # Activities, experts, legislative issues, the calendar (issue 10)
    MainPage("activities", "/activities/", SIGNED_IN),
    MainPage("activity", "/activities/1", SIGNED_IN),
    MainPage("activity-form", "/activities/new", STAFF),
    MainPage("calendar", "/activities/calendar?month=2002-11", SIGNED_IN),
    MainPage("experts", "/experts/", SIGNED_IN),
    MainPage("expert-form", "/experts/new", STAFF),
    MainPage("issues", "/issues/", SIGNED_IN),
    MainPage("feed-address", "/missions/feed", SIGNED_IN),
    # Funding (issue 11)
    MainPage("funding", "/funding/", SIGNED_IN),
    MainPage("statement", "/funding/statement", SIGNED_IN),
    MainPage("contributions", "/contributions/", SIGNED_IN),
    MainPage("contribution", "/contributions/1", STAFF),
    MainPage("rates", "/rates/", ("admin",)),
    MainPage("accounts", "/admin/users", ("admin",)),
    MainPage("audit", "/admin/audit", ("manager", "admin")),
    # Outcomes (issue 13): the analytics, the States behind a figure, a State's timeline on one instrument
    MainPage("outcomes", "/outcomes/", SIGNED_IN),
    MainPage("outcomes-a58-165", "/outcomes/?instrument=UNTOC&national=y&period_to=2003-07-02", SIGNED_IN),
    MainPage("outcomes-states", "/outcomes/states?figure=assisted&instrument=UNTOC", SIGNED_IN),
    MainPage("state-timeline", "/states/ROU?instrument=UNTOC", SIGNED_IN),
    # Forecast, dashboards, the period report (issue 13)
    MainPage("forecast", "/instruments/TIP/forecast?as_of=2003-07-02", SIGNED_IN),
    MainPage("backtest", "/forecast/backtest", STAFF),
    MainPage("dashboard", "/dashboard", SIGNED_IN),
    MainPage("dashboard-2003", "/dashboard?as_of=2003-07-02", SIGNED_IN),
    MainPage("period-report", "/reports/period?from=2002-07-05&to=2003-07-04", SIGNED_IN),  # a year: no job
    # The work loop (issue 27): an approved report of the reference record (the Romania mission of A/58/165
    # para. 16, which Canada's money funds), the report form, the lists of reports and actions, my mentions
    MainPage("activity-report", "/activities/20/report", SIGNED_IN),
    MainPage("activity-report-form", "/activities/5/report/edit", STAFF),
    MainPage("activity-reports", "/activity-reports/", STAFF),
    MainPage("my-actions", "/actions/mine", STAFF),
    MainPage("actions", "/actions/?status=pending", STAFF),
    MainPage("action-form", "/actions/new?state=ROU", STAFF),
    MainPage("mentions", "/mentions", STAFF),
    MainPage("jobs", "/jobs/", SIGNED_IN),  # issue 28: your downloads and imports
    # issue 29: help (every role's guide is the one template: the manager's has every part and a link per role)
    MainPage("help", "/help", ("manager",)),
    # People who are told (issue 28): notifications, the profile and its preferences, one's password, the outbox
    MainPage("notifications", "/notifications", SIGNED_IN),
    MainPage("profile", "/account/profile", SIGNED_IN),
    MainPage("change-password", "/account/password", SIGNED_IN),
    MainPage("forgot-password", "/password/forgot", ("anonymous",)),
    MainPage("outgoing-mail", "/admin/mail", ("admin",)),
]


def pages_for(role: str) -> list[MainPage]:
    return [page for page in MAIN_PAGES if role in page.roles]


#: (role, page) pairs, for parametrizing.
ROLE_PAGES = [(role, page) for role in ("anonymous",) + SIGNED_IN for page in pages_for(role)]
