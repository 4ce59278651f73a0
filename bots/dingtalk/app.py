"""A 钉钉 robot in Stream mode (the dingtalk-stream SDK): no public address, messages over a WebSocket.

The SDK opens the connection (POST /v1.0/gateway/connections/open with the app's credentials, then a
WebSocket to the endpoint it returns), acknowledges each robot message and hands it here; answers go to
the message's session webhook, a short-lived URL that 钉钉 puts in every robot message.

Usage::

    robot = DingTalkRobot(core, config)
    robot.client.open_connection()        # None when 钉钉 refuses the credentials
    asyncio.run(robot.client.start())
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import partial
from typing import Any

import requests
from dingtalk_stream import (
    AckMessage,
    CallbackHandler,
    CallbackMessage,
    ChatbotMessage,
    Credential,
    DingTalkStreamClient,
)

from bots.core.conversation import NOT_TEXT, BotCore, Incoming
from bots.core.messages import Quiz, Reply, text_reply
from bots.core.relay import Relay
from bots.dingtalk.config import DingTalkConfig
from bots.dingtalk.render import messages

SEND_TIMEOUT = 15  # seconds for a session webhook to answer
_MENTION = re.compile(r"^\s*@\S+\s*")
_LOG = logging.getLogger(__name__)


class RobotMessages(CallbackHandler):
    """The SDK's handler for the robot-message topic: acknowledge at once, answer in a worker thread."""

    def __init__(self, robot: DingTalkRobot) -> None:
        super().__init__()
        self.robot = robot

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        self.robot.receive(callback.data)
        return AckMessage.STATUS_OK, "OK"


class DingTalkRobot:
    """``DingTalkRobot(core, config).client``: a Stream client whose robot messages go to the core."""

    def __init__(self, core: BotCore, config: DingTalkConfig) -> None:
        self.relay = Relay(core)
        self.client = DingTalkStreamClient(Credential(config.client_id, config.client_secret))
        self.client.register_callback_handler(ChatbotMessage.TOPIC, RobotMessages(self))

    def receive(self, data: dict[str, Any]) -> None:
        message = ChatbotMessage.from_dict(data)
        user = message.sender_staff_id or message.sender_id or ""
        chat = message.conversation_id or user
        send = partial(self.send, message.session_webhook)
        texts = message.get_text_list() if message.message_type in ("text", "richText") else None
        if not texts:
            self.relay.run(chat, lambda: [text_reply(NOT_TEXT)], send)
            return
        text = _MENTION.sub("", "".join(texts)).strip()
        self.relay.message(Incoming(user, chat, text), send, key=f"dingtalk:{message.message_id}")

    def send(self, webhook: str, replies: Sequence[Reply | Quiz]) -> None:
        """Each reply as Markdown or ActionCard messages through the session webhook, in order."""
        for reply in replies:
            for payload in messages(reply):
                response = requests.post(webhook, json=payload, timeout=SEND_TIMEOUT)
                response.raise_for_status()
                result = response.json()
                if result.get("errcode", 0) != 0:
                    raise RuntimeError(
                        f"钉钉 refused a message: {result.get('errcode')} {result.get('errmsg')}"
                    )
