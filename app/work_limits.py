"""Limits per account on expensive work: exports, imports and uploads an account may start in an hour.

One account looping on a 50,000-row export, or uploading workbook after workbook, would take the workers from
everybody else. Each kind has its allowance per signed-in account (or per API token's account), in
Flask-Limiter's notation: EXPORT_LIMIT_PER_ACCOUNT, IMPORT_LIMIT_PER_ACCOUNT, UPLOAD_LIMIT_PER_ACCOUNT (e.g.
"60 per hour"). They are counted in the same store as the sign-in throttle (RATELIMIT_STORAGE_URI: Redis in
production, so that every worker counts together), under the account's id: another account is never affected.

What counts, decided here once for every route (so that an export or an upload added later is counted too):
- a view may say what it is with `@expensive_work("import")` (or `None`: not counted, e.g. a blank template);
- else a route that takes attachments (app.security.accepts_uploads), or any POST/PUT/PATCH with a multipart
  body, is an upload;
- else a GET of an address ending in .csv, .xlsx or .xml is an export;
- a download started as a job (app.job_exports.offload: the IATI file, a long period report) is an export too.
Exports count on GET, imports and uploads on the methods that send a file. A page answered from the page cache
(app/page_cache.py, which answers before this check) costs nothing and counts nothing.

Over the allowance: 429, before any of the work is done, with `Retry-After` (seconds) and a sentence saying
what the limit is and when to try again — in the API's JSON error shape, or an error page in the layout.
"""
import math
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from limits import parse
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

#: The kinds of expensive work and the setting holding each one's allowance per account.
SETTINGS = {"export": "EXPORT_LIMIT_PER_ACCOUNT", "import": "IMPORT_LIMIT_PER_ACCOUNT",
            "upload": "UPLOAD_LIMIT_PER_ACCOUNT"}
WORDS = {
    "export": _l("Too many exports from this account: it may start %(allowance)s (%(setting)s). Try again in %(wait)s "
                 "(at %(at)s), when the next export is allowed."),
    "import": _l("Too many imports from this account: it may start %(allowance)s (%(setting)s). Try again in %(wait)s "
                 "(at %(at)s), when the next import is allowed."),
    "upload": _l("Too many uploads from this account: it may start %(allowance)s (%(setting)s). Try again in %(wait)s "
                 "(at %(at)s), when the next upload is allowed."),
}
EXPORT_SUFFIXES = (".csv", ".xlsx", ".xml")
SENDING = frozenset({"POST", "PUT", "PATCH"})
_UNSET = object()


def expensive_work(kind: str | None):
    """Say what a view's work is (a key of SETTINGS), or None for a view that must not be counted."""
    if kind is not None and kind not in SETTINGS:
        raise ValueError(f"unknown kind of work {kind!r}")

    def decorate(view):
        view.expensive_work = kind
        return view
    return decorate


def kind_of_request() -> str | None:
    """What the current request asks for, as this module counts it (see the module), or None."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return None
    declared = getattr(view, "expensive_work", _UNSET)
    if declared is not _UNSET:
        kind = declared
    elif getattr(view, "upload_limit_setting", None) or (request.method in SENDING
                                                          and request.mimetype == "multipart/form-data"):
        kind = "upload"
    elif request.url_rule is not None and request.url_rule.rule.endswith(EXPORT_SUFFIXES):
        kind = "export"
    else:
        return None
    if kind is None:
        return None
    counted_on = {"GET"} if kind == "export" else SENDING
    return kind if request.method in counted_on else None


class TooMuchWork(TooManyRequests):
    """429: the account's allowance for this kind of work is used up (Retry-After says for how long)."""


def _identifiers(kind: str, account_id: int) -> tuple[str, ...]:
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "palermo", "work", kind, f"account-{account_id}")


def _retry_message(kind: str, setting: str, allowance: str, seconds: int) -> str:
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%H:%M UTC")
    wait = ngettext("%(num)s second", "%(num)s seconds", seconds) if seconds < 120 else \
        ngettext("%(num)s minute", "%(num)s minutes", math.ceil(seconds / 60))
    return str(WORDS[kind]) % {"allowance": allowance, "setting": setting, "wait": wait, "at": at}


def check_allowance() -> None:
    """Count this request against its account's allowance for its kind of work; 429 once the allowance is used."""
    kind = kind_of_request()
    if kind is not None:
        count(kind)


def count(kind: str) -> None:
    """Count `kind` of work against the signed-in account's allowance (once per request, whoever calls first);
    429 once the allowance is used. Called for every request here, and by work that starts without a download
    address of its own (app.job_exports.offload: the IATI file or a long period report made as a job)."""
    if not (limiter.enabled and limiter.initialized) or g.get("expensive_work_counted"):
        return
    if not current_user.is_authenticated:
        return  # anonymous: the view's own check answers 401 or sends to the sign-in
    g.expensive_work_counted = kind
    setting = SETTINGS[kind]
    allowance = current_app.config[setting]
    item = parse(allowance)
    identifiers = _identifiers(kind, current_user.id)
    if limiter.limiter.hit(item, *identifiers):
        return
    reset_at, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
    seconds = max(1, math.ceil(reset_at - time.time()))
    raise TooMuchWork(_retry_message(kind, setting, allowance, seconds), retry_after=seconds)


def init_app(app) -> None:
    for setting in SETTINGS.values():
        parse(app.config[setting])  # fail fast on an allowance Flask-Limiter cannot read
    app.before_request(check_allowance)  # after the page cache's early answer: a kept page costs nothing
