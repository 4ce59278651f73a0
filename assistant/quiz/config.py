"""The tunable numbers of exam papers in one place: caps per paper, the 判断 balance, points, time and pass
mark, role weights. Results of ``python -m evals.quiz`` were measured with these values.

Usage::

    from assistant.quiz.config import PAPER
    PAPER.max_per_provision   # 2
    replace(PAPER, max_per_provision=3)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Words that mark a provision as concerning a trainee's role; such provisions weigh more in a role's paper.
ROLE_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "主要负责人": ("主要负责人", "决策机构", "实际控制人", "投资人"),
        "安全生产管理人员": ("安全生产管理人员", "安全生产管理机构", "安全管理人员", "注册安全工程师"),
        "从业人员": ("从业人员", "作业人员", "职工", "劳动者", "岗位"),
    }
)


@dataclass(frozen=True)
class PaperConfig:
    """Caps and balances applied when a paper is drawn (see assistant/quiz/draw.py)."""

    max_per_provision: int = 2  # items citing one provision in a paper
    max_same_answer: int = 2  # items whose answer is the same text (三十日内, 生产经营单位 …)
    true_share: float = 0.5  # share of 判断 keyed 正确 the draw aims at
    max_modal_share: float = 0.3  # most false 判断 (and false options) made by turning 应当/可以/不得 around
    role_weight: float = 3.0  # how much more often a provision on the chosen role is drawn
    spare: int = 3  # a large selection is read until each type has spare × its count (+ spare) items


@dataclass(frozen=True)
class ExamLayout:
    """What a trainer prints on a paper: points per type, time limit and pass mark (points)."""

    title: str = "安全生产知识测试卷"
    points: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"单选": 1, "多选": 2, "判断": 1, "填空": 1})
    )
    minutes: int = 60
    pass_ratio: float = 0.8  # of the total: 80 of 100, the usual mark of work-safety training exams
    pass_mark: float | None = None  # points; None: pass_ratio of the total

    def total(self, counts: Mapping[str, int]) -> float:
        """The paper's total for the given item counts per type."""
        return sum(self.points.get(name, 1) * count for name, count in counts.items())

    def passing(self, counts: Mapping[str, int]) -> float:
        """The pass mark in points."""
        if self.pass_mark is not None:
            return self.pass_mark
        return round(self.total(counts) * self.pass_ratio, 1)


PAPER = PaperConfig()
LAYOUT = ExamLayout()
