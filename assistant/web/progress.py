"""The page's progress label while the semantic index is still being computed: 语义索引 62%.

Usage::

    add_progress_label(app, lambda: index_status(settings))   # inside ``with gr.Blocks() as app``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

POLL_S = 5.0


def progress_label(status: dict[str, Any]) -> str:
    """The label for a status of assistant.indexing.index_status ('' once the vectors are complete)."""
    if not status.get("ready") or status.get("state") == "done":
        return ""
    percent = int(100 * float(status.get("dense") or 0))
    return (
        f"<p class='status-line' role='status' id='index-progress'>语义索引 {percent}%"
        "：先按关键词检索，语义向量算好后自动用上，回答会更准。</p>"
    )


def add_progress_label(app: gr.Blocks, status: Callable[[], dict[str, Any]]) -> None:
    """An HTML line refreshed every POLL_S seconds and on page load."""
    label = gr.HTML(elem_id="index-status")
    timer = gr.Timer(POLL_S)
    timer.tick(lambda: progress_label(status()), None, label, show_progress="hidden")
    app.load(lambda: progress_label(status()), None, label, show_progress="hidden")
