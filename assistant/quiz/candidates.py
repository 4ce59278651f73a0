"""Slots: the spans of a sentence an exam item can ask about, each with a kind and a form.

A slot is a number with its unit (时限 三十日内, 金额 二万元以上五万元以下, 倍数, 数量 一百人, 比例), the
subject who must act (主体: 生产经营单位, 应急管理部门 …), a modality (情态: 应当, 不得 …) or a key term
(术语: a quoted phrase or a term the corpus uses often). Slots of the same ``form`` are interchangeable:
a distractor for 三十日内 is another number of days written the same way, taken from another provision.

Usage::

    finder = SlotFinder(term_vocabulary(texts))
    [s.text for s in finder.slots("事故发生单位应当在三十日内报告")]  # ["事故发生单位", "应当", "三十日内"]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.quiz.text import NUMERAL, number_value

_FIRST = "零〇一二两三四五六七八九十百千0123456789"
NUM = rf"[{_FIRST}][{NUMERAL}]*"
_UNIT_KIND = {
    "元": "金额",
    "倍": "倍数",
    **dict.fromkeys(("个工作日", "工作日", "个小时", "小时", "个月", "日", "天", "年", "周"), "时限"),
    **dict.fromkeys(("周岁", "人次", "名", "人", "平方米", "立方米", "千米", "公里", "厘米", "毫米"), "数量"),
    **dict.fromkeys(("米", "吨", "千克", "公斤", "次", "层", "辆", "千瓦"), "数量"),
}
_UNITS = "|".join(sorted(_UNIT_KIND, key=len, reverse=True))
_RANGE = re.compile(rf"(?P<a>{NUM})(?P<u>{_UNITS})以上(?P<b>{NUM})(?P=u)以下")
_SINGLE = re.compile(rf"(?P<a>{NUM})(?P<u>{_UNITS})(?P<s>以上|以下|以内|之内|内)?")
_PERCENT = re.compile(rf"百分之(?P<a>{NUM})|(?P<d>\d+(?:\.\d+)?)%")
_PERCENT_RANGE = re.compile(
    rf"百分之(?P<a>{NUM})至百分之(?P<b>{NUM})|(?P<c>\d+(?:\.\d+)?)%至(?P<d>\d+(?:\.\d+)?)%"
)
_NOT_A_QUANTITY_AFTER = re.compile(r"^(性|度|级|有限|岁)")

_SUBJECT = re.compile(
    r"(?:^|[，：])(?P<s>[^，。；：（）“”《》\d]{3,22}?)(?=应当|必须|不得|可以|有权|负责(?!人)|依照|依法|对本|对全国)"
)
_SUBJECT_BAD_START = re.compile(
    r"^(对|经(?!营)|并|但|除|依|发现|必要|在|因|如|自|向|由|按|凡|未|已|被|将|把|为|以|其|该|本|此|所|不|同时|"
    r"应当|可以|或者|以及|和|及|下列|上述|前款|建立|支持|督促|组织|加强|鼓励|指导|协调|监督|要求|保障|负责)"
)
_PART_OF_NAME = re.compile(r"负责[^，。；：]*的(部门|机构|机关)")
_SUBJECT_BAD_PART = re.compile(r"有关|其他|任何|相关|以及|及其|、|等")
_HEADS = {
    "部门": (
        "部门",
        "机关",
        "人民政府",
        "政府",
        "国务院",
        "局",
        "委员会",
        "管委会",
        "办事处",
        "机构",
        "调查组",
    ),
    "人员": (
        "负责人",
        "人员",
        "职工",
        "工人",
        "矿长",
        "警察",
        "驾驶人",
        "当事人",
        "劳动者",
        "所有人",
        "托运人",
    ),
    "单位": ("单位", "企业", "公司", "组织", "工会", "用户", "经营者"),
}
MODALS = {"应当": ("可以", "不得"), "必须": ("可以", "不得"), "不得": ("可以", "应当"), "可以": ("不得",)}
MODALS["禁止"] = ("允许",)
_MODAL = re.compile(r"(?<![相不])应当|(?<!不)必须|不得(?!不)|禁止|(?<!不)可以(?!说|不)")
_QUOTED = re.compile(r"“(?P<t>[^“”]{2,16})”")
_TERM_HEADS = (
    "责任制",
    "规章制度",
    "操作规程",
    "制度",
    "预案",
    "用品",
    "机制",
    "设施",
    "器材",
    "证书",
    "档案",
    "标志",
    "方针",
    "体系",
    "资质",
    "许可证",
    "管理人员",
    "作业人员",
    "管理机构",
    "危险源",
    "隐患",
    "评价",
    "保险",
)
_TERM_BAD_START = re.compile(
    r"^(的|和|与|及|或|并|对|在|等|为|是|了|将|把|被|由|向|从|按|各|本|其|该|所|有|经|品|位|发|业|者|险|相关|实行|具有|建立|制定|落实|组织|进行|开展|"
    r"实施|加强|配备|设置|保证|执行|遵守|提供|采取|使用|具有|具备|取得|持有|接受|参加|依法|按照|健全|完善|负责|"
    r"编制|应当|不得|未|没有|规定|定期|督促|检查|依照|符合|办理|发生|消除|排查|治理|国家|相应|必要|专门|专职)"
)
_TERM_BAD_PART = re.compile(
    r"的|和|等|由|以及|应当|或者|未|没有|按照|依照|吊销|扣押|降低|违反|存在|发现|启动|享受|缴纳|承担|拆除|包括|进行|"
    r"取得|停止|消除|租借|使用"
)

_WORD_BEFORE = set("，。；：、（）“”《》的和及与或并在对将其本各向由为是把被以等")
_VERBS_BEFORE = re.compile(
    "建立|落实|制定|执行|遵守|配备|设置|取得|持有|参加|接受|使用|依照|按照|提供|具备|具有|办理|编制|健全|完善|实行|纳入|开展|"
    "进行|组织|保证|加强|参与|享有|享受|缴纳|签订|报送|报告|审查|核发|吊销|颁发|申请|设立|采取|建设|维护|保存|张贴|悬挂|消除|"
    "排查|治理|启动|修订|备案|评估|检测|检验|登记|投保|佩戴|发放|如实|定期|相应"
)


@dataclass(frozen=True)
class Slot:
    """A span of a sentence: ``kind`` is what it tests, ``form`` which other slots can stand in for it.

    ``numerals`` holds the numeral texts of a number slot (one, or two for a range); ``start`` is the
    offset in the sentence.
    """

    kind: str
    text: str
    start: int
    form: str
    numerals: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(number_value(n) for n in self.numerals)


def number_slots(text: str) -> list[Slot]:
    """Numbers with units: durations, amounts, multiples, quantities and percentages."""
    found: list[Slot] = []
    taken: set[int] = set()
    for match in _RANGE.finditer(text):
        unit = match["u"]
        slot = _number_slot(text, match, (match["a"], match["b"]), unit, "range")
        if slot:
            found.append(slot)
            taken.update(range(match.start(), match.end()))
    for match in _SINGLE.finditer(text):
        if match.start() in taken:
            continue
        suffix = {"以内": "内", "之内": "内"}.get(match["s"] or "", match["s"] or "")
        slot = _number_slot(text, match, (match["a"],), match["u"], suffix)
        if slot:
            found.append(slot)
    for match in _PERCENT_RANGE.finditer(text):  # 百分之六十至百分之一百, 40%至80%
        numerals = (match["a"], match["b"]) if match["a"] else (match["c"], match["d"])
        style = "percent-cn" if match["a"] else "percent-ar"
        found.append(Slot("比例", match.group(), match.start(), f"比例|{style}|range", numerals))
        taken.update(range(match.start(), match.end()))
    for match in _PERCENT.finditer(text):
        if match.start() in taken:
            continue
        numeral = match["a"] or match["d"]
        style = "percent-cn" if match["a"] else "percent-ar"
        found.append(Slot("比例", match.group(), match.start(), f"比例|{style}", (numeral,)))
    return sorted(found, key=lambda s: s.start)


def _number_slot(
    text: str, match: re.Match[str], numerals: tuple[str, ...], unit: str, suffix: str
) -> Slot | None:
    before, after = text[: match.start()], text[match.end() :]
    kind = _UNIT_KIND[unit]
    if before.endswith(("第", "月", "年", "至", "—", "-", "～")) or after.startswith(("至", "—", "-", "～")):
        return None
    if unit == "年" and before.endswith(("上", "下", "前", "当")):  # 上一年年收入 is no time limit
        return None
    if unit == "周" and after.startswith("岁"):
        return None
    if kind == "数量" and (_NOT_A_QUANTITY_AFTER.match(after) or numerals == ("一",)):
        return None
    if kind == "时限" and _NOT_A_QUANTITY_AFTER.match(after):
        return None
    try:
        values = [number_value(n) for n in numerals]
    except ValueError:
        return None
    if after.startswith("月") or (unit == "年" and any(v >= 1900 for v in values)):
        return None
    style = "ar" if numerals[0][0].isdigit() else "cn"
    return Slot(kind, match.group(), match.start(), f"{kind}|{unit}|{suffix}|{style}", numerals)


def number_text(slot: Slot, numerals: tuple[str, ...]) -> str:
    """The slot rewritten with other numerals: 三十日内 with ("十五",) → 十五日内."""
    if slot.kind == "比例":
        cn = "percent-cn" in slot.form
        written = [f"百分之{n}" if cn else f"{n}%" for n in numerals]
        return "至".join(written)
    _, unit, suffix, _ = slot.form.split("|")
    if suffix == "range":
        return f"{numerals[0]}{unit}以上{numerals[1]}{unit}以下"
    return f"{numerals[0]}{unit}{slot.text[slot.text.index(unit) + len(unit) :]}"


def subject_category(phrase: str) -> str:
    """部门, 人员 or 单位 by the phrase's head noun; "" when it is not a subject."""
    for category, heads in _HEADS.items():
        if phrase.endswith(heads):
            return category
    return ""


