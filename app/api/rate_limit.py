"""Every API call counts against its caller's allowance (API_RATE_LIMIT, e.g. "600 per minute"): per token for a
bearer request, per account for a call made with the session cookie, per address for an anonymous one (answered
401 anyway). One script looping on its token slows itself down, not the other callers behind the same address.

The counters live where RATELIMIT_STORAGE_URI says (Redis in production, so that every worker counts together;
memory in tests). Over the allowance: 429 in the API's JSON error shape, with `Retry-After` in seconds.
"""
from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.auth_loaders import credential_noted
from app.extensions import limiter


def caller_key() -> str:
    """Whose allowance a request uses: its token's, else its account's, else its address's."""
    noted = credential_noted(request)
    if noted is not None and noted[0].startswith("bearer:"):  # a token seen valid: its id, without a query
        return f"api-token:{noted[1]}"
    authenticated = current_user.is_authenticated  # loads the caller: the session first, then the bearer token
    token_id = g.get("api_token_id")
    if token_id is not None:
        return f"api-token:{token_id}"
    if authenticated:
        return f"api-user:{current_user.id}"
    return "api-address:" + (get_remote_address() or "unknown")


def _message() -> str:
    limit = current_app.config["API_RATE_LIMIT"]
    return (f"Too many requests: this API allows {limit} for each token (or signed-in account). Wait the number "
            "of seconds in the Retry-After header, then try again.")


def limit_blueprint(bp) -> None:
    """Put every route of the API blueprint under the per-caller limit, one counter for all of them (a shared
    limit: without it each route would count on its own)."""
    limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=caller_key,
                         error_message=_message)(bp)
