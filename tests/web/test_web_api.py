"""The HTTP API over the running server: the JSON of the CLI's --json, Chinese 4xx messages, OpenAPI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Browser, Route, expect
from webserver import DOCUMENTS, REPO_ROOT, WebServer

DUTY_QUESTION = "生产经营单位的主要负责人有哪些职责？"


def cli_json(server: WebServer, *args: str) -> object:
    """What `python -m assistant <args> --json` prints against the server's data directory."""
    run = subprocess.run(
        [sys.executable, "-m", "assistant", *args, "--json"],
        cwd=REPO_ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def post_json(server: WebServer, path: str, data: object) -> tuple[int, object]:
    return server.request("POST", path, json.dumps(data, ensure_ascii=False).encode())


def is_chinese_message(body: object) -> bool:
    return isinstance(body, dict) and any("\u4e00" <= ch <= "\u9fff" for ch in str(body.get("detail", "")))


def test_serve_synced_and_indexed_the_documents_before_serving(web_server: WebServer):
    log = web_server.log.read_text(encoding="utf-8")
    assert "还没有索引" in log and re.search(r"同步 \d+/\d+", log) and "索引完成：3 个新增" in log
    status, documents = web_server.get("/api/documents")
    assert status == 200
    assert sorted(d["id"] for d in documents) == sorted(DOCUMENTS)
    law = next(d for d in documents if d["id"] == "work-safety-law-2021")
    assert law["level"] == "法律" and law["effective"] == "2021-09-01" and law["doc_number"]


def test_search_returns_the_cli_shape(web_server: WebServer):
    query = "主要负责人 安全生产职责"
    status, body = web_server.get("/api/search?" + urllib.parse.urlencode({"q": query, "k": 3}))
    assert status == 200
    cli = cli_json(web_server, "search", query, "--k", "3")
    assert body["query"] == cli["query"] == query and len(body["hits"]) == 3
    assert set(body["hits"][0]) == {"doc_id", "title", "unit", "citation", "text", "score", "status"}
    for served, printed in zip(body["hits"], cli["hits"], strict=True):
        served_score, printed_score = served.pop("score"), printed.pop("score")
        assert served == printed and served_score == pytest.approx(printed_score, abs=1e-4)


def test_ask_returns_the_cli_answer(web_server: WebServer):
    status, body = post_json(web_server, "/api/ask", {"question": DUTY_QUESTION})
    assert status == 200
    assert len(body.pop("id")) == 16  # the answer's reference in the question log, for /api/feedback
    assert body == cli_json(web_server, "ask", DUTY_QUESTION)
    assert body["citations"] and "[1]" in body["answer"]


def test_ask_keeps_the_document_named_earlier(web_server: WebServer):
    status, body = post_json(
        web_server, "/api/ask", {"question": "第21条", "context_doc": "work-safety-law-2021"}
    )
    assert status == 200
    assert body["citations"][0]["citation"] == "《中华人民共和国安全生产法》第二十一条"


def test_provision_is_the_show_view(web_server: WebServer):
    status, body = web_server.get("/api/provisions/work-safety-law-2021/21")
    assert status == 200
    assert body == cli_json(web_server, "show", "work-safety-law-2021", "第二十一条")
    assert len(body["paragraphs"][0]["items"]) == 7
    unit = urllib.parse.quote("（十三）")
    status, item = web_server.get(f"/api/provisions/linfen-2025-1/{unit}")
    assert status == 200 and "市应急管理局" in item["bodies"] and item["general_bodies"]


def test_unknown_provision_is_404_with_a_chinese_message(web_server: WebServer):
    status, body = web_server.get("/api/provisions/work-safety-law-2021/500")
    assert status == 404 and "第一百一十九条" in body["detail"]
    status, body = web_server.get("/api/provisions/no-such-law/1")
    assert status == 404 and is_chinese_message(body)


def test_bad_input_is_4xx_with_a_chinese_message(web_server: WebServer):
    bad = [
        web_server.get("/api/search?q=" + urllib.parse.quote("？？？")),
        web_server.get("/api/search?q=%20"),
        web_server.get("/api/search"),
        web_server.get("/api/search?q=abc&k=0"),
        web_server.get("/api/search?q=abc&k=lots"),
        post_json(web_server, "/api/ask", {"question": ""}),
        post_json(web_server, "/api/ask", {"question": "安" * 2001}),
        post_json(web_server, "/api/ask", {}),
        post_json(web_server, "/api/ask", ["not", "an", "object"]),
        post_json(web_server, "/api/ask", {"question": "第21条", "context_doc": "no-such-law"}),
        web_server.request("POST", "/api/ask", b"{not json"),
        web_server.request("POST", "/api/ask", '{"question": "安全"}'.encode("gb18030")),  # not UTF-8
        web_server.get("/api/no-such-route"),
    ]
    for status, body in bad:
        assert 400 <= status < 500 and is_chinese_message(body), (status, body)
    assert bad[2][1]["detail"] == "缺少参数 q。"
    assert bad[3][1]["detail"] == "参数 k 应不小于 1。"


def test_openapi_schema_and_docs_are_served(web_server: WebServer):
    status, schema = web_server.get("/openapi.json")
    assert status == 200
    assert {"/api/search", "/api/ask", "/api/documents", "/api/provisions/{doc_id}/{unit}"} <= set(
        schema["paths"]
    )
    assert "question" in schema["components"]["schemas"]["AskRequest"]["properties"]
    with urllib.request.urlopen(web_server.url + "/docs", timeout=30) as response:
        assert response.status == 200 and b"openapi.json" in response.read()


def test_a_wrong_method_is_405_with_the_methods_allowed(web_server: WebServer):
    for method, path, allowed in (("DELETE", "/api/ask", "POST"), ("PUT", "/api/documents", "GET")):
        request = urllib.request.Request(web_server.url + path, method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 405 and refused.value.headers["Allow"] == allowed
        assert is_chinese_message(json.loads(refused.value.read()))


def test_docs_work_offline(browser: Browser, web_server: WebServer):
    context = browser.new_context(locale="zh-CN")
    elsewhere: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(web_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.goto(web_server.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("安全生产知识助手 API")
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/ask")).to_be_visible()
    context.close()
    assert elsewhere == []
