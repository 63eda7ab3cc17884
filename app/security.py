"""Security headers on every response, and CSRF on every state-changing request.

Caching: every response but a static file says `Cache-Control: no-store`. Signed-in pages, API answers and
exports show records a shared computer or a proxy must not keep after the person signs out; the login page
carries a CSRF token; an error page may answer a signed-in request. Static files are the same for everyone. The
one exception a view may make is the calendar feed fetched with its feed token by a calendar program (no
session, no cookie): it says `private` itself, and that is kept.

CSRF: Flask-WTF's automatic check is turned off and done here instead, because one kind of request must pass
without a token — an API call authenticated by a bearer token. It carries no cookie, so a forged cross-site
request cannot carry it either. Everything else (pages, and API calls made with the session cookie) needs the
token, in the form field `csrf_token` or the `X-CSRFToken` header.
"""
from flask import abort, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.auth_loaders import bearer_token
from app.extensions import csrf
from app.http import is_api_request
from forms.base import MAX_ID

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def _exempt_from_csrf() -> bool:
    """An API request with a bearer token that the session cookie did not authenticate, or an anonymous one.

    When the token is valid the request loader marks it; when it is not, or there is none and no session, the
    request is anonymous and the permission decorator answers 401, as the document says (no API endpoint changes
    anything for an anonymous caller, so there is nothing to forge; a CSRF 400 would hide the real answer).
    """
    if not is_api_request():
        return False
    if bearer_token(request) is None:
        return not current_user.is_authenticated
    authenticated = current_user.is_authenticated  # loads the user: the session first, then the token
    if g.get("authenticated_by_token"):
        return True
    return not authenticated


def check_csrf() -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if _exempt_from_csrf():
        return
    csrf.protect(apply_exemptions=True)  # honours @csrf.exempt; raises CSRFError (400) on a bad token


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every URL, capped at the largest id the database holds: a 20-digit id is a 404, not an
    "integer out of range" from PostgreSQL."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


#: What a multipart body carries besides an uploaded file (boundaries, its title, the CSRF token).
UPLOAD_OVERHEAD = 64 * 1024


def accepts_uploads(setting: str):
    """Decorate (outermost) a view that takes files as large as the config `setting` says, above MAX_CONTENT_LENGTH
    (attachments): its body limit is that, plus room for the form around the file."""
    def decorator(view):
        view.upload_limit_setting = setting
        return view
    return decorator


def upload_limit_setting() -> str | None:
    """The setting naming the largest file the current route accepts, when it takes uploads of its own size."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "upload_limit_setting", None)


def refuse_oversized_bodies() -> None:
    """A body declared larger than MAX_CONTENT_LENGTH is a 413 before anything reads it, on every route (Werkzeug
    only refuses it when a view reads the form or the body; a chunked body without a length is refused then). A
    route that takes attachments has its own, larger limit (`accepts_uploads`)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    setting = upload_limit_setting()
    if setting:
        limit = int(current_app.config[setting]) + UPLOAD_OVERHEAD
        request.max_content_length = limit
    if limit and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def refuse_nul_bytes() -> None:
    """A NUL character has no business in a URL parameter or a form field, and PostgreSQL refuses it in text
    (a 500 if it reached a query): refuse the request with a 400 that names where it was. A page's form post is
    left to its form (forms.base.AppForm), which shows the form again with the message beside the field."""
    sources = [(_NUL_IN_PARAMETER, request.args)]
    if is_api_request() or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        sources.append((_NUL_IN_FIELD, request.form))
    for message, values in sources:
        for name, value in values.items(multi=True):
            # A multipart part can come without a value (None): nothing to look into.
            if "\x00" in (name or "") or (isinstance(value, str) and "\x00" in value):
                abort(400, str(message) % {"name": repr((name or "").replace(chr(0), ""))})


#: What a NUL refused says, by where it was found (whole sentences, in the language of the request).
_NUL_IN_PARAMETER = _l("The query parameter %(name)s contains a NUL character.")
_NUL_IN_FIELD = _l("The form field %(name)s contains a NUL character.")


def _is_static() -> bool:
    # Flask's own static files and Bootstrap-Flask's ("bootstrap.static").
    return bool(request.endpoint) and request.endpoint.rsplit(".", 1)[-1] == "static"


def add_security_headers(response):
    if not _is_static() and not g.get("cache_privately"):
        response.headers["Cache-Control"] = "no-store"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)  # a view that needs a different policy may set its own
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_oversized_bodies)
    app.before_request(refuse_nul_bytes)
    app.before_request(check_csrf)
    app.after_request(add_security_headers)
