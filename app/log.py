"""Logging, configured by the factory: plain lines for development, one JSON object per line for production.

`LOG_FORMAT` (plain | json) and `LOG_LEVEL` choose; production defaults to json. Every record carries the
request it was written in (method, path, user id) when there is one, so an error in the log can be traced to
who asked for what. The command line and the import log what they did through the same handlers.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import g, has_request_context, request

#: The loggers of the application: `palermo`, and its children `palermo.cli`, `palermo.import`, …
ROOT_LOGGER = "palermo"


class RequestContext(logging.Filter):
    """Adds method, path and user id to every record written while a request is being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.method = request.method
            record.path = request.path
            user = g.get("_login_user")  # Flask-Login's cache: never load a user just to log
            record.user_id = getattr(user, "id", None)
        else:
            record.method = record.path = record.user_id = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        for key in ("method", "path", "user_id"):
            if getattr(record, key, None) is not None:
                entry[key] = getattr(record, key)
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        where = " ".join(str(v) for v in (getattr(record, "method", None), getattr(record, "path", None)) if v)
        user = getattr(record, "user_id", None)
        if where or user:
            first, _, rest = line.partition("\n")
            line = f"{first} [{where}{f' user {user}' if user else ''}]" + (f"\n{rest}" if rest else "")
        return line


def configure_logging(app) -> None:
    """Attach one handler to the application's loggers (Flask's app.logger and `palermo.*`)."""
    fmt = (app.config.get("LOG_FORMAT") or "plain").lower()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    handler.addFilter(RequestContext())
    level = getattr(logging, str(app.config.get("LOG_LEVEL") or "INFO").upper(), logging.INFO)
    for logger in (logging.getLogger(ROOT_LOGGER), app.logger):
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def logger(name: str | None = None) -> logging.Logger:
    """`palermo` or one of its children (`logger("cli")` -> `palermo.cli`)."""
    return logging.getLogger(f"{ROOT_LOGGER}.{name}" if name else ROOT_LOGGER)


def log_fields(**fields) -> dict:
    """`extra=` for a record whose values the JSON format shows as fields of their own."""
    return {"fields": fields}
