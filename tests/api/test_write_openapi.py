"""/api/v1/openapi.json stays true to the write endpoints: every route under /api/v1 with each of its methods,
request bodies derived from the very forms the endpoints validate with, the answers each write may give."""
import pytest

from app.api.common import NOT_IN_BODY

VERSIONED_CODES = {"412", "428"}
WRITE_CODES = {"400", "401", "403", "404", "409", "415", "422"}


@pytest.fixture()
def doc(api_caller):
    return api_caller("officer").get("/api/v1/openapi.json").get_json()


def _operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_route_and_method_under_api_v1_is_documented(app, doc):
    from app.api.openapi import _path
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"].get(_path(rule.rule), {}), (method, rule.rule)
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert len(ids) == len(set(ids))


def test_documented_bodies_are_the_forms_fields(app, doc):
    bodies = 0
    for path, method, op in _operations(doc):
        rule = next(r for r in app.url_map.iter_rules()
                    if r.rule.startswith("/api/v1") and _openapi_path(r.rule) == path and method.upper() in r.methods)
        form_cls = app.view_functions[rule.endpoint].api_doc.get("body")
        multipart = app.view_functions[rule.endpoint].api_doc.get("multipart")
        if multipart is not None:  # a file upload (issue 27): its multipart fields as documented
            assert op["requestBody"]["content"]["multipart/form-data"]["schema"] == multipart, (method, path)
            continue
        if form_cls is None:
            assert "requestBody" not in op, (method, path)
            continue
        bodies += 1
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        with app.test_request_context():
            form = form_cls(formdata=None, meta={"csrf": False})
            fields = {f.name for f in form if f.name not in NOT_IN_BODY}
        assert set(schema["properties"]) == fields, (method, path)
        assert schema["additionalProperties"] is False
        if method == "patch":
            assert "required" not in schema
        for name, prop in schema["properties"].items():
            if prop.get("type") == "array" and "properties" in prop["items"]:  # rows: each row's own fields
                assert set(prop["items"]["properties"]) <= {f.short_name for f in getattr(form, name)[0].form}
    assert bodies >= 10


def test_writes_document_their_errors_and_versioned_ones_if_match(doc):
    for path, method, op in _operations(doc):
        codes = set(op["responses"])
        if method in ("post", "put", "patch", "delete"):
            assert WRITE_CODES <= codes, (method, path)
        names = {p["name"] for p in op["parameters"]}
        if method in ("put", "patch") or path.endswith(("/status", "/approve", "/withdraw")):
            assert VERSIONED_CODES <= codes and "If-Match" in names, (method, path)
    created = doc["paths"]["/api/v1/requests"]["post"]["responses"]["201"]
    assert set(created["headers"]) == {"ETag", "Location"}
    assert "ETag" in doc["paths"]["/api/v1/activities/{activity_id}"]["get"]["responses"]["200"]["headers"]
    stale = doc["paths"]["/api/v1/activities/{activity_id}"]["patch"]["responses"]["412"]
    assert "current" in str(stale)


def test_the_request_body_schema_matches_what_the_endpoint_takes(doc):
    schema = doc["paths"]["/api/v1/requests"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) >= {"state", "instruments", "kind", "subject", "priority"}
    assert schema["properties"]["kind"]["enum"][:2] == ["legislative_review", "needs_assessment"]
    assert schema["properties"]["received_date"]["format"] == "date"
    activity = doc["paths"]["/api/v1/activities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    visits = activity["properties"]["visits"]
    assert visits["type"] == "array" and set(visits["items"]["properties"]) >= {"country", "start_date", "end_date"}
    assert activity["properties"]["topics"] == {"type": "array", "items": {"type": "string"},
                                                "description": activity["properties"]["topics"]["description"],
                                                "nullable": True}


def test_the_document_is_valid_openapi(doc):
    schemathesis = pytest.importorskip("schemathesis")
    schema = schemathesis.openapi.from_dict(doc)
    assert sum(1 for _ in schema.get_all_operations()) >= 30


def _openapi_path(rule: str) -> str:
    from app.api.openapi import _path
    return _path(rule)
