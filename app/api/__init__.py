"""The JSON API under /api/v1: session cookie or `Authorization: Bearer TOKEN`, the same services underneath.

Each module registers its routes on `bp`; `openapi.py` describes every route from the url_map, so a new endpoint
is documented by its docstring and its `api_doc` (see `documented`).
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules register themselves on bp, one per domain.
from . import activities, contributions, experts, forecast, instruments, me, openapi, requests, states  # noqa: E402,F401
from .rate_limit import limit_blueprint  # noqa: E402

limit_blueprint(bp)
