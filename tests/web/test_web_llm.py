"""The web chat with the user's model configured, in headless Chromium on a phone: a second server on the
test index, its model a local OpenAI-compatible server that streams (SSE). The answer appears sentence by
sentence, each verified, and says it was written by the model; a model that does not answer in time gives
the extractive answer with no error shown."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pytest
from conftest import DEVICES, SCREENSHOTS, START_TIMEOUT_S, WAIT_MS
from llm_server import Reply, ScriptedLLM, quoting_reply
from playwright.sync_api import Browser, Page, expect
from servers import free_port, running
from ui import assert_plain_chinese
from webserver import REPO_ROOT, WebServer

from assistant.web.render import LLM_NOTE

QUESTION = "发生生产安全事故后，单位负责人多长时间内要报告？"
TIMEOUT_S = 6  # ASSISTANT_LLM_TIMEOUT of the server under test


def slow_quoting_reply(body: dict) -> Reply:
    """A faithful reply streamed slowly enough to be seen arriving (about 3 s in all)."""
    return Reply(quoting_reply(body).text, piece_chars=8, piece_delay_s=0.25)


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(default=slow_quoting_reply) as server:
        yield server


@pytest.fixture(scope="module")
def llm_web_server(web_server: WebServer, llm: ScriptedLLM, tmp_path_factory) -> Iterator[WebServer]:
    """`serve` on the web tests' index (already built), with the scripted model configured."""
    port = free_port()
    env = {
        **web_server.env,
        "ASSISTANT_LLM_BASE_URL": llm.base_url,
        "ASSISTANT_LLM_MODEL": "qwen2.5:7b",
        "ASSISTANT_LLM_TIMEOUT": str(TIMEOUT_S),
    }
    log = tmp_path_factory.mktemp("llm-web") / "server.log"
    server = WebServer(f"http://127.0.0.1:{port}", log, web_server.data_dir, env)
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    ready = lambda: server.get("/api/documents")[0] == 200  # noqa: E731
    with running(command, log, ready, "server with a model", START_TIMEOUT_S, cwd=REPO_ROOT, env=env):
        yield server


@pytest.fixture()
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", **DEVICES["phone"])
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def send(page: Page, server: WebServer, question: str) -> None:
    page.goto(server.url + "/")
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()


def test_the_model_answer_streams_in_verified_sentences(phone: Page, llm_web_server: WebServer, llm):
    llm.reset()
    send(phone, llm_web_server, QUESTION)
    answer = phone.locator("#chat .turn").last.locator(".answer")
    expect(answer.locator(".writing")).to_be_visible()  # sentences are still coming
    expect(answer.locator(".reply")).to_contain_text("[1]")
    expect(answer.locator(".llm-note")).to_have_text(LLM_NOTE)
    expect(answer.locator(".writing")).to_have_count(0)
    assert llm.requests[-1]["stream"] is True
    expect(answer.locator("details.source").first.locator("summary")).to_contain_text("[1] 《")
    expect(phone.locator("#chat-error")).to_be_hidden()
    assert_plain_chinese(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / "llm-answer-phone.png", full_page=True)


def test_a_model_that_does_not_answer_in_time_gives_the_extractive_answer(
    phone: Page, web_server: WebServer, llm_web_server: WebServer, llm
):
    body = json.dumps({"question": QUESTION}).encode()
    _, extractive = web_server.request("POST", "/api/ask", body)  # the server without a model
    first_line = extractive["answer"].split("\n")[0]  # type: ignore[index]
    llm.reset()
    llm.script(Reply("不会及时到达的回答[1]。", delay_s=TIMEOUT_S + 4))
    send(phone, llm_web_server, QUESTION)
    answer = phone.locator("#chat .turn").last.locator(".answer")
    expect(answer.locator(".reply")).to_have_text(first_line, timeout=WAIT_MS + TIMEOUT_S * 1000)
    expect(answer.locator(".llm-note")).to_have_count(0)
    expect(answer).not_to_contain_text("不会及时到达")
    expect(phone.locator("#chat-error")).to_be_hidden()
