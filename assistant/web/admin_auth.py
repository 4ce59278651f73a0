"""Who may use /admin: HTTP Basic credentials checked in constant time, brute force slowed per client,
and changes refused when they come from another site.

- no admin password configured: 403 (the admin area is off);
- no or wrong credentials: 401 with a login prompt; after FREE_TRIES failures a client must wait
  2, 4, 8 … (at most LOCKOUT_MAX_S) seconds before it may try again, and gets 429 until then;
- a POST or DELETE whose Origin (or Referer) is another site: 403 (a page elsewhere cannot make an admin's
  browser change anything).

Usage::

    guard = AdminGuard("admin", settings.admin_password)
    router = APIRouter(dependencies=[Depends(guard)])
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from assistant.web.metrics import client_address

FREE_TRIES = 3
LOCKOUT_MAX_S = 300
MAX_CLIENTS = 10_000
REALM = 'Basic realm="anquan-admin", charset="UTF-8"'
DISABLED = "管理功能没有开启：部署时设置管理密码后才能使用。"
LOGIN = "请输入管理用户名和密码。"
WRONG = "用户名或密码不对。"
WAIT = "尝试次数太多，请 {seconds} 秒后再试。"
FOREIGN = "拒绝来自其他网站的修改请求。"
CHANGES = ("POST", "PUT", "PATCH", "DELETE")


class AdminGuard:
    """A FastAPI dependency that lets only the admin through (see the module)."""

    def __init__(self, user: str, password: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.user = user.encode()
        self.password = password.encode()
        self._clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = (
            OrderedDict()
        )  # client → (failures, locked until)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.password)

    def __call__(self, request: Request) -> None:
        if not self.enabled:
            raise HTTPException(403, detail=DISABLED)
        client = client_address(request)
        wait = self._locked_for(client)
        if wait:
            raise HTTPException(429, detail=WAIT.format(seconds=wait), headers={"Retry-After": str(wait)})
        credentials = _basic(request.headers.get("authorization", ""))
        if credentials is None:
            raise HTTPException(401, detail=LOGIN, headers={"WWW-Authenticate": REALM})
        user, password = credentials
        good = hmac.compare_digest(user, self.user) & hmac.compare_digest(password, self.password)
        if not good:
            self._failed(client)
            raise HTTPException(401, detail=WRONG, headers={"WWW-Authenticate": REALM})
        with self._lock:
            self._failures.pop(client, None)
        if request.method in CHANGES and not _same_site(request):
            raise HTTPException(403, detail=FOREIGN)

    def _locked_for(self, client: str) -> int:
        with self._lock:
            _, until = self._failures.get(client, (0, 0.0))
        return max(0, math.ceil(until - self._clock()))

    def _failed(self, client: str) -> None:
        with self._lock:
            failures, _ = self._failures.pop(client, (0, 0.0))
            failures += 1
            until = 0.0
            if failures >= FREE_TRIES:
                until = self._clock() + min(LOCKOUT_MAX_S, 2 ** (failures - FREE_TRIES + 1))
            self._failures[client] = (failures, until)
            if len(self._failures) > MAX_CLIENTS:
                self._failures.popitem(last=False)


def _basic(header: str) -> tuple[bytes, bytes] | None:
    """User and password of a Basic Authorization header; None when there is none or it is malformed."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    user, colon, password = decoded.partition(b":")
    return (user, password) if colon else None


def _same_site(request: Request) -> bool:
    """True unless the request says it comes from a page of another host (Origin, else Referer)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source != "null"
    return urlsplit(source).netloc == request.headers.get("host", "")
