"""The web app in headless Chromium at phone (390×844) and desktop sizes: ask, open a citation, keep the
conversation across reloads, browse the 法规库, open a provision by its address, a page in Chinese whatever
the browser's language. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page, expect
from ui import (
    assert_no_horizontal_scrolling,
    assert_on_screen,
    assert_plain_chinese,
    assert_tap_targets,
)
from webserver import WebServer

from assistant.answer import Answer, Citation
from assistant.web.render import answer_html, conversation_html

DUTY_QUESTION = "生产经营单位的主要负责人有哪些职责？"
PURPOSE_QUESTION = "安全生产法的立法目的是什么？"
REPORT_QUESTION = "发生生产安全事故后多长时间内要上报？"
ARTICLE_21 = "《中华人民共和国安全生产法》第二十一条"
ARTICLE_21_LEAD = "生产经营单位的主要负责人对本单位安全生产工作负有下列职责："
# Roles a person operates; each must have a Chinese accessible name.
NAMED_ROLES = re.compile(
    r'^\s*- (button|textbox|combobox|checkbox|radio|spinbutton|link|tab|searchbox)\b(?: "(.*)")?'
)


def open_app(page: Page, server: WebServer, path: str = "/") -> None:
    page.goto(server.url + path)
    expect(page.locator("#question textarea")).to_be_visible()


def ask(page: Page, question: str) -> None:
    """Type a question, send it and wait for its answer."""
    turns = page.locator("#chat .turn")
    before = turns.count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    expect(turns).to_have_count(before + 1)


def last_answer(page: Page):
    return page.locator("#chat .turn").last


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
    assert_on_screen(page, reply)
    screenshot(page, "answer")

    reply.locator("a.cite").first.click()  # the [1] in the text opens source 1
    expect(provision).to_be_visible()
    assert_on_screen(page, first_source)
    expect(provision.locator(".facts")).to_contain_text("全国人民代表大会常务委员会")
    expect(provision.locator(".share a")).to_have_attribute(
        "href", re.compile(r"^provision/work-safety-law-2021/")
    )
    screenshot(page, "citation")
    assert_no_horizontal_scrolling(page)
    assert_tap_targets(page)
    assert_plain_chinese(page)


@pytest.mark.parametrize("device", ["phone"])
def test_the_second_answer_comes_into_view(page: Page, web_server: WebServer):
    open_app(page, web_server)
    ask(page, DUTY_QUESTION)
    ask(page, REPORT_QUESTION)
    latest = last_answer(page)
    assert_on_screen(page, latest.locator(".question"))
    expect(latest.locator(".question")).to_contain_text(REPORT_QUESTION)
    assert_on_screen(page, latest.locator(".answer > p").first)
    scrolling = page.evaluate(
        """() => [...document.querySelectorAll("#chat *")].filter(e => e.scrollHeight > e.clientHeight + 1
             && /(auto|scroll)/.test(getComputedStyle(e).overflowY)).length"""
    )
    assert scrolling == 0  # no box that scrolls inside the scrolling page


@pytest.mark.parametrize("device", ["phone"])
def test_a_verdict_is_the_first_thing_read(page: Page, web_server: WebServer, screenshot):
    """A composed yes/no answer (its wording is not what is tested) shown in the app's own chat log."""
    _, view = web_server.get("/api/provisions/work-safety-law-2021/28")
    rule = "未经安全生产教育和培训合格的从业人员，不得上岗作业。"
    assert isinstance(view, dict) and rule in view["text"]
    answer = Answer(
        f"不合法。{rule}[1]\n依据：\n{view['citation']}：{rule}[1]",
        "other",
        True,
        [Citation("work-safety-law-2021", "第二十八条", view["citation"], rule)],
        verdict="no",
    )
    log = conversation_html([("没培训就让我上岗，合法吗？", answer_html(answer, [view], "t1"))], "")
    open_app(page, web_server)
    page.evaluate("log => { document.querySelector('#chat .chat-log').outerHTML = log; }", log)
    lines = page.locator("#chat .answer > p")
    expect(lines.first).to_have_class("verdict")
    expect(lines.first).to_contain_text("不合法。")
    style = "e => [parseFloat(getComputedStyle(e).fontSize), Number(getComputedStyle(e).fontWeight)]"
    (first_size, first_weight), (next_size, _) = lines.nth(0).evaluate(style), lines.nth(1).evaluate(style)
    assert first_size > next_size and first_weight >= 700
    assert_on_screen(page, lines.first)
    screenshot(page, "verdict", full_page=False)
    lines.first.locator("a.cite").click()
    expect(page.locator("#t1-s1 .provision")).to_be_visible()


