"""Log lines that carry the request id, as text or as one JSON object a line (``CRM_LOG_FORMAT=json``).

The id of the request being served (from its ``X-Request-ID`` header, or made up) is in every
line logged while it is served, and in the lines of the jobs it enqueued.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(log_format: str = "text", level: int = logging.INFO) -> logging.Handler:
    """Log to stderr in ``log_format`` (``text`` or ``json``), each line with its request id."""
    if log_format not in ("text", "json"):
        raise ValueError(f"CRM_LOG_FORMAT: {log_format!r} is neither 'text' nor 'json'")
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    return handler
