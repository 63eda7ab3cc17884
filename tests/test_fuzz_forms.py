"""Hypothesis on every browser form: hostile input never answers 5xx, a refusal says what is wrong and leaves the
database exactly as it was (every table compared row by row), and markup always comes back as text.

The forms are found as a browser finds them: every GET page of the url_map is opened (as an admin, who holds every
permission) and each `<form method="post">` on it whose action is a route of the app is fuzzed, field by field as
the HTML declares them (text, number, date, select, checkbox, hidden, file). A form added later is fuzzed without
touching this file. Each submission carries the real CSRF token of the page, and runs in a savepoint that is rolled
back, so examples do not see each other's writes.

FUZZ_EXAMPLES raises the number of examples per form for a longer run by hand.
"""
import io
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import db
from tests import factories
from tests.helpers import field_errors
from tests.test_url_map import (  # noqa: F401  (cast is a fixture)
    _model_for,
    cast,
    fill_arguments,
    undone,
    walkable_rules,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
#: Forms not worth fuzzing: signing out ends the session the walk runs in; signing in is for anonymous visitors.
SKIPPED = {"auth.logout", "auth.login"}
#: GET routes that are files, not pages with forms (opening them only costs time).
NOT_PAGES = {"calendar_feed.feed_ics", "iati.activities"}

# ------------------------------------------------------------------ payloads
SCRIPT = '<script>alert("palermo")</script>'
IMG = '"><img src=x onerror=alert(1)>'
MARKUP = [SCRIPT, IMG, "<b>bold</b>", "javascript:alert(1)", "{{ 7*7 }}", "&lt;script&gt;", "<!--"]
SQL = ["' OR 1=1 --", "'; DROP TABLE users; --", '" OR ""="', "%", "_", "\\", "1; SELECT pg_sleep(1)"]
SCRIPTS = ["Ḿüñchen", "東京都", "مرحبا بالعالم", "Привет", "ሰላም", "👩🏽‍⚖️🇧🇴", "\u202egnp.exe", "a\u200bb", "Z̷̢͉a̴l̷g̵o"]
ENORMOUS = ["x" * 100_000, "é" * 20_000, "\n" * 5_000]
BLANKS = ["", " ", "\t\n", "\u00a0"]
DATES = ["2003-02-30", "2003-13-01", "0000-00-00", "9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01",
         "30/02/2003", "2003-2-3", "yesterday", "2003-07-02", "2003-07-02T10:00"]
NUMBERS = ["-1", "0", "-99999999999999999999", "99999999999999999999999999", "1e309", "NaN", "-0", "1.5",
           "Infinity", "0x10", "1,000", "12"]
UNKNOWN_IDS = ["999999", "2147483648", "-1", "0", "none", "abc"]

TEXT = st.one_of(st.sampled_from(MARKUP + SQL + SCRIPTS + ENORMOUS + BLANKS),
                 st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
#: What a hostile string may become on a page where it is shown escaped: the raw form must never be there.
RAW_MARKUP = [SCRIPT, IMG, "<b>bold</b>"]


# ------------------------------------------------------------------ forms as the HTML declares them
@dataclass
class Field:
    name: str
    kind: str  # text, textarea, number, date, email, password, hidden, select, checkbox, radio, file, month
    value: str = ""
    options: list = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    page: str
    fields: dict = field(default_factory=dict)
    #: Other actions the same fields are posted to (buttons with `formaction`).
    also: list = field(default_factory=list)

    def csrf(self) -> str | None:
        f = self.fields.get("csrf_token")
        return f.value if f else None


class _FormParser(HTMLParser):
    """The POST forms of a page and their fields."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.form, self.select, self.textarea = page, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.form = Form(action=a.get("action") or self.page, page=self.page)
            self.forms.append(self.form)
        if tag == "button" and self.form is not None and a.get("formaction"):
            self.form.also.append(a["formaction"])  # a button that posts the same fields elsewhere
        if self.form is None or not a.get("name"):
            return
        name, fields = a["name"], self.form.fields
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio"):
                existing = fields.setdefault(name, Field(name, kind, [] if kind == "checkbox" else "",
                                                         multiple=kind == "checkbox"))
                existing.options.append(a.get("value") or "y")
                if "checked" in a:
                    if existing.multiple:
                        existing.value.append(a.get("value") or "y")
                    else:
                        existing.value = a.get("value") or "y"
                return
            fields[name] = Field(name, kind, a.get("value") or "")
        elif tag == "select":
            multiple = "multiple" in a
            self.select = fields[name] = Field(name, "select", [] if multiple else "", multiple=multiple)
        elif tag == "textarea":
            self.textarea = fields[name] = Field(name, "textarea")

    def handle_data(self, data):
        if self.textarea is not None:
            # A browser drops the newline right after <textarea>.
            self.textarea.value += data if self.textarea.value else data.removeprefix("\r\n").removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            if self.select is not None and not self.select.multiple and not self.select.value and self.select.options:
                self.select.value = self.select.options[0]  # what a browser sends when nothing is selected
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def unknown_decl(self, data):  # pragma: no cover - HTML5 pages have none
        pass


class _OptionParser(_FormParser):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self.select is not None:
            a = dict(attrs)
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                if self.select.multiple:
                    self.select.value.append(a.get("value", ""))
                else:
                    self.select.value = a.get("value", "")
            return
        super().handle_starttag(tag, attrs)


def post_forms(page: str, body: str) -> list[Form]:
    parser = _OptionParser(page)
    parser.feed(body)
    forms = []
    for form in parser.forms:
        forms.append(form)
        forms += [Form(action=action, page=page, fields=form.fields) for action in form.also if action != form.action]
    return forms


#: Records of one kind whose pages are opened, newest first, to meet the forms that depend on a record's state.
RECORDS_PER_PAGE_KIND = 12


def _pages(rule):
    """The URLs of a GET rule to open: with its first record (tests.test_url_map.fill_arguments) and, when it names
    a record by its id, with the newest others too (a request's moves are offered in some statuses only)."""
    values, _missing = fill_arguments(rule)
    yield rule.build(values, append_unknown=False)[1]
    ints = [a for a in rule.arguments if f"<int:{a}>" in rule.rule]
    if len(ints) != 1:
        return
    parts = rule.rule.strip("/").split("/")
    index = next(i for i, p in enumerate(parts) if p == f"<int:{ints[0]}>")
    model = _model_for(parts[index - 1]) if index else None
    if model is None:
        return
    for row_id in db.session.scalars(sa.select(model.id).order_by(model.id.desc()).limit(RECORDS_PER_PAGE_KIND)):
        yield rule.build({**values, ints[0]: row_id}, append_unknown=False)[1]


def discover(app, client) -> dict:
    """endpoint -> Form: the first POST form found for each POST route, on any GET page the client may open."""
    adapter = app.url_map.bind("localhost")
    client.get("/")  # a page with a form puts the CSRF secret in the session, and the walk's undo keeps it
    found: dict[str, Form] = {}
    for rule in walkable_rules(app):
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint in NOT_PAGES:
            continue
        for page in dict.fromkeys(_pages(rule)):
            with undone(client):
                response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in post_forms(page, response.get_data(as_text=True)):
                target = urlsplit(form.action)
                try:
                    endpoint, _args = adapter.match(target.path, method="POST")
                except (NotFound, MethodNotAllowed):
                    continue
                if endpoint not in SKIPPED and endpoint not in found:
                    found[endpoint] = form
    return found


# ------------------------------------------------------------------ values
def strategy_for(f: Field):
    """Hostile values for the field, and now and then the page's own value (so that the rest of a submission is
    near enough to valid for one bad field to be the reason it is refused)."""
    if f.name == "csrf_token":
        return st.just(f.value)
    if f.kind != "file":
        return st.one_of(st.just(f.value), _hostile(f))
    return _hostile(f)


def _hostile(f: Field):
    if f.kind in ("checkbox", "radio"):
        pick = st.lists(st.sampled_from(f.options + UNKNOWN_IDS[:2]), max_size=3) if f.multiple else \
            st.sampled_from(f.options + ["", *UNKNOWN_IDS[:2]])
        return pick
    if f.kind == "select":
        one = st.one_of(st.sampled_from(f.options or [""]), st.sampled_from(UNKNOWN_IDS + SQL[:2] + MARKUP[:2]))
        return st.lists(one, max_size=3) if f.multiple else one
    if f.kind in ("date", "month"):
        return st.one_of(st.sampled_from(DATES), TEXT)
    if f.kind == "number":
        return st.one_of(st.sampled_from(NUMBERS), st.integers(-10**30, 10**30).map(str), TEXT)
    if f.kind == "hidden":
        return st.one_of(st.just(f.value), st.sampled_from(UNKNOWN_IDS + NUMBERS[:3]), TEXT)
    if f.kind == "file":
        return st.sampled_from([b"", SCRIPT.encode(), "Participant,Signature\n東京,30 Feb 2003\n".encode(),
                                b"\xff\xfe\x00bad", b"x" * 50_000])
    return TEXT  # text, textarea, email, password, search, url, tel…


def _as_formdata(form: Form, values: dict) -> dict:
    data = {}
    for name, value in values.items():
        if form.fields[name].kind == "file":
            data[name] = (io.BytesIO(value if isinstance(value, bytes) else value.encode()), "fuzz.csv")
        elif value == "" and form.fields[name].kind in ("checkbox", "radio"):
            continue  # an unticked box is not sent
        else:
            data[name] = value
    return data


# ------------------------------------------------------------------ the database, row by row
def dump_database() -> dict:
    """Every row of every table, in primary-key order: what a refused submission must leave as it was."""
    db.session.flush()
    out = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [tuple(row) for row in db.session.execute(sa.select(table).order_by(*order))]
    return out


def difference(before: dict, after: dict) -> list[str]:
    changed = []
    for name in before:
        if before[name] != after[name]:
            was, now = set(map(repr, before[name])), set(map(repr, after[name]))  # JSON columns: dicts
            changed.append(f"{name}: -{sorted(was - now)[:2]} +{sorted(now - was)[:2]}")
    return changed


# ------------------------------------------------------------------ checks
def _raw_markup(body: str) -> list[str]:
    return [m for m in RAW_MARKUP if m in body]


def _refusal_says_why(body: str) -> bool:
    """A message beside a field, above the form, or on an error page."""
    return bool(field_errors(body)) or 'role="alert"' in body or "invalid-feedback" in body


@dataclass
class Tally:
    cases: int = 0
    refused: int = 0
    accepted: int = 0
    problems: list = field(default_factory=list)


def submit(client, endpoint: str, form: Form, values: dict, tally: Tally, before: dict) -> None:
    """One submission, undone afterwards; what went wrong is added to `tally.problems`. `before` is the database as
    every submission of the form finds it (each is undone, so one reading serves them all)."""
    tally.cases += 1
    with undone(client):
        response = client.post(urlsplit(form.action).path, data=_as_formdata(form, values),
                               content_type="multipart/form-data" if any(
                                   f.kind == "file" for f in form.fields.values()) else None,
                               query_string=urlsplit(form.action).query)
        status, body = response.status_code, response.get_data(as_text=True)
        short = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in values.items()
                 if k != "csrf_token"}
        where = f"{endpoint} {status} {short}"
        if status >= 500:
            tally.problems.append(f"{where}: server error")
            return
        if response.mimetype == "text/html" and _raw_markup(body):
            tally.problems.append(f"{where}: markup shown unescaped {_raw_markup(body)}")
        if status in (200, 201) and not _refusal_says_why(body):
            tally.accepted += 1  # shown at once (a token or a password shown only once)
            return
        if status in (301, 302, 303):
            tally.accepted += 1
            location = response.headers.get("Location", "")
            if urlsplit(location).path not in ("/login",):
                shown = client.get(location)
                if shown.status_code >= 500:
                    tally.problems.append(f"{where}: the page after it answers {shown.status_code}")
                elif shown.mimetype == "text/html" and _raw_markup(shown.get_data(as_text=True)):
                    tally.problems.append(f"{where}: markup shown unescaped after saving")
            return
        tally.refused += 1
        changed = difference(before, dump_database())
        if changed:
            tally.problems.append(f"{where}: refused, yet the database changed: {changed}")
        shown_page = status in (200, 400, 409, 412, 413, 422) and response.mimetype == "text/html"
        if shown_page and not _refusal_says_why(body):
            tally.problems.append(f"{where}: refused without a message")


def fuzz_form(client, endpoint: str, form: Form, tally: Tally, examples: int) -> None:
    strategies = {name: strategy_for(f) for name, f in form.fields.items()}
    fixed = [
        {name: (f.value if name == "csrf_token" else "") for name, f in form.fields.items()},  # every field empty
        {name: (f.value if name == "csrf_token" else b"" if f.kind == "file" else SCRIPT)
         for name, f in form.fields.items()},  # markup everywhere
    ]
    # The page's own values (valid on an edit page) with markup, other scripts and SQL in every text: accepted
    # where the form takes free text, and then shown escaped.
    text = f'{SCRIPT} {IMG} Ḿüñchen 東京 👩🏽‍⚖️ {SQL[1]}'
    fixed.append({name: (text if f.kind in ("text", "textarea") and name != "csrf_token" else
                         b"" if f.kind == "file" else f.value) for name, f in form.fields.items()})
    # Read once: every submission is undone, so each finds the database as it is now. A write that escaped its undo
    # would show as a change after the next refused submission: a failure still, named one form late.
    before = dump_database()
    for values in fixed:
        submit(client, endpoint, form, values, tally, before)

    @settings(max_examples=examples)  # the rest from the Hypothesis profile (tests/conftest.py)
    @given(st.fixed_dictionaries(strategies))
    def run(values):
        submit(client, endpoint, form, values, tally, before)

    run()


@pytest.fixture()
def admin_client(cast, session):
    """The admin's client, with records in the states that bring out every form: a request in each status, an
    exchange rate, a contribution of each status, a deactivated account, tokens to revoke."""
    from decimal import Decimal

    from models import ApiToken, CalendarFeedToken, ExchangeRate
    from models.enums import ContributionStatus, RequestStatus
    admin = cast["users"]["admin"]
    for status in RequestStatus:
        factories.request(status=status.value, subject=f"Fuzz {status.value}")
    for status in ContributionStatus:
        factories.contribution(status=status.value)
    session.add(ExchangeRate(currency="EUR", rate=Decimal("1.1"), valid_from=__import__("datetime").date(2003, 1, 1)))
    factories.user("officer", is_active_account=False)
    session.add(ApiToken.issue(admin, "fuzz")[0])
    session.add(CalendarFeedToken.issue(admin)[0])
    _work_loop_records(admin)
    from app.services.notifications import events as notification_events  # issue 28: a notification to mark read
    notification_events.notify(admin, notification_events.NotificationKind.REQUEST_NEW, "Fuzz notification")
    from models import SavedView  # issue 29: a saved view of the admin's, so that its delete form shows
    session.add(SavedView(owner=admin, list_name="requests", name="Fuzz view", query="status=pending"))
    session.commit()
    return cast["clients"]["admin"]


def _work_loop_records(admin) -> None:
    """Issue 27's forms: reports in each state of their review (one sent to the admin, so that its approve and return
    forms show), an action and a comment of the admin's."""
    from datetime import date, timedelta

    from app.scoping import EVERYTHING
    from app.services.comments import comment_writes
    from app.services.work import action_writes, report_review, report_writes
    author, manager = factories.user("officer"), factories.user("manager")
    reports = {}
    for status in ("draft", "submitted", "approved"):
        activity = factories.activity(status="under_way", title=f"Fuzz report {status}")
        reports[status] = report_writes.save(activity, None, report_writes.ReportData(summary="<p>Done.</p>"), author)
    for status in ("submitted", "approved"):
        report = reports[status]
        report_review.submit(report, [manager.id], None, author, report.version)
        report.approvers.append(admin)
    report_review.approve(reports["approved"], None, manager, reports["approved"].version)
    action_writes.create(EVERYTHING, action_writes.ActionData(
        description="Fuzz action", owner_id=admin.id, due_date=date.today() + timedelta(days=3), state="ROU"),
        admin, date.today())
    comment_writes.add("activity", reports["draft"].activity, "Fuzz comment", admin)


#: The forms are fuzzed in this many tests (each finds the forms again, with its own session's CSRF tokens), so
#: that pytest-xdist spreads them over the cores.
SHARDS = 3


def assert_every_post_route_has_its_form_found(app, forms: dict) -> None:
    # The API's writes take JSON, not forms: schemathesis fuzzes them (tests/test_fuzz_api.py).
    post_routes = {r.endpoint for r in walkable_rules(app)
                   if "POST" in r.methods and not r.endpoint.startswith("api.")} - SKIPPED
    missing = post_routes - set(forms)
    print(f"forms found: {len(forms)} of {len(post_routes)} POST routes; on no page: {sorted(missing)}")
    # The forms the app has today; a new one is found the same way. A preview's confirmation needs an upload
    # first (tests/views/test_treaties.py, tests/views/test_sheets.py): the POST routes allowed to be on
    # no page.
    assert {"requests.new", "requests.edit", "requests.approve", "activities.new", "activities.edit",
            "contributions.new", "contributions.allocate", "findings.new", "rates.new", "rates.edit",
            "treaties.new_action", "treaties.imports", "admin.create_user", "queue.assign", "queue.move",
            "saved_views.save", "saved_views.delete"} <= set(forms)
    # The new-password form opens only from an e-mailed link (tests/views/test_own_account.py submits it).
    assert missing <= {"treaties.import_confirm", "sheet_imports.requests_confirm",
                       "sheet_imports.activities_confirm", "account.reset_password"}, \
        f"POST routes with no form on any page: {sorted(missing)}"
    assert all(form.csrf() for form in forms.values()), "a form without its CSRF token"


@pytest.mark.parametrize("shard", range(SHARDS))
def test_hostile_input_on_every_form(app, admin_client, shard):
    """Every SHARDS-th form (by endpoint), from `shard` on: discovery (checked whole by each), then each form."""
    forms = discover(app, admin_client)
    assert_every_post_route_has_its_form_found(app, forms)
    mine = sorted(forms.items())[shard::SHARDS]
    tally = Tally()
    for endpoint, form in mine:
        fuzz_form(admin_client, endpoint, form, tally, EXAMPLES)
    print(f"\nforms fuzzed: {len(mine)}, submissions {tally.cases}, refused {tally.refused} (database compared "
          f"row by row each time), accepted {tally.accepted}")
    assert len(mine) >= 5 and tally.refused > len(mine) and tally.accepted > 0
    assert not tally.problems, "\n".join(tally.problems[:40])
