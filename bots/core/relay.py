"""Between a messenger SDK and the core: each message handled once, in a worker thread, its replies sent in
order, and any failure ended with a short apology and a log line that holds neither the text nor a secret.

Platforms redeliver what they think was not received (企业微信 retries a callback after 5 seconds, 钉钉 and
飞书 redeliver unacknowledged events), so a message carries its platform id and a repeat is dropped.

Usage::

    relay = Relay(core)
    relay.message(Incoming("u1", "u1", "发生事故多久上报"), send=lambda replies: ..., key=msg_id)
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from bots.core.conversation import APOLOGY, BotCore, Incoming
from bots.core.messages import Quiz, Reply, text_reply

Send = Callable[[Sequence[Reply | Quiz]], None]  # shows replies in the chat the message came from
WORKERS = 4  # messages answered at once
REMEMBERED = 4096  # message ids kept to recognise a redelivery
_LOG = logging.getLogger(__name__)


class Relay:
    """``Relay(core).message(incoming, send, key)``: answer a message in a worker thread (one chat's
    messages one after the other), unless ``key`` was seen before."""

    def __init__(self, core: BotCore, workers: int = WORKERS) -> None:
        self.core = core
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="relay")
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._chats: OrderedDict[str, threading.Lock] = OrderedDict()
        self._lock = threading.Lock()

    def message(self, incoming: Incoming, send: Send, key: str = "") -> Future[None] | None:
        """Queue the message; None when ``key`` was handled already (a redelivery)."""
        if key and not self._first(key):
            _LOG.info("dropped a redelivered message %s", key)
            return None
        return self._pool.submit(self._answer, incoming, send)

    def run(self, chat_id: str, job: Callable[[], Sequence[Reply | Quiz]], send: Send) -> Future[None]:
        """Run ``job`` (a button's slow work) in a worker thread and send its replies to the chat."""
        return self._pool.submit(self._guarded, chat_id, lambda: send(job()), send)

    def _answer(self, incoming: Incoming, send: Send) -> None:
        def answer() -> None:
            outcome = self.core.handle_message(incoming)
            send(outcome.replies)
            if outcome.followup is not None:
                send(outcome.followup())

        self._guarded(incoming.chat_id, answer, send)

    def _guarded(self, chat_id: str, work: Callable[[], None], send: Send) -> None:
        """Do the work holding the chat's lock; on failure log it and apologise in the chat."""
        with self._chat_lock(chat_id):
            try:
                work()
            except Exception as exc:
                _LOG.error("could not answer in chat %s: %s: %s", chat_id, type(exc).__name__, exc)
                try:
                    send([text_reply(APOLOGY)])
                except Exception as again:
                    _LOG.warning("could not send the apology to chat %s: %s", chat_id, again)

    def _first(self, key: str) -> bool:
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > REMEMBERED:
                self._seen.popitem(last=False)
            return True

    def _chat_lock(self, chat_id: str) -> threading.Lock:
        with self._lock:
            lock = self._chats.pop(chat_id, None) or threading.Lock()
            self._chats[chat_id] = lock
            if len(self._chats) > REMEMBERED:
                self._chats.popitem(last=False)
            return lock
