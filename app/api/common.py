"""Helpers every API module shares: errors, pagination, query parameters, documentation metadata."""
from datetime import date

from flask import current_app, request
from werkzeug.exceptions import HTTPException



class ApiError(HTTPException):
    """Raise to answer a 4xx JSON error with a message and field errors (rendered by app.errors)."""

    def __init__(self, status: int, message: str, fields: dict | None = None, code: str | None = None):
        super().__init__(description=message)
        self.code = status
        self.fields = fields or {}
        self.error_code = code


def query_date(name: str, default: date | None = None) -> date | None:
    """A YYYY-MM-DD query parameter, or a 400 naming it."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a date like 2003-07-02, not {raw!r}.", {name: "Not a YYYY-MM-DD date."})


def query_int(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number, not {raw!r}.", {name: "Not a whole number."})
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ApiError(400, f"{name} must be {bound}.", {name: f"Must be {bound}."})
    return value


def paginate(select, serialize):
    """Run a Select page by page: {"items", "page", "per_page", "total", "pages"}."""
    from models import db
    page = query_int("page", 1)
    per_page = query_int("per_page", current_app.config["PER_PAGE"], maximum=current_app.config["MAX_PER_PAGE"])
    result = db.paginate(select, page=page, per_page=per_page, error_out=False)
    return {"items": [serialize(x) for x in result.items], "page": page, "per_page": per_page,
            "total": result.total, "pages": result.pages}


def documented(summary: str, parameters: list[dict] | None = None, response: dict | None = None):
    """Attach OpenAPI details to a view (read by openapi.py)."""
    def decorator(view):
        view.api_doc = {"summary": summary, "parameters": parameters or [], "response": response}
        return view
    return decorator


def param(name: str, description: str, schema_type: str = "string", fmt: str | None = None,
          where: str = "query") -> dict:
    schema = {"type": schema_type}
    if fmt:
        schema["format"] = fmt
    return {"name": name, "in": where, "required": where == "path", "description": description, "schema": schema}
