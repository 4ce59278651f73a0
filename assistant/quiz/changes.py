"""Controlled changes of a statement: the ones that make it false (a number, the subject, a condition, the
scope, or 应当/可以/不得 turned around) and the rewordings that keep it true (numbers written the other way,
应当 as 必须). A false statement differs from the text by exactly one of these; none that the corpus says in
its place is made.

The condition and scope swaps are reviewed word pairs: a condition turned into its opposite (立即 → 事后,
书面 → 口头, 不少于 → 不超过, 超过 → 不足, a bound 以上 → 以下), and a narrow scope widened (省级以上 → 县级以上,
重大事故隐患 → 事故隐患), which claims more than the text and so is false; narrowing is never used, since a
rule for all is true of a part.

Usage::

    for change in false_changes(body, provision, pools, rng): change.kind, change.apply(body)
    rewording("事故发生单位应当在三十日内报告")   # Change("转述", …, "三十日内", "30日内")
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assistant.quiz.candidates import MODALS, modal_slots, number_slots, subject_slots
from assistant.quiz.pools import Pools, is_generic
from assistant.quiz.variants import accepted_variants
from corpus.model import Provision

MODAL, NUMBER, SUBJECT, CONDITION, SCOPE, MEMBER, REWORDED = (
    "情态",
    "数字",
    "主体",
    "条件",
    "范围",
    "列举",
    "转述",
)
FALSE_KINDS = (MODAL, NUMBER, SUBJECT, CONDITION, SCOPE, MEMBER)
# word → (its replacement, characters that must not come just before the word)
CONDITION_SWAPS: dict[str, tuple[str, str]] = {
    "立即": ("事后", "不"),
    "事先": ("事后", ""),
    "书面": ("口头", ""),
    "无偿": ("有偿", ""),
    "免费": ("收费", ""),
    "如实": ("酌情", ""),
    "不得少于": ("不得超过", ""),
    "不少于": ("不超过", "得"),
    "不低于": ("不高于", ""),
    "至少": ("最多", ""),
    "超过": ("不足", "不得"),
}
SCOPE_WIDENINGS: dict[str, tuple[str, str]] = {
    "省级以上": ("县级以上", ""),
    "设区的市级以上": ("县级以上", ""),
    "重大事故隐患": ("事故隐患", ""),
    "特种作业人员": ("从业人员", ""),
    "重大危险源": ("危险源", "构"),
}
BOUND_FLIPS = {"以上": "以下", "以下": "以上"}


@dataclass(frozen=True)
class Change:
    """Replace ``before`` at ``start`` by ``after``; ``kind`` says how (one of FALSE_KINDS, or 转述)."""

    kind: str
    start: int
    before: str
    after: str

    @property
    def end(self) -> int:
        return self.start + len(self.before)

    def apply(self, text: str) -> str:
        return text[: self.start] + self.after + text[self.end :]


def false_changes(body: str, provision: Provision, pools: Pools) -> list[Change]:
    """At most one change of each kind that makes the statement false, none that the cited document or
    the corpus says in its place; the same for the same statement (worked out once, see Pools.memo)."""
    return pools.memo(("false_changes", provision.id, body), lambda: _false_changes(body, provision, pools))


def _false_changes(body: str, provision: Provision, pools: Pools) -> list[Change]:
    rng = random.Random(f"{provision.id}:{body}")
    found: dict[str, Change] = {}
    candidates = [
        *_modal_changes(body),
        *_number_changes(body, provision, pools, rng),
        *_subject_changes(body, provision, pools, rng),
        *_swaps(body, CONDITION_SWAPS, CONDITION),
        *_bound_flips(body),
        *_swaps(body, SCOPE_WIDENINGS, SCOPE),
    ]
    rng.shuffle(candidates)
    for change in candidates:
        if change.kind in found:
            continue
        changed = change.apply(body)
        if pools.said_in_document(provision.doc_id, changed) or pools.corpus.says_in_place(
            body, change.start, change.end, change.after
        ):
            continue
        found[change.kind] = change
    return [found[kind] for kind in FALSE_KINDS if kind in found]


def rewording(body: str) -> Change | None:
    """A change that keeps the statement true: its first number written the other way (三十日 → 30日),
    else its first 应当 as 必须; None when it has neither."""
    for slot in number_slots(body):
        variants = accepted_variants(slot.text)
        if variants:
            return Change(REWORDED, slot.start, slot.text, variants[0])
    for slot in modal_slots(body):
        if slot.text == "应当":
            return Change(REWORDED, slot.start, slot.text, "必须")
    return None


def _modal_changes(body: str) -> list[Change]:
    return [Change(MODAL, s.start, s.text, after) for s in modal_slots(body) for after in MODALS[s.text][:1]]


def _number_changes(body: str, provision: Provision, pools: Pools, rng: random.Random) -> list[Change]:
    changes = []
    for slot in number_slots(body):
        for after in pools.pick_numbers(slot, body, provision, rng, 1):
            changes.append(Change(NUMBER, slot.start, slot.text, after))
    return changes


def _subject_changes(body: str, provision: Provision, pools: Pools, rng: random.Random) -> list[Change]:
    changes = []
    for slot in subject_slots(body):
        if pools.is_known_subject(slot) and not is_generic(slot.text):
            for after in pools.pick_subjects(slot, body, provision, rng, 1):
                changes.append(Change(SUBJECT, slot.start, slot.text, after))
    return changes


def _swaps(body: str, table: dict[str, tuple[str, str]], kind: str) -> list[Change]:
    changes = []
    for word, (after, not_after) in table.items():
        pattern = f"(?<![{not_after}]){word}" if not_after else word
        changes += [Change(kind, match.start(), word, after) for match in re.finditer(pattern, body)]
    return changes


def _bound_flips(body: str) -> list[Change]:
    """A single bound turned around: 三人以上 → 三人以下 (ranges 以上……以下 are left alone)."""
    changes = []
    for slot in number_slots(body):
        suffix = slot.form.split("|")[2] if slot.kind != "比例" else ""
        if suffix in BOUND_FLIPS:
            at = slot.end - len(suffix)
            changes.append(Change(CONDITION, at, suffix, BOUND_FLIPS[suffix]))
    return changes


def is_swap(kind: str, before: str, after: str) -> bool:
    """Whether before → after is one of the reviewed condition or scope swaps."""
    table = CONDITION_SWAPS if kind == CONDITION else SCOPE_WIDENINGS
    swapped = table.get(before)
    return (swapped is not None and swapped[0] == after) or (
        kind == CONDITION and BOUND_FLIPS.get(before) == after
    )
