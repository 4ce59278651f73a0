"""The 问答 tab: a chat with the assistant, cited answers, example questions for each kind of user.

Usage::

    reply = ChatSession(assistant).turn("安全生产法的立法目的是什么？")
    reply.html  # the answer, then its citations, each opening the full provision
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.service import Assistant
from assistant.web.errors import user_message
from assistant.web.render import answer_html
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
PLACEHOLDER = "输入问题，如：动火作业要注意什么？"
# After an answer arrives, scroll the chat so that the new question and the start of its answer show.
SHOW_LATEST = """() => setTimeout(() => {
  const log = document.querySelector("#chat [role=log]");
  const rows = document.querySelectorAll("#chat .message-row.user-row");
  if (!log || !rows.length) return;
  const row = rows[rows.length - 1];
  log.scrollTop += row.getBoundingClientRect().top - log.getBoundingClientRect().top - 4;
  const top = log.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight / 2) log.scrollIntoView({block: "start"});
}, 60)"""


@dataclass(frozen=True)
class Reply:
    """One answered turn: the answer, its HTML with the citations laid out, and the document in context."""

    answer: Answer
    html: str
    context_doc: str | None


class ChatSession:
    """Answers one turn of a conversation, carrying over the last document named (“第21条” after
    “安全生产法……” means 安全生产法第二十一条)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def turn(self, question: str, context_doc: str | None = None) -> Reply:
        """The reply to ``question``; QuestionError (Chinese message) when it cannot be asked."""
        answer = self.assistant.ask(question, context_doc=context_doc)
        views = [self.assistant.show(c.doc_id, c.unit) for c in answer.citations]
        named = self.assistant.analyzer.named_document(question)
        return Reply(answer, answer_html(answer, views), named or context_doc)


def build(ctx: TabContext) -> None:
    """The 问答 tab."""
    session = ChatSession(ctx.assistant)

    def respond(question: str, history: list[dict[str, Any]], context_doc: str | None) -> tuple[Any, ...]:
        """New history, the cleared question box, the context and the (hidden) error line; on failure
        the question stays in its box and the error line says why."""
        try:
            reply = session.turn(question, context_doc)
        except Exception as exc:
            return history, question, context_doc, gr.update(value=_error(user_message(exc)), visible=True)
        turn = [
            {"role": "user", "content": f"<p>{escape(question.strip())}</p>"},
            {"role": "assistant", "content": reply.html},
        ]
        return [*history, *turn], "", reply.context_doc, gr.update(value="", visible=False)

    with gr.Tab("问答", id="chat", elem_id="chat-tab"):
        chatbot = gr.Chatbot(
            show_label=False,
            elem_id="chat",
            height=None,
            min_height=200,
            max_height="62vh",
            autoscroll=False,
            placeholder=f"<p class='welcome'>{WELCOME}</p>",
            buttons=[],
            latex_delimiters=[],
            feedback_options=None,
            layout="panel",
        )
        error = gr.HTML(visible=False, elem_id="chat-error")
        with gr.Row(elem_id="ask-row", equal_height=True):
            question = gr.Textbox(
                show_label=False,
                placeholder=PLACEHOLDER,
                lines=1,
                max_lines=4,
                scale=5,
                container=False,
                elem_id="question",
            )
            send = gr.Button("发送", variant="primary", scale=1, min_width=76, elem_id="send")
        context = gr.State(None)
        outputs = [chatbot, question, context, error]
        gr.on([question.submit, send.click], respond, [question, chatbot, context], outputs).then(
            None, js=SHOW_LATEST
        )
        with gr.Accordion("常见问题（点一下就问）", open=True, elem_id="examples"):
            for audience, questions in EXAMPLES.items():
                with gr.Row(elem_classes="chips"):
                    gr.HTML(f"<span class='audience'>{audience}</span>", elem_classes="audience-cell")
                    for text in questions:
                        chip = gr.Button(text, size="sm", elem_classes="chip")
                        chip.click(respond, [chip, chatbot, context], outputs).then(None, js=SHOW_LATEST)
        chatbot.clear(lambda: (None, gr.update(value="", visible=False)), None, [context, error])


def _error(message: str) -> str:
    return f"<p class='error-line' role='alert'>{escape(message)}</p>"
