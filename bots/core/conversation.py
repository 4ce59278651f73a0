"""The conversation core every messenger adapter drives: access, rate limit, commands, questions, buttons.

An adapter turns its platform's update into an ``Incoming`` (a message) or a ``Press`` (a button),
hands it to ``BotCore`` (from a worker thread: answers take a while), and shows what comes back; slow
work (/reindex) comes back as a ``followup`` for the adapter to run in a worker thread, whose replies
it sends when done.

Usage::

    core = BotCore(Assistant(Settings.from_env()), BotConfig.from_env())
    outcome = core.handle_message(Incoming(user_id="7", chat_id="7", text="/law 安全生产法 21"))
    outcome.replies[0].text  # "《中华人民共和国安全生产法》第二十一条\\n第二章 ……"
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.duties import UnknownBodyError, compose_duty_answer
from assistant.indexing import update_index
from assistant.live import reopen
from assistant.quiz import JUDGE, SINGLE, QuizItem, Selection, SelectionError
from assistant.service import Assistant, NotFoundError, QuestionError
from bots.core.citing import PROVISION, Citer, ShortNames
from bots.core.commands import Command, command_menu, parse_command
from bots.core.config import BotConfig
from bots.core.context import ChatContext, ContextStore, Source
from bots.core.feedback import RATE, Feedback
from bots.core.formatting import (
    PAGE,
    answer_reply,
    document_reply,
    documents_reply,
    help_reply,
    provision_blocks,
    provision_reply,
    responsibilities_reply,
    sources_of,
    sources_page,
    whole_sentences,
)
from bots.core.lawref import LawRefError, parse_law_argument
from bots.core.messages import QUIZ_OPTION_LIMIT, QUIZ_QUESTION_LIMIT, Quiz, Reply, text_reply
from bots.core.quizzes import ANSWER, chosen_option, quiz_message, quiz_result
from bots.core.ratelimit import RateLimiter
from corpus.model import citation

_LOG = logging.getLogger(__name__)

# Errors whose message is meant for the user; anything else is a bug the adapter apologises for.
USER_ERRORS = (QuestionError, NotFoundError, LawRefError, UnknownBodyError, SelectionError)
QUIZ_DRAW = 10  # questions drawn per /quiz, the first that fits a native quiz is asked
DEFAULT_QUIZ_DOCUMENT = "work-safety-law-2021"  # /quiz with nothing named: the law every worker is trained on

NOT_ALLOWED = "抱歉，这个机器人目前只对授权的用户开放。如需使用，请把您的用户 ID {user_id} 发给管理员开通。"
TOO_FAST = (
    "您发得太快了：这条消息和之后 {seconds} 秒内发来的消息都不会回答，请在 {seconds} 秒后重新发送。"
    "（每人每 {window} 秒最多 {limit} 条）"
)
ADMIN_ONLY = "抱歉，/reindex 只有管理员可以使用。"
REINDEX_STARTED = "正在更新索引，完成后会通知您。这段时间照常可以提问。"
REINDEX_FAILED = "索引更新失败："
REINDEX_BUSY = "索引正在更新中，请等它完成后再试。"
UNKNOWN_COMMAND = "没有 /{name} 这个命令。发送 /help 查看可用的命令。"
EXPIRED_BUTTON = "这个按钮已经过期，请重新提问或发送 /sources。"
QUIZ_ANSWERED = "这道题已经作答过了，发送 /quiz 再来一道。"
NO_SOURCES = "还没有可以显示的依据。请先提一个问题，或用 /law 查看条文。"
APOLOGY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
NOT_TEXT = "目前只能回答文字消息，请把问题打成文字发给我。"
DUTY_USAGE = "请在 /duty 后写单位或工作，例如：/duty 市应急管理局 或 /duty 隐患排查"
LAW_NEEDS_DOCUMENT = "请写明法规名称和条号，例如：/law 安全生产法 21，或 /law 通知 十三。"
NO_QUIZ = "没有找到能出题的条文，换一部法规或一个主题试试，例如：/quiz 安全生产法 或 /quiz 隐患排查"
NOT_COLLECTED = "还没有收录这部文件。发送 /law 查看已收录的文件。"

START = (
    "您好！我是安全生产知识助手，回答安全生产法律法规和临汾市《关于做好2025年安全生产工作的通知》"
    "（临政发〔2025〕1号）的问题，每个回答都注明出处，点出处按钮可看条文原文。",
    "直接发问题就行，例如：发生事故后多长时间内要上报？",
)
# A body name ends like this (市应急管理局, 市消防救援支队, 各县（市、区）人民政府); anything else is a task.
_BODY = re.compile(r"(?:局|委|办|厅|处|院|所|队|政府|部门|单位|中心|管委会|委员会)$")
# A message that asks for a source of the last answer by its number: 1, [2], （3）
_SOURCE_NUMBER = re.compile(r"^\s*[\[［(（]?\s*(\d{1,2})\s*[\]］)）]?\s*$")


@dataclass(frozen=True)
class Incoming:
    """``Incoming(user_id="7", chat_id="7", text="发生事故多久上报")``: a text message (a command or a
    question); ids as the messenger writes them, as text."""

    user_id: str
    chat_id: str
    text: str
    bot_name: str | None = None  # this bot's user name, to ignore commands addressed to other bots


@dataclass(frozen=True)
class Press:
    """``Press(user_id="7", chat_id="7", data="p:1")``: a button pressed, with the data it carried."""

    user_id: str
    chat_id: str
    data: str


@dataclass
class Outcome:
    """What to send for a message: replies (text, or a quiz) now, and optionally slow work whose replies
    follow."""

    replies: list[Reply | Quiz] = field(default_factory=list)
    followup: Callable[[], list[Reply]] | None = None


@dataclass
class PressOutcome:
    """What to do for a button: a short notice on the button (may be empty), and a reply to show, either
    in place of the message that holds the button (``replace``) or as a new message."""

    notice: str = ""
    reply: Reply | None = None
    replace: bool = False


class BotCore:
    """The channel-agnostic bot over the assistant façade (one instance serves every chat)."""

    def __init__(
        self,
        assistant: Assistant,
        config: BotConfig,
        clock: Callable[[], float] = time.monotonic,
        feedback: Feedback | None = None,
    ) -> None:
        self.assistant = assistant
        self.config = config
        self.feedback = feedback  # 👍/👎 under answers, into the question log
        self.contexts = ContextStore()
        self.limiter = RateLimiter(*config.rate, clock=clock) if config.rate else None
        self._reindexing = threading.Lock()
        self._names: tuple[object, ShortNames] | None = None  # the index they were made for, the names
        self._commands: dict[str, Callable[[Command, Incoming, ChatContext], Outcome]] = {
            "start": lambda *_: Outcome([text_reply(*START)]),
            "help": lambda _c, message, _x: Outcome([help_reply(self.config.is_admin(message.user_id))]),
            "law": self._law,
            "duty": self._duty,
            "sources": self._sources,
            "reindex": self._reindex,
            "quiz": self._quiz,
        }

    def menu(self, admin: bool = False) -> dict[str, str]:
        """Command names and descriptions for a messenger's command menu: admins also see /reindex."""
        return command_menu(admin)

    def citer(self, context: ChatContext) -> Citer:
        """Buttons and links of provisions for one chat."""
        index = self.assistant.index  # a new build goes live without a restart (assistant.live)
        if self._names is None or self._names[0] is not index:
            self._names = (index, ShortNames.of(index.documents.values(), self.assistant.analyzer.aliases))
        return Citer(context, self._names[1], self.config.public_url)

    def handle_message(self, message: Incoming) -> Outcome:
        """The replies to a text message; refusals (allowlist, rate limit) are replies too."""
        if not self.config.allows(message.user_id, message.chat_id):
            return Outcome([text_reply(NOT_ALLOWED.format(user_id=message.user_id))])
        command = parse_command(message.text)
        if command is not None and command.for_other_bot(message.bot_name):
            return Outcome()
        if self.limiter is not None:
            verdict = self.limiter.check(message.user_id)
            if not verdict.allowed:
                limit, window = self.limiter.limit, round(self.limiter.window)
                notice = TOO_FAST.format(seconds=verdict.retry_after, window=window, limit=limit)
                return Outcome([text_reply(notice)] if verdict.warn else [])
        context = self.contexts.get(message.chat_id)
        with context.lock:
            return self._dispatch(message, command, context)

    def _dispatch(self, message: Incoming, command: Command | None, context: ChatContext) -> Outcome:
        try:
            if command is None:  # a question, an answer to the open quiz, a source's number, or feedback
                text = message.text.replace(f"@{message.bot_name}", " ") if message.bot_name else message.text
                if self.feedback is not None and (noted := self.feedback.message(text, context.chat_id)):
                    return Outcome([noted])
                return Outcome([self._reply_to(text, context)])
            handler = self._commands.get(command.name)
            if handler is None:
                return Outcome([text_reply(UNKNOWN_COMMAND.format(name=command.name))])
            return handler(command, message, context)
        except USER_ERRORS as exc:
            return Outcome([text_reply(str(exc))])

    def handle_press(self, press: Press) -> PressOutcome:
        """What a button press shows: a provision, or another page of sources."""
        if not self.config.allows(press.user_id, press.chat_id):
            return PressOutcome(NOT_ALLOWED.format(user_id=press.user_id))
        context = self.contexts.get(press.chat_id)
        with context.lock:
            return self._pressed(press.data, context)

    def _pressed(self, data: str, context: ChatContext) -> PressOutcome:
        kind, _, rest = data.partition(":")
        if kind == PROVISION and (provision := context.provision_for(rest)):
            try:
                return PressOutcome(reply=self._provision(*provision, context))
            except NotFoundError as exc:  # gone from the index since the button was made
                return PressOutcome(str(exc))
        if kind == RATE and self.feedback is not None:
            return PressOutcome(self.feedback.press(rest, context.chat_id))
        if kind == PAGE:
            version, _, page = rest.partition(":")
            if version == str(context.sources_version) and page.isdigit():
                return PressOutcome(reply=sources_page(self.citer(context), int(page)), replace=True)
        if kind == ANSWER:
            version, _, option = rest.partition(":")
            if version != str(context.quizzes) or context.quiz is None or not option.isdigit():
                return PressOutcome(QUIZ_ANSWERED)
            return PressOutcome(reply=self._answered(context.quiz, int(option), context))
        return PressOutcome(EXPIRED_BUTTON)

    # --- commands ------------------------------------------------------------------------------------

    def _reply_to(self, text: str, context: ChatContext) -> Reply:
        """An answer to the open quiz (C), a source of the last answer by its number (1), or a question."""
        if context.quiz is not None and (chosen := chosen_option(text, context.quiz)) is not None:
            return self._answered(context.quiz, chosen, context)
        number = _SOURCE_NUMBER.match(text)
        if number and 1 <= int(number.group(1)) <= len(context.sources):
            source = context.sources[int(number.group(1)) - 1]
            return self._provision(source.doc_id, source.unit, context)
        return self._question(text, context)

    def _answered(self, quiz: Quiz, chosen: int, context: ChatContext) -> Reply:
        context.quiz = None
        return quiz_result(quiz, min(chosen, len(quiz.options) - 1))

    def _provision(self, doc_id: str, unit: str, context: ChatContext) -> Reply:
        provision, document = self.assistant.lookup(doc_id, unit)
        return provision_reply(provision, document, self.citer(context).url(provision.doc_id, provision.unit))

    def _question(self, text: str, context: ChatContext) -> Reply:
        assistant = self.assistant
        answer = assistant.ask(text, context_doc=context.last_doc)
        context.last_doc = assistant.analyzer.named_document(text) or context.last_doc
        context.remember_sources(self._widened(sources_of(answer)))
        reply = answer_reply(answer, self.citer(context))
        return self.feedback.attach(reply, context.chat_id, text, answer) if self.feedback else reply

    def _widened(self, sources: list[Source]) -> list[Source]:
        """Sources whose quotes run to the ends of the sentences they stand in (for /sources previews)."""
        widened = []
        for source in sources:
            try:
                text = self.assistant.lookup(source.doc_id, source.unit)[0].text
            except NotFoundError:
                text = source.quote
            quote = whole_sentences(source.quote, text)
            widened.append(Source(source.doc_id, source.unit, source.citation, quote))
        return widened

    def _law(self, command: Command, _message: Incoming, context: ChatContext) -> Outcome:
        index = self.assistant.index
        if not command.argument:
            return Outcome([documents_reply(index.documents.values())])
        ref = parse_law_argument(command.argument, self._document_names())
        doc_id = ref.doc_id or context.last_doc
        if doc_id is None:
            raise LawRefError(LAW_NEEDS_DOCUMENT)
        document = index.documents.get(doc_id)
        if document is None:
            raise LawRefError(NOT_COLLECTED)
        context.last_doc = doc_id
        if not ref.units:
            count = sum(1 for p in index.provisions.values() if p.doc_id == doc_id)
            return Outcome([document_reply(document, count)])
        found = []
        for unit in ref.units:
            try:
                found.append(self.assistant.lookup(doc_id, unit))
            except NotFoundError:
                if len(ref.units) == 1:  # one unit: say why; a range: show the part that exists
                    raise
        if not found:
            raise NotFoundError(f"《{document.title}》中没有第 {ref.units[0]}–{ref.units[-1]} 条。")
        context.remember_sources(
            [Source(p.doc_id, p.unit, citation(d.title, p.unit), p.text) for p, d in found]
        )
        citer = self.citer(context)
        blocks = [block for p, d in found for block in provision_blocks(p, d, citer.url(p.doc_id, p.unit))]
        return Outcome([Reply(blocks)])

    def _duty(self, command: Command, _message: Incoming, context: ChatContext) -> Outcome:
        """A body (ends like 局, 支队, 单位): the notice items it carries; anything else is a task: who
        carries the items that mention it, or, when the notice has none, an answer from the laws."""
        subject = command.argument
        if not subject:
            return Outcome([text_reply(DUTY_USAGE)])
        if _BODY.search(subject):
            answer = compose_duty_answer(self.assistant.duties(subject)[0])
            context.remember_sources(sources_of(answer))
            return Outcome([answer_reply(answer, self.citer(context))])
        found = self.assistant.who_is_responsible(subject)
        if not found:
            return Outcome([self._question(f"{subject}由谁负责？", context)])
        context.remember_sources(
            [Source(r.item.provision.doc_id, r.unit, r.item.citation, r.item.provision.text) for r in found]
        )
        return Outcome([responsibilities_reply(subject, found, self.citer(context))])

    def _quiz(self, command: Command, _message: Incoming, context: ChatContext) -> Outcome:
        """One exam question (single choice or true/false) from the document named, the topic given, or
        else the chat's last document (the Work Safety Law at first); a new question each time."""
        selection = self._quiz_selection(command.argument, context)
        context.quizzes += 1
        drawn = self.assistant.quiz(selection, types=(SINGLE, JUDGE), n=QUIZ_DRAW, seed=context.quizzes).items
        if not drawn:
            return Outcome([text_reply(NO_QUIZ)])
        item = next((i for i in drawn if _fits_native_quiz(i)), drawn[0])
        title = self.assistant.index.documents[item.doc_id].title
        context.remember_sources(
            [Source(item.doc_id, unit, citation(title, unit), item.source) for unit in item.cited_units]
        )
        context.quiz = quiz_message(item, title, self.citer(context), context.quizzes)
        return Outcome([context.quiz])

    def _quiz_selection(self, argument: str, context: ChatContext) -> Selection:
        """/quiz 安全生产法 (21, or a word in its text), /quiz 隐患排查 (a topic), or the last document."""
        documents = self.assistant.index.documents
        ref = parse_law_argument(argument, self._document_names())
        if ref.doc_id in documents:
            context.last_doc = ref.doc_id
            numbers = tuple(u for u in ref.units if u.isdigit())
            words = tuple(u for u in ref.units if not u.isdigit())
            return Selection(doc_ids=(ref.doc_id,), units=numbers, keywords=words)
        if argument:
            return Selection(topic=argument)
        default = context.last_doc or DEFAULT_QUIZ_DOCUMENT
        return Selection(doc_ids=(default,)) if default in documents else Selection()

    def _document_names(self) -> dict[str, str]:
        """Every way to name a document: its aliases (安法), its title and its id (your own documents
        have no aliases)."""
        documents = self.assistant.index.documents.values()
        return {
            **{d.id: d.id for d in documents},
            **{d.title: d.id for d in documents},
            **self.assistant.analyzer.aliases,
        }

    def _sources(self, command: Command, _message: Incoming, context: ChatContext) -> Outcome:
        """The first page of the last answer's sources, or the page named (/sources 2)."""
        if not context.sources:
            return Outcome([text_reply(NO_SOURCES)])
        page = int(command.argument) if command.argument.isdigit() else 1
        return Outcome([sources_page(self.citer(context), page)])

    def _reindex(self, _command: Command, message: Incoming, _context: ChatContext) -> Outcome:
        if not self.config.is_admin(message.user_id):
            return Outcome([text_reply(ADMIN_ONLY)])
        if not self._reindexing.acquire(blocking=False):
            return Outcome([text_reply(REINDEX_BUSY)])
        return Outcome([text_reply(REINDEX_STARTED)], followup=self._run_reindex)

    def _run_reindex(self) -> list[Reply]:
        """Update the index, then answer from a fresh façade over the new build; a failure is reported to
        the admin in one line (and logged with its traceback)."""
        try:
            settings = self.assistant.settings
            report = update_index(settings, progress=False)
            self.assistant = reopen(self.assistant)
            return [text_reply(report.summary())]
        except Exception as exc:
            _LOG.exception("reindex failed")
            return [text_reply(f"{REINDEX_FAILED}{exc}")]
        finally:
            self._reindexing.release()


def _fits_native_quiz(item: QuizItem) -> bool:
    """Within the limits of a messenger's native quiz (Telegram's, the tightest known)."""
    return len(item.stem) <= QUIZ_QUESTION_LIMIT and all(
        len(o) <= QUIZ_OPTION_LIMIT for o in item.options.values()
    )
