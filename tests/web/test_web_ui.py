"""The web app in headless Chromium at phone (390×844) and desktop sizes: ask, open a citation, browse the
法规库, open a provision by its address. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import Page, expect
from ui import assert_no_horizontal_scrolling
from webserver import WebServer

DUTY_QUESTION = "生产经营单位的主要负责人有哪些职责？"
ARTICLE_21 = "《中华人民共和国安全生产法》第二十一条"
ARTICLE_21_LEAD = "生产经营单位的主要负责人对本单位安全生产工作负有下列职责："


def open_app(page: Page, server: WebServer, path: str = "/") -> None:
    page.goto(server.url + path)
    expect(page.locator("#question textarea")).to_be_visible()


def ask(page: Page, question: str) -> None:
    """Type a question, send it and wait for its answer."""
    answers = page.locator("#chat .bot-row")
    before = answers.count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    expect(answers).to_have_count(before + 1)


def last_answer(page: Page):
    return page.locator("#chat .bot-row").last


def choose(page: Page, dropdown: str, option: str | re.Pattern[str]) -> None:
    page.locator(f"#{dropdown} input").click()
    page.get_by_role("option", name=option).click()


def test_duty_question_is_answered_with_a_citation_that_opens(page: Page, web_server: WebServer, screenshot):
    open_app(page, web_server)
    ask(page, DUTY_QUESTION)
    answer = last_answer(page)
    reply = answer.locator(".answer > p").first
    expect(reply).to_contain_text("主要负责人")
    expect(reply).to_contain_text("[1]")
    first_source = answer.locator("details.source").first
    expect(first_source.locator("summary")).to_contain_text(
        re.compile(r"^\[1\] 《中华人民共和国安全生产法》第")
    )
    provision = first_source.locator(".provision")
    expect(provision).to_be_hidden()
    screenshot(page, "answer")

    first_source.locator("summary").click()
    expect(provision).to_be_visible()
    expect(provision.locator(".facts")).to_contain_text("全国人民代表大会常务委员会")
    expect(provision.locator(".share a")).to_have_attribute(
        "href", re.compile(r"^provision/work-safety-law-2021/")
    )
    screenshot(page, "citation")
    assert_no_horizontal_scrolling(page)


@pytest.mark.parametrize("device", ["phone"])
def test_follow_up_article_number_refers_to_the_law_named_before(page: Page, web_server: WebServer):
    open_app(page, web_server)
    ask(page, "安全生产法的立法目的是什么？")
    ask(page, "第21条")
    answer = last_answer(page)
    expect(answer.locator("summary").first).to_have_text(f"[1] {ARTICLE_21}")
    answer.locator("summary").first.click()
    items = answer.locator(".provision .item")
    expect(items).to_have_count(7)
    expect(items.first).to_have_text("（一）建立健全并落实本单位全员安全生产责任制，加强安全生产标准化建设；")


@pytest.mark.parametrize("device", ["phone"])
def test_example_question_is_asked_with_one_tap(page: Page, web_server: WebServer):
    open_app(page, web_server)
    chip = page.locator(".chip").filter(has_text="主要负责人有哪些职责")
    chip.click()
    expect(page.locator("#chat .user-row")).to_have_text(DUTY_QUESTION)
    expect(last_answer(page).locator("details.source").first).to_be_visible()


@pytest.mark.parametrize("device", ["phone"])
def test_unusable_question_gets_a_chinese_message_and_stays_in_the_box(page: Page, web_server: WebServer):
    open_app(page, web_server)
    too_long = "安全" * 1001
    page.locator("#question textarea").fill(too_long)
    page.locator("#send").click()
    error = page.locator("#chat-error")
    expect(error).to_contain_text("问题太长")
    expect(page.locator("#question textarea")).to_have_value(too_long)
    expect(page.locator("#chat .bot-row")).to_have_count(0)

    page.locator("#question textarea").fill("？？？")
    page.locator("#send").click()
    expect(error).to_contain_text("只有标点符号")
    assert "Traceback" not in page.content()

    ask(page, DUTY_QUESTION)
    expect(error).to_be_hidden()


def test_library_reaches_article_21_of_the_work_safety_law(page: Page, web_server: WebServer, screenshot):
    open_app(page, web_server)
    page.get_by_role("tab", name="法规库").click()
    levels = page.locator("#level label")
    expect(levels).to_have_text(["法律", "行政法规", "规范性文件"])
    levels.filter(has_text="法律").click()
    choose(page, "document", "中华人民共和国安全生产法")
    facts = page.locator("#facts")
    for fact in ("全国人民代表大会常务委员会", "主席令第八十八号", "2021-09-01 施行", "共 119 条"):
        expect(facts).to_contain_text(fact)
    choose(page, "chapter", "第二章 生产经营单位的安全生产保障")
    choose(page, "provision", re.compile(r"^第二十一条 "))

    card = page.locator("#provision-card .provision")
    expect(card.locator(".citation")).to_have_text(ARTICLE_21)
    expect(card.locator(".paragraph")).to_have_text(ARTICLE_21_LEAD)
    expect(card.locator(".item")).to_have_count(7)
    expect(page).to_have_url(re.compile(r"\?p=work-safety-law-2021%2F"))
    screenshot(page, "library")
    assert_no_horizontal_scrolling(page)


@pytest.mark.parametrize("device", ["phone"])
def test_library_search_opens_a_result_in_the_tree(page: Page, web_server: WebServer):
    open_app(page, web_server)
    page.get_by_role("tab", name="法规库").click()
    page.locator("#library-query textarea").fill("事故报告 多长时间")
    page.locator("#library-search").click()
    results = page.locator("#results label")
    expect(results.first).to_be_visible()
    cited = results.first.inner_text().split("：", 1)[0]
    results.first.click()
    expect(page.locator("#provision-card .citation")).to_have_text(cited)
    expect(page.locator("#document input")).not_to_have_value("")


def test_provision_address_opens_it_directly(page: Page, web_server: WebServer, screenshot):
    page.goto(web_server.url + "/provision/work-safety-law-2021/" + urllib.parse.quote("第二十一条"))
    card = page.locator("#provision-card .provision")
    expect(card.locator(".citation")).to_have_text(ARTICLE_21)
    expect(page.get_by_role("tab", name="法规库")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#chapter input")).to_have_value("第二章 生产经营单位的安全生产保障")
    screenshot(page, "provision-address")

    page.goto(web_server.url + "/?p=" + urllib.parse.quote("linfen-2025-1/（十三）"))
    bodies = page.locator("#provision-card .bodies")
    expect(bodies).to_contain_text("责任单位：市应急管理局、市规划和自然资源局")
    expect(bodies).to_contain_text("各县（市、区）人民政府")
    screenshot(page, "notice-item")
    assert_no_horizontal_scrolling(page)


@pytest.mark.parametrize("device", ["phone"])
def test_unknown_provision_address_says_so_in_chinese(page: Page, web_server: WebServer):
    response = page.goto(web_server.url + "/provision/work-safety-law-2021/500")
    assert response is not None and response.status == 404
    expect(page.locator("body")).to_contain_text("没有“500”")
    page.goto(web_server.url + "/?p=work-safety-law-2021/500")
    expect(page.locator("#provision-card")).to_contain_text("没有“500”")