def is_subject(phrase: str) -> bool:
    """A noun phrase that can be the one who must act: a known head, no function-word start."""
    return (
        3 <= len(phrase) <= 22
        and bool(subject_category(phrase))
        and not _SUBJECT_BAD_START.match(phrase)
        and not _SUBJECT_BAD_PART.search(phrase)
        and "的" not in phrase[-3:]
    )


def subject_slots(text: str) -> list[Slot]:
    """The subjects before 应当, 必须, 不得, 可以, 有权, 负责 … at the start of a clause."""
    found = []
    for match in _SUBJECT.finditer(text):
        phrase = match["s"]
        clause = re.split(r"[，。；：]", text[match.end() :], maxsplit=1)[0]
        if _PART_OF_NAME.match(clause):  # 县级以上地方人民政府负责安全生产监督管理的部门: one name
            continue
        if is_subject(phrase):
            category = subject_category(phrase)
            found.append(Slot("主体", phrase, match.start("s"), f"主体|{category}"))
    return found


def modal_slots(text: str) -> list[Slot]:
    """应当, 必须, 不得, 禁止, 可以: what a false 判断 may turn around."""
    return [Slot("情态", m.group(), m.start(), "情态") for m in _MODAL.finditer(text)]


def term_vocabulary(texts: Iterable[str], min_provisions: int = 3) -> frozenset[str]:
    """Key terms: phrases ending in a term head (责任制, 预案 …) that several provisions use as a unit.

    A phrase is kept when at least ``min_provisions`` texts hold it, it is not mostly part of one longer
    phrase (its left neighbours vary) and it does not start with a verb or a function word.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        seen: set[str] = set()
        for head in _TERM_HEADS:
            for match in re.finditer(head, text):
                for length in range(2, 15):
                    start = match.start() - length
                    if start < 0 or not _all_cjk(text[start : match.start()]):
                        break
                    seen.add(text[start : match.end()])
        counts.update(seen)
    left: Counter[str] = Counter()
    for phrase, count in counts.items():
        left[phrase[1:]] = max(left[phrase[1:]], count)
    return frozenset(
        phrase
        for phrase, count in counts.items()
        if count >= min_provisions
        and 4 <= len(phrase) <= 12
        and left[phrase] < 0.6 * count
        and not _TERM_BAD_START.match(phrase)
        and not _TERM_BAD_PART.search(phrase)
    )


def term_head(term: str) -> str:
    """The head a key term ends with (安全生产责任制 → 责任制); "" when it has none."""
    return max((head for head in _TERM_HEADS if term.endswith(head)), key=len, default="")


def _all_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


class SlotFinder:
    """Finds every slot of a sentence; the key terms come from the corpus (see term_vocabulary)."""

    def __init__(self, terms: frozenset[str]) -> None:
        self._term_re = (
            re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
            if terms
            else None
        )

    def slots(self, text: str) -> list[Slot]:
        found = number_slots(text) + subject_slots(text) + modal_slots(text) + self.term_slots(text)
        return sorted(found, key=lambda s: (s.start, -len(s.text)))

    def term_slots(self, text: str) -> list[Slot]:
        """Quoted phrases, and known terms that start a word: after punctuation, a function word or a
        verb (建立安全生产责任制), not inside a longer name (证券监督管理机构)."""
        found = [Slot("术语", m["t"], m.start("t"), "术语|quoted") for m in _QUOTED.finditer(text)]
        if self._term_re:
            found += [
                Slot("术语", m.group(), m.start(), "术语|term")
                for m in self._term_re.finditer(text)
                if _starts_word(text, m.start())
            ]
        return found


def _starts_word(text: str, start: int) -> bool:
    return (
        start == 0
        or text[start - 1] in _WORD_BEFORE
        or bool(_VERBS_BEFORE.fullmatch(text[max(start - 2, 0) : start]))
    )
