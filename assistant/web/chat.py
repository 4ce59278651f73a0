"""The 问答 tab: a chat with the assistant, cited answers, example questions for each kind of user, and the
conversations kept on the device (new, reopen, delete after confirmation).

Usage::

    session = ChatSession(assistant)
    store = session.ask(Conversations(), "安全生产法的立法目的是什么？")
    session.html(store.current)  # the conversation: each answer, its verdict first, its linked citations
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

import gradio as gr

from assistant.service import Assistant, NotFoundError
from assistant.web.conversation import Conversation, Conversations, Turn
from assistant.web.errors import user_message
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

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def ask(self, store: Conversations, question: str) -> Conversations:
        """The store with the answered turn; QuestionError (Chinese message) when it cannot be asked."""
        *_, answered = self.ask_stream(store, question)
        return answered

    def ask_stream(self, store: Conversations, question: str) -> Iterator[Conversations]:
        """The store with the turn as the user's model writes it (verified sentences only), the last one
        with the final answer; one store without a model. QuestionError before anything is yielded."""
        context = store.current.context_doc
        named = self.assistant.analyzer.named_document(question) or context
        for answer in self.assistant.ask_stream(question, context_doc=context):
            yield store.with_turn(question.strip(), answer.to_dict(), named)

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
    session = ChatSession(ctx.assistant)

    with gr.Tab("问答", id="chat", elem_id="chat-tab"):
        log = gr.HTML(session.html(Conversation()), elem_id="chat", js_on_load=LOG_SCRIPT)
        error = gr.HTML(visible=False, elem_id="chat-error")
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

    shown = [log, store, kept, controls, history, earlier]

    def show(conversations: Conversations, scroll_to_latest: bool = False) -> tuple[Any, ...]:
        """Updates for ``shown``: the log, the store (session and browser), the controls and the list."""
        listed = [(c.title, i) for i, c in reversed(list(enumerate(conversations.earlier)))]
        return (
            session.html(conversations.current, scroll_to_latest),
            conversations,
            conversations.dump(),
            gr.update(visible=bool(conversations.current.turns)),
            gr.update(visible=bool(listed), label=f"以前的对话（{len(listed)}）"),
            gr.update(choices=listed, value=None),
        )

    def respond(text: str, conversations: Conversations) -> Iterator[tuple[Any, ...]]:
        """``shown``, the question box and the error line: the log as the answer is written, then all of
        them; on failure the question stays in its box, the error line says why and nothing else changes."""
        answered = None
        try:
            for answered in session.ask_stream(conversations, text):
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
    ctx.app.load(restore, kept, shown)


def _error(message: str) -> str:
    return f"<p class='error-line' role='alert'>{escape(message)}</p>"
