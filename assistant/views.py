"""How a provision is shown: a JSON-ready dict (CLI --json, HTTP API) and plain text (CLI, bots).

Usage::

    provision_view(provision, document)["citation"]  # "《中华人民共和国安全生产法》第二十一条"
"""

from __future__ import annotations

from typing import Any

from corpus.model import DocumentInfo, Provision
from corpus.versions import IN_FORCE, Version, VersionIndex, chinese_date, cite


def provision_view(
    provision: Provision, document: DocumentInfo, versions: list[Version] | None = None
) -> dict[str, Any]:
    """Everything a channel needs to show and cite one provision; ``versions``: every version of its work."""
    view: dict[str, Any] = {
        "id": provision.id,
        "doc_id": provision.doc_id,
        "title": document.title,
        "unit": provision.unit,
        "citation": cite(document, provision.unit),
        "status": document.status or IN_FORCE,
        "versions": [v.to_dict() for v in versions or ()],
        "level": document.level,
        "issuer": document.issuer,
        "doc_number": document.doc_number,
        "effective": document.effective,
        "chapter": provision.chapter,
        "section": provision.section,
        "text": provision.text,
        "paragraphs": [{"text": p.text, "items": list(p.items)} for p in provision.paragraphs],
    }
    if provision.title:
        view["item_title"] = provision.title
    if provision.bodies or provision.general_bodies:
        view["bodies"] = list(provision.bodies)
        view["bodies_role"] = provision.bodies_role
        view["general_bodies"] = list(provision.general_bodies)
    return view


def responsible_line(provision: Provision) -> str:
    """责任单位 line of a notice item, the general clause of item （一） included."""
    role = f"（{provision.bodies_role}）" if provision.bodies_role not in ("", "负责") else ""
    line = f"责任单位：{'、'.join(provision.bodies)}{role}"
    if provision.general_bodies:
        line += f"；{'、'.join(provision.general_bodies)}（通知（一）规定各项工作均需负责）"
    return line


def provision_text(
    provision: Provision, document: DocumentInfo, versions: list[Version] | None = None
) -> str:
    """The provision as plain text: citation, chapter, 款 with their 项 indented, and responsible bodies."""
    lines = [cite(document, provision.unit)]
    place = " ".join(part for part in (provision.chapter, provision.section) if part)
    if place:
        lines.append(place)
    if provision.title:
        lines.append(f"【{provision.title}】")
    lines.append("")
    for paragraph in provision.paragraphs:
        lines.append(paragraph.text)
        lines.extend(f"  {item}" for item in paragraph.items)
    if provision.bodies:
        lines += ["", responsible_line(provision)]
    if versions and len(versions) > 1:
        lines += ["", versions_line(versions)]
    return "\n".join(lines)


def versions_line(versions: list[Version]) -> str:
    """版本：2018年10月26日（已被修改）、2022年10月30日（现行有效）."""
    return versions_text([v.to_dict() for v in versions])


def versions_text(versions: list[dict[str, Any]]) -> str:
    """The same line from Version.to_dict() rows (what provision views carry)."""
    shown = [
        f"{chinese_date(v['date']) if v.get('date') else v['doc_id']}（{v['status']}）" for v in versions
    ]
    return "版本：" + "、".join(shown)


def document_line(document: DocumentInfo, versions: VersionIndex) -> str:
    """One document as ``corpus list`` shows it: title, number, dates, status and its other versions."""
    dates = (
        document.promulgated and f"{document.promulgated} 公布",
        document.effective and f"{document.effective} 施行",
    )
    facts = [x for x in (document.doc_number, *dates, document.status or IN_FORCE) if x]
    newer = versions.newer(document.id)
    if newer:
        facts.append(f"新版本：{newer}")
    others = len(versions.versions(document.id)) - 1
    if others > 0 and not newer:
        facts.append(f"另有 {others} 个版本")
    missing = "" if getattr(document, "present", True) else "（文件缺失或已改动）"
    return f"《{document.title}》（{'，'.join(facts)}）{missing}"
