"""GET /api/v1/openapi.json: an OpenAPI 3 document built from the url_map, so it lists every endpoint, with the
query parameters each list's filter form declares (see common.documented)."""
import re

from flask import current_app, jsonify
from werkzeug.routing import IntegerConverter

from forms.base import MAX_ID

from ..permissions import login_required
from . import bp
from .common import documented, form_parameters

_ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = ((400, "Bad input: a message per parameter under error.fields"), (401, "Not signed in"),
           (403, "Not allowed"), (404, "Not found or not visible to the caller"),
           (405, "Method not allowed (the Allow header lists those that are)"),
           (413, "The request body is larger than the server accepts"),
           (429, "Over the caller's rate limit: wait the seconds in Retry-After"))
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer", "minimum": 0}}}


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
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = {
                "operationId": rule.endpoint.removeprefix("api."),
                "summary": doc.get("summary") or (view.__doc__ or "").strip().split("\n")[0],
                "parameters": _path_parameters(rule) + (form_parameters(doc["args"]) if doc.get("args") else [])
                + doc.get("parameters", []),
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {
                        "schema": doc.get("response") or {"type": "object"}}}},
                    **{str(code): {"description": text, "content": {"application/json": {"schema": _ERROR}},
                                   **({"headers": _RETRY_AFTER} if code == 429 else {})}
                       for code, text in _ERRORS},
                },
            }
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
