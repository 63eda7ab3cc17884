"""THE WALK: every route of the url_map × every method × anonymous, officer, manager, donor A, donor B, admin.

Generic on purpose: a route added without a permission decorator fails here, and so does one whose answer does not
match the permission it declares —
- anonymous: a page redirects to /login, the API answers 401;
- signed in without the permission: 403;
- signed in with it: neither 401 nor 403 (200, 302, 400, 404, 405 are all fine: ids may not exist, forms are
  empty), and 404 where the URL names a record that does not exist;
- never a 500, the security headers on every answer, and no inline script or style on any page.
Every request runs in a savepoint that is rolled back and with the session cookie restored afterwards, so a POST
(deactivating an account, signing out) cannot change what the next request meets.

Plus the donor leak check: donor A and donor B compared record by record (tests/scoping_probes.py).
"""
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.permissions import AUTHENTICATED, PUBLIC, Permission, has_permission
from models import (
    Activity,
    ActivityVisit,
    ApiToken,
    AssistanceRequest,
    ExchangeRate,
    FollowUpAction,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    Organization,
    db,
)
from tests import scoping_probes
from tests.conftest import PASSWORD, csrf_token, login
from tests.test_security import assert_no_inline_code, assert_security_headers

ROLES = ["anonymous", "officer", "manager", "donor_a", "donor_b", "admin"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
#: Flask's and Bootstrap-Flask's static files: public by nature, and not views of ours.
UNDECORATED = {"static", "bootstrap.static"}
MISSING_ID = 999999

#: The path segment before an argument -> the model it names, where the segment is not the model's table name.
#: Extend it when a new route names a record by a segment this cannot guess.
SEGMENT_MODELS = {"missions": Activity, "activities": Activity, "requests": AssistanceRequest,
                  "queue": AssistanceRequest, "states": MemberState, "tokens": ApiToken, "visits": ActivityVisit,
                  "findings": LegislativeFinding, "issues": LegislativeIssue, "organizations": Organization,
                  "donors": Organization, "partners": Organization, "rates": ExchangeRate,
                  "actions": FollowUpAction}


def _model_for(segment: str):
    if segment in SEGMENT_MODELS:
        return SEGMENT_MODELS[segment]
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == segment:
            return mapper.class_
    return None


def fill_arguments(rule) -> tuple[dict, bool]:
    """URL values for `rule`: a real row's id (or code) where the segment before the argument names a model, else
    999999 for an id. Returns the values and whether a made-up id was used (a 404 is then expected)."""
    values, missing = {}, False
    parts = rule.rule.strip("/").split("/")
    for argument in rule.arguments:
        index = next(i for i, p in enumerate(parts) if re.fullmatch(rf"<(?:[a-z]+:)?{argument}>", p))
        model = _model_for(parts[index - 1]) if index else None
        is_int = f"<int:{argument}>" in rule.rule
        if is_int:
            row_id = db.session.scalar(sa.select(sa.func.min(model.id))) if model is not None else None
            values[argument] = row_id if row_id is not None else MISSING_ID
            missing = missing or (row_id is None and argument.endswith("id"))
        elif model is not None and hasattr(model, argument):
            values[argument] = db.session.scalar(sa.select(getattr(model, argument)).order_by(model.id).limit(1))
        else:
            values[argument] = "x"
    return values, missing


def walkable_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in UNDECORATED), key=lambda r: r.rule)


@contextmanager
def undone(client):
    """Whatever the request writes to the database or to the session cookie is undone afterwards."""
    connection = db.session.get_bind()
    db.session.commit()
    savepoint = connection.begin_nested()
    cookie = client.get_cookie("session")
    try:
        yield
    finally:
        db.session.rollback()
        if savepoint.is_active:
            savepoint.rollback()
        db.session.expire_all()
        if cookie is None:
            client.delete_cookie("session")
        else:
            client.set_cookie("session", cookie.value)


@pytest.fixture()
def cast(app, make_user, session):
    """One signed-in client per role (donors A and B bound to two donors with their own contributions)."""
    side_a, side_b, shared = scoping_probes.build_two_donors(PASSWORD)
    users = {"officer": make_user("officer"), "manager": make_user("manager"), "admin": make_user("admin"),
             "donor_a": side_a.user, "donor_b": side_b.user}
    _token, _raw = ApiToken.issue(users["officer"], "walk")
    session.add(_token)
    session.commit()
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert login(client, users[role]).status_code == 302, role
        clients[role] = client
    return {"users": users, "clients": clients, "sides": (side_a, side_b, shared)}


