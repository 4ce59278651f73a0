"""The running web server as the web tests see it: its address, log and environment, and plain HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The documents of the test index: the law, the notice and a State Council regulation.
DOCUMENTS = ("work-safety-law-2021", "linfen-2025-1", "accident-reporting-investigation-regulation-2007")


@dataclass(frozen=True)
class WebServer:
    """``server.get("/api/documents")`` → (200, [...])."""

    url: str
    log: Path
    data_dir: Path
    env: dict[str, str]

    def get(self, path: str) -> tuple[int, object]:
        """Status and decoded JSON of a GET."""
        return self.request("GET", path)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, object]:
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
