"""Error pages for people and JSON errors for the API; neither leaks internals, and nothing unexpected is
swallowed: every unhandled exception is logged with its traceback and the request before the 500 is answered."""
from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.http import wants_json
from app.log import logger
from app.services.core.errors import Refused
from models import db

#: What each error says, in the language of the page or of the API client's Accept-Language.
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in to continue."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is nothing here."),
    405: _l("That method is not allowed here."),
    409: _l("That conflicts with the current state of the record."),
    412: _l("The record changed since you read it."),
    413: _l("The upload is too large."),
    415: _l("Send the body as JSON."),
    422: _l("The data could not be processed."),
    428: _l("Say which version you are changing (If-Match)."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Nothing was saved."),
    503: _l("This is not available just now. Try again in a few minutes."),
}
#: The heading of each error page: what happened, in a few words.
TITLES = {
    400: _l("The request could not be understood"), 401: _l("Please sign in"), 403: _l("Not allowed"),
    404: _l("Page not found"), 405: _l("Not possible here"), 409: _l("Changed in the meantime"),
    412: _l("Changed in the meantime"), 413: _l("Too large"), 415: _l("Wrong kind of content"),
    422: _l("Not saved"), 429: _l("Too many at once"), 500: _l("Something went wrong"),
    503: _l("Not available just now"),
}
#: What the person can do next, per status: a page that only names an error leaves them stuck.
ADVICE = {
    400: [_l("Check the address or the values you entered, then try again.")],
    401: [_l("Sign in, then open the page again.")],
    403: [_l("Your account's role does not give access to this page or action."),
          _l("If you need it for your work, ask an administrator to change your role or to do it for you.")],
    404: [_l("The address may be mistyped, or the record was removed or is outside what your account may see."),
          _l("Use the search in the header to find the record by its name or number (#16).")],
    405: [_l("This address does not take that kind of request: a change is made with the page's button, not "
             "by opening its address."), _l("Go back and use the form on the page.")],
    409: [_l("Someone changed this record, or its status moved on, since you opened it."),
          _l("Reload the record to see its current state, then make your change again.")],
    412: [_l("Reload the record to see its current state, then make your change again.")],
    413: [_l("Send a smaller file, or split it into several.")],
    415: [_l("Send the body as JSON.")],
    422: [_l("Nothing was saved. Correct what the message names and try again.")],
    429: [_l("Wait until the time given, then try again; nothing you already did was lost.")],
    500: [_l("Nothing was saved. Try again in a moment."),
          _l("If it happens again, tell an administrator what you were doing and when: the error was logged.")],
    503: [_l("Try again in a few minutes.")],
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type", 422: "invalid",
         428: "precondition_required", 429: "too_many_requests",
         500: "server_error"}


def json_error(status: int, message: str | None = None, code: str | None = None, fields: dict | None = None,
               extra: dict | None = None):
    """The API's error shape (CONTRACT.md); `extra` adds keys beside "error" (a 412's current record)."""
    message = message or MESSAGES.get(status) or _l("Error")
    body = {"error": {"code": code or CODES.get(status, "error"), "message": str(message),
                      "fields": _text(fields or {})}, **(extra or {})}
    return jsonify(body), status


def _text(value):
    """Messages made text (a lazy translation becomes the client's language), whatever nests them."""
    if isinstance(value, dict):
        return {name: _text(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_text(item) for item in value]
    return value if value is None or isinstance(value, int | float | bool) else str(value)


def too_large_message() -> str:
    """What a 413 says: the limit, and the size of what was sent when the request declared it."""
    from app.security import upload_limit_setting
    setting = upload_limit_setting()
    limit = current_app.config.get(setting or "MAX_CONTENT_LENGTH")
    if not limit:
        return MESSAGES[413]
    if request.content_length:
        return _("The upload or request body is too large (this one is %(sent)s): at most %(limit)s is accepted. "
                 "Send a smaller file, or split it.", sent=_megabytes(request.content_length), limit=_megabytes(limit))
    return _("The upload or request body is too large: at most %(limit)s is accepted. Send a smaller file, or split "
             "it.", limit=_megabytes(limit))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 100 * 1024 else f"{size:,} bytes"


def error_page(status: int, message: str | None, fields: dict | None = None) -> str:
    """The error page in the site's layout: what happened (the title and the message), what to do next."""
    return render_template("errors/error.html", status=status, title=TITLES.get(status, _l("Error")),
                           message=message or MESSAGES.get(status), advice=ADVICE.get(status, []), fields=fields)


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    # Refusals of bad input (and a 503: the job queue down) carry a description worth showing; everything else
    # gets our own words.
    # (An API error of ours says why it refuses, a 403 included: a read-scope token.)
    speaks = status in (400, 409, 412, 415, 422, 428, 429, 503) or (status == 403 and hasattr(exc, "fields"))
    message = (too_large_message() if status == 413
               else exc.description if speaks and exc.description else MESSAGES.get(status))
    if wants_json():
        # An ApiError carries its own code and the fields at fault.
        response, status = json_error(status, message, getattr(exc, "error_code", None),
                                      getattr(exc, "fields", None), getattr(exc, "extra", None))
    else:
        response = error_page(status, message, getattr(exc, "fields", None))
    headers = dict(getattr(exc, "extra_headers", None) or {})
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return response, status, headers


def _handle_refused(exc: Refused):
    """A service's refusal that no view caught for its form: 422 with the messages, nothing written."""
    db.session.rollback()
    if wants_json():
        return json_error(422, exc.message, fields=exc.fields())
    return error_page(422, exc.message), 422


def _handle_unexpected(exc: Exception):
    db.session.rollback()  # never leave a half-written record behind
    logger("errors").exception("Unhandled %s: %s", type(exc).__name__, exc)
    if wants_json():
        return json_error(500)
    return error_page(500, MESSAGES[500]), 500


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Refused, _handle_refused)
    if not app.debug:
        app.register_error_handler(Exception, _handle_unexpected)