def _expectation(permission, user, is_api: bool, missing: bool):
    if permission == PUBLIC:
        return "public"
    if user is None:
        return "401" if is_api else "login"
    if not has_permission(user, permission):
        return "403"
    return "404" if missing else "allowed"


def _check(expect: str, response) -> str | None:
    status = response.status_code
    target = urlsplit(response.headers.get("Location", ""))
    location = target.path
    # Flask-Login's way of turning someone away: to the login page, with the page asked for as `next`.
    turned_away = status == 302 and location == "/login" and "next=" in target.query
    if status >= 500:
        return f"{status} (server error)"
    if expect == "login" and not (status == 302 and location == "/login"):
        return f"{status} {location}, expected a redirect to /login"
    if expect == "401" and status != 401:
        return f"{status}, expected 401"
    if expect == "403" and status != 403:
        return f"{status}, expected 403"
    if expect in ("allowed", "public", "404"):
        if status in (401, 403) or turned_away:
            return f"{status} {location}, but the permission is held"
        if expect == "404" and status != 404:
            return f"{status}, expected 404 for a record that does not exist"
    return None


def test_every_view_declares_its_permission(app):
    missing = [r.endpoint for r in walkable_rules(app)
               if not hasattr(app.view_functions[r.endpoint], "required_permission")]
    assert not missing, f"views without @permission_required / @login_required / @public: {missing}"
    for rule in walkable_rules(app):
        permission = app.view_functions[rule.endpoint].required_permission
        assert permission in (PUBLIC, AUTHENTICATED) or isinstance(permission, Permission), rule.endpoint


def test_only_the_login_page_is_public(app):
    public = {r.endpoint for r in walkable_rules(app)
              if getattr(app.view_functions[r.endpoint], "required_permission", None) == PUBLIC}
    # CONTRACT: anonymous users see the login page only — and, named by issue 28, the forgotten-password pages, and
    # by issue 30 the language switcher of the sign-in page (a POST that only chooses the session's language)
    assert public == {"auth.login", "account.forgot_password", "account.reset_password", "account.language"}


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_route_and_method(app, cast, role):
    client = cast["clients"][role]
    user = cast["users"].get(role)
    headers = {"X-CSRFToken": csrf_token(client, "/login" if user is None else "/")}
    problems, walked = [], 0
    for rule in walkable_rules(app):
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        if permission is None:
            problems.append(f"{rule.endpoint}: no required_permission")
            continue
        values, missing = fill_arguments(rule)
        url = rule.build(values, append_unknown=False)[1]
        for method in METHODS:
            if method not in rule.methods:
                continue
            expect = _expectation(permission, user, rule.rule.startswith("/api/"), missing)
            with undone(client):
                response = client.open(url, method=method, headers=headers)
            walked += 1
            problem = _check(expect, response)
            if problem:
                problems.append(f"{role} {method} {url} [{permission}]: {problem}")
            try:
                assert_security_headers(response)
                if response.mimetype == "text/html":
                    assert_no_inline_code(response.get_data(as_text=True), url)
            except AssertionError as exc:
                problems.append(f"{role} {method} {url}: {exc}")
    assert walked >= 10
    assert not problems, "\n".join(problems)


def test_walk_answers_wrong_methods_with_405(app, cast):
    """A method a route does not take is a 405, never a 500 — for everyone."""
    client = cast["clients"]["admin"]
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    adapter = app.url_map.bind("localhost")
    for rule in walkable_rules(app):
        values, _ = fill_arguments(rule)
        url = rule.build(values, append_unknown=False)[1]
        # Several rules may share a URL (GET and POST /api/v1/requests): the URL's methods are all of theirs.
        for method in set(METHODS) - set(adapter.allowed_methods(url.split("?")[0])):
            with undone(client):
                response = client.open(url, method=method, headers=headers)
            assert response.status_code == 405, (method, url, response.status_code)


def test_every_state_changing_route_refuses_a_missing_csrf_token(app, cast):
    """Generic: no POST/PUT/PATCH/DELETE route is exempt from CSRF for a browser session (the account holding
    every permission, so the answer is the CSRF refusal and not a 403)."""
    client = cast["clients"]["admin"]
    for rule in walkable_rules(app):
        values, _ = fill_arguments(rule)
        url = rule.build(values, append_unknown=False)[1]
        for method in set(METHODS) & rule.methods - {"GET"}:
            with undone(client):
                response = client.open(url, method=method, data={"email": "x@example.test"})
            assert response.status_code == 400, (method, url, response.status_code)
            assert "CSRF" in response.get_data(as_text=True), (method, url)


