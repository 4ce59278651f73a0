"""Browser steps shared by the web UI tests: open a tab, type and press, download, check the layout.

Usage::

    open_tab(page, server, "出题", "#quiz-make")
    enter(page, "study-topic", "重大事故隐患", "study-make")
    workbook = download(page, "quiz-xlsx").path()
"""

from __future__ import annotations

from playwright.sync_api import Download, Page, expect
from webserver import WebServer


def open_tab(page: Page, server: WebServer, tab: str, ready: str) -> None:
    """Open the app, switch to ``tab`` and wait until the element ``ready`` (a CSS selector) shows."""
    page.goto(server.url + "/")
    page.get_by_role("tab", name=tab).click()
    expect(page.locator(ready)).to_be_visible()


def enter(page: Page, box: str, text: str, button: str) -> None:
    """Type ``text`` into the text box with id ``box`` and press the button with id ``button``."""
    page.locator(f"#{box} textarea").fill(text)
    page.locator(f"#{button}").click()


def download(page: Page, button: str) -> Download:
    """Press the download button with id ``button``; the finished download."""
    with page.expect_download() as caught:
        page.locator(f"#{button}").click()
    return caught.value


def assert_no_horizontal_scrolling(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport
