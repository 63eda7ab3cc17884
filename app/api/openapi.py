"""GET /api/v1/openapi.json: an OpenAPI 3 document built from the url_map, so it lists every endpoint."""
import re

from flask import current_app, jsonify

from ..permissions import login_required
from . import bp
from .common import documented

_ERROR = {"$ref": "#/components/schemas/Error"}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


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
        path_params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                       for n in rule.arguments]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = {
                "operationId": rule.endpoint.removeprefix("api."),
                "summary": doc.get("summary") or (view.__doc__ or "").strip().split("\n")[0],
                "parameters": path_params + doc.get("parameters", []),
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {
                        "schema": doc.get("response") or {"type": "object"}}}},
                    **{str(code): {"description": text, "content": {"application/json": {"schema": _ERROR}}}
                       for code, text in ((400, "Bad input"), (401, "Not signed in"), (403, "Not allowed"),
                                          (404, "Not found or not visible to the caller"))},
                },
            }
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "Palermo API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}}},
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    })
