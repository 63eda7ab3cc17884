"""GET /api/v1/openapi.json: an OpenAPI 3 document built from the url_map, so it lists every endpoint, with the
query parameters each list's filter form declares (see common.documented)."""
import re

from flask import current_app, jsonify
from werkzeug.routing import IntegerConverter

from app.api import bp
from app.api.common import body_schema, documented, form_parameters
from app.permissions import login_required
from forms.base import MAX_ID

_ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = ((400, "Bad input: a message per parameter under error.fields"), (401, "Not signed in"),
           (403, "Not allowed"), (404, "Not found or not visible to the caller"),
           (405, "Method not allowed (the Allow header lists those that are)"),
           (413, "The request body is larger than the server accepts"),
           (429, "Over the caller's rate limit, or its account's hourly allowance of uploads "
                 "(UPLOAD_LIMIT_PER_ACCOUNT): wait the seconds in Retry-After"))
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer", "minimum": 0}}}
#: What a write may answer besides (a body: 400 malformed JSON; 403 also for a read-scope token or a donor).
_WRITE_ERRORS = ((409, "Conflicts with the record as it stands"),
                 (415, "The body is not JSON (Content-Type: application/json)"),
                 (422, "A field is not valid, or the rules refuse the change: a message per field under error.fields"))
#: 412 may answer any write: a record changed by someone else at the very moment of the write (an allocation
#: made from the same balance, say) is refused, not overwritten.
_STALE_ERROR = (412, "The record changed since it was read (If-Match names an older version, or another change won "
                     "the race): the body's `current` is the record as it stands now, the ETag header its version")
_VERSIONED_ERRORS = ((428, "If-Match is missing: GET the record and send its ETag"),)
_IF_MATCH = {"name": "If-Match", "in": "header", "required": True,
             "description": "The ETag of the record as read (its version, e.g. \"3\", quotes included), compared "
                            "strongly (RFC 9110): a weak tag (W/\"3\") never matches, `*` matches the record as it "
                            "is; without it 428, older or weak 412.",
             "schema": {"type": "string", "maxLength": 40}}
_IF_MATCH_OPTIONAL = dict(_IF_MATCH, required=False, description=(
    "The ETag of the record as read; required when the record exists (without it 428, older 412), left out to "
    "create it."))


def _if_match(needed) -> list[dict]:
    """The If-Match header of a write: required (True), required once the record exists ("optional"), or none."""
    return [_IF_MATCH] if needed is True else [_IF_MATCH_OPTIONAL] if needed == "optional" else []


_ETAG = {"ETag": {"description": "The record's version; send it back in If-Match to change it.",
                  "schema": {"type": "string"}}}
_LOCATION = {"Location": {"description": "The URL of the record created.", "schema": {"type": "string"}}}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def strict(schema):
    """A response schema as the API answers it: every object that names its properties returns each of them
    (`required`, unless the schema says which) and nothing else (`additionalProperties: false`, unless it says
    otherwise). tests/api/test_openapi_responses.py holds real responses to it."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) if k in ("items", "allOf", "anyOf", "oneOf", "not") else v for k, v in schema.items()}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: strict(v) for k, v in schema["properties"].items()}
        out.setdefault("required", list(schema["properties"]))
        out.setdefault("additionalProperties", False)
    elif isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = strict(schema["additionalProperties"])
    return out


def _responses(method: str, doc: dict) -> dict:
    status = doc.get("status", 200) if method != "GET" else 200
    success = {"description": "Created" if status == 201 else "OK", "content": {"application/json": {
        "schema": strict(doc.get("response")) if doc.get("response") else {"type": "object"}}}}
    if doc.get("produces") and method == "GET":  # a download: the file itself, of the type it was recognised as
        success["content"] = {doc["produces"]: {"schema": {"type": "string", "format": "binary"}}}
    if doc.get("response") and "version" in (doc["response"].get("properties") or {}):  # a versioned record
        success["headers"] = dict(_ETAG, **(_LOCATION if status == 201 else {}))
    errors = list(_ERRORS)
    if method in _WRITES:
        errors += (*_WRITE_ERRORS, _STALE_ERROR)
    if doc.get("if_match"):
        errors += _VERSIONED_ERRORS
    out = {str(status): success}
    for code, text in errors:
        schema = _STALE if code == 412 else _ERROR
        out[str(code)] = {"description": text, "content": {"application/json": {"schema": schema}},
                          **({"headers": _RETRY_AFTER} if code == 429 else {})}
    return out


_STALE = {"allOf": [_ERROR, {"type": "object", "properties": {"current": {
    "type": "object", "description": "The record as it stands now (as GET answers it)."}}}]}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def _path_parameters(rule) -> list[dict]:
    out = []
    for name in rule.arguments:
        converter = rule._converters.get(name)
        schema = ({"type": "integer", "minimum": 1, "maximum": MAX_ID} if isinstance(converter, IntegerConverter)
                  else {"type": "string", "minLength": 1, "maxLength": 40})
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _named(doc: dict) -> set[str]:
    """Parameters the view describes itself (a path parameter with its own enum, say)."""
    return {p["name"] for p in doc.get("parameters", [])}


@bp.get("/openapi.json")
@login_required
@documented("This document.")
def openapi():
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        doc = getattr(view, "api_doc", {}) or {}
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            # Unique per operation: an endpoint taking PUT and PATCH gives two (requests_update_put, …_patch).
            suffix = f"_{method.lower()}" if len(methods) > 1 else ""
            operation = {
                "operationId": rule.endpoint.removeprefix("api.") + suffix,
                "summary": doc.get("summary") or (view.__doc__ or "").strip().split("\n")[0],
                "parameters": [p for p in _path_parameters(rule) if p["name"] not in _named(doc)]
                + (form_parameters(doc["args"]) if doc.get("args") else [])
                + doc.get("parameters", []) + _if_match(doc.get("if_match")),
                "responses": _responses(method, doc),
            }
            if doc.get("multipart") is not None and method == "POST":
                operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                    "schema": doc["multipart"]}}}
            if doc.get("body") is not None and method in ("POST", "PUT", "PATCH"):
                operation["requestBody"] = {"required": True, "content": {"application/json": {
                    "schema": body_schema(doc["body"], partial=method == "PATCH")}}}
            paths.setdefault(_path(rule.rule), {})[method.lower()] = operation
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "Palermo API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message", "fields"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    })
