"""Optional query rewrite: the user's model restates a colloquial question in the law's words before
retrieval (ASSISTANT_LLM_REWRITE=1). Off by default: it has not been measured on the dev sets with a real
model (see the README's section on model answers); ``python -m assistant eval --llm --rewrite`` measures it.

Usage::

    rewrite_query(model, settings.llm, "老板不给发劳保用品咋办")  # "生产经营单位未提供劳动防护用品怎么办" or the question
"""

from __future__ import annotations

import logging

from langchain_core.language_models import BaseChatModel

from assistant.llm.model import LLMUnavailable, text_chunks, timed
from assistant.llm.prompt import rewrite_messages
from assistant.llm.settings import LLMSettings

log = logging.getLogger("assistant.llm")

MAX_REWRITE_CHARS = 100


def rewrite_query(model: BaseChatModel, settings: LLMSettings, question: str) -> str:
    """The model's one-line restatement of the question; the question itself when the model is slow,
    fails, or returns something that is not one short line."""
    messages = rewrite_messages(settings.rewrite_prompt, question)
    try:
        reply = "".join(timed(lambda: text_chunks(model, messages, stream=False), settings.timeout))
    except LLMUnavailable as exc:
        log.warning("query rewrite skipped: %s", exc)
        return question
    rewritten = reply.strip().strip("“”\"'")
    if not rewritten or "\n" in rewritten or len(rewritten) > MAX_REWRITE_CHARS:
        log.warning("query rewrite refused: %r", reply[:200])
        return question
    return rewritten
