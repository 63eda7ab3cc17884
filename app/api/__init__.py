"""The JSON API under /api/v1: session cookie or `Authorization: Bearer TOKEN`, the same services underneath.

Each module registers its routes on `bp`; `openapi.py` describes every route from the url_map, so a new endpoint
is documented by its docstring and its `api_doc` (see `documented`).
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules register themselves on bp, one per domain.
from app.api import (  # noqa: E402,F401
    accounts,
    activities,
    attachment_endpoints,
    comment_endpoints,
    funding,
    jobs,
    lookup,
    notifications,
    openapi,
    requests,
    writes,
)
from app.api.rate_limit import limit_blueprint  # noqa: E402
from app.api.registry import experts, findings, states  # noqa: E402,F401
from app.api.treaties import backtest, forecast, instruments, treaty_actions  # noqa: E402,F401
from app.api.work import action_endpoints, report_endpoints  # noqa: E402,F401

limit_blueprint(bp)
