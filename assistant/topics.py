"""Whether a sentence is on a study topic, in the loose way a cadre means it.

A topic is on a sentence when the sentence contains it, or most of its character bigrams including its first
and last (重大隐患 is on 重大事故隐患), or its core: the topic without the words every provision of this domain
carries (安全生产培训 → 培训, so 安全生产教育和培训 counts) and without a closing 作业 where the work is
named alone in a list (动火作业 → 动火 in “爆破、吊装、动火、临时用电以及……危险作业”, but 特种作业 is not
特种 in 特种设备).

Usage::

    matcher = TopicMatcher("安全生产培训")
    matcher.matches("未经安全生产教育和培训合格的从业人员，不得上岗作业")   # True
    matcher.count("…培训……培训…")                                       # 2: how often it is named
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SHARE = 0.4  # share of the topic's bigrams a sentence must hold (with its first and last)
# Words that every provision of the domain carries: a topic that opens with them is about the rest.
_DOMAIN_PREFIX = re.compile(r"^(?:安全生产|安全)(?=..)")
# A closing word that names the kind of thing, not the thing: 动火作业 is about 动火.
_KIND_SUFFIX = re.compile(r"(?<=..)(?:作业|工作)$")
_ALONE_AFTER = "、，。；：和及以等或作（"  # what may follow a stem that stands alone in a list


def bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in re.findall(r"\w+", text) for i in range(len(run) - 1)}


@dataclass
class TopicMatcher:
    """``TopicMatcher("动火作业").matches(sentence)``: see the module docstring."""

    topic: str
    core: str = ""
    stem: str = ""  # the core without a closing 作业, to be matched only where it stands alone
    _bigrams: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.topic = self.topic.strip()
        self._bigrams = bigrams(self.topic)
        core = _DOMAIN_PREFIX.sub("", self.topic)
        self.core = core if core != self.topic else ""
        stem = _KIND_SUFFIX.sub("", core)
        self.stem = stem if stem != core else ""

    def matches(self, text: str) -> bool:
        """The text names the topic (see the module docstring)."""
        if self.count(text):
            return True
        ends = self.topic[:2] in text and self.topic[-2:] in text
        return ends and self.share(text) >= SHARE

    def count(self, text: str) -> int:
        """How often the text names the topic itself, its core or its stem standing alone."""
        count = text.count(self.topic)
        if self.core:
            count = max(count, text.count(self.core))
        if self.stem:
            alone = re.findall(rf"{re.escape(self.stem)}(?=[{_ALONE_AFTER}]|$)", text)
            count = max(count, len(alone))
        return count

    def share(self, text: str) -> float:
        """The share of the topic's bigrams the text holds (1.0 when it names the topic)."""
        if self.topic in text:
            return 1.0
        return len(self._bigrams & bigrams(text)) / len(self._bigrams) if self._bigrams else 0.0
