"""The user's chat model behind an OpenAI-compatible endpoint (vLLM, Ollama, LM Studio, an appliance),
through langchain-openai, and a call to it that gives up at a deadline.

Usage::

    model = chat_model(settings.llm)
    for piece in timed(lambda: text_chunks(model, messages, stream=True), timeout=8):
        ...   # LLMUnavailable once 8 s have passed or the endpoint failed
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI

from assistant.llm.settings import LLMSettings

MAX_TOKENS = 800  # an answer of six short sentences needs far fewer
NO_KEY = "EMPTY"  # what local servers (vLLM, Ollama) accept when they check no key


class LLMUnavailable(Exception):
    """The endpoint did not answer in time or failed; the reason is for the operator's log."""


def chat_model(settings: LLMSettings) -> ChatOpenAI:
    """A deterministic chat model on the configured endpoint, no retries (the deadline is short)."""
    return ChatOpenAI(
        model=settings.model or "default",
        base_url=settings.base_url,
        api_key=settings.api_key or NO_KEY,
        timeout=settings.timeout,
        max_retries=0,
        temperature=0,
        max_tokens=MAX_TOKENS,
    )


def text_chunks(model: BaseChatModel, messages: Sequence[BaseMessage], stream: bool) -> Iterator[str]:
    """The reply's text: piece by piece from a streamed (SSE) request, or whole from a plain one."""
    if not stream:
        yield str(model.invoke(list(messages)).content)
        return
    for chunk in model.stream(list(messages)):
        if isinstance(chunk.content, str) and chunk.content:
            yield chunk.content


def timed(produce: Callable[[], Iterator[str]], timeout: float) -> Iterator[str]:
    """The pieces ``produce()`` yields, read in a worker thread; LLMUnavailable when the whole reply has not
    arrived ``timeout`` seconds after the call, or when the request failed. A reply abandoned by the
    caller or the deadline is closed at its next piece."""
    pieces: queue.Queue[tuple[str, object]] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for piece in produce():
                if stop.is_set():
                    return
                pieces.put(("piece", piece))
            pieces.put(("end", None))
        except Exception as exc:  # the endpoint's failure, whatever the client raised
            pieces.put(("error", exc))

    threading.Thread(target=work, name="llm-reply", daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                kind, value = pieces.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise LLMUnavailable(f"no complete reply within {timeout:g} s") from None
            if kind == "end":
                return
            if kind == "error":
                raise LLMUnavailable(f"{type(value).__name__}: {value}") from value  # type: ignore[misc]
            yield str(value)
    finally:
        stop.set()
