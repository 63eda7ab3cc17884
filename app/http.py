"""Facts about the request being served that several layers need to agree on."""
from flask import has_request_context, request


def is_api_request() -> bool:
    """An API call (answered in JSON, refused with 401 rather than a redirect to the login page)."""
    if not has_request_context():
        return False
    return request.blueprint == "api" or request.path.startswith("/api/")


def wants_json() -> bool:
    """An API call, or a client that asks for JSON first."""
    return is_api_request() or request.accept_mimetypes.best == "application/json"
