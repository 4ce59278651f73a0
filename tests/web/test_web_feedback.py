"""👍/👎 in the web chat (and a comment after 👎) reach the question log; the API's per-client limit answers 429
in Chinese; without an admin password the admin area is off."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect
from test_web_ui import ask, open_app
from ui import assert_tap_targets
from webserver import WebServer

DUTY_QUESTION = "生产经营单位的主要负责人有哪些职责？"
REPORT_QUESTION = "发生生产安全事故后多长时间内要上报？"


def ratings(server: WebServer) -> list[tuple[str, str, int, str]]:
    with sqlite3.connect(server.data_dir / "logs" / "questions.sqlite") as db:
        return db.execute(
            "SELECT q.question, q.channel, f.rating, f.comment FROM feedback f JOIN questions q USING (ref)"
        ).fetchall()


@pytest.mark.parametrize("device", ["phone"])
def test_an_answer_is_rated_down_with_a_comment_and_up(page: Page, web_server: WebServer, screenshot):
    open_app(page, web_server)
    expect(page.locator("#rate-row")).to_be_hidden()  # nothing to rate yet
    ask(page, DUTY_QUESTION)
    expect(page.locator("#rate-row")).to_be_visible()
    expect(page.locator("#rate-row")).to_contain_text("这个回答有帮助吗？")
    assert_tap_targets(page)
    page.locator("#rate-row").scroll_into_view_if_needed()
    screenshot(page, "rate", full_page=False)
    page.locator("#rate-down").click()
    expect(page.locator("#comment-row")).to_be_visible()
    expect(page.locator("#rate-row")).to_be_hidden()
    page.locator("#comment textarea").fill("没有说到安全投入")
    screenshot(page, "rate-comment", full_page=False)
    page.locator("#comment-send").click()
    expect(page.locator("#rate-thanks")).to_contain_text("谢谢您的意见")
    expect(page.locator("#comment-row")).to_be_hidden()
    assert (DUTY_QUESTION, "web", -1, "没有说到安全投入") in ratings(web_server)

    ask(page, REPORT_QUESTION)
    expect(page.locator("#rate-thanks")).to_be_hidden()
    page.locator("#rate-up").click()
    expect(page.locator("#rate-thanks")).to_contain_text("谢谢您的评价")
    assert (REPORT_QUESTION, "web", 1, "") in ratings(web_server)

    page.reload()  # the device remembers that the latest answer was rated
    expect(page.locator("#chat .turn")).to_have_count(2)
    expect(page.locator("#rate-row")).to_be_hidden()


def get(server: WebServer, path: str, client: str) -> tuple[int, dict[str, str], dict]:
    request = urllib.request.Request(server.url + path, headers={"X-Forwarded-For": client})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_api_limits_each_client_and_says_so_in_chinese(web_server: WebServer):
    limit, window = 120, 60  # ASSISTANT_API_RATE's default: a burst of 120, then 2 a second
    started, answered = time.monotonic(), 0
    while (reply := get(web_server, "/api/documents", "198.51.100.23"))[0] == 200 and answered < 10 * limit:
        answered += 1
    status, headers, body = reply
    assert status == 429 and int(headers["retry-after"]) >= 1
    assert limit <= answered <= limit + (time.monotonic() - started) * limit / window + 1
    assert body["detail"].startswith(f"请求太频繁：每个客户端每 {window} 秒最多 {limit} 次。请")
    assert get(web_server, "/api/documents", "198.51.100.24")[0] == 200  # another client is not held up


def test_without_an_admin_password_the_admin_area_is_off(web_server: WebServer):
    for path in ("/admin", "/admin/api/documents", "/admin/report.xlsx"):
        status, _, body = get(web_server, path, "192.0.2.200")
        assert status == 403 and body["detail"] == "管理功能没有开启：部署时设置管理密码后才能使用。"
