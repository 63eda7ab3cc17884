"""Issue 25, item 2: bodies refused, not crashed on — JSON nested past JSON_MAX_DEPTH (checked on the raw bytes before
parsing), lone surrogates and NUL characters, in every write route of the API and every form of the pages.

The API's write routes are found in the url_map (every /api/ rule taking POST, PUT or PATCH, with its arguments
filled from real records and the record's current ETag in If-Match, so that the body is what is judged); the
forms as tests/test_fuzz_forms.py finds them (every POST form on every page). Each answer must be no 5xx, every
table must be as it was, and a refusal must name the field: in the JSON error's `fields` for the API, beside the
field for a page's form.
"""
import html
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.formats import json_bodies
from forms.base import unstorable_message
from tests.test_fuzz_forms import SHARDS, admin_client, difference, discover, dump_database  # noqa: F401
from tests.test_url_map import cast, fill_arguments, undone, walkable_rules  # noqa: F401  (cast is a fixture)

WRITES = {"POST", "PUT", "PATCH"}
#: Answers that come before the body is read: the route's own refusals (no permission, no such record, the record's
#: state does not allow the move, a stale version). Anything else must be the body's 400.
BEFORE_THE_BODY = {403, 404, 405, 409, 412, 415, 428}
SURROGATE = "\ud800"
NUL = "\x00"


# ------------------------------------------------------------------ the scanner itself
def test_the_depth_is_counted_outside_strings_and_stops_at_the_limit():
    assert json_bodies.depth(b'{"a": [1, {"b": "[[[[{{{{"}]}', 32) == 3
    assert json_bodies.depth(b'["\\"[[[["]', 1) == 1  # an escaped quote does not end the string
    with pytest.raises(json_bodies.TooDeep, match="JSON_MAX_DEPTH"):
        json_bodies.depth(b"[" * 33 + b"]" * 33, 32)
    with pytest.raises(json_bodies.TooDeep):  # a million levels: refused at the 33rd, before any parser
        json_bodies.depth(b"[" * 1_000_000, 32)
    assert json_bodies.depth(b"[" * 32 + b"]" * 32, 32) == 32


def test_unstorable_text_is_named_where_it_is():
    found = json_bodies.unstorable_text({"title": "ok", "notes": "a\x00b", "visits": [{"city": "\ud800"}],
                                         "states": ["BOL", "\udfff"], "k\x00": 1})
    assert set(found) == {"notes", "visits-0-city", "states-1", "k\ufffd"}
    assert "NUL" in found["notes"] and "surrogate" in found["visits-0-city"]
    assert unstorable_message("fine") is None and "NUL" in unstorable_message("\x00")


# ------------------------------------------------------------------ the API
def _write_routes(app):
    return [rule for rule in walkable_rules(app) if rule.rule.startswith("/api/") and rule.methods & WRITES
            and not rule.rule.endswith("/attachments")]  # multipart, not JSON: a file (tests/test_upload_limits.py)


def _if_match(client, path: str) -> dict:
    """The current ETag of the record the path writes to (its own GET, or its parent's)."""
    for candidate in (path, path.rsplit("/", 1)[0], path.rsplit("/", 2)[0]):
        answer = client.get(candidate)
        if answer.status_code == 200 and answer.headers.get("ETag"):
            return {"If-Match": answer.headers["ETag"]}
    return {}


