"""Browser steps shared by the web UI tests: open a tab, type and press, download, check the layout.

Usage::

    open_tab(page, server, "出题", "#quiz-make")
    enter(page, "study-topic", "重大事故隐患", "study-make")
    workbook = download(page, "quiz-xlsx").path()
    assert_tap_targets(page)            # on a phone: every control at least 44×44 px
"""

from __future__ import annotations

import re

from playwright.sync_api import Download, Locator, Page, expect
from webserver import WebServer

TAP_TARGET_PX = 44
PHONE_MAX_WIDTH = 640  # the style sheet's phone layout
# What a person taps: buttons, links, text fields, summaries, tabs, and the labels of radios and checkboxes.
INTERACTIVE = (
    "button, a[href], input:not([type=radio]):not([type=checkbox]):not([type=hidden]), textarea, select, "
    "summary, [role=button], [role=tab], label:has(input[type=radio]), label:has(input[type=checkbox])"
)
# Words of a program, not of a user: commands, file suffixes, data formats, English widget names.
TECHNICAL = re.compile(r"python|corpus|\.md\b|\.docx\b|\.xlsx\b|JSON|Textbox|Dropdown|None|Traceback", re.I)


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


def assert_on_screen(page: Page, element: Locator) -> None:
    """The element's top line shows on the screen as it is now, without scrolling."""
    box = element.bounding_box()
    assert box is not None, "not shown"
    height = page.evaluate("window.innerHeight")
    assert 0 <= box["y"] <= height - min(box["height"], 24), (
        f"top at {box['y']:.0f} px of a {height} px screen"
    )


def assert_tap_targets(page: Page) -> None:
    """On a phone layout, every visible interactive element offers at least 44×44 px to tap: its box as far
    as the boxes around it do not cut it off (elements cut to a pixel are visually hidden: skipped)."""
    if page.evaluate("window.innerWidth") > PHONE_MAX_WIDTH:
        return
    small = page.evaluate(
        """([selector, least]) => {
          const tappable = (e) => {
            let {left, top, right, bottom} = e.getBoundingClientRect();
            for (let a = e.parentElement; a; a = a.parentElement) {
              const style = getComputedStyle(a);
              if (style.overflowX === "visible" && style.overflowY === "visible") continue;
              const r = a.getBoundingClientRect();
              left = Math.max(left, r.left); top = Math.max(top, r.top);
              right = Math.min(right, r.right); bottom = Math.min(bottom, r.bottom);
            }
            return [right - left, bottom - top];
          };
          return [...document.querySelectorAll(selector)]
            .filter(e => e.checkVisibility({visibilityProperty: true, opacityProperty: true}))
            .map(e => [tappable(e), e])
            .filter(([[w, h]]) => w > 1 && h > 1 && (w < least - 0.5 || h < least - 0.5))
            .map(([[w, h], e]) => `${e.tagName} ${e.id || e.className} “${(e.getAttribute("aria-label") ||
                  e.innerText || e.title || "").trim().slice(0, 20)}” ${Math.round(w)}×${Math.round(h)}`);
        }""",
        [INTERACTIVE, TAP_TARGET_PX],
    )
    assert not small, small


def assert_one_line_each(page: Page, *buttons: str) -> None:
    """The buttons with these ids each show their label on one line, all of one height."""
    shapes = page.evaluate(
        """(ids) => ids.map(id => document.getElementById(id)).map(b => {
             const text = document.createRange(); text.selectNodeContents(b);
             const lines = new Set([...text.getClientRects()].map(r => Math.round(r.top))).size;
             return [lines, Math.round(b.getBoundingClientRect().height)]; })""",
        list(buttons),
    )
    assert {lines for lines, _ in shapes} == {1} and len({height for _, height in shapes}) == 1, shapes


def assert_plain_chinese(page: Page) -> None:
    """The page's visible text has no command, file suffix, data format or English widget name."""
    text = page.locator("body").inner_text()
    assert not TECHNICAL.findall(text), TECHNICAL.findall(text)
