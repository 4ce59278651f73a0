"""The 问答 tab: a chat with the assistant, cited answers, example questions for each kind of user, the
conversations kept on the device (new, reopen, delete after confirmation), and 👍/👎 with an optional
comment on the latest answer.

Usage::

    session = ChatSession(assistant, recorder)
    store = session.ask(Conversations(), "安全生产法的立法目的是什么？", who=session_hash)
    session.html(store.current)  # the conversation: each answer, its verdict first, its linked citations
    store = session.rate(store, -1, who=session_hash, comment="没有说到审批")
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

import gradio as gr

from assistant.service import Assistant, NotFoundError
from assistant.web.conversation import Conversation, Conversations, Turn
from assistant.web.errors import user_message
from assistant.web.recorder import Recorder
from assistant.web.render import answer_html, conversation_html
from assistant.web.tabs import TabContext

# Example questions by the kind of user who asks them; one tap asks.
EXAMPLES: dict[str, list[str]] = {
    "工人": [
        "发现身边有事故隐患，我该找谁报告？",
        "单位让我冒险作业，我能拒绝吗？",
        "特种作业人员要持证上岗吗？",
    ],
    "干部": [
        "生产经营单位的主要负责人有哪些职责？",
        "今年全市矿山安全监督管理由哪些部门负责？",
        "发生生产安全事故后多长时间内要上报？",
    ],
    "培训师": [
        "安全生产法第二十一条是怎么规定的？",
        "安全生产教育和培训有哪些要求？",
        "从业人员在安全生产方面有哪些权利？",
    ],
}
WELCOME = "您好！我是安全生产知识助手。请用一句话描述您的问题，我会给出回答和法规出处（精确到条、款、项）。"
PLACEHOLDER = "如：动火作业要注意什么？"
KEPT_NOTE = "对话只保存在这台设备的浏览器里，不会发送到别处。"
RATE_QUESTION = "这个回答有帮助吗？"
COMMENT_LABEL = "哪里不对？（可不填）"
THANKS = "谢谢您的评价！"
THANKS_COMMENT = "谢谢您的意见！我们会据此改进。"
CHANNEL = "web"  # the channel name in the question log
# Where the browser keeps the conversations (localStorage). The key and the "secret" are fixed so that a
# restarted server still reads what a phone kept; the browser holds both, so they protect nothing.
STORAGE_KEY = "anquan-conversations"
STORAGE_SECRET = "anquan-conversations-v1"
# In the browser, on the chat log: a tapped [n] opens source n and brings it into view; a new answer
# brings its question to the top of the screen (the page is the only thing that scrolls).
LOG_SCRIPT = """
element.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  const source = link && element.querySelector(link.getAttribute("href"));
  if (!source) return;
  event.preventDefault();
  source.open = true;
  source.scrollIntoView({block: "start"});
});
watch("value", () => {
  const turns = element.querySelectorAll(".chat-log[data-scroll=latest] .turn");
  if (turns.length) turns[turns.length - 1].scrollIntoView({block: "start"});
});
"""


class ChatSession:
    """Answers turns of a conversation and shows it, carrying over the last document named (“第21条”
    after “安全生产法……” means 安全生产法第二十一条)."""

    def __init__(self, assistant: Assistant, recorder: Recorder | None = None) -> None:
        self.assistant = assistant
        self.recorder = recorder

    def ask(self, store: Conversations, question: str, who: str = "") -> Conversations:
        """The store with the answered turn (recorded as asked by session ``who``); QuestionError (Chinese
        message) when it cannot be asked."""
        *_, answered = self.ask_stream(store, question, who)
        return answered

    def ask_stream(self, store: Conversations, question: str, who: str = "") -> Iterator[Conversations]:
        """The store with the turn as the user's model writes it (verified sentences only; the extractive
        answer without a model), then once more with the final answer, recorded as asked by session ``who``.
        QuestionError before anything is yielded."""
        context = store.current.context_doc
        named = self.assistant.analyzer.named_document(question) or context
        asked = question.strip()
        answer = None
        for answer in self.assistant.ask_stream(question, context_doc=context):
            yield store.with_turn(asked, answer.to_dict(), named)
        if answer is not None:
            ref = self.recorder.answered(CHANNEL, who, asked, answer) if self.recorder else None
            yield store.with_turn(asked, answer.to_dict(), named, ref)

    def rate(self, store: Conversations, rating: int, who: str = "", comment: str = "") -> Conversations:
        """The store with the latest answer rated 👍 (1) or 👎 (-1), the rating recorded with its comment."""
        turns = store.current.turns
        if not turns or turns[-1].ref is None or self.recorder is None:
            return store
        self.recorder.rated(turns[-1].ref, CHANNEL, who, rating, comment)
        return store.rated(rating)

    def html(self, conversation: Conversation, scroll_to_latest: bool = False, writing: bool = False) -> str:
        """The conversation's log, each answer with its sources laid out; ``writing``: the last answer is
        still being written."""
        turns = conversation.turns
        shown = [
            (turn.question, self._answer(turn, f"t{number}", writing and number == len(turns)))
            for number, turn in enumerate(turns, start=1)
        ]
        return conversation_html(shown, WELCOME, scroll_to_latest)

    def _answer(self, turn: Turn, anchor: str, writing: bool = False) -> str:
        answer = turn.answer_object()
        return answer_html(answer, [self._view(c.doc_id, c.unit) for c in answer.citations], anchor, writing)

    def _view(self, doc_id: str, unit: str) -> dict[str, Any] | None:
        """The provision as it is now, None when the index no longer has it (its quote is shown)."""
        try:
            return self.assistant.show(doc_id, unit)
        except NotFoundError:
            return None


def build(ctx: TabContext) -> None:
    """The 问答 tab, and the load event that brings back the conversations kept on the device."""
    session = ChatSession(ctx.assistant, ctx.recorder)

    with gr.Tab("问答", id="chat", elem_id="chat-tab"):
        log = gr.HTML(session.html(Conversation()), elem_id="chat", js_on_load=LOG_SCRIPT)
        error = gr.HTML(visible=False, elem_id="chat-error")
        with gr.Row(elem_id="rate-row", visible=False) as rate_row:
            gr.HTML(f"<p class='rate-ask'>{RATE_QUESTION}</p>", elem_classes="rate-ask-cell")
            up = gr.Button("👍 有帮助", elem_id="rate-up")
            down = gr.Button("👎 没帮助", elem_id="rate-down")
        with gr.Row(elem_id="comment-row", visible=False) as comment_row:
            comment = gr.Textbox(
                label=COMMENT_LABEL,
                placeholder="例如：没有说到动火审批",
                lines=1,
                max_lines=4,
                elem_id="comment",
            )
            send_comment = gr.Button("提交意见", elem_id="comment-send")
        thanks = gr.HTML(visible=False, elem_id="rate-thanks")
        with gr.Row(elem_id="ask-row", equal_height=True):
            question = gr.Textbox(
                label="问题",
                show_label=False,
                placeholder=PLACEHOLDER,
                lines=1,
                max_lines=4,
                scale=5,
                container=False,
                elem_id="question",
            )
            send = gr.Button("发送", variant="primary", scale=1, min_width=76, elem_id="send")
        with gr.Row(elem_id="conversation-row", visible=False) as controls:
            new = gr.Button("新对话", elem_id="new-conversation")
            delete = gr.Button("删除这段对话", elem_id="delete-conversation")
        with gr.Row(elem_id="confirm-delete", visible=False) as confirm_row:
            gr.HTML("<p class='confirm'>确定删除这段对话吗？删除后不能恢复。</p>")
            confirm = gr.Button("确定删除", variant="stop", elem_id="confirm-delete-yes")
            cancel = gr.Button("取消", elem_id="confirm-delete-no")
        with gr.Accordion("以前的对话", open=False, visible=False, elem_id="history") as history:
            gr.HTML(f"<p class='note'>{KEPT_NOTE}</p>")
            earlier = gr.Radio([], label="点一段接着问", elem_id="earlier")
        with gr.Accordion("常见问题（点一下就问）", open=True, elem_id="examples"):
            chips = []
            for audience, questions in EXAMPLES.items():
                with gr.Row(elem_classes="chips"):
                    gr.HTML(f"<span class='audience'>{audience}</span>", elem_classes="audience-cell")
                    chips += [gr.Button(text, size="sm", elem_classes="chip") for text in questions]
        store = gr.State(Conversations())
        kept = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)

    shown = [log, store, kept, controls, history, earlier, rate_row, comment_row, thanks]

    def show(
        conversations: Conversations, scroll_to_latest: bool = False, commenting: bool = False, note: str = ""
    ) -> tuple[Any, ...]:
        """Updates for ``shown``: the log, the store (session and browser), the controls, the list, and the
        rating rows (the question while the latest answer awaits a rating, the comment box after a 👎)."""
        listed = [(c.title, i) for i, c in reversed(list(enumerate(conversations.earlier)))]
        turns = conversations.current.turns
        return (
            session.html(conversations.current, scroll_to_latest),
            conversations,
            conversations.dump(),
            gr.update(visible=bool(turns)),
            gr.update(visible=bool(listed), label=f"以前的对话（{len(listed)}）"),
            gr.update(choices=listed, value=None),
            gr.update(visible=bool(turns) and turns[-1].awaits_rating),
            gr.update(visible=commenting),
            gr.update(value=f"<p class='rate-thanks'>{note}</p>" if note else "", visible=bool(note)),
        )

    def respond(text: str, conversations: Conversations, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """``shown``, the question box and the error line: the log as the answer is written, then all of
        them; on failure the question stays in its box, the error line says why and nothing else changes."""
        answered = None
        try:
            for answered in session.ask_stream(conversations, text, _session(request)):
                if (
                    answered.current.turns[-1].answer["mode"] == "llm"
                ):  # the model's verified sentences so far
                    writing = session.html(answered.current, scroll_to_latest=True, writing=True)
                    yield writing, *(gr.skip() for _ in shown[1:]), "", gr.update(value="", visible=False)
        except Exception as exc:
            shown_before = session.html(conversations.current) if answered else gr.skip()
            keep = (shown_before, *(gr.skip() for _ in shown[1:]))
            yield *keep, text, gr.update(value=_error(user_message(exc)), visible=True)
            return
        if answered is not None:
            yield *show(answered, scroll_to_latest=True), "", gr.update(value="", visible=False)

    def restore(saved: Any) -> tuple[Any, ...]:
        return show(Conversations.load(saved))

    def rate_up(conversations: Conversations, request: gr.Request) -> tuple[Any, ...]:
        return show(session.rate(conversations, 1, _session(request)), note=THANKS)

    def rate_down(conversations: Conversations, request: gr.Request) -> tuple[Any, ...]:
        """👎 counts at once; the comment box offers to say why."""
        return show(session.rate(conversations, -1, _session(request)), commenting=True)

    def send_note(text: str, conversations: Conversations, request: gr.Request) -> tuple[Any, ...]:
        rated = session.rate(conversations, -1, _session(request), text) if text.strip() else conversations
        return *show(rated, note=THANKS_COMMENT if text.strip() else THANKS), ""

    asked = [*shown, question, error]
    gr.on([question.submit, send.click], respond, [question, store], asked)
    for chip in chips:
        chip.click(respond, [chip, store], asked)
    new.click(lambda c: (*show(c.new()), gr.update(visible=False)), store, [*shown, error])
    earlier.input(lambda c, i: show(c.open(i)), [store, earlier], shown)
    delete.click(lambda: (gr.update(visible=False), gr.update(visible=True)), None, [controls, confirm_row])
    cancel.click(lambda: (gr.update(visible=True), gr.update(visible=False)), None, [controls, confirm_row])
    confirm.click(
        lambda c: (*show(c.delete_current()), gr.update(visible=False)), store, [*shown, confirm_row]
    )
    up.click(rate_up, store, shown)
    down.click(rate_down, store, shown)
    gr.on([comment.submit, send_comment.click], send_note, [comment, store], [*shown, comment])
    ctx.app.load(restore, kept, shown)


def _session(request: gr.Request | None) -> str:
    """Who asks, for the question log: the page's session (a new one at each load), never the person."""
    return str(getattr(request, "session_hash", "") or "")


def _error(message: str) -> str:
    return f"<p class='error-line' role='alert'>{escape(message)}</p>"