def test_a_new_undecorated_route_would_fail_the_walk(app):
    """The walk's own check, on a route that forgot its decorator (built on a separate app)."""
    from app import create_app
    other = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")

    @other.get("/forgotten")
    def forgotten():  # pragma: no cover - never requested
        return "open to all"

    assert [r.endpoint for r in walkable_rules(other)
            if not hasattr(other.view_functions[r.endpoint], "required_permission")] == ["forgotten"]


@pytest.mark.parametrize("me, other", [(0, 1), (1, 0)], ids=["donor A vs B", "donor B vs A"])
def test_a_donor_never_sees_the_other_donors_records(app, cast, me, other):
    sides = cast["sides"]
    mine, theirs, shared = sides[me], sides[other], sides[2]
    client = cast["clients"]["donor_a" if me == 0 else "donor_b"]
    scanned = []
    problems = scoping_probes.check_api_lists(client, mine, theirs, shared)
    problems += scoping_probes.check_pages(client, mine, theirs, scanned)
    assert not problems, "\n".join(problems)
    # The probe really went through the donor's pages, including one naming the other donor's record.
    assert "/api/v1/contributions" in scanned and f"/api/v1/contributions/{min(theirs.own['contribution'])}" in scanned
    # …and its portal, statements and IATI file, plain and asked for the other donor by id.
    donor_id = min(theirs.own["donor"])
    for path in ("/funding/", "/funding/statement", "/funding/statement.csv", "/funding/statement.xlsx", "/iati.xml"):
        assert path in scanned and f"{path}?donor={donor_id}" in scanned, path
    assert f"/funding/donors/{donor_id}" in scanned


def test_the_query_layer_scopes_donors(cast, session):
    """app.scoping's Scope itself, under every page, API list and export."""
    from app import scoping
    from models import Contribution
    side_a, side_b, shared = cast["sides"]
    for me, other in ((side_a, side_b), (side_b, side_a)):
        scope = scoping.for_user(me.user)
        contributions = set(session.scalars(sa.select(Contribution.id).where(scope.contributions())))
        activities = set(session.scalars(sa.select(Activity.id).where(scope.activities())))
        states = set(session.scalars(sa.select(MemberState.id).where(scope.states())))
        assert contributions == me.own["contribution"]
        assert activities == me.own["activity"] | {shared}
        assert me.own["state"] <= states and not (other.own["state"] & states)


def test_roles_hold_what_the_contract_gives_them():
    """CONTRACT.md's roles, as the permission table the walk's expectations come from."""
    from app.permissions import ROLE_PERMISSIONS
    from models.enums import Role
    P = Permission
    donor, officer, manager, admin = (ROLE_PERMISSIONS[r] for r in (Role.DONOR, Role.OFFICER, Role.MANAGER,
                                                                     Role.ADMIN))
    staff_only = {P.VIEW_REQUESTS, P.EDIT_REQUESTS, P.DECIDE_REQUESTS, P.VIEW_EXPERT_CONTACTS, P.VIEW_AUDIT,
                  P.MANAGE_USERS, P.MANAGE_REFERENCE, P.VIEW_TREATY_REPORTS}
    assert not donor & staff_only and not any(p.value.startswith(("edit_", "import_")) for p in donor)
    assert {P.VIEW_REQUESTS, P.EDIT_REQUESTS, P.EDIT_EXPERTS, P.EDIT_ISSUES, P.EDIT_ACTIVITIES} <= officer
    assert P.DECIDE_REQUESTS not in officer and P.MANAGE_USERS not in officer
    assert officer < manager and P.DECIDE_REQUESTS in manager and P.MANAGE_USERS not in manager
    assert {P.MANAGE_USERS, P.MANAGE_REFERENCE} <= admin


def test_every_permission_guards_some_route(app):
    """A permission nothing asks for is dead: either a page is missing or the permission should go. Routes declare
    theirs; per-object checks in views (`require(...)` after loading the record) and per-field ones (`can(...)`,
    `has_permission(...)` deciding what part of a record is shown) count too."""
    import re
    from pathlib import Path
    declared = {app.view_functions[r.endpoint].required_permission for r in walkable_rules(app)}
    root = Path(__file__).resolve().parents[1]
    source = "\n".join(p.read_text() for folder, pattern in (("app/views", "*.py"), ("app/api", "*.py"),
                                                             ("templates", "**/*.html"))
                       for p in (root / folder).glob(pattern))
    checked = {Permission[name] for name in
               re.findall(r"(?:require|can|has_permission)\([^)]*?(?:Permission|P)\.([A-Z_]+)", source)}
    unused = sorted(p.name for p in Permission if p not in declared | checked)
    assert not unused, f"permissions no route requires: {unused}"
