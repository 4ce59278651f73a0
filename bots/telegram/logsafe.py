"""Keep the bot token out of logs: python-telegram-bot logs its API URL and httpx logs every request URL,
and both contain the token.

Usage::

    protect_token(token)                      # before building the Application
    handler.addFilter(TokenFilter(token))     # on handlers you add later (the CLI's stderr handler)
"""

from __future__ import annotations

import logging

REDACTED = "<TELEGRAM_BOT_TOKEN>"
# Libraries whose records may carry the token, and ours (the error handler logs exceptions).
_LOGGERS = ("telegram", "httpx", "httpcore", "tornado", "asyncio", "bots")


class TokenFilter(logging.Filter):
    """Replaces the token in a record's message, arguments and exception text; never drops a record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, REDACTED), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, REDACTED)
        return True


def protect_token(token: str) -> TokenFilter:
    """Quiet httpx's per-request log (INFO, with the URL) and redact the token in every record of the
    libraries that may log it, whichever handler receives them; returns the filter for handlers."""
    token_filter = TokenFilter(token)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for logger in _loggers():
        if not any(isinstance(f, TokenFilter) and f.token == token for f in logger.filters):
            logger.addFilter(token_filter)
    return token_filter


def _loggers() -> list[logging.Logger]:
    """The loggers named in _LOGGERS and every existing logger below them (a logger's filters do not
    apply to records of its children, so each needs its own)."""
    names = set(_LOGGERS) | {
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.split(".")[0] in _LOGGERS
    }
    return [logging.getLogger(name) for name in sorted(names)]
