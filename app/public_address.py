"""Absolute links to this installation, built from configuration rather than from the request.

A link that leaves the page it was made on (a calendar feed, an e-mail, an IATI file, an export) must not carry
whatever Host header the request came with: a kept page or a sent message would hand that address to everyone who
reads it. `PUBLIC_URL` names the address users reach the installation at.
"""
from urllib.parse import urljoin

from flask import current_app, url_for


def public_root() -> str:
    """The configured public address, always ending in one slash."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/"


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` under the configured public address, whatever Host the request named."""
    return urljoin(public_root(), url_for(endpoint, **values).lstrip("/"))
