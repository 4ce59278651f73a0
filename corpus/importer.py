"""Import a LawRefBook-style tree into the data directory as the law library tier, incrementally.

Files are copied to data_dir/corpus/library/<path in the tree>; their records go to
data_dir/corpus/library-manifest.jsonl, which mirrors the last imported tree: a file that is gone from it is
removed. Ids are readable and stable: the title without 中华人民共和国 and the version date
(妇女权益保障法-2018-10-26). A file whose bytes, or whose source path, are those of a document of the default set
is left to the default set.

Usage::

    report = import_tree(Path("lawrefbook"), Path("data"))
    print(report.summary())
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.lawrefbook import FoundFile, read_file
from corpus.manifest import ManifestEntry, corpus_dir, load_manifest, sha256_file
from corpus.sync import write_verified
from corpus.versions import work_key

LIBRARY_DIR = "library"
LIBRARY_MANIFEST = "library-manifest.jsonl"
REPORT_FILE = "library-import-report.tsv"
SOURCE_PREFIX = "lawrefbook:"
_NOT_ID = re.compile(r"[^\w-]+")

Progress = Callable[[int, int, str], None]  # (files done, total, path just handled)


class LibraryImportError(ValueError):
    """``except LibraryImportError as exc: print(exc)``: the tree cannot be imported at all; says why in Chinese."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: imported, updated, unchanged, skipped (with the reason) or removed."""

    path: str
    outcome: str
    doc_id: str = ""
    reason: str = ""


@dataclass
class ImportReport:
    """``print(report.summary())``: counts by outcome and by reason for skipping, and every file's line."""

    root: str
    outcomes: list[Outcome] = field(default_factory=list)
    report_path: Path | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def reasons(self) -> Counter[str]:
        return Counter(_reason_kind(o.reason) for o in self.outcomes if o.outcome == "skipped")

    def summary(self) -> str:
        lines = [
            f"从 {self.root} 导入法规库：新增 {self.count('imported')} 个，更新 {self.count('updated')} 个，"
            f"未变 {self.count('unchanged')} 个，跳过 {self.count('skipped')} 个，删除 {self.count('removed')} 个。"
        ]
        lines += [f"  跳过 {n} 个：{reason}" for reason, n in self.reasons().most_common()]
        if self.report_path:
            lines.append(f"逐个文件的结果见 {self.report_path}")
        if self.count("imported") or self.count("updated") or self.count("removed"):
            lines.append(
                "运行 `python -m assistant index` 更新索引（关键词检索几秒内可用，语义向量在后台计算）。"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "root": self.root,
            "counts": {k: self.count(k) for k in ("imported", "updated", "unchanged", "skipped", "removed")},
            "skipped_by_reason": dict(self.reasons()),
            "files": [o.__dict__ for o in self.outcomes],
        }


def library_manifest_path(data_dir: Path) -> Path:
    return corpus_dir(data_dir) / LIBRARY_MANIFEST


def library_documents(data_dir: Path) -> list[ManifestEntry]:
    """The records of the imported library, in import order."""
    path = library_manifest_path(data_dir)
    return load_manifest(path) if path.is_file() else []


def import_tree(root: Path, data_dir: Path, progress: Progress | None = None) -> ImportReport:
    """Import every legal text under ``root``; re-importing copies only new or changed files."""
    root = Path(root)
    if not root.is_dir():
        raise LibraryImportError(f"目录不存在：{root}")
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise LibraryImportError(f"目录 {root} 中没有文件")
    report = ImportReport(root=str(root))
    defaults = _default_set()
    old = {entry.source: entry for entry in library_documents(data_dir)}
    entries: list[ManifestEntry] = []
    seen_sha: dict[str, str] = {}
    taken: set[str] = {entry.id for entry in load_manifest()}
    for done, path in enumerate(files, start=1):
        found = read_file(root, path)
        outcome, entry = _import_one(root, path, found, data_dir, defaults, old, seen_sha, taken)
        report.outcomes.append(outcome)
        if entry is not None:
            entries.append(entry)
            taken.add(entry.id)
        if progress is not None:
            progress(done, len(files), found.path)
    kept = {entry.source for entry in entries}
    for source, entry in old.items():
        if source not in kept:
            (corpus_dir(data_dir) / entry.path).unlink(missing_ok=True)
            report.outcomes.append(Outcome(entry.path, "removed", entry.id, "来源目录中已没有这个文件"))
    _write_manifest(data_dir, entries)
    report.report_path = corpus_dir(data_dir) / REPORT_FILE
    _write_report(report)
    return report


