"""Read one file of a LawRefBook-style tree: is it a legal text, and its title, level, dates, issuer, number.

The tree has a folder per 法律 category (社会法, 行政法 …), 行政法规, 部门规章/<ministry>, 司法解释, 其他, 案例
and DLC/<省>地方法规/地方性法规/<省>/; a file is ``<title>(YYYY-MM-DD).md`` with a preamble of dated events
(通过, 公布, 修正, 施行) that ends at ``<!-- INFO END -->``.

Usage::

    found = read_file(Path("lawrefbook"), Path("lawrefbook/社会法/妇女权益保障法(2018-10-26).md"))
    found.title, found.level, found.promulgated   # or found.skip: why it is not imported
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corpus.numerals import CN_NUMERAL_CHARS

LAW = "法律"
# Folder under the root → level; the 法律 categories all map to 法律.
LEVEL_OF_FOLDER = {
    **{
        name: LAW
        for name in ("宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法")
    },
    "诉讼与非诉讼程序法": LAW,
    "行政法规": "行政法规",
    "部门规章": "部门规章",
    "司法解释": "司法解释",
    "DLC": "地方性法规",
    "其他": "其他",
}
SKIPPED_FOLDERS = {"案例": "案例，不是法规文本"}
INDEX_PAGE = "_index.md"

_N = CN_NUMERAL_CHARS
_FILE_DATE = re.compile(r"^(?P<title>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*(<!--.*)?$")
_EVENT = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.*)$")
_INFO_END = re.compile(r"<!--\s*(INFO END|LEGAL_HEADER_END)\s*-->")
_ARTICLE = re.compile(rf"^\s*第[{_N}]+条", re.MULTILINE)
_PROVINCE_FOLDER = re.compile(r"^(.+?)地方法规$")
_NUMBER = re.compile(rf"([\u4e00-\u9fff]*令第[\d{_N}]+号|[\u4e00-\u9fff]{{1,10}}〔\d{{4}}〕\d+号)")
# Enacting bodies as the preamble names them; the first event that names one gives the issuer.
_ISSUERS = (
    re.compile(r"(全国人民代表大会常务委员会|全国人民代表大会)"),
    re.compile(rf"([\u4e00-\u9fff]{{2,12}}?[省市州区县])第[\d{_N}]+届(人民代表大会常务委员会|人民代表大会)"),
    re.compile(r"(最高人民法院|最高人民检察院)"),
    re.compile(r"(国务院)"),
    re.compile(r"([\u4e00-\u9fff]{2,16}?(?:部|总局|委员会|局|署|行))令"),
)


@dataclass(frozen=True)
class FoundFile:
    """What the importer learned from one file; ``skip`` says why it is left out ('' when it is imported)."""

    path: str  # relative to the root, POSIX separators
    skip: str = ""
    title: str = ""
    level: str = ""
    province: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    promulgated: str | None = None
    effective: str | None = None
    structured: bool = True  # written as 第X条 articles


def read_file(root: Path, path: Path) -> FoundFile:
    """Classify and describe ``path`` (a file under ``root``)."""
    relative = PurePosixPath(path.relative_to(root).as_posix())
    where = str(relative)
    if path.suffix.lower() != ".md":
        return FoundFile(where, skip="不是 Markdown 文件")
    if path.name == INDEX_PAGE:
        return FoundFile(where, skip="目录页")
    folder = relative.parts[0] if len(relative.parts) > 1 else ""
    if folder in SKIPPED_FOLDERS:
        return FoundFile(where, skip=SKIPPED_FOLDERS[folder])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return FoundFile(where, skip=f"无法读取：{exc}")
    matter, text = _front_matter(text)
    if matter.get("bookHidden") == "true":
        return FoundFile(where, skip="模板")
    level = LEVEL_OF_FOLDER.get(folder)
    if level is None:
        return FoundFile(where, skip="不在已知的效力层级目录中")
    header, body = _split_header(text)
    title = _title(header)
    if not title:
        return FoundFile(where, skip="没有标题")
    structured = bool(_ARTICLE.search(body))
    if not structured and level == "其他":
        return FoundFile(where, skip="不是法规文本（没有条文）")
    if not body.strip():
        return FoundFile(where, skip="没有正文")
    events = [(f"{y}-{int(m):02d}-{int(d):02d}", rest) for y, m, d, rest in _events(header)]
    named = _FILE_DATE.match(path.stem)
    return FoundFile(
        path=where,
        title=title,
        level=level,
        province=_province(relative),
        issuer=_issuer(events) or _ministry(relative),
        doc_number=_doc_number(events),
        promulgated=named.group("date") if named else (events[-1][0] if events else None),
        effective=next((day for day, rest in reversed(events) if "施行" in rest), None),
        structured=structured,
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """The ``key: value`` pairs of a leading ``---`` block, and the text after it."""
    match = re.match(r"\s*---\n(.*?)\n---\n?", text, re.DOTALL)
    if not match:
        return {}, text
    pairs = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        pairs[key.strip()] = value.strip()
    return pairs, text[match.end() :]


def _split_header(text: str) -> tuple[str, str]:
    """The preamble (title and dated events) and the body; without an INFO END mark, the preamble ends
    before the first article or chapter heading."""
    end = _INFO_END.search(text)
    if end:
        return text[: end.start()], text[end.end() :]
    first = re.search(rf"^(##|\s*第[{_N}]+[条章])", text, re.MULTILINE)
    cut = first.start() if first else len(text)
    return text[:cut], text[cut:]


def _title(header: str) -> str:
    """The first heading, followed by a second one when it names a part (民法典 人格权编)."""
    headings = []
    for line in header.splitlines():
        if not line.strip():
            continue
        match = _HEADING.match(line.strip())
        if not match:
            if headings:
                break
            continue
        headings.append(match.group(1).strip())
    return " ".join(headings[:2])


def _events(header: str) -> list[tuple[str, str, str, str]]:
    return [m.groups() for line in header.splitlines() if (m := _EVENT.match(line))]


def _issuer(events: list[tuple[str, str]]) -> str | None:
    for _, rest in events:
        for pattern in _ISSUERS:
            match = pattern.search(rest)
            if match:
                return "".join(match.groups())
    return None


def _doc_number(events: list[tuple[str, str]]) -> str | None:
    numbers = [m.group(1) for _, rest in events if (m := _NUMBER.search(rest))]
    return numbers[-1] if numbers else None


def _province(relative: PurePosixPath) -> str | None:
    if relative.parts[0] != "DLC" or len(relative.parts) < 3:
        return None
    match = _PROVINCE_FOLDER.match(relative.parts[1])
    return match.group(1) if match else None


def _ministry(relative: PurePosixPath) -> str | None:
    """部门规章/<ministry>/file.md names the ministry."""
    if relative.parts[0] == "部门规章" and len(relative.parts) > 2:
        return relative.parts[1]
    return None
