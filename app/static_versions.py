"""Static files under addresses that name their content, kept by the browser for a year.

Without this, every page made the browser ask again for each of its style sheets and scripts (seven on every
page, each answered 304): seven round trips a page, which on a phone's slow link cost more than the page itself.
Now every `url_for` of a static file (the app's own and Bootstrap-Flask's) carries `v`, a digest of the file's
bytes, and the answer to an address whose `v` is the file's current digest says `immutable` for a year. A changed
file has a new digest, so a new address; an address without `v`, or with another digest (a page kept from before
a deploy), is served as before: revalidated each time.
"""
import hashlib
import os

from flask import current_app, request
from werkzeug.security import safe_join

#: A year: the longest lifetime HTTP caches are asked to honour (RFC 9111 §5.2.2.1 leaves it to them).
KEPT_FOR = "public, max-age=31536000, immutable"
_DIGEST_LENGTH = 12
#: (path, modification time, size) -> digest: read once per process and per version of the file.
_digests: dict[tuple[str, int, int], str] = {}


def file_version(folder: str, filename: str) -> str | None:
    """The digest of `filename` under `folder` (None when it is not a file there, or would leave the folder)."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    digest = _digests.get(key)
    if digest is None:
        with open(path, "rb") as source:
            digest = hashlib.sha256(source.read()).hexdigest()[:_DIGEST_LENGTH]
        _digests[key] = digest
    return digest


def _static_folder(endpoint: str) -> str | None:
    """The folder a static endpoint serves: the app's (`static`) or a blueprint's (`bootstrap.static`)."""
    if endpoint == "static":
        return current_app.static_folder
    owner, _dot, last = endpoint.rpartition(".")
    blueprint = current_app.blueprints.get(owner) if last == "static" else None
    return blueprint.static_folder if blueprint is not None else None


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint != "static" and not endpoint.endswith(".static"):
        return
    folder, filename = _static_folder(endpoint), values.get("filename")
    if folder and filename and "v" not in values:
        version = file_version(folder, filename)
        if version:
            values["v"] = version


def _keep_versioned(response):
    endpoint = request.endpoint or ""
    asked = request.args.get("v")
    if asked and response.status_code in (200, 304) and (endpoint == "static" or endpoint.endswith(".static")):
        folder = _static_folder(endpoint)
        filename = (request.view_args or {}).get("filename")
        if folder and filename and asked == file_version(folder, filename):
            response.headers["Cache-Control"] = KEPT_FOR
    return response


def init_app(app) -> None:
    app.url_defaults(_add_version)
    app.after_request(_keep_versioned)