def _import_one(
    root: Path,
    path: Path,
    found: FoundFile,
    data_dir: Path,
    defaults: dict[str, str],
    old: dict[str | None, ManifestEntry],
    seen_sha: dict[str, str],
    taken: set[str],
) -> tuple[Outcome, ManifestEntry | None]:
    if found.skip:
        return Outcome(found.path, "skipped", reason=found.skip), None
    sha256 = sha256_file(path)
    source = SOURCE_PREFIX + found.path
    in_default = defaults.get(sha256) or defaults.get(found.path)
    if in_default:
        return Outcome(found.path, "skipped", in_default, f"默认文档集已收录（{in_default}）"), None
    if sha256 in seen_sha:
        return Outcome(
            found.path, "skipped", seen_sha[sha256], f"重复文件（与 {seen_sha[sha256]} 相同）"
        ), None
    previous = old.get(source)
    doc_id = previous.id if previous else _new_id(found, taken)
    seen_sha[sha256] = doc_id
    entry = ManifestEntry(
        id=doc_id,
        title=found.title,
        level=found.level,
        path=f"{LIBRARY_DIR}/{found.path}",
        format="md",
        sha256=sha256,
        issuer=found.issuer,
        doc_number=found.doc_number,
        effective=found.effective,
        source=source,
        kind="law" if found.structured else "plain",
        tier="library",
        province=found.province,
        promulgated=found.promulgated,
    )
    dest = corpus_dir(data_dir) / entry.path
    if previous is not None and previous == entry and dest.is_file():
        return Outcome(found.path, "unchanged", doc_id), entry
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "rb") as stream:
        write_verified(stream, dest, sha256)
    return Outcome(found.path, "updated" if previous else "imported", doc_id), entry


def _new_id(found: FoundFile, taken: set[str]) -> str:
    """Title without 中华人民共和国 (only word characters and -) and the version date; -2, -3 … on a clash."""
    base = _NOT_ID.sub("", work_key(found.title)) or "文档"
    stem = f"{base}-{found.promulgated}" if found.promulgated else base
    doc_id, n = stem, 1
    while doc_id in taken:
        n += 1
        doc_id = f"{stem}-{n}"
    return doc_id


def _default_set() -> dict[str, str]:
    """sha256 and LawRefBook path of every document of the default set → its id."""
    found: dict[str, str] = {}
    for entry in load_manifest():
        found[entry.sha256] = entry.id
        if entry.source and entry.source.startswith("github:LawRefBook/"):
            found[entry.source.split(":", 2)[-1]] = entry.id
    return found


def _write_manifest(data_dir: Path, entries: list[ManifestEntry]) -> None:
    text = "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in entries)
    path = library_manifest_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_verified(io.BytesIO(text.encode("utf-8")), path)


def _write_report(report: ImportReport) -> None:
    assert report.report_path is not None
    lines = ["路径\t结果\t编号\t原因"] + [
        f"{o.path}\t{_OUTCOME_NAMES[o.outcome]}\t{o.doc_id}\t{o.reason}" for o in report.outcomes
    ]
    write_verified(io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")), report.report_path)


_OUTCOME_NAMES = {
    "imported": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "skipped": "跳过",
    "removed": "删除",
}


def _reason_kind(reason: str) -> str:
    """The reason without the document it names: 重复文件（与 X 相同） → 重复文件."""
    return reason.split("（", 1)[0] if reason.startswith(("重复文件", "默认文档集已收录")) else reason
