"""Enumerations a 多选 item asks about: the 项 of an article, the bodies of a notice item, and the rights
a subject holds across neighbouring articles (从业人员有权……, 第五十三条至第五十五条).

Usage::

    for enum in enumerations(provision): enum.question, enum.items   # "……负有的职责包括（  ）", ("…", …)
    rights_enumerations(provisions_of_one_document, subjects)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from assistant.quiz.model import BLANK
from assistant.quiz.text import MAX_SEGMENT, segments
from corpus.model import Provision
from indexers.parse_notice import trailing_parenthetical

_CATEGORIES = (
    "职责|职权|职能|情形|行为|条件|内容|事项|措施|权利|义务|材料|资料|文件|证明|凭证|要求|方式|单位|人员|场所|"
    "物品|设施|设备|信息|条款|待遇|工作|制度|范围|原则|种类|证件|程序"
)
_LISTED = re.compile(
    rf"(?:下列|以下)(?P<mid>[^，。；：、]{{0,8}}?(?:、[^，。；：、]{{1,6}})?)(?P<noun>{_CATEGORIES})"
)
_INCLUDES = re.compile(rf"(?P<noun>{_CATEGORIES})(?:主要)?包括[：:]$")
_MARKER = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]\s*")
_RIGHT = re.compile(r"有权(?P<x>[^，。；]{4,40})")
_DUTY = re.compile(r"(?<!相)应当(?P<x>[^，。；]{4,40})")
_DUTY_FORM = re.compile(r"(?!.*(?:的|外|者)$)[\u4e00-\u9fff、]{6,}")
MAX_OPTION = 45
NEIGHBOURS = 6  # rights gathered from at most this many consecutive articles
MIN_ITEMS = 3
SHORT_LEAD = 12  # a lead-in shorter than this gets the sentence before it


@dataclass(frozen=True)
class Enumeration:
    """A list whose members are the correct options of a 多选 item.

    ``question`` holds the blank, ``category`` says what the members are (职责, 情形, 责任单位, 权利) and
    decides which other enumerations are its siblings; ``units`` maps each member to the unit that says
    it; ``quote`` is the lead-in that the explanation quotes before the members (for rights: the holder).
    """

    doc_id: str
    question: str
    category: str
    items: tuple[str, ...]
    units: tuple[str, ...]
    quote: str
    distractors: tuple[str, ...] = ()  # when the enumeration brings its own (the subject's duties)


def is_collective(body: str) -> bool:
    """A body that stands for many (市安委会有关成员单位, 负有安全生产监管职责的部门): any named body may
    belong to it, so it is never an option beside named bodies."""
    return any(word in body for word in ("成员单位", "有关", "职责的部门", "各"))


def task_name(provision: Provision) -> str:
    """A notice item as a stem names it: its lead phrase in quotes (“强化矿山安全监督管理”)."""
    return f"“{provision.title}”" if provision.title else provision.unit


def bodies_quote(provision: Provision) -> str:
    """The item's lead phrase and its closing bodies clause, as the text has them."""
    return f"{provision.title}……（{trailing_parenthetical(provision.text)}）"


def clean_item(text: str) -> str:
    """A 项 as an option: without its marker and closing punctuation."""
    return _MARKER.sub("", text.strip()).strip("，,。；;：: ")


def enumerations(provision: Provision) -> list[Enumeration]:
    """The 项 lists of an article (three or more 项) and the bodies of a notice item."""
    found: list[Enumeration] = []
    if len(provision.bodies) >= 2 and not any(map(is_collective, provision.bodies)):
        found.append(
            Enumeration(
                provision.doc_id,
                f"{task_name(provision)}一项工作的责任单位包括{BLANK}",
                "责任单位",
                tuple(provision.bodies),
                (provision.unit,) * len(provision.bodies),
                bodies_quote(provision),
            )
        )
    for paragraph in provision.paragraphs:
        items = tuple(clean_item(item) for item in paragraph.items)
        if len(items) < MIN_ITEMS:
            continue
        sentences = [s.strip() for s in re.split(r"[。；]", paragraph.text.strip()) if s.strip()]
        lead = sentences[-1] if sentences else ""
        if len(lead) < SHORT_LEAD and len(sentences) > 1:  # 检查内容主要包括： needs what is checked
            lead = f"{sentences[-2]}。{lead}"
        made = _question(lead)
        if made:
            question, category = made
            units = (provision.unit,) * len(items)
            found.append(Enumeration(provision.doc_id, question, category, items, units, lead))
    return found


