"""Gradio pieces the tabs share: a text box with its button, download-button updates and the status line.

Usage::

    topic, make = query_row("主题", "如：重大事故隐患", "study-topic", "生成", "study-make")
    return shown_download(path), hidden_download(), status_message(exc, (NothingFoundError,))
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.web.errors import user_message


def query_row(
    label: str, placeholder: str, box_id: str, button: str, button_id: str, row_id: str | None = None
) -> tuple[gr.Textbox, gr.Button]:
    """A one-line text box and its button beside it, in one row (inside a Blocks context); the label is not
    shown but names the box for screen readers."""
    with gr.Row(elem_id=row_id, equal_height=True):
        box = gr.Textbox(
            label=label, show_label=False, placeholder=placeholder, scale=5, container=False, elem_id=box_id
        )
        pressed = gr.Button(button, scale=1, min_width=76, elem_id=button_id)
    return box, pressed


def download_folder(prefix: str) -> Path:
    """A new folder under the system's temp directory (Gradio serves downloads from there)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def shown_download(path: Path) -> Any:
    """The update that shows a download button offering ``path``."""
    return gr.update(value=str(path), visible=True)


def hidden_download() -> Any:
    """The update that hides a download button."""
    return gr.update(value=None, visible=False)


def status_message(exc: Exception, written_for_user: tuple[type[Exception], ...]) -> str:
    """The status line for a failure: the message of an error in ``written_for_user`` as it is, any other
    through user_message (a generic one, logged, for the unexpected)."""
    text = str(exc) if isinstance(exc, written_for_user) else user_message(exc)
    return f"<p class='message' role='status'>{escape(text)}</p>"
