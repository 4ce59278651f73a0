"""Parse a law, regulation or rule into articles (条) with their 编/章/节 path, 款 and 项.

Usage::

    provisions = parse_law("work-safety-law-2021", cleaned_text)
    provisions[20].unit  # "第二十一条"
"""

from __future__ import annotations

import re

from corpus.model import Paragraph, Provision
from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int

_N = CN_NUMERAL_CHARS
_ARTICLE = re.compile(rf"^第([{_N}]+)条(.*)$")
_DIVISION = re.compile(rf"^#*\s*\**\s*(第[{_N}]+)(编|章|节)\s*(.*?)\**\s*$")
_ITEM = re.compile(rf"^[（(][{_N}]+[）)]")
_SUBITEM = re.compile(r"^(\d+[.．、]|[（(]\d+[）)])")
_APPENDIX = re.compile(r"^#*\s*\**\s*(附件|附表|附录|附[：:])")


def parse_law(doc_id: str, text: str) -> list[Provision]:
    """Split cleaned text into articles. Article numbers must run on (1, 2, 3 …); others stay body text."""
    provisions: list[Provision] = []
    divisions = {"编": "", "章": "", "节": ""}
    current: Provision | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        division = _DIVISION.match(line)
        if division and len(line) <= 60 and "。" not in line:
            label, kind, name = division.groups()
            divisions[kind] = f"{label}{kind} {name.strip('*# ')}".strip()
            if kind != "节":
                divisions["节"] = ""
            if kind == "编":
                divisions["章"] = ""
            continue
        article = _ARTICLE.match(line)
        expected = provisions[-1].number + 1 if provisions else None
        if article and (expected is None or cn_to_int(article.group(1)) == expected):
            number = cn_to_int(article.group(1))
            chapter = " / ".join(part for part in (divisions["编"], divisions["章"]) if part)
            current = Provision(
                doc_id=doc_id,
                unit=f"第{article.group(1)}条",
                number=number,
                text="",
                chapter=chapter,
                section=divisions["节"],
            )
            provisions.append(current)
            body = article.group(2).strip()
            if body:
                _add_line(current, body)
            continue
        if _APPENDIX.match(line) and provisions:
            label = _APPENDIX.match(line).group(1)
            unit = label if label in ("附件", "附表", "附录") else "附件"
            current = Provision(doc_id=doc_id, unit=unit, number=provisions[-1].number + 1, text="")
            provisions.append(current)
            continue
        if current is not None and not line.startswith("#"):
            _add_line(current, line)
    for provision in provisions:
        provision.text = paragraphs_text(provision.paragraphs)
    return [p for p in provisions if p.text]


def _add_line(provision: Provision, line: str) -> None:
    paragraphs = provision.paragraphs
    if _ITEM.match(line) and paragraphs:
        paragraphs[-1].items.append(line)
    elif _SUBITEM.match(line) and paragraphs:
        last = paragraphs[-1]
        if last.items and _ITEM.match(last.items[-1]):
            last.items[-1] += "\n" + line
        else:
            last.items.append(line)
    else:
        paragraphs.append(Paragraph(text=line))


def paragraphs_text(paragraphs: list[Paragraph]) -> str:
    """The provision's text: each 款 on its own line, followed by its 项."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.append(paragraph.text)
        lines.extend(paragraph.items)
    return "\n".join(lines)
