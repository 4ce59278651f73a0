"""The 出题 tab: choose documents, articles or a keyword, the types and the count; preview the paper and
download it as Excel (question-bank import), Word (paper and answer key) or JSON. A type that runs short is
said per type with the reason; a superseded figure in a chosen document is said too.

Usage::

    tab = QuizTab(assistant)
    preview, xlsx, docx, key, as_json, status = tab.make(["work-safety-law-2021"], "", "", ["单选"], 10, [], "")
"""

from __future__ import annotations

import random
from html import escape
from typing import Any

import gradio as gr

from assistant.quiz import DIFFICULTIES, ROLE_WORDS, TYPES, QuizItem, Selection, SelectionError, write_paper
from assistant.quiz.export import ExportError
from assistant.service import Assistant
from assistant.web.tabs import TabContext
from assistant.web.widgets import download_folder, hidden_download, shown_download, status_message

DEFAULT_DOCUMENT = "work-safety-law-2021"
MAX_ITEMS = 100
QUIZ_ERRORS = (SelectionError, ExportError)


class QuizTab:
    """What the tab's event computes; ``make`` returns updates in the order of its outputs."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def documents(self) -> list[tuple[str, str]]:
        """(title, id) for the document picker, in index order."""
        return [(doc.title, doc.id) for doc in self.assistant.index.documents.values()]

    def make(
        self,
        doc_ids: list[str] | None,
        units: str,
        keyword: str,
        types: list[str] | None,
        count: float | None,
        difficulties: list[str] | None,
        seed: str,
        role: str | None = None,
        top_up: bool = False,
    ) -> tuple[str, Any, Any, Any, Any, str]:
        """preview, Excel, Word paper, Word key and JSON downloads, status."""
        try:
            if not types:
                raise SelectionError("请至少选择一种题型。")
            n = int(count or 0)
            if not 1 <= n <= MAX_ITEMS:
                raise SelectionError(f"题量应在 1 到 {MAX_ITEMS} 之间。")
            chosen_seed = _seed(seed)
            units, keyword = units or "", (keyword or "").strip()  # None while 更多条件 stays closed
            selection = Selection(
                doc_ids=tuple(doc_ids or ()),
                units=tuple(u for u in units.replace("，", ",").replace("、", ",").split(",") if u.strip()),
                keywords=(keyword,) if keyword else (),
            )
            result = self.assistant.quiz(
                selection,
                list(types),
                n,
                chosen_seed,
                tuple(difficulties or ()),
                role=role or "",
                top_up=bool(top_up),
            )
            where = selection.describe(self.assistant.index.documents)
            if not result.items:
                if not result.provisions:
                    raise SelectionError(f"所选范围（{where}）中没有找到条款，请检查文档、条款或关键词。")
                raise SelectionError(f"所选范围（{where}）中出不了符合要求的题，请放宽范围，或换题型、难度。")
            note = f"出题范围：{where}；种子 {chosen_seed}（输入同一种子可重出同一份卷子）"
            folder = download_folder("anquan-quiz-")
            [xlsx] = write_paper(result.items, folder / "题库.xlsx")
            paper, key = write_paper(result.items, folder / "试卷.docx", note=note)
            extra = {
                "seed": chosen_seed,
                "shortfall": {name: short.to_dict() for name, short in result.shortfall.items()},
                "notes": result.notes,
            }
            [as_json] = write_paper(result.items, folder / "题目.json", extra=extra)
        except Exception as exc:
            hidden = hidden_download()
            return "", hidden, hidden, hidden, hidden, status_message(exc, QUIZ_ERRORS)
        status = (
            f"已出 {len(result.items)} 道题（{'、'.join(f'{k} {v}' for k, v in result.counts().items())}）。"
        )
        lines = [*result.shortfall_text(), *result.notes]
        shown = [shown_download(path) for path in (xlsx, paper, key, as_json)]
        details = "".join(f"<li>{escape(line)}</li>" for line in lines)
        html = f"<p class='status' role='status'>{escape(status)}</p>"
        if details:
            html += f"<ul class='quiz-shortfall' id='quiz-shortfall'>{details}</ul>"
        return preview(result.items, note), *shown, html


def preview(items: list[QuizItem], note: str) -> str:
    """The paper as Markdown: the items, then the answers with explanations and sources."""
    lines = [f"*{note}*", ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"**{number}.【{item.type}】** {_md(item.stem)}")
        if item.type in ("单选", "多选"):
            lines += [f"- {letter}. {_md(text)}" for letter, text in item.options.items()]
        lines.append("")
    lines += ["---", "**答案与解析**", ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. **{_md(item.answer)}**　{_md(item.explanation)}")
    return "\n".join(lines)


def build(ctx: TabContext) -> None:
    """The 出题 tab."""
    tab = QuizTab(ctx.assistant)
    choices = tab.documents()
    default = [DEFAULT_DOCUMENT] if any(doc_id == DEFAULT_DOCUMENT for _, doc_id in choices) else []
    with gr.Tab("出题", id="quiz", elem_id="quiz-tab"):
        gr.Markdown(
            "#### 出题\n从法规条文生成考试题，每题附答案、引用原文的解析和出处，可下载 Excel（题库导入）和 Word。"
        )
        documents = gr.Dropdown(
            choices, value=default, multiselect=True, label="文档（可多选，不选为全部）", elem_id="quiz-docs"
        )
        types = gr.CheckboxGroup(list(TYPES), value=list(TYPES), label="题型", elem_id="quiz-types")
        count = gr.Number(value=10, minimum=1, maximum=MAX_ITEMS, precision=0, label="题量", elem_id="quiz-n")
        with gr.Accordion("更多条件", open=False, elem_id="quiz-more"):
            units = gr.Textbox(label="条款", placeholder="如：第二十一条、21、（十三）", elem_id="quiz-units")
            keyword = gr.Textbox(label="关键词", placeholder="如：应急预案", elem_id="quiz-keyword")
            difficulty = gr.CheckboxGroup(
                list(DIFFICULTIES), label="难度（不选为不限）", elem_id="quiz-difficulty"
            )
            seed = gr.Textbox(label="种子", placeholder="留空随机；同一种子出同一份卷子", elem_id="quiz-seed")
            role = gr.Dropdown(
                [("不侧重", ""), *((name, name) for name in ROLE_WORDS)],
                value="",
                label="岗位侧重",
                elem_id="quiz-role",
            )
            top_up = gr.Checkbox(value=False, label="某题型不够时用其他题型补足题量", elem_id="quiz-top-up")
        make = gr.Button("出题", variant="primary", size="lg", elem_id="quiz-make")
        status = gr.HTML(elem_id="quiz-status")
        with gr.Row():
            xlsx = gr.DownloadButton("下载 Excel 题库", visible=False, elem_id="quiz-xlsx")
            paper = gr.DownloadButton("下载 Word 试卷", visible=False, elem_id="quiz-docx")
            key = gr.DownloadButton("下载答案与解析", visible=False, elem_id="quiz-key")
            as_json = gr.DownloadButton("下载 JSON", visible=False, elem_id="quiz-json")
        shown = gr.Markdown(elem_id="quiz-preview")
        make.click(
            tab.make,
            [documents, units, keyword, types, count, difficulty, seed, role, top_up],
            [shown, xlsx, paper, key, as_json, status],
        )


def _seed(text: str) -> int:
    text = (text or "").strip()
    if not text:
        return random.SystemRandom().randrange(1, 100000)
    if not text.isdigit():
        raise SelectionError("种子应为数字，例如 7。")
    return int(text)


def _md(text: str) -> str:
    """Text shown literally in Markdown (no emphasis or lists from * _ # …)."""
    return "".join(f"\\{ch}" if ch in "\\`*_{}[]<>#+-.!|" else ch for ch in text)
