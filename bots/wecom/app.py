"""A 企业微信 self-built application: encrypted messages arrive at its callback URL, answers go out through
the message API.

The callback is checked the way 企业微信 signs it (wechatpy's WeChat Work crypto: SHA-1 over the token,
timestamp, nonce and ciphertext; AES-CBC with the EncodingAESKey; the corp id inside the plaintext), then
for freshness: a timestamp more than five minutes off is refused, a repeated one is acknowledged and
dropped. A refused callback is logged with its reason and the sender's address, never its payload.

Usage::

    app = WeComApp(core, config)
    web.run_app(app.web_app(), host=config.listen, port=config.port)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from xml.parsers.expat import ExpatError

from aiohttp import web
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.client import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatException

from bots.core.conversation import NOT_TEXT, BotCore, Incoming
from bots.core.messages import Quiz, Reply, text_reply
from bots.core.relay import Relay
from bots.core.replay import FRESH, REPEATED, ReplayGuard
from bots.wecom.config import CALLBACK_PATH, AppConfig
from bots.wecom.render import app_texts

_BAD_INPUT = (WeChatException, ValueError, KeyError, TypeError, ExpatError)
_LOG = logging.getLogger(__name__)


class ApiClient(WeChatClient):
    """wechatpy's 企业微信 client, its access token fetched from the same API address as its calls (a
    private deployment or a proxy, and the local server of the tests)."""

    def __init__(self, corp_id: str, secret: str, api_base: str) -> None:
        self.API_BASE_URL = api_base
        super().__init__(corp_id, secret)

    def fetch_access_token(self) -> dict:
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )


class WeComApp:
    """``WeComApp(core, config).web_app()``: the callback endpoint (GET verifies the URL, POST delivers
    messages) over the core, and the sender through the message API."""

    def __init__(self, core: BotCore, config: AppConfig) -> None:
        self.config = config
        self.crypto = WeChatCrypto(config.token, config.aes_key, config.corp_id)
        self.client = ApiClient(config.corp_id, config.secret, config.api_base)
        self.relay = Relay(core)
        self.guard = ReplayGuard()

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(CALLBACK_PATH, self.verify)
        app.router.add_post(CALLBACK_PATH, self.receive)
        return app

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification when the callback is saved in the admin console: echo the decrypted echostr."""
        query = request.query
        try:
            echo = self.crypto.check_signature(
                query.get("msg_signature", ""),
                query.get("timestamp", ""),
                query.get("nonce", ""),
                query["echostr"],
            )
        except _BAD_INPUT as exc:
            return _refused(request, f"URL verification failed ({type(exc).__name__})")
        return web.Response(text=echo if isinstance(echo, str) else echo.decode())

    async def receive(self, request: web.Request) -> web.Response:
        """A message or event: checked, decrypted and queued; 企业微信 gets its empty answer at once."""
        query = request.query
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        try:
            xml = self.crypto.decrypt_message(
                await request.text(), query.get("msg_signature", ""), timestamp, nonce
            )
        except _BAD_INPUT as exc:
            return _refused(request, f"bad signature or ciphertext ({type(exc).__name__})")
        freshness = self.guard.check(timestamp, nonce)
        if freshness == REPEATED:
            _LOG.info("ignored a repeated callback (timestamp %s)", timestamp)
            return web.Response(text="")
        if freshness != FRESH:
            return _refused(request, f"stale timestamp {timestamp}")
        try:
            self._handle(parse_message(xml))
        except _BAD_INPUT as exc:
            _LOG.warning("could not read a 企业微信 message: %s", type(exc).__name__)
        return web.Response(text="")

    def _handle(self, message: object) -> None:
        kind = getattr(message, "type", "")
        user = getattr(message, "source", "")
        send = partial(self.send, user)
        if kind == "text":
            incoming = Incoming(user, user, message.content)  # type: ignore[attr-defined]
            self.relay.message(incoming, send, key=f"wecom:{message.id}")  # type: ignore[attr-defined]
        elif kind in ("image", "voice", "video", "file", "location", "link"):
            self.relay.run(user, lambda: [text_reply(NOT_TEXT)], send)

    def send(self, user: str, replies: Sequence[Reply | Quiz]) -> None:
        """Each reply as text messages to the user, in order."""
        for reply in replies:
            for text in app_texts(reply):
                self.client.message.send_text(self.config.agent_id, user, text)


def _refused(request: web.Request, reason: str) -> web.Response:
    _LOG.warning("refused a 企业微信 callback from %s: %s", request.remote, reason)
    return web.Response(status=403, text="forbidden")
