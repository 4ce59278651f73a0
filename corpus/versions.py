"""Versions (时效性): documents with the same title and different dates are one work with versions.

The newest version in force is 现行有效; older ones are 已被修改 and link to the next newer one; a version whose
effective date lies ahead is 尚未施行 (the one before it stays in force until then); a manifest may mark a
document 已废止. A work with one version is 现行有效 unless it is marked or not yet in force.

Usage::

    versions = VersionIndex.build(documents, today=date.today())
    versions.status("womens-rights-2018")        # "已被修改"
    versions.newer("womens-rights-2018")         # "womens-rights-2022"
    cite(versions.apply(document), "第十条")      # 《…》（2018年10月26日版，已被修改）第十条
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from corpus.model import DocumentInfo

IN_FORCE = "现行有效"
AMENDED = "已被修改"
NOT_YET = "尚未施行"
REPEALED = "已废止"
STATUSES = (IN_FORCE, AMENDED, NOT_YET, REPEALED)
HISTORICAL = (AMENDED, REPEALED)  # left out of searches unless asked for by name
MARKABLE = (REPEALED,)  # what a manifest may set by hand

_PREFIX = re.compile(r"^中华人民共和国")
_NOISE = re.compile(r"[\s《》“”\"'<>]")


def work_key(title: str) -> str:
    """The title that versions share: without 中华人民共和国, spaces and quotation marks."""
    return _NOISE.sub("", _PREFIX.sub("", title.strip()))


def version_date(document: DocumentInfo) -> str:
    """The date that orders versions: adoption or revision date, else the effective date ('' if none)."""
    return document.promulgated or document.effective or ""


@dataclass(frozen=True)
class Version:
    """One version of a work: its document, date, status and the next newer version (if any)."""

    doc_id: str
    date: str
    status: str
    newer: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"doc_id": self.doc_id, "date": self.date or None, "status": self.status, "newer": self.newer}


class VersionIndex:
    """Statuses and version lists of a set of documents, computed once for a given day."""

    def __init__(self, versions: dict[str, Version], works: dict[str, list[str]], keys: dict[str, str]):
        self._versions = versions
        self._works = works  # work key → doc ids, oldest first
        self._keys = keys  # doc id → work key

    @classmethod
    def build(cls, documents: Iterable[DocumentInfo], today: date | None = None) -> VersionIndex:
        """Group ``documents`` into works by title and give each version its status as of ``today``."""
        today_text = (today or date.today()).isoformat()
        groups: dict[str, list[DocumentInfo]] = {}
        for document in documents:
            groups.setdefault(work_key(document.title), []).append(document)
        versions: dict[str, Version] = {}
        works: dict[str, list[str]] = {}
        keys: dict[str, str] = {}
        for key, members in groups.items():
            members.sort(key=lambda d: (version_date(d), d.id))
            works[key] = [d.id for d in members]
            for document in members:
                keys[document.id] = key
            versions.update(_statuses(members, today_text))
        return cls(versions, works, keys)

    def status(self, doc_id: str) -> str:
        version = self._versions.get(doc_id)
        return version.status if version else IN_FORCE

    def newer(self, doc_id: str) -> str | None:
        version = self._versions.get(doc_id)
        return version.newer if version else None

    def versions(self, doc_id: str) -> list[Version]:
        """Every version of the document's work, oldest first (the document itself included)."""
        key = self._keys.get(doc_id)
        return [self._versions[i] for i in self._works.get(key, [])] if key else []

    def apply(self, document: DocumentInfo) -> DocumentInfo:
        """The document with its computed status filled in."""
        return replace(document, status=self.status(document.id))


def _statuses(members: list[DocumentInfo], today: str) -> dict[str, Version]:
    """Statuses of one work's versions (oldest first)."""
    status: dict[str, str] = {}
    for document in members:
        if document.status in MARKABLE:
            status[document.id] = document.status
        elif document.effective and document.effective > today:
            status[document.id] = NOT_YET
    in_force = [d for d in members if d.id not in status]
    for document in in_force[:-1]:
        status[document.id] = AMENDED
    if in_force:
        status[in_force[-1].id] = IN_FORCE
    result = {}
    for position, document in enumerate(members):
        later = members[position + 1 :]
        newer = later[0].id if later and status[document.id] == AMENDED else None
        result[document.id] = Version(document.id, version_date(document), status[document.id], newer)
    return result


def version_label(document: DocumentInfo) -> str:
    """How a version is named beside its title when it is not the one in force ('' when it is):
    2018年10月26日版，已被修改 · 尚未施行，2027年1月1日起施行 · 已废止."""
    status = document.status or IN_FORCE
    if status == IN_FORCE:
        return ""
    if status == NOT_YET and document.effective:
        return f"{NOT_YET}，{chinese_date(document.effective)}起施行"
    when = version_date(document)
    return f"{chinese_date(when)}版，{status}" if when else status


def cite(document: DocumentInfo, unit: str) -> str:
    """A citation that names the version when it is not the one in force:
    《中华人民共和国妇女权益保障法》（2018年10月26日版，已被修改）第十条."""
    label = version_label(document)
    return f"《{document.title}》{f'（{label}）' if label else ''}{unit}"


def chinese_date(iso: str) -> str:
    """2018-10-26 → 2018年10月26日 (other text unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not match:
        return iso
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"