@pytest.mark.parametrize("device", ["phone"])
def test_the_conversation_is_kept_on_the_device(page: Page, web_server: WebServer, screenshot):
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(web_server.url) else elsewhere.append(r.url))
    open_app(page, web_server)
    ask(page, PURPOSE_QUESTION)
    ask(page, "第21条")
    page.reload()
    turns = page.locator("#chat .turn")
    expect(turns).to_have_count(2)
    expect(turns.first.locator(".question")).to_contain_text(PURPOSE_QUESTION)
    ask(page, "第22条")  # the document named before the reload is still the context
    expect(last_answer(page).locator("summary").first).to_contain_text(
        "《中华人民共和国安全生产法》第二十二条"
    )

    page.locator("#new-conversation").click()  # a clean context; the old conversation is kept
    expect(turns).to_have_count(0)
    expect(page.locator("#chat .welcome")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("以前的对话（1）")
    ask(page, REPORT_QUESTION)

    history.locator("button.label-wrap").click()
    earlier = page.locator("#earlier label")
    expect(earlier).to_have_count(1)
    expect(earlier.first).to_contain_text(f"{PURPOSE_QUESTION}（3 问）")
    earlier.first.click()
    expect(turns).to_have_count(3)
    expect(turns.first.locator(".question")).to_contain_text(PURPOSE_QUESTION)
    expect(history).to_contain_text("以前的对话（1）")  # the one just left is kept in turn

    page.locator("#delete-conversation").click()  # deleting asks first
    confirm = page.locator("#confirm-delete")
    expect(confirm).to_contain_text("确定删除这段对话吗？")
    screenshot(page, "delete-conversation")
    assert_tap_targets(page)
    page.locator("#confirm-delete-no").click()
    expect(turns).to_have_count(3)
    page.locator("#delete-conversation").click()
    page.locator("#confirm-delete-yes").click()
    expect(turns).to_have_count(0)
    page.reload()
    expect(page.locator("#chat .welcome")).to_be_visible()
    expect(history).to_contain_text("以前的对话（1）")
    assert elsewhere == []


@pytest.mark.parametrize("device", ["phone"])
def test_follow_up_article_number_refers_to_the_law_named_before(page: Page, web_server: WebServer):
    open_app(page, web_server)
    ask(page, PURPOSE_QUESTION)
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
    expect(page.locator("#chat .question")).to_contain_text(DUTY_QUESTION)
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
    expect(page.locator("#chat .turn")).to_have_count(0)

    for unusable in ("？？？", "😀👍"):
        page.locator("#question textarea").fill(unusable)
        page.locator("#send").click()
        expect(error).to_contain_text("问题里没有文字")
        expect(page.locator("#question textarea")).to_have_value(unusable)
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
    assert_tap_targets(page)
    assert_plain_chinese(page)


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
    assert_on_screen(page, page.locator("#provision-card .citation"))
    expect(page.locator("#document input")).not_to_have_value("")


def test_provision_address_opens_it_directly(page: Page, web_server: WebServer, screenshot):
    page.goto(web_server.url + "/provision/work-safety-law-2021/" + urllib.parse.quote("第二十一条"))
    card = page.locator("#provision-card .provision")
    expect(card.locator(".citation")).to_have_text(ARTICLE_21)
    expect(page.get_by_role("tab", name="法规库")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#chapter input")).to_have_value("第二章 生产经营单位的安全生产保障")
    expect(card.locator(".paragraph")).to_have_text(ARTICLE_21_LEAD)
    assert_on_screen(page, card.locator(".paragraph"))  # the provision on the first screen
    screenshot(page, "provision-address-first-screen", full_page=False)
    screenshot(page, "provision-address")
    assert_tap_targets(page)

    page.goto(web_server.url + "/?p=" + urllib.parse.quote("linfen-2025-1/（十三）"))
    bodies = page.locator("#provision-card .bodies")
    expect(bodies).to_contain_text("责任单位：市应急管理局、市规划和自然资源局")
    expect(bodies).to_contain_text("各县（市、区）人民政府")
    assert_on_screen(page, page.locator("#provision-card .paragraph").first)
    screenshot(page, "notice-item")
    assert_no_horizontal_scrolling(page)


@pytest.mark.parametrize("device", ["phone"])
def test_unknown_provision_address_says_so_in_chinese(page: Page, web_server: WebServer):
    for unit in ("500", "第九九九条"):
        response = page.goto(web_server.url + "/provision/work-safety-law-2021/" + urllib.parse.quote(unit))
        assert response is not None and response.status == 404
        message = page.locator("body")
        expect(message).to_contain_text(f"没有“{unit}”")
        expect(message).to_contain_text("第一百一十九条")  # the document's range
        assert_on_screen(page, page.get_by_text(f"没有“{unit}”"))
    page.goto(web_server.url + "/?p=work-safety-law-2021/500")
    message = page.locator("#provision-card .status-line")
    expect(message).to_contain_text("没有“500”")
    assert_on_screen(page, message)


def test_the_page_is_chinese_for_an_english_browser(english_phone: Page, web_server: WebServer):
    with urllib.request.urlopen(web_server.url + "/", timeout=30) as response:
        assert re.search(r'<html[^>]*\blang="zh-CN"', response.read().decode())
    page = english_phone
    open_app(page, web_server)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    ask(page, DUTY_QUESTION)
    for tab in ("问答", "法规库", "学习材料", "出题"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_function("() => !document.querySelector('gradio-app .pending')")
        for line in page.locator("body").aria_snapshot().splitlines():
            named = NAMED_ROLES.match(line)
            if named:
                name = named.group(2) or ""
                assert re.search(r"[\u4e00-\u9fff]", name), f"{tab}: {line.strip()}"
        placeholders = page.evaluate(
            """() => [...document.querySelectorAll("textarea[placeholder], input[placeholder]")]
              .filter(e => e.checkVisibility() && e.placeholder)
              .filter(e => { const s = getComputedStyle(e), c = document.createElement("canvas").getContext("2d");
                             c.font = s.font;
                             const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
                             return c.measureText(e.placeholder).width > room; })
              .map(e => e.placeholder)"""
        )
        assert placeholders == [], f"{tab}: placeholders cut off: {placeholders}"
