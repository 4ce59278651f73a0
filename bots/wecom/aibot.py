"""A 企业微信 智能机器人 over its long connection (the official wecom-aibot-python-sdk): no public address.

The bot opens a WebSocket to 企业微信, subscribes with its BotID and Secret, and receives messages as
callback frames; the first part of an answer goes back as the callback's reply (a finished stream of
Markdown), further parts and follow-ups as messages to the chat.

Usage::

    bot = WeComAibot(core, config, fail)   # fail(message): the credentials were refused
    asyncio.run(bot.serve())
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aibot.ws
from aibot import WSClient, WSClientOptions, generate_req_id

from bots.core.conversation import NOT_TEXT, BotCore, Incoming
from bots.core.markup import plain_text
from bots.core.messages import Quiz, Reply, text_reply
from bots.core.relay import Relay
from bots.core.runner import Fail
from bots.wecom.config import AibotConfig
from bots.wecom.render import aibot_markdowns

SEND_TIMEOUT = 30  # seconds to wait for 企业微信 to acknowledge a reply
REFUSED = "错误：企业微信不认这组智能机器人凭证（{reason}），请检查 WECOM_BOT_ID 和 WECOM_BOT_SECRET。"
_MENTION = re.compile(r"^\s*@\S+\s*")
_LOG = logging.getLogger(__name__)


class SdkLogger:
    """The SDK's logger interface (debug/info/warn/error) on Python logging."""

    def __init__(self) -> None:
        self._log = logging.getLogger("bots.wecom.sdk")

    def debug(self, message: str, *args: object) -> None:
        self._log.debug(message)

    def info(self, message: str, *args: object) -> None:
        self._log.info(message)

    def warn(self, message: str, *args: object) -> None:
        self._log.warning(message)

    def error(self, message: str, *args: object) -> None:
        self._log.error(message)


@dataclass
class Chat:
    """Where a message came from: its callback frame (answered once) and the chat for further messages."""

    frame: dict[str, Any] | None
    chat: str


class WeComAibot:
    """``await WeComAibot(core, config, fail).serve()``: the long connection's text messages and
    enter-chat events handed to the core, its answers sent back over the same connection."""

    def __init__(self, core: BotCore, config: AibotConfig, fail: Fail) -> None:
        self.core = core
        self.relay = Relay(core)
        self.fail = fail
        trust_extra_certificates()
        options = WSClientOptions(
            bot_id=config.bot_id, secret=config.secret, ws_url=config.ws_url, max_reconnect_attempts=-1
        )
        options.logger = SdkLogger()
        self.client = WSClient(options)
        self.client.on("message.text", self.on_text)
        for kind in ("image", "mixed", "voice", "file"):
            self.client.on(f"message.{kind}", self.on_other)
        self.client.on("event.enter_chat", self.on_enter)
        self.client.on("error", self.on_error)
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self) -> None:
        """Connect and stay connected (the SDK reconnects) until the process stops."""
        self.loop = asyncio.get_running_loop()
        await self.client.connect()
        await asyncio.Event().wait()

    def on_text(self, frame: dict[str, Any]) -> None:
        body = frame.get("body", {})
        user = body.get("from", {}).get("userid", "")
        chat = body.get("chatid") or user
        text = _MENTION.sub("", body.get("text", {}).get("content", ""))
        send = self.sender(Chat(frame, chat))
        self.relay.message(Incoming(user, chat, text), send, key=f"wecom-aibot:{body.get('msgid', '')}")

    def on_other(self, frame: dict[str, Any]) -> None:
        body = frame.get("body", {})
        chat = body.get("chatid") or body.get("from", {}).get("userid", "")
        self.relay.run(chat, lambda: [text_reply(NOT_TEXT)], self.sender(Chat(frame, chat)))

    async def on_enter(self, frame: dict[str, Any]) -> None:
        """A user opens the chat (first time today): the welcome, within the 5 seconds it allows."""
        user = frame.get("body", {}).get("from", {}).get("userid", "")
        replies = self.core.handle_message(Incoming(user, user, "/start")).replies
        blocks = [block for reply in replies if isinstance(reply, Reply) for block in reply.blocks]
        welcome = {"msgtype": "text", "text": {"content": plain_text(blocks)}}
        await self.client.reply_welcome(frame, welcome)

    def on_error(self, error: Exception) -> None:
        reason = str(error)
        if reason.startswith("Authentication failed"):
            self.fail(REFUSED.format(reason=reason.removeprefix("Authentication failed: ")))
        else:
            _LOG.warning("企业微信 long connection: %s", reason)

    def sender(self, chat: Chat) -> Callable[[Sequence[Reply | Quiz]], None]:
        """What sends replies to ``chat`` from a worker thread: the first part as the callback's reply (a
        finished stream), the rest as messages to the chat."""

        def send(replies: Sequence[Reply | Quiz]) -> None:
            assert self.loop is not None
            for reply in replies:
                for text in aibot_markdowns(reply):
                    if chat.frame is not None:
                        stream = generate_req_id("stream")
                        sending = self.client.reply_stream(chat.frame, stream, text, finish=True)
                        chat.frame = None
                    else:
                        body = {"msgtype": "markdown", "markdown": {"content": text}}
                        sending = self.client.send_message(chat.chat, body)
                    asyncio.run_coroutine_threadsafe(sending, self.loop).result(SEND_TIMEOUT)

        return send


def trust_extra_certificates() -> None:
    """Trust the certificates in SSL_CERT_FILE too (a company proxy's CA; the tests' local server): the SDK
    verifies 企业微信's certificate against certifi's bundle only, in a context it keeps in aibot.ws."""
    path = os.environ.get("SSL_CERT_FILE")
    if path:
        aibot.ws._SSL_CONTEXT.load_verify_locations(cafile=path)
