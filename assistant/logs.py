"""Structured logs: one JSON object per line on stderr, with secrets (passwords, tokens) masked everywhere.

Usage::

    configure_json_logging(secrets=[settings.admin_password])
    logging.getLogger("assistant.web").info("request", extra={"route": "/api/ask", "status": 200})
    # {"ts": "2025-03-01T08:00:00.123+08:00", "level": "INFO", "logger": "assistant.web", "msg": "request",
    #  "route": "/api/ask", "status": 200}
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

MASK = "***"
# Secret-looking values that may reach a log without being configured: a Telegram bot token (123:ABC…),
# and an HTTP Authorization header's credentials.
_PATTERNS = (
    re.compile(r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:basic|bearer)\s+)[A-Za-z0-9+/=._-]+"),
)
# Attributes every LogRecord has; anything else was passed in ``extra`` and goes into the JSON object.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class SecretFilter(logging.Filter):
    """Masks the given secret values and secret-looking patterns in a record's message, extra fields and
    exception text; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        for name, value in vars(record).items():
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: ts, level, logger, msg, the ``extra`` fields, and exc (a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(
    secrets: Iterable[str] = (), level: int = logging.INFO, stream: TextIO | None = None
) -> SecretFilter:
    """Route every log record (ours, uvicorn's, the libraries') to one JSON handler on ``stream`` (stderr),
    secrets masked; returns the filter, whose ``redact`` serves text printed outside the logs."""
    secret_filter = SecretFilter(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(secret_filter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name in ("httpx", "httpcore", "chromadb", "uvicorn.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return secret_filter
