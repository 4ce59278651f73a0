"""What a tab of the web app is: a function that builds one gr.Tab from a TabContext.

Usage::

    def build(ctx: TabContext) -> None:
        with gr.Tab("出题", id="exam"):
            gr.Markdown(ctx.assistant.show("work-safety-law-2021", "21")["citation"])

Add the function to ``assistant.web.app.TABS`` and the tab appears after the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant.service import Assistant
from assistant.web.recorder import Recorder


@dataclass(frozen=True)
class TabContext:
    """What every tab builder gets: the one Assistant of the server, the app (for ``app.load`` events),
    the tab row (an event may return ``gr.Tabs(selected=<tab id>)`` to switch tabs) and the recorder of
    answers and ratings (None: nothing is recorded)."""

    assistant: Assistant
    app: gr.Blocks
    tabs: gr.Tabs
    recorder: Recorder | None = None


TabBuilder = Callable[[TabContext], None]
