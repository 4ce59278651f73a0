"""What the web app and the HTTP API tell a user when something fails: a short Chinese sentence.

Usage::

    try:
        answer = assistant.ask(question)
    except Exception as exc:
        message = user_message(exc)  # the exception's own message, or a generic one (logged with traceback)
"""

from __future__ import annotations

import logging

from assistant.service import NotFoundError, QuestionError
from indexers.reader import IndexMissingError
from indexers.vectorstore import EmbedderMismatchError

log = logging.getLogger(__name__)

# Exceptions whose message is written for the user (in Chinese).
USER_ERRORS: tuple[type[Exception], ...] = (
    QuestionError,
    NotFoundError,
    IndexMissingError,
    EmbedderMismatchError,
)
GENERIC_MESSAGE = "抱歉，系统暂时出了点问题，请稍后再试。"


def user_message(exc: Exception) -> str:
    """The message to show for an exception; anything unexpected is logged and gets GENERIC_MESSAGE."""
    if isinstance(exc, USER_ERRORS):
        return str(exc)
    log.error("unexpected error while serving a request", exc_info=exc)
    return GENERIC_MESSAGE
