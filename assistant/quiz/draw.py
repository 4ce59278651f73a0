"""Drawing a paper from checked items: the mix asked for, spread over provisions and kinds of question,
with caps that keep a paper from repeating itself, and a per-type shortfall that says why a type ran short.

Per type the candidates are taken in turn from each kind (单选: who acts, numbers, consequences, terms,
concepts, statements, cases; 判断: 正确 and 错误 alternately, the false ones in turn by how they were made,
modal flips capped), and within a kind one provision after another (a role's provisions more often). An
item is skipped when its sentence is used already, its provision has ``max_per_provision`` items, its
answer has been the answer ``max_same_answer`` times or already for its provision, or an earlier paper
(``Exclusion``) used its sentence or its provision's answer.

Usage::

    drawn = draw_paper(items, {"单选": 25, "多选": 25}, seed=3)
    drawn.items, drawn.shortfall   # {"多选": Shortfall(requested=25, possible=10, reason="…")}
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.quiz.config import PAPER, ROLE_WORDS, PaperConfig
from assistant.quiz.model import FALSE, FILL, JUDGE, MULTI, NUMBER_KINDS, SINGLE, TRUE, TYPES, QuizItem
from assistant.quiz.text import core, shares_words

_FAMILY = {**dict.fromkeys(NUMBER_KINDS, "数字"), "责任单位": "主体"}
TYPE_NAMES = {SINGLE: "单选题", MULTI: "多选题", JUDGE: "判断题", FILL: "填空题"}
NEEDS = {
    SINGLE: "可作答案的主体、数字、术语、定义或可改写的说法",
    MULTI: "列举（项）、责任单位、权利义务或同一章中足够多的说法",
    JUDGE: "可单独成立、长度适中的句子",
    FILL: "不与题干重复的术语或数字",
}


@dataclass(frozen=True)
class Shortfall:
    """A type that could not have its count: how many were asked, how many the selection allowed, why."""

    requested: int
    possible: int
    reason: str
    topped_up: int = 0  # items of other types drawn in its place

    def to_dict(self) -> dict[str, object]:
        return {
            "requested": self.requested,
            "possible": self.possible,
            "reason": self.reason,
            "topped_up": self.topped_up,
        }


@dataclass(frozen=True)
class Exclusion:
    """What an earlier paper used: its sentences and its (provision, answer) pairs."""

    sources: frozenset[tuple[str, str]] = frozenset()
    answers: frozenset[tuple[str, str, str]] = frozenset()

    @classmethod
    def of(cls, items: Iterable[QuizItem]) -> Exclusion:
        items = list(items)
        return cls(
            frozenset((i.doc_id, core(i.source)) for i in items),
            frozenset((i.doc_id, i.cited_units[0], v) for i in items if (v := answer_value(i))),
        )

    def __bool__(self) -> bool:
        return bool(self.sources or self.answers)

    def covers(self, item: QuizItem) -> bool:
        value = answer_value(item)
        return (item.doc_id, core(item.source)) in self.sources or (
            bool(value) and (item.doc_id, item.cited_units[0], value) in self.answers
        )


@dataclass
class Drawn:
    """A drawn paper and what held each type back."""

    items: list[QuizItem]
    shortfall: dict[str, Shortfall] = field(default_factory=dict)


def answer_value(item: QuizItem) -> str:
    """What an item asks the candidate to produce, for the repeat caps: the answer's text (单选, 填空), the
    correct options (多选); "" for 判断 and 说法 items, whose answers are sentences."""
    if item.type == JUDGE or item.topic == "说法":
        return ""
    if item.type == FILL:
        return core(item.answer)
    return "；".join(sorted(core(item.options[letter]) for letter in item.answer if letter in item.options))


def kind_of(item: QuizItem) -> str:
    """The kind an item takes its turn in: 判断 by answer and how a false one was made, others by topic."""
    if item.type == JUDGE:
        return f"{item.answer}:{item.change}" if item.answer == FALSE else TRUE
    return _FAMILY.get(item.topic, item.topic)


def draw_paper(
    items: Sequence[QuizItem],
    plan: Mapping[str, int],
    seed: int,
    config: PaperConfig = PAPER,
    role: str = "",
    avoid: Sequence[str] = (),
    exclusion: Exclusion | None = None,
    top_up: bool = False,
) -> Drawn:
    """A paper of ``plan`` items per type (see the module docstring); ``avoid`` are words no 填空 may ask
    for (the selection's keywords and topic); with ``top_up``, a type's shortfall is drawn from others."""
    rng = random.Random(seed)
    exclusion = exclusion or Exclusion()
    excluded = [i for i in items if exclusion.covers(i)]
    pool = [i for i in items if not exclusion.covers(i) and not _asks_for(i, avoid)]
    weights = _role_weights(pool, role, config)
    demand = _demand(pool)
    queues = {
        name: _Queue([i for i in pool if i.type == name], rng, weights, demand, config) for name in TYPES
    }
    picker = _Picker(config)
    wanted = {name: count for name, count in plan.items() if count > 0}
    _fill(picker, queues, wanted)
    by_type = {name: [i for i in pool if i.type == name] for name in TYPES}
    for name in wanted:
        _repair(picker, by_type, name, wanted[name])
    shortfall = {}
    for name, count in wanted.items():
        got = len(picker.chosen[name])
        if got < count:
            reason = _reason(name, [i for i in items if i.type == name], excluded, got, config, avoid)
            shortfall[name] = Shortfall(count, got, reason)
    if top_up and shortfall:
        missing = sum(s.requested - s.possible for s in shortfall.values())
        others = {name: len(picker.chosen[name]) for name in wanted if name not in shortfall}
        before = sum(others.values())
        _top_up(picker, queues, others, missing)
        spread = sum(len(picker.chosen[name]) for name in others) - before
        for name, short in list(shortfall.items()):
            share = round(spread * (short.requested - short.possible) / missing) if missing else 0
            shortfall[name] = Shortfall(short.requested, short.possible, short.reason, share)
    return Drawn([item for name in TYPES for item in picker.chosen.get(name, [])], shortfall)


def _fill(picker: _Picker, queues: Mapping[str, _Queue], wanted: Mapping[str, int]) -> None:
    """Take items type by type, the type furthest from its count first, until each has its count or none
    of its candidates is acceptable."""
    open_types = [name for name in wanted if wanted[name] > 0]
    while open_types:
        name = min(open_types, key=lambda t: (len(picker.chosen[t]) / wanted[t], TYPES.index(t)))
        item = queues[name].next(picker)
        if item is None:
            open_types.remove(name)
            continue
        picker.take(item)
        if len(picker.chosen[name]) >= wanted[name]:
            open_types.remove(name)


def _repair(picker: _Picker, by_type: Mapping[str, list[QuizItem]], name: str, count: int) -> None:
    """Raise a short type's count by swaps: an item of it goes where the provision cap was the obstacle,
    and the item it displaces moves to a provision with room (a judge item stays 正确 or 错误)."""
    for item in by_type[name]:
        if len(picker.chosen[name]) >= count:
            return
        if id(item) in picker.taken or picker.allows(item) or not picker.keeps_balance(item):
            continue
        home = (item.doc_id, item.cited_units[0])
        for displaced in list(picker.at(home)):
            picker.drop(displaced)
            if picker.allows(item):
                picker.take(item)
                substitute = next(
                    (
                        other
                        for other in by_type[displaced.type]
                        if id(other) not in picker.taken
                        and kind_of(other).split(":")[0] == kind_of(displaced).split(":")[0]
                        and picker.allows(other)
                        and picker.keeps_balance(other)
                    ),
                    None,
                )
                if substitute is not None:
                    picker.take(substitute)
                    break
                picker.drop(item)
            picker.take(displaced)


def _top_up(picker: _Picker, queues: Mapping[str, _Queue], others: dict[str, int], missing: int) -> None:
    """Draw ``missing`` more items from the types that still have candidates, in turn."""
    open_types = list(others)
    while missing > 0 and open_types:
        for name in list(open_types):
            item = queues[name].next(picker)
            if item is None:
                open_types.remove(name)
                continue
            picker.take(item)
            missing -= 1
            if not missing:
                return


class _Picker:
    """The paper so far and the caps it keeps."""

    def __init__(self, config: PaperConfig) -> None:
        self.config = config
        self.chosen: dict[str, list[QuizItem]] = defaultdict(list)
        self.sources: set[tuple[str, str]] = set()
        self.per_provision: Counter[tuple[str, str]] = Counter()
        self.per_answer: Counter[str] = Counter()
        self.provision_answers: set[tuple[str, str, str]] = set()
        self.judged: Counter[str] = Counter()  # 判断 taken by kind
        self.taken: dict[int, QuizItem] = {}  # by id: items hold dicts, so they are not hashable

    def allows(self, item: QuizItem) -> bool:
        provision = (item.doc_id, item.cited_units[0])
        value = answer_value(item)
        return (
            (item.doc_id, core(item.source)) not in self.sources
            and self.per_provision[provision] < self.config.max_per_provision
            and (not value or self.per_answer[value] < self.config.max_same_answer)
            and (not value or (*provision, value) not in self.provision_answers)
        )

    def take(self, item: QuizItem) -> None:
        provision = (item.doc_id, item.cited_units[0])
        value = answer_value(item)
        self.chosen[item.type].append(item)
        self.sources.add((item.doc_id, core(item.source)))
        self.per_provision[provision] += 1
        if value:
            self.per_answer[value] += 1
            self.provision_answers.add((*provision, value))
        if item.type == JUDGE:
            self.judged[kind_of(item)] += 1
        self.taken[id(item)] = item

    def drop(self, item: QuizItem) -> None:
        """Undo ``take``."""
        provision = (item.doc_id, item.cited_units[0])
        value = answer_value(item)
        self.chosen[item.type].remove(item)
        self.sources.discard((item.doc_id, core(item.source)))
        self.per_provision[provision] -= 1
        if value:
            self.per_answer[value] -= 1
            self.provision_answers.discard((*provision, value))
        if item.type == JUDGE:
            self.judged[kind_of(item)] -= 1
        self.taken.pop(id(item), None)

    def at(self, provision: tuple[str, str]) -> list[QuizItem]:
        """The items taken that cite the provision first."""
        return [i for i in self.taken.values() if (i.doc_id, i.cited_units[0]) == provision]

    def modal_allowed(self) -> bool:
        """Whether one more false 判断 may be a modal flip and keep them within max_modal_share."""
        false = sum(count for kind, count in self.judged.items() if kind.startswith(FALSE))
        return self.judged[f"{FALSE}:情态"] + 1 <= self.config.max_modal_share * (false + 1)

    def keeps_balance(self, item: QuizItem) -> bool:
        """Whether a 判断 may join without breaking the 正确/错误 balance or the cap on modal flips."""
        if item.type != JUDGE:
            return True
        modal_ok = item.change != "情态" or self.modal_allowed()
        return modal_ok and self.true_share_allows(item.answer)

    def wants_true(self) -> bool:
        """Whether the next 判断 should be keyed 正确 to keep the paper near true_share."""
        total = sum(self.judged.values())
        return self.judged[TRUE] < self.config.true_share * (total + 1)

    def true_share_allows(self, answer: str) -> bool:
        """Whether one more 判断 keyed ``answer`` keeps 正确 within 40–60 % (judged as the paper grows)."""
        total = sum(self.judged.values()) + 1
        trues = self.judged[TRUE] + (answer == TRUE)
        return total < 5 or 0.4 <= trues / total <= 0.6


class _Queue:
    """One type's candidates: per kind, spread over provisions; ``next`` takes them kind by kind."""

    def __init__(
        self,
        items: list[QuizItem],
        rng: random.Random,
        weights: Mapping[tuple[str, str], float],
        demand: Mapping[tuple[str, str], int],
        config: PaperConfig,
    ) -> None:
        by_kind: dict[str, list[QuizItem]] = defaultdict(list)
        for item in items:
            by_kind[kind_of(item)].append(item)
        kinds = sorted(by_kind)
        rng.shuffle(kinds)
        self.kinds = {kind: _spread(by_kind[kind], rng, weights, demand) for kind in kinds}
        self.turn = 0
        self.config = config

    def next(self, picker: _Picker) -> QuizItem | None:
        """The next acceptable item, from the next kind in turn that has one; None when none is left."""
        kinds = [kind for kind in self.kinds if self.kinds[kind]]
        if not kinds:
            return None
        if any(kind == TRUE or kind.startswith(FALSE) for kind in kinds):
            kinds = self._judge_order(kinds, picker)
        else:
            start = self.turn % len(kinds)
            kinds = kinds[start:] + kinds[:start]
        for kind in kinds:
            queue = self.kinds[kind]
            while queue:
                item = queue.pop(0)
                if picker.allows(item):
                    self.turn += 1
                    return item
        return None

    def _judge_order(self, kinds: list[str], picker: _Picker) -> list[str]:
        """正确 or 错误 first as the balance asks; false kinds in turn, modal flips only within their cap;
        the answer that would break 40–60 % never."""
        trues = [k for k in kinds if k == TRUE and picker.true_share_allows(TRUE)]
        falses = [k for k in kinds if k.startswith(FALSE) and picker.true_share_allows(FALSE)]
        if not picker.modal_allowed():
            falses = [k for k in falses if k != f"{FALSE}:情态"]
        start = self.turn % len(falses) if falses else 0
        falses = falses[start:] + falses[:start]
        return trues + falses if picker.wants_true() else falses + trues


def _spread(
    items: list[QuizItem],
    rng: random.Random,
    weights: Mapping[tuple[str, str], float],
    demand: Mapping[tuple[str, str], int],
) -> list[QuizItem]:
    """Items in a seeded order that takes one from each provision in turn: first the provisions that fewer
    types can use (a 多选 list before an article every type can ask about), a role's provisions earlier."""
    by_provision: dict[tuple[str, str], list[QuizItem]] = defaultdict(list)
    for item in items:
        by_provision[(item.doc_id, item.cited_units[0])].append(item)
    keyed = [(-demand.get(key, 1), rng.random() ** (1 / weights.get(key, 1.0)), key) for key in by_provision]
    keyed.sort(reverse=True)
    groups = [by_provision[key] for *_, key in keyed]
    for group in groups:
        rng.shuffle(group)
    order: list[QuizItem] = []
    while groups:
        order += [group.pop() for group in groups]
        groups = [group for group in groups if group]
    return order


def _demand(items: Sequence[QuizItem]) -> dict[tuple[str, str], int]:
    """Per provision, how many types have candidates there."""
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item in items:
        types[(item.doc_id, item.cited_units[0])].add(item.type)
    return {key: len(names) for key, names in types.items()}


def _role_weights(items: Sequence[QuizItem], role: str, config: PaperConfig) -> dict[tuple[str, str], float]:
    """role_weight for the provisions whose items name the role's words, 1 for the others."""
    words = ROLE_WORDS.get(role, ())
    if not words:
        return {}
    return {
        (i.doc_id, i.cited_units[0]): config.role_weight
        for i in items
        if any(word in i.source or word in i.stem for word in words)
    }


def _asks_for(item: QuizItem, avoid: Sequence[str]) -> bool:
    """Whether a 填空 asks for a word of the selection (its keyword or topic), or part of one."""
    if item.type != FILL:
        return False
    return any(shares_words(item.answer, word) or core(word) in core(item.answer) for word in avoid if word)


def _reason(
    name: str,
    candidates: list[QuizItem],
    excluded: list[QuizItem],
    possible: int,
    config: PaperConfig,
    avoid: Sequence[str],
) -> str:
    """Why a type ran short, in Chinese."""
    kind = TYPE_NAMES[name]
    provisions = len({(i.doc_id, i.cited_units[0]) for i in candidates})
    if not candidates:
        return f"所选条款中没有可出{kind}的内容（{kind}需要{NEEDS[name]}）"
    parts = [f"所选范围内合格的{kind}共 {len(candidates)} 道，来自 {provisions} 条条款"]
    if sum(i.type == name for i in excluded):
        parts.append(f"其中 {sum(i.type == name for i in excluded)} 道与前一份试卷重复")
    if name == FILL and avoid:
        parts.append(f"不以“{'、'.join(a for a in avoid if a)}”为答案")
    limits = f"每条条款最多 {config.max_per_provision} 道、同一答案最多出现 {config.max_same_answer} 次"
    if name == JUDGE:
        limits += (
            f"、正确与错误各占四到六成、改情态词的错误题不超过 {math.floor(config.max_modal_share * 100)}%"
        )
    parts.append(f"按{limits}，最多可出 {possible} 道")
    return "；".join(parts)
