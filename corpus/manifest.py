"""The manifest of a document set: one JSON object per line, loaded as ManifestEntry records.

Usage::

    entries = load_manifest()          # the packaged default document set
    for entry in indexable(entries):   # the PDF rendering of the notice is left out
        path = document_path(data_dir, entry)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

from corpus.model import LEVELS, TIERS, DocumentInfo
from corpus.versions import MARKABLE

DEFAULT_MANIFEST = Path(__file__).with_name("manifest.jsonl")
KINDS = ("law", "notice", "plain")
_REQUIRED = ("id", "title", "level", "path", "format", "sha256")
_CHUNK = 1 << 16


class ManifestError(ValueError):
    """``except ManifestError as exc: print(exc)``: a manifest that cannot be read or has a bad entry."""


@dataclass(frozen=True)
class ManifestEntry(DocumentInfo):
    """``ManifestEntry.from_dict(json.loads(line))``: one document of a manifest.

    ``rendition_of`` names the document this file is another rendering of (it is not indexed twice);
    ``chars`` is the text length in Unicode characters, None for binary formats or when unknown.
    """

    chars: int | None = None
    rendition_of: str | None = None


def load_manifest(path: Path | None = None) -> list[ManifestEntry]:
    """Read a manifest (default: the packaged default document set) and validate every entry."""
    path = DEFAULT_MANIFEST if path is None else Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ManifestError(f"无法读取清单文件 {path}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ManifestError(f"清单文件 {path} 不是 UTF-8 编码") from exc
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"清单文件 {path} 第 {number} 行"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{where}不是合法的 JSON：{exc.msg}") from exc
        if not isinstance(data, dict):
            raise ManifestError(f"{where}应为 JSON 对象")
        entry = cast(ManifestEntry, ManifestEntry.from_dict(_validated(data, where)))
        if entry.id in seen:
            raise ManifestError(f"{where}：文档编号 {entry.id} 重复")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _validated(data: dict[str, Any], where: str) -> dict[str, Any]:
    """Check the required fields, the level, the kind and that the path stays inside the corpus."""
    for key in _REQUIRED:
        if not isinstance(data.get(key), str) or not data[key]:
            raise ManifestError(f"{where}缺少字段 {key}")
    if data["level"] not in LEVELS:
        raise ManifestError(f"{where}：未知的效力层级 {data['level']}（可选：{'、'.join(LEVELS)}）")
    if data.get("kind", "law") not in KINDS:
        raise ManifestError(f"{where}：未知的文档类型 {data['kind']}（可选：{'、'.join(KINDS)}）")
    if data.get("tier", "default") not in TIERS:
        raise ManifestError(f"{where}：未知的来源层 {data['tier']}（可选：{'、'.join(TIERS)}）")
    if data.get("status") not in (None, *MARKABLE):
        raise ManifestError(f"{where}：status 只能标注为 {'、'.join(MARKABLE)}（其余状态按日期计算）")
    if not is_safe_relative_path(data["path"]):
        raise ManifestError(f"{where}：路径 {data['path']} 必须是语料目录内的相对路径")
    return data


def is_safe_relative_path(path: str) -> bool:
    """True for a relative POSIX path that cannot leave its root (no '..', no backslash, not absolute)."""
    pure = PurePosixPath(path)
    return bool(pure.parts) and "\\" not in path and not pure.is_absolute() and ".." not in pure.parts


def indexable(entries: Iterable[ManifestEntry]) -> list[ManifestEntry]:
    """The entries to index: all but renditions of another entry."""
    return [entry for entry in entries if entry.rendition_of is None]


def corpus_dir(data_dir: Path) -> Path:
    """The directory under a data directory that holds the document files."""
    return Path(data_dir) / "corpus"


def document_path(data_dir: Path, entry: DocumentInfo) -> Path:
    """Where a document's file lives in a data directory."""
    return corpus_dir(data_dir) / entry.path


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def has_valid_file(data_dir: Path, entry: DocumentInfo) -> bool:
    """True when the entry's file is in the data directory and its SHA-256 matches."""
    path = document_path(data_dir, entry)
    return path.is_file() and sha256_file(path) == entry.sha256