def _fields_of(app, client, rule, method) -> list[str]:
    """The body's properties as the OpenAPI document declares them for this operation."""
    document = client.get("/api/v1/openapi.json").get_json()
    template = rule.rule.removeprefix("/api/v1")
    for arg in rule.arguments:
        template = template.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
    operation = document["paths"].get(template, {}).get(method.lower(), {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


def _hostile_bodies(fields: list[str]):
    """(what, raw body, the field its refusal must name or None)."""
    yield "a million brackets", b"[" * 1_000_000 + b"]" * 1_000_000, None
    yield "an object 40 deep", (b'{"x": ' * 40 + b"1" + b"}" * 40), None
    for name in fields or ["subject"]:
        for what, value in (("lone surrogate", SURROGATE), ("NUL", NUL)):
            yield f"{what} in {name}", json.dumps({name: f"a{value}b"}).encode(), name
        yield f"lone surrogate in a list in {name}", json.dumps({name: ["x", SURROGATE]}).encode(), f"{name}-1"


@pytest.fixture()
def api_admin(app, cast, session):
    """A client calling with the admin's bearer token of scope read write (no cookie, so no CSRF token)."""
    from models import ApiToken
    token, raw = ApiToken.issue(cast["users"]["admin"], "hostile bodies", scope="read write")
    session.add(token)
    session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_every_write_route_of_the_api_refuses_hostile_json(app, api_admin):
    client = api_admin
    problems, judged, routes = [], 0, _write_routes(app)
    before_body: dict[str, set] = {}
    judged_routes: set[str] = set()
    assert len(routes) >= 10, [r.rule for r in routes]
    # Read once: each body is sent inside an undo, so each finds the database as it is now — after the token's first
    # use is noted (written once an hour at most: the GETs between the bodies then write nothing).
    client.get("/api/v1/openapi.json")
    before = dump_database()
    for rule in routes:
        values, _missing = fill_arguments(rule)
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods & WRITES):
            headers = _if_match(client, path) if rule.arguments else {}
            for what, body, field in _hostile_bodies(_fields_of(app, client, rule, method)):
                with undone(client):
                    answer = client.open(path, method=method, data=body, content_type="application/json",
                                         headers=headers)
                    changed = difference(before, dump_database())
                where = f"{method} {path} {what}: {answer.status_code}"
                error = (answer.get_json(silent=True) or {}).get("error", {})
                if answer.status_code >= 500:
                    problems.append(f"{where} server error")
                elif changed:
                    problems.append(f"{where} changed {changed}")
                elif answer.status_code in BEFORE_THE_BODY:
                    before_body.setdefault(f"{method} {path}", set()).add(answer.status_code)
                    continue
                elif answer.status_code != 400 or not error.get("message"):
                    problems.append(f"{where} not a 400 JSON error: {answer.get_data(as_text=True)[:200]}")
                else:
                    judged += 1
                    judged_routes.add(f"{method} {path}")
                    if field is not None and field not in error.get("fields", {}):
                        problems.append(f"{where} does not name {field}: {error}")
                    if field is None and error.get("code") != "too_deep":
                        problems.append(f"{where} not refused for its depth: {error}")
    assert not problems, "\n".join(problems[:40])
    print(f"hostile bodies judged: {judged} on {len(judged_routes)} of {len(routes)} routes; answered before the "
          f"body: {before_body}")
    # The bodies were read on most routes, not refused before (a record in a state that refuses the move, say).
    assert len(judged_routes) >= 2 * len(routes) // 3, before_body


def test_a_lone_surrogate_in_a_valid_body_is_a_400_naming_the_field(app, api_admin):
    """The issue's case: the rest of the body valid, one text field holding "\\ud800"."""
    client = api_admin
    body = {"state": "BOL", "instruments": ["UNTOC"], "kind": "training", "subject": "Fine" + SURROGATE}
    assert client.get("/api/v1/me").status_code == 200  # the token's first use is noted (bookkeeping) before
    before = dump_database()
    answer = client.post("/api/v1/requests", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 400 and "subject" in answer.get_json()["error"]["fields"]
    assert difference(before, dump_database()) == []


def test_the_depth_limit_is_the_configured_one(app, api_admin, monkeypatch):
    client = api_admin
    monkeypatch.setitem(app.config, "JSON_MAX_DEPTH", 2)
    answer = client.post("/api/v1/requests", data=b'{"subject": [[["x"]]]}', content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "too_deep"
    assert "2 levels" in answer.get_json()["error"]["message"]


# ------------------------------------------------------------------ every form of the pages
def test_every_form_of_the_app_is_an_app_form():
    """forms.base.AppForm takes what no text may hold out of a post and names the field: a form deriving from
    Flask-WTF's FlaskForm directly would hand a NUL to its validators and the database."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import forms
    from forms.base import AppForm
    for module in pkgutil.walk_packages(forms.__path__, "forms."):
        importlib.import_module(module.name)
    found, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if cls.__module__.startswith(("forms.", "app.")):
            found.append(cls)
    assert len(found) > 20
    assert [c.__qualname__ for c in found if not issubclass(c, AppForm)] == []


def _beside(body: str, name: str) -> bool:
    """The NUL's message beside the field `name` (its id may carry a prefix where one page shows several forms
    with the same fields, as the report's review forms do)."""
    pattern = rf'<div id="(?:[\w-]+-)?{re.escape(name)}-error" class="invalid-feedback[^"]*">([^<]*)<'
    messages = re.findall(pattern, body)
    return any("NUL" in html.unescape(m) for m in messages)


TEXT_KINDS = {"text", "textarea", "email", "password", "search", "url", "tel", "number", "date", "month"}
NEAR = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_shows_a_nul_beside_its_field(app, admin_client, shard):
    """Each text field of every form, in turn, with a NUL somewhere in what Hypothesis draws (the other fields as the
    page filled them): no 5xx, nothing written, and the form shown again with the message beside that field."""
    forms = sorted(discover(app, admin_client).items())[shard::SHARDS]
    cases = [(endpoint, form, name) for endpoint, form in forms for name, f in form.fields.items()
             if f.kind in TEXT_KINDS]
    assert len(cases) >= 10
    problems: list[str] = []
    before = dump_database()  # each submission is undone: every one finds the database as it is now

    @settings(max_examples=2, suppress_health_check=list(HealthCheck), deadline=None, derandomize=True)
    @given(st.tuples(NEAR, NEAR))
    def run(case, around):
        endpoint, form, name = case
        values = {n: f.value for n, f in form.fields.items() if f.kind not in ("file", "checkbox", "radio")}
        values[name] = around[0] + NUL + around[1]
        with undone(admin_client):
            answer = admin_client.post(form.action, data=values)
            changed = difference(before, dump_database())
        where = f"{endpoint} {name} {answer.status_code}"
        if answer.status_code >= 500:
            problems.append(f"{where}: server error")
        elif changed:
            problems.append(f"{where}: the database changed: {changed}")
        elif answer.status_code in (301, 302, 303):
            problems.append(f"{where}: accepted with a NUL")
        elif answer.mimetype == "text/html" and not _beside(answer.get_data(as_text=True), name):
            problems.append(f"{where}: no message beside {name}")

    for case in cases:
        run(case)
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("raw, deepest", [(b"", 0), (b"{}", 1), (b'"[[["', 0), (b'["a\\\\", [1]]', 2),
                                          (b'["\\\\\\"[", [[]]]', 3), (b'{"a": {"b": {"c": []}}}', 4)])
def test_the_depth_knows_where_strings_end(raw, deepest):
    """Quotes escaped by an odd run of backslashes do not end a string; an even run is backslashes, then the end."""
    assert json_bodies.depth(raw, 32) == deepest
