"""Absolute links to this installation, built from configuration rather than from the request.

A link that leaves the page it was made on (a calendar feed, an e-mail, an IATI file, an export) must not carry
whatever Host header the request came with: a kept page or a sent message would hand that address to everyone who
reads it. `PUBLIC_URL` names the address users reach the installation at.

The request's Host and X-Forwarded-Host are never believed for a link. X-Forwarded-For / -Proto are believed only
from the TRUSTED_PROXIES proxies (app.register_proxies, werkzeug's ProxyFix, which is not told to read the Host);
they pick the client address the throttles see, never an address written into a page.
"""
from urllib.parse import urljoin, urlsplit

from flask import current_app, url_for


def public_root() -> str:
    """The configured public address, always ending in one slash."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/"


def public_netloc() -> str:
    """The host (and port) of the configured public address: what a link back to this site names."""
    return urlsplit(public_root()).netloc


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` under the configured public address, whatever Host the request named."""
    return urljoin(public_root(), url_for(endpoint, **values).lstrip("/"))
