"""Structured logs: one JSON object per line, carrying the case and task a line is about."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

CONTEXT_FIELDS = ("case_id", "task_id", "element_id")
# A secure link's token is a credential: access logs show /shared/[link] instead.
LINK_TOKEN = re.compile(r"/shared/(?!package/)[A-Za-z0-9_\-]{16,}")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class RedactLinkTokens(logging.Filter):
    """Rewrites a record's message so no secure-link token reaches any log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/shared/" in message:
            record.msg, record.args = LINK_TOKEN.sub("/shared/[link]", message), ()
        return True


def redact_link_tokens() -> None:
    """Attach the redaction to the access loggers (the web servers log request paths there)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
            logger.addFilter(RedactLinkTokens())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in CONTEXT_FIELDS if getattr(record, name, None)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send every logger's records, as JSON lines, to standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    redact_link_tokens()
