"""案例 items: an accident described by its figures (deaths, serious injuries, direct loss) and the
question a trainer asks about it — its grade, and who investigates it — read from the document's own
grading provision (特别重大事故，是指造成30人以上死亡，或者……的事故) and the provision that assigns the
investigation (重大事故、较大事故、一般事故分别由……负责调查). Nothing about grades is written here; a
document without such provisions gives no case.

以上 includes the number and 以下 does not (事故条例 第三条 says so); a case's decisive figure lies inside
its grade's range, and its other figures in the lowest grade, so the grade is the decisive figure's.

Usage::

    case_items(Source(grading_provision, document, pools), random.Random(7))
    # “某企业发生一起生产安全事故，造成4人死亡、2人重伤，直接经济损失600万元。……该事故属于（  ）。”
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assistant.quiz.candidates import number_slots
from assistant.quiz.generate import Source, builder, lettered
from assistant.quiz.model import BLANK, SINGLE, QuizItem
from corpus.model import Provision

_GRADE = re.compile(r"^(?P<grade>[\u4e00-\u9fff]{2,6}事故)，是指造成(?P<rest>.+?)的事故$")
_MARKER = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_PARENTHESIS = re.compile(r"（[^）]*）")
_SEVERALLY = re.compile(
    r"(?P<grades>(?:[\u4e00-\u9fff]{2,6}事故、)+[\u4e00-\u9fff]{2,6}事故)分别由(?P<bodies>[^。；]+?)负责调查"
)
_SINGLY = re.compile(r"(?P<grade>[\u4e00-\u9fff]{2,6}事故)由(?P<body>[^。；，]+?)组织事故调查组进行调查")
_PLACE = "事故发生地"
TOPIC = "案例"
MIN_GRADES = 3


@dataclass(frozen=True)
class Band:
    """One measure's range for a grade: low ≤ value < high (None: open)."""

    measure: str  # 死亡, 重伤, 直接经济损失
    low: float
    high: float | None
    unit: str  # 人, 元


@dataclass(frozen=True)
class Grade:
    name: str
    bands: tuple[Band, ...]
    sentence: str


def grades_of(provision: Provision) -> list[Grade]:
    """The grades a provision defines by figures, in its order; [] when it defines fewer than three."""
    found = []
    for paragraph in provision.paragraphs:
        for item in paragraph.items:
            sentence = _MARKER.sub("", item.strip()).rstrip("；;。")
            match = _GRADE.match(sentence)
            if match:
                bands = tuple(b for part in match["rest"].split("，或者") if (b := _band(part)))
                if bands:
                    found.append(Grade(match["grade"], bands, sentence))
    measures = {tuple(b.measure for b in g.bands) for g in found}
    return found if len(found) >= MIN_GRADES and len(measures) == 1 else []


def _band(part: str) -> Band | None:
    part = _PARENTHESIS.sub("", part)
    slots = number_slots(part)
    if len(slots) != 1:
        return None
    slot = slots[0]
    measure = part[slot.end :].strip()
    unit = slot.form.split("|")[1]
    values = slot.values
    suffix = slot.form.split("|")[2]
    if suffix == "range":
        return Band(measure, values[0], values[1], unit)
    if suffix == "以上":
        return Band(measure, values[0], None, unit)
    if suffix == "以下":
        return Band(measure, 0, values[0], unit)
    return None


def investigators(provisions: list[Provision], names: set[str]) -> tuple[dict[str, str], str]:
    """grade → who investigates it, read from a provision of the document, and that provision's unit."""
    for provision in provisions:
        found: dict[str, str] = {}
        for match in _SINGLY.finditer(provision.text):
            found[match["grade"]] = match["body"]
        for match in _SEVERALLY.finditer(provision.text):
            grades = match["grades"].split("、")
            bodies = match["bodies"].removeprefix(_PLACE).split("、")
            if len(grades) == len(bodies):
                found.update(zip(grades, bodies, strict=True))
        if set(found) >= names:
            return found, provision.unit
    return {}, ""


