"""Keep secrets out of logs: tokens and app secrets, and the short-lived credentials that messenger SDKs and
HTTP libraries log inside URLs (access_token=…, session=…).

Usage::

    secret_filter = protect_secrets({token: "<TELEGRAM_BOT_TOKEN>"}, ("telegram", "httpx"))
    configure_logging(secret_filter)   # stderr at INFO, the filter on every handler
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

# URL parameters whose value is a credential, in any library's log line.
_CREDENTIALS = re.compile(r"((?:access_token|corpsecret|secret|session|ticket|token)=)[^&\s\"'<>]+", re.I)
SHORTEST_SECRET = 6  # characters: a shorter value is no secret, and replacing it would garble every log line
# Libraries that log request URLs at INFO or above, and ours.
BASE_LOGGERS = ("httpx", "httpcore", "urllib3", "requests", "asyncio", "websockets", "aiohttp", "bots")


class SecretFilter(logging.Filter):
    """Replaces each secret by its placeholder and credential URL parameters by <REDACTED>, in a record's
    message, arguments and exception text; never drops a record."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        super().__init__()
        self.secrets = {secret: label for secret, label in secrets.items() if len(secret) >= SHORTEST_SECRET}

    def redact(self, text: str) -> str:
        for secret, label in self.secrets.items():
            text = text.replace(secret, label)
        return _CREDENTIALS.sub(r"\1<REDACTED>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def protect_secrets(secrets: Mapping[str, str], loggers: Iterable[str] = ()) -> SecretFilter:
    """Quiet the per-request logs of httpx (INFO, with the URL) and put the filter on ``loggers``, the
    libraries that may log URLs, and every existing logger below them (a logger's filters do not apply to
    its children's records); returns the filter, for handlers."""
    secret_filter = SecretFilter(secrets)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    roots = {*loggers, *BASE_LOGGERS}
    names = roots | {
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.split(".")[0] in roots
    }
    for name in sorted(names):
        logger = logging.getLogger(name)
        if not any(
            isinstance(f, SecretFilter) and f.secrets == secret_filter.secrets for f in logger.filters
        ):
            logger.addFilter(secret_filter)
    return secret_filter


def configure_logging(secret_filter: SecretFilter) -> None:
    """Log to stderr at INFO (unless logging is configured already), secrets redacted on every handler."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(secret_filter)
