"""Error pages for people and JSON errors for the API; neither leaks internals."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from models import db

MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in to continue.",
    403: "You do not have permission to see this page.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    409: "That conflicts with the current state of the record.",
    413: "The upload is too large.",
    422: "The data could not be processed.",
    429: "Too many attempts. Wait a few minutes and try again.",
    500: "Something went wrong on our side. Nothing was saved.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def json_error(status: int, message: str | None = None, code: str | None = None, fields: dict | None = None):
    """The API's error shape (CONTRACT.md)."""
    body = {"error": {"code": code or _code(status), "message": message or MESSAGES.get(status, "Error"),
                      "fields": fields or {}}}
    return jsonify(body), status


def _code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            409: "conflict", 413: "too_large", 422: "invalid", 429: "too_many_requests",
            500: "server_error"}.get(status, "error")


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    # CSRF failures and other 400s carry a description worth showing; everything else gets our own words.
    message = exc.description if status in (400, 422, 429) and exc.description else MESSAGES.get(status)
    if status == 429:
        message = MESSAGES[429]
    if wants_json():
        # An ApiError carries its own code and the fields at fault.
        return json_error(status, message, getattr(exc, "error_code", None), getattr(exc, "fields", None))
    return render_template("errors/error.html", status=status, message=message), status


def _handle_unexpected(exc: Exception):
    db.session.rollback()  # never leave a half-written record behind
    if wants_json():
        return json_error(500)
    return render_template("errors/error.html", status=500, message=MESSAGES[500]), 500


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    if not app.debug:
        app.register_error_handler(Exception, _handle_unexpected)