@builder
def case_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """Per grade, a case asking its grade and, where the document assigns the investigation, one asking
    who investigates it."""
    grades = grades_of(source.provision)
    if not grades:
        return []
    names = [g.name for g in grades]
    bodies, body_unit = investigators(source.pools.ordered.get(source.provision.doc_id, []), set(names))
    lowest = min(grades, key=lambda g: sum(b.low for b in g.bands))
    items = []
    for grade in grades:
        figures, decisive = _figures(grade, lowest, rng)
        story = _story(figures)
        rule = f"{source.cite()}规定：“{grade.sentence}”"
        reason = f"本案{decisive}，在{grade.name}的范围内"
        options, letter = lettered([grade.name], [n for n in names if n != grade.name][:3], rng)
        items.append(
            source.item(
                type=SINGLE,
                stem=f"{story}依据{source.name}，该事故属于{BLANK}。",
                options=options,
                answer=letter,
                explanation=f"{rule}。{reason}，故选{letter}。",
                topic=TOPIC,
                source=f"{grade.name}：{decisive}",
            )
        )
        if bodies and len(set(bodies.values())) >= 4:
            body = bodies[grade.name]
            others = [b for name, b in bodies.items() if name != grade.name][:3]
            options, letter = lettered([body], others, rng)
            assigned = source.pools.text_of(source.provision.doc_id, body_unit)
            sentences = (s.strip() for s in re.split("[。；]", assigned))
            sentence = next((s for s in sentences if grade.name in s and body in s), "")
            if not sentence:
                continue
            items.append(
                source.item(
                    type=SINGLE,
                    stem=f"{story}依据{source.name}，该事故应当由{BLANK}负责调查。",
                    options=options,
                    answer=letter,
                    explanation=(
                        f"{rule}。{reason}；{source.cite((body_unit,))}规定：“{sentence}”。故选{letter}。"
                    ),
                    topic=TOPIC,
                    source=f"{grade.name}：{body}：{decisive}",
                    units=(source.provision.unit, body_unit),
                )
            )
    return items


def _figures(grade: Grade, lowest: Grade, rng: random.Random) -> tuple[dict[str, str], str]:
    """The case's figures by measure, and the decisive one in words (“4人死亡”)."""
    decisive = rng.choice(grade.bands)
    figures = {}
    for band in grade.bands:
        chosen = decisive if band is decisive else next(b for b in lowest.bands if b.measure == band.measure)
        figures[band.measure] = _value(chosen, rng, least=band is not decisive)
    return figures, _said(decisive.measure, figures[decisive.measure])


def _value(band: Band, rng: random.Random, least: bool) -> str:
    """A figure inside the band: people as a count, money in 万元 (multiples of 100万 above 1000万)."""
    if band.unit == "元":
        low, high = band.low / 1e4, (band.high / 1e4 if band.high else band.low / 1e4 * 2)
        step = 100 if low >= 1000 else 10 if low >= 100 else 1
        top = int(high - 1) if not least else int(min(high - 1, max(low, high / 3)))
        value = max(
            rng.randrange(int(low) if not least else 0, top + 1, step) if top >= low else int(low), step
        )
        return f"{value / 10000:g}亿元" if value >= 10000 else f"{value}万元"
    low, high = int(band.low), int(band.high) if band.high else int(band.low * 2)
    value = rng.randint(low, high - 1) if not least else rng.randint(0, max(0, high - 1) // 2)
    return f"{value}人"


def _said(measure: str, value: str) -> str:
    return f"直接经济损失{value}" if "损失" in measure else f"{value}{measure}"


def _story(figures: dict[str, str]) -> str:
    """某企业发生一起生产安全事故，造成4人死亡、2人重伤，直接经济损失600万元。"""
    people = [f"{value}{measure}" for measure, value in figures.items() if "损失" not in measure]
    people = [p for p in people if not p.startswith("0人")] or ["无人死亡"]
    loss = [f"直接经济损失{value}" for measure, value in figures.items() if "损失" in measure]
    return f"某企业发生一起生产安全事故，造成{'、'.join(people)}，{'、'.join(loss)}。"
