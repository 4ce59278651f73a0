"""👍/👎 under each answer of the bot, and an optional comment, into the question log (assistant.questionlog).

A 👎 invites a comment: a message that starts with “意见：” within COMMENT_WINDOW_S seconds is stored with that
rating instead of being answered as a question. Where a channel has no buttons that call back (企业微信, 钉钉),
the message “👍” or “👎” rates the chat's latest answer.

Usage::

    feedback = Feedback(QuestionLog.open(settings))
    reply = feedback.attach(answer_reply(answer, context), chat_id, question, answer)   # adds the two buttons
    feedback.press("3f2a…:-", chat_id)              # "已记录。想说明原因，请发送“意见：”加上您的说明。"
    feedback.message("👎", chat_id)                  # the latest answer rated down (a channel without callbacks)
    feedback.message("意见：没有说到审批", chat_id)  # a reply, or None when the message is not about feedback
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from assistant.answer import Answer
from assistant.questionlog import QuestionLog
from bots.core.messages import Button, Reply, text_reply

RATE = "f"  # button data kind: f:<ref>:+ or f:<ref>:-
CHANNEL = "bot"
COMMENT_PREFIXES = ("意见：", "意见:")
COMMENT_WINDOW_S = 600.0
THANKS = "谢谢您的评价！"
ASK_WHY = "已记录。想说明哪里不对，请在 10 分钟内发送“意见：”加上您的说明。"
NOTED = "谢谢您的意见！我们会据此改进。"
EXPIRED = "这个回答已经过了保留期，评价没有保存。"
NO_DOWN_VOTE = "请先在回答下面点“👎 没帮助”，再发送意见。"
NOTHING_TO_RATE = "还没有可以评价的回答：先提一个问题吧。"
RATING_REPLIES = {"👍": "+", "👎": "-"}  # the message that rates the latest answer, as a button's data sign
REMEMBERED_CHATS = 4096  # chats whose latest answer is kept for a rating by message


class Feedback:
    """Records the bot's answers and their ratings (one instance for every chat)."""

    def __init__(self, log: QuestionLog, clock: Callable[[], float] = time.monotonic) -> None:
        self.log = log
        self._clock = clock
        self._awaiting: dict[str, tuple[str, float]] = {}  # chat → (answer rated down, when)
        self._latest: OrderedDict[str, str] = OrderedDict()  # chat → its latest answer's reference
        self._lock = threading.Lock()

    def attach(self, reply: Reply, chat_id: str, question: str, answer: Answer) -> Reply:
        """Record the answer and add a row with 👍 and 👎 under the reply."""
        ref = self.log.record(CHANNEL, chat_id, question, answer)
        with self._lock:
            self._latest[chat_id] = ref
            self._latest.move_to_end(chat_id)
            if len(self._latest) > REMEMBERED_CHATS:
                self._latest.popitem(last=False)
        reply.buttons.append(
            [
                Button("👍 有帮助", f"{RATE}:{ref}:+", reply="👍"),
                Button("👎 没帮助", f"{RATE}:{ref}:-", reply="👎"),
            ]
        )
        return reply

    def press(self, data: str, chat_id: str) -> str:
        """The notice for a pressed 👍/👎 (``data`` after "f:"), the rating stored."""
        ref, _, sign = data.partition(":")
        rating = 1 if sign == "+" else -1
        if not self.log.rate(ref, CHANNEL, chat_id, rating):
            return EXPIRED
        if rating == 1:
            return THANKS
        with self._lock:
            now = self._clock()
            self._awaiting = {
                c: (r, t) for c, (r, t) in self._awaiting.items() if now - t <= COMMENT_WINDOW_S
            }
            self._awaiting[chat_id] = (ref, now)
        return ASK_WHY

    def message(self, text: str, chat_id: str) -> Reply | None:
        """The reply to a message about feedback: “👍” or “👎” on the chat's latest answer, or a comment
        (“意见：…”) on the answer the chat rated down; None for any other message."""
        stripped = text.strip()
        if stripped in RATING_REPLIES:
            with self._lock:
                ref = self._latest.get(chat_id)
            if ref is None:
                return text_reply(NOTHING_TO_RATE)
            return text_reply(self.press(f"{ref}:{RATING_REPLIES[stripped]}", chat_id))
        if not stripped.startswith(COMMENT_PREFIXES):
            return None
        with self._lock:
            ref, at = self._awaiting.pop(chat_id, ("", 0.0))
        if not ref or self._clock() - at > COMMENT_WINDOW_S:
            return text_reply(NO_DOWN_VOTE)
        self.log.rate(ref, CHANNEL, chat_id, -1, stripped[len(COMMENT_PREFIXES[0]) :])
        return text_reply(NOTED)
