"""What guards the server: the per-client token buckets, the admin login and its brute-force brake, and
logs that are JSON lines with secrets masked."""

from __future__ import annotations

import base64
import io
import json
import logging

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from assistant.logs import MASK, configure_json_logging
from assistant.web.admin_auth import FREE_TRIES, AdminGuard
from assistant.web.ratelimit import RateError, TokenBuckets


def test_buckets_let_a_burst_through_then_one_request_per_interval():
    now = [0.0]
    buckets = TokenBuckets(3, 60.0, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == 20  # one token every 20 s
    assert buckets.take("b") == 0  # another client has its own bucket
    now[0] = 20.0
    assert buckets.take("a") == 0
    assert buckets.take("a") == 20
    now[0] = 1000.0
    assert [buckets.take("a") for _ in range(4)] == [0, 0, 0, 20]  # refilled, never beyond the limit


def test_rate_settings():
    assert TokenBuckets.parse("0") is None and TokenBuckets.parse("") is None
    buckets = TokenBuckets.parse("120/60")
    assert buckets is not None and (buckets.limit, buckets.window) == (120, 60.0)
    for bad in ("fast", "10/0", "0/60", "1/2/3"):
        with pytest.raises(RateError, match="限速"):
            TokenBuckets.parse(bad)


@pytest.fixture()
def clock() -> list[float]:
    return [100.0]


def admin_client(password: str, clock: list[float]) -> TestClient:
    guard = AdminGuard("admin", password, clock=lambda: clock[0])
    app = FastAPI()

    @app.api_route("/admin", methods=["GET", "POST"], dependencies=[Depends(guard)])
    def admin() -> dict[str, bool]:
        return {"ok": True}

    return TestClient(app)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_without_a_password_the_admin_area_is_off(clock: list[float]):
    response = admin_client("", clock).get("/admin", headers=basic("admin", ""))
    assert response.status_code == 403 and "没有开启" in response.json()["detail"]


def test_credentials_are_required_and_checked(clock: list[float]):
    client = admin_client("pässwort", clock)
    missing = client.get("/admin")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith(
        'Basic realm="anquan-admin"'
    )
    for headers in (
        basic("admin", "wrong"),
        basic("root", "pässwort"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer x"},
    ):
        assert client.get("/admin", headers=headers).status_code == 401
    assert client.get("/admin", headers=basic("admin", "pässwort")).json() == {"ok": True}


def test_failures_lock_a_client_out_for_longer_each_time(clock: list[float]):
    client = admin_client("secret", clock)
    wrong, right = basic("admin", "nope"), basic("admin", "secret")
    assert [client.get("/admin", headers=wrong).status_code for _ in range(FREE_TRIES)] == [401] * FREE_TRIES
    locked = client.get("/admin", headers=right)
    assert (
        locked.status_code == 429
        and locked.headers["Retry-After"] == "2"
        and "2 秒后再试" in locked.json()["detail"]
    )
    clock[0] += 2
    assert client.get("/admin", headers=wrong).status_code == 401
    assert client.get("/admin", headers=right).headers["Retry-After"] == "4"  # doubled
    clock[0] += 4
    assert client.get("/admin", headers=right).status_code == 200  # and forgiven on success
    assert client.get("/admin", headers=wrong).status_code == 401


def test_changes_from_another_site_are_refused(clock: list[float]):
    client = admin_client("secret", clock)
    right = basic("admin", "secret")
    assert client.post("/admin", headers={**right, "Origin": "http://testserver"}).status_code == 200
    assert client.post("/admin", headers=right).status_code == 200  # no Origin: not a browser on another site
    foreign = client.post("/admin", headers={**right, "Origin": "https://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["detail"] == "拒绝来自其他网站的修改请求。"
    assert client.post("/admin", headers={**right, "Referer": "https://evil.example/x"}).status_code == 403


@pytest.fixture()
def json_log():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_json_logging(secrets=["hunter2-admin"], stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_logs_are_json_lines_with_secrets_masked(json_log: io.StringIO):
    log = logging.getLogger("assistant.test")
    log.info("request", extra={"route": "/api/ask", "status": 200})
    log.warning("login with %s failed", "hunter2-admin")
    token = "5551234567:BBFakeTokenForTheLogTestOnly_abcdefghij12"
    logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/getMe", token)
    try:
        raise RuntimeError("Authorization: Basic YWRtaW46aHVudGVy")
    except RuntimeError:
        log.exception("failed")
    text = json_log.getvalue()
    records = [json.loads(line) for line in text.splitlines()]
    assert (
        records[0]["msg"] == "request" and records[0]["route"] == "/api/ask" and records[0]["status"] == 200
    )
    assert records[1]["msg"] == f"login with {MASK} failed"
    assert records[2]["msg"] == f"POST https://api.telegram.org/bot{MASK}/getMe"
    assert "Authorization: Basic ***" in records[3]["exc"]
    for secret in ("hunter2-admin", token, "YWRtaW46aHVudGVy"):
        assert secret not in text
