"""The Gradio app: a header and one tab per builder in TABS, styled for a phone first.

Usage::

    blocks = build_app(assistant)          # mounted by assistant.web.server.create_app
    TABS.append(exam.build)                # how a later feature adds its tab (see assistant.web.tabs)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import gradio as gr

from assistant.indexing import index_status
from assistant.service import Assistant
from assistant.web import chat, library, quiz, study
from assistant.web.progress import add_progress_label
from assistant.web.recorder import Recorder
from assistant.web.tabs import TabBuilder, TabContext

# The tabs, in order. A feature with its own tab adds its builder here.
TABS: list[TabBuilder] = [chat.build, library.build, study.build, quiz.build]

TITLE = "安全生产知识助手"
HEADER = (
    f"<header class='app-header'><h1>{TITLE}</h1>"
    "<p>安全生产法律法规和临汾市2025年安全生产工作通知，回答都注明出处</p></header>"
)
# Fonts that phones and desktops in China have, then a common Linux one; nothing is fetched.
FONTS = [
    "system-ui",
    "-apple-system",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
]
THEME = gr.themes.Default(
    primary_hue="orange", font=FONTS, text_size="lg", spacing_size="md", radius_size="md"
)
# The style sheet goes into <head> as it is: Gradio scopes a ``css`` string to its content area, and the
# phone layout also needs the page's outer padding.
HEAD = (
    "<meta name='theme-color' content='#ea580c'><meta name='format-detection' content='telephone=no'>"
    f"<style>{Path(__file__).with_name('style.css').read_text(encoding='utf-8')}</style>"
)


def build_app(
    assistant: Assistant, tabs: Sequence[TabBuilder] = TABS, recorder: Recorder | None = None
) -> gr.Blocks:
    """The Blocks app over one Assistant; ``recorder`` logs the chat's answers and ratings."""
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.HTML(HEADER, elem_id="app-header")
        add_progress_label(app, lambda: index_status(assistant.settings))
        with gr.Tabs(elem_id="tabs") as tab_row:
            context = TabContext(assistant=assistant, app=app, tabs=tab_row, recorder=recorder)
            for build in tabs:
                build(context)
    return app
