"""The whole corpus as one searchable text, to ask whether a wording is said anywhere: a distractor that
another provision makes true is no distractor.

Numbers are compared in digits (三十日内 = 30日内), so a distractor cannot slip through by being written
the other way.

Usage::

    corpus = CorpusText(provision.text for provision in provisions)
    corpus.says("生产经营单位的主要负责人对本单位的安全生产工作全面负责")          # True
    corpus.says_in_place("单位负责人应当于1小时内报告", 7, 12, "2小时内")   # is "应当于2小时内报告" said?
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.quiz.text import core, normalize
from assistant.quiz.variants import arabic_numbers

CONTEXT = 6  # characters of the sentence taken on each side of a replaced span
_CLAUSE_END = "，。；：、（）“”"


class CorpusText:
    """See the module docstring."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._text = arabic_numbers("\n".join(normalize(text) for text in texts))
        self._said: dict[str, bool] = {}

    def says(self, text: str) -> bool:
        """Whether some provision says the text word for word (numbers in either writing)."""
        flat = arabic_numbers(core(text))
        if flat not in self._said:
            self._said[flat] = bool(flat) and flat in self._text
        return self._said[flat]

    def says_in_place(self, sentence: str, start: int, end: int, replacement: str) -> bool:
        """Whether the sentence, with ``replacement`` in place of sentence[start:end], is said somewhere:
        the replacement with the words around it in its clause (up to CONTEXT characters a side)."""
        return self.says(in_place(sentence, start, end, replacement))


def in_place(sentence: str, start: int, end: int, replacement: str) -> str:
    """The replacement with up to CONTEXT characters of its clause on each side."""
    left = sentence[max(start - CONTEXT, 0) : start]
    right = sentence[end : end + CONTEXT]
    left = left[max(left.rfind(ch) for ch in _CLAUSE_END) + 1 :]
    cut = [right.find(ch) for ch in _CLAUSE_END if ch in right]
    right = right[: min(cut)] if cut else right
    return f"{left}{replacement}{right}"
