"""The API document says what the API does: every GET operation of /api/v1/openapi.json is called for real (as
each role that may, with a real record in its path) and its answer validated against the document's response
schema, in which every object lists its keys as `required` and allows no other (`additionalProperties: false`).
A key the document names and the API never returns, or one the API returns undocumented, fails here."""
import copy

import jsonschema_rs
import pytest
import sqlalchemy as sa

from app.api.openapi import strict
from models import Organization
from tests.test_url_map import fill_arguments

ROLES = ("officer", "manager", "donor", "admin")


def _json_schema(schema):
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable: true` becomes a type that also allows null."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _json_schema(v) if k in ("items", "allOf", "anyOf", "oneOf", "not", "additionalProperties") else v
           for k, v in schema.items() if k not in ("nullable", "format", "example", "description")}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: _json_schema(v) for k, v in schema["properties"].items()}
    if schema.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _get_operations(app, document):
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and "GET" in (rule.methods or ()):
            rules[rule.rule] = rule
    for path, operations in sorted(document["paths"].items()):
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"]["200"]["content"]
        if "application/json" not in content:
            continue  # a download (a file), not JSON
        rule = next(r for r in rules.values() if r.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
                    .split("{")[0] == path.split("{")[0] and r.rule.count("<") == path.count("{"))
        yield path, rule, content["application/json"]["schema"]


def test_strict_requires_every_key_and_allows_no_other():
    schema = strict({"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {}}}},
                     "additionalProperties": True})
    assert schema["required"] == ["a"] and schema["additionalProperties"] is True
    assert schema["properties"]["a"] == {"type": "object", "properties": {"b": {}}, "required": ["b"],
                                         "additionalProperties": False}


@pytest.mark.parametrize("role", ROLES)
def test_every_get_answer_matches_the_document(app, api_as, role, session):
    # A donor bound to Canada, whose money the reference record follows: its lists are not empty.
    canada = session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    get, _user = api_as(role, **({"donor": canada} if role == "donor" else {}))
    document = get("/api/v1/openapi.json").get_json()
    checked, problems = 0, []
    for path, rule, schema in _get_operations(app, document):
        values, _missing = fill_arguments(rule)
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
        response = get(url)
        if response.status_code != 200:
            continue  # 403/404 for this role or this record: the errors are checked by the fuzzer
        validator = jsonschema_rs.validator_for(_json_schema(copy.deepcopy(schema)))
        errors = [f"{path}: {e.message} at {list(e.instance_path)}" for e in validator.iter_errors(response.get_json())]
        problems += errors[:3]
        checked += 1
    assert checked >= 5
    assert not problems, "\n".join(problems)
