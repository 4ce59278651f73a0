"""An exam item and its vocabulary: the four types, the difficulty labels, the JSON shape.

Usage::

    item = QuizItem(type="单选", stem="依据《安全生产法》规定，……（  ）。", options={"A": "…", …}, answer="B", …)
    item.to_dict()["options"]  # {"A": "…", "B": "…", …}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SINGLE, MULTI, JUDGE, FILL = "单选", "多选", "判断", "填空"
TYPES = (SINGLE, MULTI, JUDGE, FILL)
NUMBER_KINDS = ("时限", "金额", "倍数", "数量", "比例")  # topics of items that ask for a number
DIFFICULTIES = ("易", "中", "难")
TRUE, FALSE = "正确", "错误"
JUDGE_OPTIONS = {"A": TRUE, "B": FALSE}
BLANK = "（  ）"
LETTERS = "ABCDEF"


@dataclass(frozen=True)
class QuizItem:
    """One exam item with its answer, an explanation quoting the source, and the cited provision.

    ``answer`` is the letters of the correct options for 单选/多选 ("B", "ACD"), 正确/错误 for 判断 and the
    missing text for 填空, with other accepted writings in ``accepted`` (60% beside 百分之六十). ``unit`` is
    one unit (第二十一条) or several joined by "、" when the options come from several articles. ``source``
    is the sentence the item was built from, verbatim (for a false 判断: the original statement); ``topic``
    is what is tested (时限, 金额, 主体, 概念, 后果, 案例, 说法, 列举 …); ``change`` says how a statement
    was made (情态, 数字, 主体, 条件, 范围, 列举 for a false one; 转述 for a true one reworded; "" verbatim).
    """

    type: str
    stem: str
    options: dict[str, str]
    answer: str
    explanation: str
    doc_id: str
    unit: str
    citation: str
    difficulty: str
    topic: str = ""
    source: str = ""
    units: tuple[str, ...] = field(default=())
    accepted: tuple[str, ...] = field(default=())
    change: str = ""

    @property
    def cited_units(self) -> tuple[str, ...]:
        """The units whose text proves the answer."""
        return self.units or tuple(self.unit.split("、"))

    @property
    def correct_letters(self) -> str:
        """Letters of the correct options ("A" for a true 判断); "" for 填空."""
        if self.type == JUDGE:
            return next(letter for letter, text in self.options.items() if text == self.answer)
        return self.answer if self.type in (SINGLE, MULTI) else ""

    @property
    def answer_text(self) -> str:
        """The answer as a reader sees it: "B. 三十日" / the options' texts / 正确 / the missing text."""
        if self.type in (SINGLE, MULTI):
            return "；".join(f"{letter}. {self.options[letter]}" for letter in self.answer)
        return self.answer

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: type, stem, options ({} for 填空), answer, explanation, doc_id, unit, citation, …"""
        data = asdict(self)
        data["units"] = list(self.cited_units)
        data["accepted"] = list(self.accepted)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizItem:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["units"] = tuple(known.get("units", ()))
        known["accepted"] = tuple(known.get("accepted", ()))
        return cls(**known)
