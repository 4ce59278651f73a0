"""The versioned Chinese prompts (prompts/<name>-v<n>.txt, see prompts/README.md) as langchain chat prompts,
and the messages of one request: the question, the verdict word and the numbered provisions, nothing else.

Usage::

    messages = answer_messages("answer-v1", "发生事故要多久上报？", None, sources)
    model.invoke(messages)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from assistant.llm.verify import Source

NO_VERDICT = "无"
_SECTION = re.compile(r"^### (system|user)\n", re.MULTILINE)


@cache
def load_prompt(name: str) -> ChatPromptTemplate:
    """The prompt file ``prompts/<name>.txt`` as a chat prompt; ValueError when it has no user section."""
    text = resources.files("assistant.llm").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")
    parts = _SECTION.split(text)[1:]
    messages = [(role, body.strip()) for role, body in zip(parts[::2], parts[1::2], strict=True)]
    if not messages or messages[-1][0] != "user":
        raise ValueError(f"prompt {name} has no ### user section")
    return ChatPromptTemplate.from_messages([("human" if r == "user" else r, b) for r, b in messages])


def answer_messages(
    name: str, question: str, verdict_word: str | None, sources: Sequence[Source]
) -> list[BaseMessage]:
    """The messages asking for a cited answer to the question from the numbered provisions."""
    return load_prompt(name).format_messages(
        question=question, verdict=verdict_word or NO_VERDICT, provisions=provisions_block(sources)
    )


def rewrite_messages(name: str, question: str) -> list[BaseMessage]:
    """The messages asking for the question in the law's words."""
    return load_prompt(name).format_messages(question=question)


def provisions_block(sources: Sequence[Source]) -> str:
    """``[1] 《…》第二十一条`` then the provision's full text, for each source, a blank line between."""
    return "\n\n".join(f"[{s.number}] {s.citation.citation}\n{s.provision.text}" for s in sources)
