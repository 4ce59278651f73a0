"""The 学习材料 tab in headless Chromium: a handout downloaded as Word, the duty matrix and the targets as
Excel, and Chinese messages for a topic or body with nothing behind it."""

from __future__ import annotations

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
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
    assert_no_horizontal_scrolling(page)
    assert_tap_targets(page)
    assert_plain_chinese(page)
    assert_one_line_each(page, "study-docx", "study-md")


@pytest.mark.parametrize("device", ["phone"])
def test_duties_and_targets_download_as_excel(page: Page, web_server: WebServer):
    open_study(page, web_server)
    enter(page, "duty-query", "能源局", "duty-find")
    duties = page.locator("#duty-preview")
    expect(duties).to_contain_text("（十三）强化矿山安全监督管理（分工负责）")
    expect(duties).to_contain_text("（十五）强化固本强基工程建设（分工负责）")
    with download(page, "duty-xlsx").path().open("rb") as handle:
        rows = list(load_workbook(handle)["任务清单"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("市能源局", "（十三）"), ("市能源局", "（十五）")]

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
