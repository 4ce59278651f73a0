"""What the bot remembers per chat: the last document named, the sources of the last answer, button keys.

Buttons carry a short key (a few bytes) instead of a provision id, which may exceed a messenger's limit on
button data; the key leads back to the provision through the chat's context.

Usage::

    context = store.get(chat_id)
    key = context.key_for("work-safety-law-2021", "第二十一条")  # "1"
    context.provision_for(key)                                   # ("work-safety-law-2021", "第二十一条")
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from bots.core.messages import Quiz

MAX_KEYS = 500  # button keys remembered per chat (older buttons answer that they have expired)
MAX_CHATS = 10_000  # chats remembered (least recently used forgotten first)


@dataclass(frozen=True)
class Source:
    """``Source("work-safety-law-2021", "第二十一条", "《…》第二十一条", "…")``: a provision an answer used."""

    doc_id: str
    unit: str
    citation: str
    quote: str


@dataclass
class ChatContext:
    """The conversation state of one chat; hold ``lock`` while reading and changing it (adapters may
    hand the core several updates at once)."""

    last_doc: str | None = None
    chat_id: str = ""
    sources: list[Source] = field(default_factory=list)
    sources_version: int = 0  # grows with every answer, so that old page buttons can be recognised
    quizzes: int = 0  # quizzes drawn in this chat: the seed of the next one and the version of the open one
    quiz: Quiz | None = None  # the quiz waiting for an answer
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _keys: OrderedDict[str, tuple[str, str]] = field(default_factory=OrderedDict)
    _by_provision: dict[tuple[str, str], str] = field(default_factory=dict)
    _next_key: int = 0

    def remember_sources(self, sources: list[Source]) -> None:
        self.sources = list(sources)
        self.sources_version += 1

    def key_for(self, doc_id: str, unit: str) -> str:
        """A short key for a provision (the same key while it is remembered)."""
        provision = (doc_id, unit)
        key = self._by_provision.get(provision)
        if key is None:
            self._next_key += 1
            key = _base36(self._next_key)
            self._keys[key] = provision
            self._by_provision[provision] = key
            if len(self._keys) > MAX_KEYS:
                _, forgotten = self._keys.popitem(last=False)
                del self._by_provision[forgotten]
        return key

    def provision_for(self, key: str) -> tuple[str, str] | None:
        """The provision behind a key; None when the key is unknown or forgotten."""
        return self._keys.get(key)


class ContextStore:
    """Chat contexts by chat id, the least recently used forgotten beyond ``limit`` chats."""

    def __init__(self, limit: int = MAX_CHATS) -> None:
        self._contexts: OrderedDict[str, ChatContext] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, chat_id: str) -> ChatContext:
        with self._lock:
            context = self._contexts.pop(chat_id, None) or ChatContext(chat_id=chat_id)
            self._contexts[chat_id] = context
            if len(self._contexts) > self._limit:
                self._contexts.popitem(last=False)
            return context


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"
