"""The 学习材料 tab: a topic handout (Word, slides and Markdown downloads), the duty matrix by body or task
and the task ledger (Excel, collective bodies broken down by a member list the user uploads), and the
notice's deadlines and targets (Excel).

Usage::

    tab = StudyTab(assistant)
    preview, word, slides, markdown, status = tab.handout("重大事故隐患")   # a DownloadButton update each
    preview, matrix, ledger, status = tab.duties("市能源局", None)          # or a member list's path
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.duties import BodyDuties, Responsibility, UnknownBodyError, duty_document, duty_tables
from assistant.exports import (
    Document,
    ExportError,
    Heading,
    NumberedList,
    Paragraph,
    save_tables,
    to_markdown,
)
from assistant.handouts import NothingFoundError
from assistant.ledger import ledger_document
from assistant.members import MembersError
from assistant.service import Assistant, QuestionError
from assistant.targets import KINDS, target_table
from assistant.web.tabs import TabContext
from assistant.web.widgets import download_folder, hidden_download, query_row, shown_download, status_message

TOPICS = ["重大事故隐患", "应急预案", "电动自行车", "矿山"]
# Errors whose message is written for the user; the rest get the generic message (and are logged).
STUDY_ERRORS = (QuestionError, NothingFoundError, UnknownBodyError, ExportError, MembersError)
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")
DOWNLOADS = "anquan-study-"  # prefix of the temporary download folders


class StudyTab:
    """What the tab's events compute; each method returns updates in the order of its outputs."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def handout(self, topic: str) -> tuple[Any, Any, Any, Any, str]:
        """preview, Word download, slides download, Markdown download, status."""
        try:
            handout = self.assistant.handout(topic)
            folder = download_folder(DOWNLOADS)
            name = f"学习材料-{_safe(handout.topic)}"
            word, slides, markdown = (
                handout.save(folder / f"{name}{suffix}") for suffix in (".docx", ".pptx", ".md")
            )
        except Exception as exc:
            hidden = hidden_download()
            return "", hidden, hidden, hidden, status_message(exc, STUDY_ERRORS)
        return (
            handout.to_markdown(),
            shown_download(word),
            shown_download(slides),
            shown_download(markdown),
            "",
        )

    def duties(self, query: str, members: str | None = None) -> tuple[str, Any, Any, str]:
        """preview, matrix download, ledger download, status: one body's items and tasks (or the whole matrix
        when empty) and its ledger rows; a member of a collective body when a member list is given; a name
        that is no body is looked up as a task (隐患排查)."""
        hidden = hidden_download()
        try:
            query = (query or "").strip()
            ledger = self.assistant.ledger(Path(members) if members else None)
            folder = download_folder(DOWNLOADS)
            try:
                rows = self.assistant.duties(query or None)
            except UnknownBodyError as unknown:
                try:
                    share = ledger.for_body(query)  # a member named in the member list
                except UnknownBodyError:
                    found = self.assistant.who_is_responsible(query)
                    if not found:
                        raise unknown from None
                    return to_markdown(_task_document(query, found)), hidden, hidden, ""
                path = save_tables(share.tables(), folder / "工作台账.xlsx")
                return to_markdown(ledger_document(share)), hidden, shown_download(path), ""
            share = ledger.for_body(query) if query else ledger
            matrix = save_tables(duty_tables(self.assistant.duty_matrix, rows), folder / "责任分工.xlsx")
            path = save_tables(share.tables(), folder / "工作台账.xlsx")
        except Exception as exc:
            return "", hidden, hidden, status_message(exc, STUDY_ERRORS)
        document = duty_document(self.assistant.duty_matrix, rows) if query else _matrix_summary(rows)
        return to_markdown(document), shown_download(matrix), shown_download(path), ""

    def targets(self) -> tuple[str, Any, str]:
        """preview, Excel download, status."""
        try:
            targets = self.assistant.targets()
            path = save_tables(target_table(targets), download_folder(DOWNLOADS) / "时限与指标.xlsx")
        except Exception as exc:
            return "", hidden_download(), status_message(exc, STUDY_ERRORS)
        lines = [f"{t.unit}【{KINDS[t.kind]}】{t.value}：{t.object}" for t in targets]
        document = Document(
            "", [Paragraph(f"通知中共有{len(targets)}项时限和指标：", bold=True), NumberedList(lines)]
        )
        return to_markdown(document), shown_download(path), ""