def _question(lead: str) -> tuple[str, str] | None:
    """The question for a lead-in ("……负有下列职责：" → "……负有的职责包括（  ）") and its category."""
    if not lead.endswith(("：", ":")) or len(lead) > MAX_SEGMENT:
        return None
    body = lead[:-1]
    listed = _LISTED.search(body)
    if listed and listed.end() == len(body):
        noun, before = listed["noun"], body[: listed.start()]
        verb = "有" if before.endswith("包括") else "包括"
        return f"{before}的{listed['mid']}{noun}{verb}{BLANK}", noun
    if listed and body[listed.end() :].startswith(("之一", "的")):
        context = re.split(r"[；。]", body)[0]
        return f"{context}。下列属于上述{listed['noun']}的有{BLANK}", listed["noun"]
    included = _INCLUDES.search(lead)
    if included:
        return f"{body}{BLANK}", included["noun"]
    return None


def rights_enumerations(provisions: Iterable[Provision], subjects: Collection[str]) -> list[Enumeration]:
    """For each subject of one document with three or more rights (有权……) in neighbouring articles: those
    rights, with the same subject's duties (应当……) as distractors; and the other way round, three or more
    duties with the rights as distractors. ``subjects`` are known subject phrases and ``provisions`` come in
    document order."""
    rights: dict[str, list[tuple[str, Provision]]] = defaultdict(list)
    duties: dict[str, list[tuple[str, Provision]]] = defaultdict(list)
    doc_id = ""
    for provision in provisions:
        doc_id = provision.doc_id
        holder = ""
        for segment in segments(provision):
            if segment.lead:
                continue
            subject = _leading_subject(segment.text, subjects)
            if subject and segment.text.split("，")[0].endswith("的"):  # 从业人员在一百人以下的，应当……
                subject, holder = "", ""
            if subject:
                holder = subject.split("的")[-1]
            elif not segment.text.startswith(("有权", "应当")):
                holder = ""
            if holder:
                rights[holder] += [(m["x"], provision) for m in _RIGHT.finditer(segment.text)]
                duties[holder] += [
                    (m["x"], provision) for m in _DUTY.finditer(segment.text) if _DUTY_FORM.fullmatch(m["x"])
                ]
    found = []
    for holder in rights.keys() & duties.keys():
        for category, held, other in (("权利", rights, duties), ("义务", duties, rights)):
            window = _densest(held[holder])
            others = tuple(dict.fromkeys(text for text, _ in other[holder] if len(text) <= MAX_OPTION))
            if len(window) >= MIN_ITEMS and len(others) >= 2:
                verb = "享有的权利" if category == "权利" else "应当履行的义务"
                found.append(
                    Enumeration(
                        doc_id,
                        f"{holder}{verb}包括{BLANK}",
                        category,
                        tuple(text for text, _ in window),
                        tuple(p.unit for _, p in window),
                        holder,
                        others,
                    )
                )
    return sorted(found, key=lambda enum: (enum.quote, enum.category))


def _densest(held: list[tuple[str, Provision]]) -> list[tuple[str, Provision]]:
    """The most rights (or duties) found within NEIGHBOURS consecutive articles, each once."""
    held = [(text, p) for text, p in dict((text, p) for text, p in held).items() if len(text) <= MAX_OPTION]
    best: list[tuple[str, Provision]] = []
    for _, first in held:
        window = [(t, p) for t, p in held if 0 <= p.number - first.number < NEIGHBOURS]
        if len(window) > len(best):
            best = window
    return best


def _leading_subject(sentence: str, subjects: Collection[str]) -> str:
    """The longest known subject phrase the sentence starts with; '' if none."""
    best = ""
    for length in range(2, min(len(sentence), 24) + 1):
        if sentence[:length] in subjects:
            best = sentence[:length]
    return best
