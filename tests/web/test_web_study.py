"""The 学习材料 tab in headless Chromium: a handout downloaded as Word and as slides, the duty matrix, the task
ledger (with a member list uploaded) and the targets as Excel, and Chinese messages for a topic or body with
nothing behind it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pptx import Presentation as read_pptx
from ui import (
    assert_no_horizontal_scrolling,
    assert_one_line_each,
    assert_plain_chinese,
    assert_tap_targets,
    download,
    enter,
    open_tab,
)
from webserver import WebServer


def open_study(page: Page, server: WebServer) -> None:
    open_tab(page, server, "学习材料", "#study-topic textarea")


def test_a_handout_is_shown_and_downloads_as_word(page: Page, web_server: WebServer, screenshot):
    open_study(page, web_server)
    enter(page, "study-topic", "重大事故隐患", "study-make")
    preview = page.locator("#study-handout")
    expect(preview).to_contain_text("专题学习材料：重大事故隐患")
    expect(preview).to_contain_text("（十四）强化风险隐患排查整治")
    expect(preview).to_contain_text("《中华人民共和国安全生产法》第四十一条")
    screenshot(page, "study-handout")
    word = download(page, "study-docx")
    assert word.suggested_filename == "学习材料-重大事故隐患.docx"
    paragraphs = [p.text for p in read_docx(word.path()).paragraphs]
    assert paragraphs[0] == "专题学习材料：重大事故隐患" and "一、学习要点" in paragraphs
    slides = download(page, "study-pptx")
    assert slides.suggested_filename == "学习材料-重大事故隐患.pptx"
    deck = list(read_pptx(slides.path()).slides)
    assert deck[0].shapes.title.text == "专题学习材料：重大事故隐患" and len(deck) > 2
    assert_no_horizontal_scrolling(page)
    assert_tap_targets(page)
    assert_plain_chinese(page)
    assert_one_line_each(page, "study-docx", "study-pptx", "study-md")


@pytest.mark.parametrize("device", ["phone"])
def test_duties_the_ledger_and_targets_download_as_excel(page: Page, web_server: WebServer, tmp_path: Path):
    open_study(page, web_server)
    enter(page, "duty-query", "能源局", "duty-find")
    duties = page.locator("#duty-preview")
    expect(duties).to_contain_text("（十三）强化矿山安全监督管理（分工负责，按职责承担3项任务）")
    expect(duties).to_contain_text("（十五）强化固本强基工程建设（分工负责，按职责承担3项任务）")
    with download(page, "duty-xlsx").path().open("rb") as handle:
        rows = list(load_workbook(handle)["任务清单"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("市能源局", "（十三）"), ("市能源局", "（十五）")]
    with download(page, "duty-ledger").path().open("rb") as handle:
        ledger = list(load_workbook(handle)["工作台账"].iter_rows(values_only=True))
    assert {row[1] for row in ledger[1:]} == {"市能源局"} and len(ledger) == 1 + 6
    assert datetime(2025, 6, 30) in {row[6] for row in ledger}  # the deadline as a date

    members = tmp_path / "成员单位.csv"
    listed = "集体单位,成员单位,职责领域\n市安委会成员单位,市公安局,\n市级负有安全生产监督管理职责的部门,市公安局,\n"
    members.write_text(listed, encoding="utf-8")
    page.locator("#duty-members input[type=file]").set_input_files(str(members))
    enter(page, "duty-query", "公安局", "duty-find")  # a member, not named by the notice
    expect(duties).to_contain_text("市公安局")
    expect(duties).to_contain_text("（一）")
    with download(page, "duty-ledger").path().open("rb") as handle:
        ledger = list(load_workbook(handle)["工作台账"].iter_rows(values_only=True))
    assert {row[1] for row in ledger[1:]} == {"市公安局"}
    assert any("酒醉驾" in row[4] for row in ledger[1:])  # （四）'s road traffic task by remit

    enter(page, "duty-query", "隐患排查", "duty-find")  # a task, not a body: who carries it
    expect(duties).to_contain_text("（十四）强化风险隐患排查整治")
    enter(page, "duty-query", "市教育局", "duty-find")
    expect(page.locator("#duty-status")).to_contain_text("相近的单位有")

    page.locator("#targets-show").click()
    expect(page.locator("#targets-preview")).to_contain_text("2025年6月底前")
    with download(page, "targets-xlsx").path().open("rb") as handle:
        rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    assert ("（二十一）", "100%") in {(row[0], row[3]) for row in rows}


@pytest.mark.parametrize("device", ["phone"])
def test_a_topic_with_nothing_behind_it_gets_a_chinese_message(page: Page, web_server: WebServer):
    open_study(page, web_server)
    enter(page, "study-topic", "量子纠缠", "study-make")
    expect(page.locator("#study-status")).to_contain_text("没有找到与“量子纠缠”相关")
    expect(page.locator("#study-docx")).to_be_hidden()
    assert "Traceback" not in page.content()
