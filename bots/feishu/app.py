"""A 飞书 bot (lark-oapi): messages and card button presses arrive over the long connection or by HTTP
callback, answers go out as interactive cards replying to the message.

Over HTTP a callback is checked before the SDK decrypts it: its signature (SHA-256 over the timestamp,
nonce, Encrypt Key and body), then its freshness (a timestamp more than five minutes off is refused, a
repeat acknowledged and dropped). A refused callback is logged with its reason, never its payload.

Usage::

    bot = FeishuBot(core, config)
    lark.ws.Client(config.app_id, config.app_secret, event_handler=bot.handler, domain=config.domain).start()
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from functools import partial

import lark_oapi as lark
from aiohttp import web
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1, ReplyMessageRequest, ReplyMessageRequestBody
from lark_oapi.core.const import (
    LARK_REQUEST_NONCE,
    LARK_REQUEST_SIGNATURE,
    LARK_REQUEST_TIMESTAMP,
    X_REQUEST_ID,
)
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)

from bots.core.conversation import NOT_TEXT, BotCore, Incoming, Press
from bots.core.messages import Quiz, Reply, text_reply
from bots.core.relay import Relay
from bots.core.replay import FRESH, REPEATED, ReplayGuard
from bots.feishu.config import EVENTS_PATH, FeishuConfig
from bots.feishu.render import BUTTON_DATA, cards

_MENTION = re.compile(r"@_user_\d+\s*")
_LOG = logging.getLogger(__name__)


class FeishuBot:
    """``FeishuBot(core, config).handler``: the SDK's event dispatcher over the core (messages queued for a
    worker thread, button presses answered at once), and the sender of cards."""

    def __init__(self, core: BotCore, config: FeishuConfig) -> None:
        self.core = core
        self.config = config
        self.relay = Relay(core)
        self.guard = ReplayGuard()
        self.client = (
            lark.Client.builder()
            .app_id(config.app_id)
            .app_secret(config.app_secret)
            .domain(config.domain)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )
        self.handler = (
            lark.EventDispatcherHandler.builder(config.encrypt_key, config.verification_token)
            .register_p2_im_message_receive_v1(self.on_message)
            .register_p2_card_action_trigger(self.on_press)
            .build()
        )

    def on_message(self, data: P2ImMessageReceiveV1) -> None:
        message, sender = data.event.message, data.event.sender
        user = sender.sender_id.open_id if sender and sender.sender_id else ""
        send = partial(self.send, message.message_id)
        if message.message_type != "text":
            self.relay.run(message.chat_id, lambda: [text_reply(NOT_TEXT)], send)
            return
        text = _MENTION.sub("", json.loads(message.content or "{}").get("text", "")).strip()
        key = f"feishu:{data.header.event_id if data.header else message.message_id}"
        self.relay.message(Incoming(user, message.chat_id, text), send, key=key)

    def on_press(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        """A card button: its notice as a toast; its reply in place of the card, or as a new card."""
        event = data.event
        chat, message_id = event.context.open_chat_id, event.context.open_message_id
        press = Press(event.operator.open_id, chat, (event.action.value or {}).get(BUTTON_DATA, ""))
        outcome = self.core.handle_press(press)
        response: dict = {"toast": {"type": "info", "content": outcome.notice}} if outcome.notice else {}
        if outcome.reply is not None:
            shown = cards(outcome.reply)
            if outcome.replace and len(shown) == 1:
                response["card"] = {"type": "raw", "data": shown[0]}
            else:
                reply = outcome.reply
                self.relay.run(chat, lambda: [reply], partial(self.send, message_id))
        return P2CardActionTriggerResponse(response)

    def send(self, message_id: str, replies: Sequence[Reply | Quiz]) -> None:
        """Each reply as cards replying to the message, in order."""
        for reply in replies:
            for content in cards(reply):
                body = ReplyMessageRequestBody.builder().msg_type("interactive").content(json.dumps(content))
                request = (
                    ReplyMessageRequest.builder().message_id(message_id).request_body(body.build()).build()
                )
                response = self.client.im.v1.message.reply(request)
                if not response.success():
                    raise RuntimeError(f"飞书 refused a message: {response.code} {response.msg}")

    def web_app(self) -> web.Application:
        """The HTTP callback for events and card presses (the long connection needs none)."""
        app = web.Application()
        app.router.add_post(EVENTS_PATH, self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {
            name: request.headers.get(name, "") for name in (LARK_REQUEST_TIMESTAMP, LARK_REQUEST_NONCE)
        }
        signature = request.headers.get(LARK_REQUEST_SIGNATURE, "")
        if signature:  # every event and card press is signed; only the URL check is not
            if not self.signed(headers[LARK_REQUEST_TIMESTAMP], headers[LARK_REQUEST_NONCE], body, signature):
                return _refused(request, "bad signature")
            freshness = self.guard.check(headers[LARK_REQUEST_TIMESTAMP], headers[LARK_REQUEST_NONCE])
            if freshness == REPEATED:
                _LOG.info("ignored a repeated callback (timestamp %s)", headers[LARK_REQUEST_TIMESTAMP])
                return web.json_response({})
            if freshness != FRESH:
                return _refused(request, f"stale timestamp {headers[LARK_REQUEST_TIMESTAMP]}")
        raw = lark.RawRequest()
        raw.uri = request.path
        raw.headers = {
            **headers,
            LARK_REQUEST_SIGNATURE: signature,
            X_REQUEST_ID: request.headers.get(X_REQUEST_ID, ""),
        }
        raw.body = body
        answer = self.handler.do(raw)
        return web.Response(status=answer.status_code, body=answer.content, content_type="application/json")

    def signed(self, timestamp: str, nonce: str, body: bytes, signature: str) -> bool:
        """Whether 飞书 signed this body: SHA-256 of timestamp + nonce + Encrypt Key + body, in hex."""
        digest = hashlib.sha256((timestamp + nonce + self.config.encrypt_key).encode() + body).hexdigest()
        return hmac.compare_digest(digest, signature)


def _refused(request: web.Request, reason: str) -> web.Response:
    _LOG.warning("refused a 飞书 callback from %s: %s", request.remote, reason)
    return web.Response(status=403, text="forbidden")
