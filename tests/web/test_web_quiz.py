"""The 出题 tab in headless Chromium: choose, preview, download the Excel bank and the Word paper with its
answer key; a Chinese message when the selection gives nothing."""

from __future__ import annotations

import re

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from ui import (
    assert_no_horizontal_scrolling,
    assert_one_line_each,
    assert_tap_targets,
    download,
    enter,
    open_tab,
)
from webserver import WebServer


def open_quiz(page: Page, server: WebServer) -> None:
    open_tab(page, server, "出题", "#quiz-make")


def test_a_paper_is_previewed_and_downloads(page: Page, web_server: WebServer, screenshot):
    open_quiz(page, web_server)
    page.locator("#quiz-n input").fill("6")
    page.locator("#quiz-more").click()
    enter(page, "quiz-seed", "7", "quiz-make")
    status = page.locator("#quiz-status")
    expect(status).to_contain_text("已出 6 道题")
    preview = page.locator("#quiz-preview")
    expect(preview).to_contain_text("《安全生产法》")
    expect(preview).to_contain_text("答案与解析")
    expect(preview).to_contain_text("《中华人民共和国安全生产法》第")
    screenshot(page, "quiz")
    with download(page, "quiz-xlsx").path().open("rb") as handle:
        rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("题型", "题干", "选项A") and {
        "答案",
        "可接受答案",
        "难度",
        "分值",
        "解析",
        "出处",
    } <= set(header)
    source = header.index("出处")
    assert len(rows) == 7 and all(row[source].startswith("《中华人民共和国安全生产法》") for row in rows[1:])
    paper = [p.text for p in read_docx(download(page, "quiz-docx").path()).paragraphs]
    key = [p.text for p in read_docx(download(page, "quiz-key").path()).paragraphs]
    assert paper[0] == "安全生产知识测试卷" and any(line.startswith("1. ") for line in paper)
    assert any(line.startswith("1. 答案：") for line in key)
    assert_no_horizontal_scrolling(page)
    assert_tap_targets(page)
    assert_one_line_each(page, "quiz-xlsx", "quiz-docx", "quiz-key", "quiz-json")


@pytest.mark.parametrize("device", ["phone"])
def test_a_paper_with_the_default_settings(page: Page, web_server: WebServer):
    open_quiz(page, web_server)
    page.locator("#quiz-make").click()  # nothing chosen, 更多条件 left closed
    expect(page.locator("#quiz-status")).to_contain_text(re.compile(r"已出 \d+ 道题"))
    expect(page.locator("#quiz-preview")).to_contain_text("答案与解析")
    expect(page.locator("#quiz-xlsx")).to_be_visible()


@pytest.mark.parametrize("device", ["phone"])
def test_a_selection_with_nothing_in_it_gets_a_chinese_message(page: Page, web_server: WebServer):
    open_quiz(page, web_server)
    page.locator("#quiz-more").click()
    enter(page, "quiz-keyword", "量子纠缠", "quiz-make")
    expect(page.locator("#quiz-status")).to_contain_text("没有找到条款")
    expect(page.locator("#quiz-xlsx")).to_be_hidden()
    assert "Traceback" not in page.content()


@pytest.mark.parametrize("device", ["phone"])
def test_a_type_that_runs_short_is_said_with_its_reason(page: Page, web_server: WebServer):
    open_quiz(page, web_server)
    page.locator("#quiz-n input").fill("40")
    page.locator("#quiz-more").click()
    page.locator("#quiz-seed textarea").fill("3")
    enter(page, "quiz-units", "21,22,23", "quiz-make")  # three articles hold at most 6 items
    expect(page.locator("#quiz-status")).to_contain_text("已出")
    shortfall = page.locator("#quiz-shortfall")
    expect(shortfall).to_contain_text("要求 10 道，只能出")
    expect(shortfall).to_contain_text("每条条款最多 2 道")
    assert_no_horizontal_scrolling(page)
