"""Parse a government notice into its parts (一、) and items (（一）), with each item's responsible bodies.

Usage::

    items = parse_notice("linfen-2025-1", cleaned_text)
    items[12].unit, items[12].bodies  # "（十三）", ["市应急管理局", …]
"""

from __future__ import annotations

import re

from corpus.model import Paragraph, Provision
from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int

_N = CN_NUMERAL_CHARS
_PART = re.compile(rf"^#*\s*\**\s*([{_N}]+)、(.*?)\**\s*$")
_ITEM = re.compile(rf"^[（(]([{_N}]+)[）)](.*)$")
_END = re.compile(r"^([（(]此件公开发布[）)]|---|抄送)")
_ROLE = re.compile(r"(等部门分工负责|等部门负责|分工负责|负责|指导督促企业落实)$")
_GENERAL = re.compile(r"以下均需(.+?)负责")
# "和" joins two bodies only when a new body name follows (市规划和自然资源局 is one body).
_AND = re.compile(r"和(?=各|市|县|临汾|国家|省)")


def parse_notice(doc_id: str, text: str) -> list[Provision]:
    """Return the notice's items in order; the general clause of an item applies to every item."""
    items: list[Provision] = []
    part = ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _END.match(line):
            break
        part_match = _PART.match(line)
        if part_match and len(line) <= 40 and "。" not in line:
            part = f"{part_match.group(1)}、{part_match.group(2).strip('*# ')}"
            continue
        item_match = _ITEM.match(line)
        if item_match and cn_to_int(item_match.group(1)) == len(items) + 1:
            label = f"（{item_match.group(1)}）"
            items.append(Provision(doc_id=doc_id, unit=label, number=len(items) + 1, text=line, chapter=part))
        elif items:
            items[-1].text += line
    general: list[str] = []
    for item in items:
        item.text = f"{item.unit}{_ITEM.match(item.text).group(2)}"  # full-width label
        item.title = _lead_phrase(item.text, item.unit)
        item.paragraphs = [Paragraph(text=item.text)]
        clause = trailing_parenthetical(item.text)
        if clause:
            item.bodies, item.bodies_role = split_bodies(clause)
            general_match = _GENERAL.search(clause)
            if general_match:
                general = _split_names(general_match.group(1))
    for item in items:
        item.general_bodies = [body for body in general if body not in item.bodies]
    return items


def _lead_phrase(text: str, label: str) -> str:
    body = text[len(label) :]
    return body.split("。", 1)[0] if "。" in body[:30] else ""


def trailing_parenthetical(text: str) -> str:
    """The content of the bracketed clause that closes the text, brackets balanced; '' if none."""
    if not text.endswith("）"):
        return ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == "）":
            depth += 1
        elif text[i] == "（":
            depth -= 1
            if depth == 0:
                return text[i + 1 : -1]
    return ""


def split_bodies(clause: str) -> tuple[list[str], str]:
    """Split "市应急管理局、市能源局等部门分工负责" into the bodies and their role (分工负责)."""
    first = clause.split("。", 1)[0].strip()
    role_match = _ROLE.search(first)
    role = role_match.group(1).removeprefix("等部门") if role_match else ""
    names = first[: role_match.start()] if role_match else first
    return _split_names(names), role


def _split_names(names: str) -> list[str]:
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(names):
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth -= 1
        elif ch == "、" and depth == 0:
            parts.append(names[start:i])
            start = i + 1
    parts.append(names[start:])
    result: list[str] = []
    for part in parts:
        result.extend(piece.strip() for piece in _AND.split(part) if piece.strip())
    return [name.removesuffix("等部门").removesuffix("等") for name in result]
