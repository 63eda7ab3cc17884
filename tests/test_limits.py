"""Limits that fail clearly: bodies over MAX_CONTENT_LENGTH (413 with a message, a page or the API's JSON), the
API's per-token rate limit (429 JSON with Retry-After), and page numbers and sizes out of range on every list
(a 400 naming the parameter, or a clamped page — never a 500)."""
import pytest

from forms.base import FilterForm
from models import ApiToken
from tests.conftest import csrf_token
from tests.helpers import field_errors
from tests.test_url_map import cast, fill_arguments, undone, walkable_rules  # noqa: F401  (cast is a fixture)


# ------------------------------------------------------------------ 413
@pytest.fixture()
def small_bodies(app, monkeypatch):
    """A 2 kB limit, so that the tests send kilobytes rather than megabytes (the limit is read per request)."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    return 2048


def test_a_form_over_the_limit_is_a_413_page_naming_the_limit(client, login_as, small_bodies):
    login_as("officer")
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", data={"csrf_token": token, "subject": "x" * 5000})
    assert response.status_code == 413 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "at most 2,048 bytes is accepted" in page and "this one is" in page


def test_an_upload_over_the_limit_is_a_413(client, login_as, small_bodies):
    login_as("admin")
    token = csrf_token(client, "/treaties/import")
    response = client.post("/treaties/import", data={"csrf_token": token, "instrument": "UNTOC",
                                                     "file": (__import__("io").BytesIO(b"x" * 4096), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["POST", "PATCH", "GET"])
def test_an_api_body_over_the_limit_is_a_413_json_error(client, api_as, small_bodies, method):
    """Whatever the route does with a body (nothing, for a GET), one declared too large is refused first."""
    make = api_as("officer")
    user = make[1]
    token, raw = ApiToken.issue(user, "big")
    from models import db
    db.session.add(token)
    db.session.commit()
    response = client.open("/api/v1/requests", method=method, data=b"{" + b" " * 4096 + b"}",
                           headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "too_large" and "at most 2,048 bytes" in error["message"]


def test_the_default_limit_is_five_megabytes(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024


# ------------------------------------------------------------------ 429
@pytest.fixture()
def three_per_minute(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")


def _bearer(session, user, name="t"):
    token, raw = ApiToken.issue(user, name)
    session.add(token)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_api_callers_are_limited_per_token(client, make_user, session, three_per_minute):
    user, other = make_user("officer"), make_user("officer")
    first, second, others = _bearer(session, user, "one"), _bearer(session, user, "two"), _bearer(session, other)
    answers = [client.get("/api/v1/me", headers=first).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/requests", headers=first)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_requests" and "3 per minute" in error["message"]
    assert "Retry-After" in error["message"]
    # Another token — of the same account or of another — has its own allowance.
    assert client.get("/api/v1/me", headers=second).status_code == 200
    assert client.get("/api/v1/me", headers=others).status_code == 200


def test_session_api_calls_are_limited_per_account(app, client, login_as, three_per_minute):
    login_as("officer")
    assert [client.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/").status_code == 200  # the pages are not under the API's limit
    other = app.test_client()
    from models import db
    from tests.conftest import login
    from tests.factories import user as make
    someone = make("officer")
    db.session.commit()
    assert login(other, someone).status_code == 302
    assert other.get("/api/v1/me").status_code == 200


def test_the_limit_is_configurable_and_documented(app, client, api_as):
    assert app.config["API_RATE_LIMIT"] == "600 per minute"
    get, _user = api_as("officer")
    response = get("/api/v1/me")
    assert response.headers["X-RateLimit-Limit"] == "600"
    responses = get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/requests"]["get"]["responses"]
    assert "Retry-After" in responses["429"]["headers"] and "413" in responses


# ------------------------------------------------------------------ page and page size out of range
OUT_OF_RANGE = [{"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": "1e3"}, {"page": str(10**12)},
                {"page": "1000001"}, {"per_page": "0"}, {"per_page": "-5"}, {"per_page": "501"},
                {"per_page": str(10**9)}, {"per_page": "ten"}, {"page": "2", "per_page": "99999999999999999999"}]
#: Valid but far: a page past the end is an empty page, not an error.
FAR = {"page": "1000000", "per_page": "500"}


def _list_routes(app, cast, monkeypatch):
    """Every GET route that reads a filter form with paging (found by watching which forms a request builds), with
    the client of a role allowed to see it."""
    built = []
    original = FilterForm.__init__

    def watching(self, *args, **kwargs):
        built.append(type(self))
        original(self, *args, **kwargs)
    monkeypatch.setattr(FilterForm, "__init__", watching)
    found = []
    for rule in walkable_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "api.openapi":
            continue
        values, _missing = fill_arguments(rule)
        path = rule.build(values, append_unknown=False)[1]
        for role in ("admin", "manager", "donor_a"):
            client = cast["clients"][role]
            built.clear()
            with undone(client):
                status = client.get(path).status_code
            if status == 200 and built:  # a list this role may read (not a 404 of a made-up path value)
                found.append((path, role, client))
                break
    return found


def _says_what_is_wrong(response, name: str) -> bool:
    """A message beside the field, in the list's alert of paging errors (templates/_macros/forms.html), or on the
    error page of an export."""
    body = response.get_data(as_text=True)
    label = {"page": "Page", "per_page": "Per page"}[name]
    return (bool(field_errors(body, name)) or ('alert-danger' in body and f"<li>{label}: " in body)
            or f'role="alert">{name}: ' in body)  # an error page naming the parameter (a file has no form)


def test_every_list_refuses_or_clamps_pages_out_of_range(app, cast, monkeypatch):
    routes = _list_routes(app, cast, monkeypatch)
    paths = {path for path, _role, _client in routes}
    assert {"/requests/", "/activities/", "/api/v1/requests", "/api/v1/missions", "/api/v1/contributions",
            "/queue", "/admin/users"} <= paths, paths
    problems = []
    for path, role, client in routes:
        for params in [*OUT_OF_RANGE, FAR]:
            with undone(client):
                response = client.get(path, query_string=params)
            where = f"{role} {path} {params}: {response.status_code}"
            if response.status_code >= 500:
                problems.append(where)
            elif params is FAR:
                if response.status_code != 200:
                    problems.append(f"{where}, expected an empty page")
            elif response.status_code == 400:
                name = next(iter(params)) if len(params) == 1 else "per_page"
                if path.startswith("/api/"):
                    fields = (response.get_json(silent=True) or {}).get("error", {}).get("fields", {})
                    if name not in fields:
                        problems.append(f"{where} without a message for {name}: {fields}")
                elif response.mimetype == "text/html" and not _says_what_is_wrong(response, name):
                    problems.append(f"{where} without a message about {name}")
            elif response.status_code != 200:
                problems.append(f"{where}, expected 400 or a clamped page")
    assert len(routes) >= 15
    assert not problems, "\n".join(problems)
