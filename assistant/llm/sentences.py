"""Sentences of a model's reply as it streams: each comes out once it has ended (。！？ or a line end), with
the [n] markers written after its full stop, and a leading <think>…</think> block (reasoning models) left out.

Usage::

    splitter = SentenceSplitter()
    splitter.feed("不可以，单位不得……[1]。事故发生")   # ["不可以，单位不得……[1]。"]
    splitter.feed("后应当立即报告。[2]")              # [] (more markers may follow)
    splitter.close()                                  # ["事故发生后应当立即报告。[2]"]
    split("甲[1]。乙[2]。")                           # ["甲[1]。", "乙[2]。"]
"""

from __future__ import annotations

import re

_END = re.compile(r"[。！？!?\n]")
_MARKERS = re.compile(r"(?:[ \t]*\[\d+\])*")
_PARTIAL_MARKER = re.compile(r"[ \t]*(?:\[\d*)?")
_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"


class SentenceSplitter:
    """Feed the reply chunk by chunk; each call returns the sentences completed so far."""

    def __init__(self) -> None:
        self._buffer = ""
        self._thinking: bool | None = None  # None: not yet known whether the reply opens with <think>

    def feed(self, chunk: str) -> list[str]:
        self._buffer += chunk
        if not self._skip_thinking():
            return []
        found = []
        while (sentence := self._next()) is not None:
            found.append(sentence)
        return [s for s in found if _has_words(s)]

    def close(self) -> list[str]:
        """The sentences still held (the reply has ended)."""
        found = self.feed("")
        if self._thinking:  # an unclosed <think> block holds no answer
            self._buffer = ""
        rest, self._buffer = self._buffer.strip(), ""
        return [*found, rest] if _has_words(rest) else found

    def _skip_thinking(self) -> bool:
        """False while the reply may still be inside a leading <think> block."""
        if self._thinking is None:
            head = self._buffer.lstrip()
            if len(head) < len(_THINK_OPEN) and _THINK_OPEN.startswith(head):
                return False
            self._thinking = head.startswith(_THINK_OPEN)
        if self._thinking:
            end = self._buffer.find(_THINK_CLOSE)
            if end < 0:
                return False
            self._buffer = self._buffer[end + len(_THINK_CLOSE) :]
            self._thinking = False
        return True

    def _next(self) -> str | None:
        """The first complete sentence taken off the buffer, None when none is complete yet."""
        end = _END.search(self._buffer)
        if end is None:
            return None
        after = _MARKERS.match(self._buffer, end.end()).end()  # type: ignore[union-attr]
        if _PARTIAL_MARKER.fullmatch(self._buffer, after):  # markers may still be coming
            return None
        sentence, self._buffer = self._buffer[:after].strip(), self._buffer[after:]
        return sentence


def split(text: str) -> list[str]:
    """The sentences of a whole reply."""
    splitter = SentenceSplitter()
    return [*splitter.feed(text), *splitter.close()]


def _has_words(sentence: str) -> bool:
    return any(ch.isalnum() for ch in re.sub(r"\[\d+\]", "", sentence))