def build(ctx: TabContext) -> None:
    """The 学习材料 tab."""
    tab = StudyTab(ctx.assistant)
    with gr.Tab("学习材料", id="study", elem_id="study-tab"):
        gr.Markdown(
            "#### 专题学习材料\n汇集通知要求、法律法规依据、罚则和学习要点，每条都注明出处，可下载 Word 打印，"
            "或下载学习提纲用于集中学习。"
        )
        topic, make = query_row("学习主题", "主题，如：重大事故隐患", "study-topic", "生成", "study-make")
        gr.Examples([[t] for t in TOPICS], topic, label="常用主题")
        status = gr.HTML(elem_id="study-status")
        with gr.Row(elem_classes="downloads"):
            word = gr.DownloadButton("下载 Word 文档", visible=False, elem_id="study-docx")
            slides = gr.DownloadButton("下载学习提纲（演示文稿）", visible=False, elem_id="study-pptx")
            markdown = gr.DownloadButton("下载纯文本", visible=False, elem_id="study-md")
        preview = gr.Markdown(elem_id="study-handout")

        gr.Markdown(
            "#### 责任分工和工作台账\n输入单位（如：市能源局）查它承担的工作；输入工作（如：隐患排查）查谁负责；"
            "留空看全部单位。工作台账每项任务一行，含完成时限和进度、完成情况、佐证材料栏。"
        )
        body, find = query_row("单位或工作", "单位或工作，如：市能源局", "duty-query", "查询", "duty-find")
        members = gr.File(
            label="成员单位名单（可选）：上传后，台账把市安委会成员单位等集体单位分解到各成员单位",
            file_types=[".xlsx", ".csv"],
            type="filepath",
            elem_id="duty-members",
        )
        duty_status = gr.HTML(elem_id="duty-status")
        with gr.Row(elem_classes="downloads"):
            duty_file = gr.DownloadButton("下载责任分工表（Excel）", visible=False, elem_id="duty-xlsx")
            ledger_file = gr.DownloadButton("下载工作台账（Excel）", visible=False, elem_id="duty-ledger")
        duty_preview = gr.Markdown(elem_id="duty-preview")

        gr.Markdown("#### 时限与指标\n通知中的完成时限、频次和数量指标，注明所在条目。")
        show_targets = gr.Button("查看时限与指标", size="lg", elem_id="targets-show")
        targets_status = gr.HTML(elem_id="targets-status")
        targets_file = gr.DownloadButton("下载时限与指标表（Excel）", visible=False, elem_id="targets-xlsx")
        targets_preview = gr.Markdown(elem_id="targets-preview")

        gr.on([topic.submit, make.click], tab.handout, topic, [preview, word, slides, markdown, status])
        gr.on(
            [body.submit, find.click],
            tab.duties,
            [body, members],
            [duty_preview, duty_file, ledger_file, duty_status],
        )
        show_targets.click(tab.targets, None, [targets_preview, targets_file, targets_status])


def _task_document(keyword: str, found: list[Responsibility]) -> Document:
    blocks: list[Any] = [Paragraph(f"与“{keyword}”有关的工作共{len(found)}项：", bold=True)]
    for r in found:
        general = f"；{'、'.join(r.general_bodies)}均需负责" if r.general_bodies else ""
        blocks.append(Heading(f"{r.item.heading}：{'、'.join(r.bodies)}{r.role or '负责'}{general}", level=3))
        blocks.append(NumberedList([t.text for t in r.tasks]))
    return Document("", blocks)


def _matrix_summary(rows: list[BodyDuties]) -> Document:
    lines = [f"{row.body}：{'、'.join(d.unit for d in row.items)}" for row in rows]
    return Document(
        "", [Paragraph(f"通知共有{len(rows)}个责任单位：", bold=True), NumberedList(lines, False)]
    )


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name)[:40] or "学习材料"
