"""The document model: document metadata and the provisions parsed from a document.

Usage::

    p = Provision(doc_id="work-safety-law-2021", unit="第二十一条", ...)
    p.id  # "work-safety-law-2021/第二十一条"
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LEVELS = ("法律", "行政法规", "部门规章", "司法解释", "地方性法规", "规范性文件", "其他")
# Where a document comes from: the curated default set, the user's own documents, the imported law library.
TIERS = ("default", "user", "library")


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of one collected document (a manifest entry)."""

    id: str
    title: str
    level: str
    path: str
    format: str
    sha256: str
    issuer: str | None = None
    doc_number: str | None = None
    effective: str | None = None
    source: str | None = None
    kind: str = "law"  # law | notice | plain
    tier: str = "default"  # default | user | library (see TIERS)
    province: str | None = None  # local regulations of the library: the province they belong to
    promulgated: str | None = None  # date this version was adopted or revised (YYYY-MM-DD), when known
    status: str | None = None  # 时效性: marked in a manifest (已废止), else computed when the index opens

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentInfo:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass
class Paragraph:
    """One 款 of a provision: its lead text and its 项 (enumerated items)."""

    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class Provision:
    """The unit that is indexed and cited: an article (条), a notice item or a chunk."""

    doc_id: str
    unit: str  # label as written: 第二十一条, （十三）, 段落3
    number: int  # ordinal of the unit within its document (article number, item number, chunk number)
    text: str  # full text of the provision, paragraphs joined by newlines
    paragraphs: list[Paragraph] = field(default_factory=list)
    chapter: str = ""  # 第二章 生产经营单位的安全生产保障 (or the notice part, or a heading path)
    section: str = ""  # 第一节 … when the document has sections
    title: str = ""  # the notice item's lead phrase (提高政治站位)
    bodies: list[str] = field(default_factory=list)  # notice items: bodies named in the closing bracket
    bodies_role: str = ""  # what those bodies do: 负责, 分工负责, 指导督促企业落实
    general_bodies: list[str] = field(default_factory=list)  # responsible for every item (item （一）)

    @property
    def id(self) -> str:
        return f"{self.doc_id}/{self.unit}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provision:
        paragraphs = [Paragraph(**p) for p in data.get("paragraphs", [])]
        rest = {k: v for k, v in data.items() if k != "paragraphs" and k in cls.__dataclass_fields__}
        return cls(paragraphs=paragraphs, **rest)


def citation(doc_title: str, unit: str) -> str:
    """Format a citation such as 《中华人民共和国安全生产法》第二十一条."""
    return f"《{doc_title}》{unit}"
