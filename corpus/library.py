"""The user's own documents, kept beside the default document set in a data directory.

Files go to data_dir/corpus/user/<doc_id><suffix>; their records to data_dir/corpus/user-manifest.jsonl.

Usage::

    add_document(data_dir, Path("制度.docx"), title="本单位安全生产责任制", level="其他")
    [doc.id for doc in list_documents(data_dir) if doc.present]
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.importer import library_documents
from corpus.manifest import (
    KINDS,
    ManifestEntry,
    corpus_dir,
    document_path,
    has_valid_file,
    indexable,
    load_manifest,
    sha256_file,
)
from corpus.model import LEVELS
from corpus.sync import ChecksumError, write_verified

ACCEPTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
USER_DIR = "user"
USER_MANIFEST = "user-manifest.jsonl"
_ID_PATTERN = re.compile(r"\w[\w.-]*")
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class LibraryError(ValueError):
    """``except LibraryError as exc: print(exc)``: a document not added or removed; says why in Chinese."""


@dataclass(frozen=True)
class LibraryDocument(ManifestEntry):
    """``[doc.id for doc in list_documents(data_dir) if doc.present]``: a document as listed."""

    present: bool = False  # its file is in the data directory with the recorded sha256
    user: bool = False  # added by the user rather than part of the default document set


def user_manifest_path(data_dir: Path) -> Path:
    """Where the records of the user's documents are kept."""
    return corpus_dir(data_dir) / USER_MANIFEST


def user_documents(data_dir: Path) -> list[ManifestEntry]:
    """The records of the user's documents, in the order they were added."""
    path = user_manifest_path(data_dir)
    return load_manifest(path) if path.is_file() else []


def add_document(
    data_dir: Path,
    file: Path,
    title: str,
    level: str,
    issuer: str | None = None,
    doc_number: str | None = None,
    effective: str | None = None,
    doc_id: str | None = None,
    kind: str = "plain",
) -> ManifestEntry:
    """Copy a .txt/.md/.pdf/.docx file into the data directory and record it; re-adding updates the record.

    Without doc_id, the id of an earlier record of the same bytes is reused, else "user-" + 10 hex digits
    of the file's sha256 is used.
    """
    file = Path(file)
    suffix = file.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise LibraryError(f"不支持的文件类型：{file.name}（仅支持 {'、'.join(ACCEPTED_SUFFIXES)}）")
    if not file.is_file():
        raise LibraryError(f"文件不存在：{file}")
    title = title.strip()
    if not title:
        raise LibraryError(f"请为 {file.name} 填写文档标题")
    if level not in LEVELS:
        raise LibraryError(f"未知的效力层级：{level}（可选：{'、'.join(LEVELS)}）")
    if kind not in KINDS:
        raise LibraryError(f"未知的文档类型：{kind}（可选：{'、'.join(KINDS)}）")
    if effective is not None:
        _check_date(effective)
    sha256 = sha256_file(file)
    records = user_documents(data_dir)
    if doc_id is None:
        doc_id = next((r.id for r in records if r.sha256 == sha256), f"user-{sha256[:10]}")
    _check_id(doc_id)
    entry = ManifestEntry(
        id=doc_id,
        title=title,
        level=level,
        path=f"{USER_DIR}/{doc_id}{suffix}",
        format=suffix[1:],
        sha256=sha256,
        issuer=issuer,
        doc_number=doc_number,
        effective=effective,
        source=f"user:{file.name}",
        kind=kind,
    )
    dest = document_path(data_dir, entry)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "rb") as stream:
        try:
            write_verified(stream, dest, sha256)
        except ChecksumError as exc:
            raise LibraryError(f"文件 {file.name} 在复制过程中被修改，请重试") from exc
    old = next((r for r in records if r.id == doc_id), None)
    _write_records(data_dir, [entry if r.id == doc_id else r for r in records] if old else [*records, entry])
    if old is not None and old.path != entry.path:
        document_path(data_dir, old).unlink(missing_ok=True)
    return entry


def remove_document(data_dir: Path, doc_id: str) -> ManifestEntry:
    """Delete one of the user's documents (record and file) and return its record."""
    records = user_documents(data_dir)
    entry = next((r for r in records if r.id == doc_id), None)
    if entry is None:
        if doc_id in {e.id for e in load_manifest()}:
            raise LibraryError(f"{doc_id} 属于默认文档集，不能删除")
        raise LibraryError(f"没有编号为 {doc_id} 的用户文档")
    _write_records(data_dir, [r for r in records if r.id != doc_id])
    document_path(data_dir, entry).unlink(missing_ok=True)
    return entry


def list_documents(data_dir: Path) -> list[LibraryDocument]:
    """The default set's indexable documents present in the data directory, all the user's documents, then
    the imported law library (tier "library").

    ``present`` tells whether a document's file is in place with the recorded sha256; ``user`` marks the
    user's documents.
    """
    defaults = [
        LibraryDocument(**entry.to_dict(), present=True)
        for entry in indexable(load_manifest())
        if has_valid_file(data_dir, entry)
    ]
    users = [
        LibraryDocument(
            **{**entry.to_dict(), "tier": "user"}, present=has_valid_file(data_dir, entry), user=True
        )
        for entry in user_documents(data_dir)
    ]
    library = [
        LibraryDocument(**entry.to_dict(), present=has_valid_file(data_dir, entry))
        for entry in library_documents(data_dir)
    ]
    return defaults + users + library


def _check_id(doc_id: str) -> None:
    """Reject ids that cannot serve as a file name and citation prefix, or clash with the default set."""
    if not _ID_PATTERN.fullmatch(doc_id):
        raise LibraryError(f"文档编号不合法：{doc_id!r}（只能由文字、数字和 - _ . 组成，不能包含“/”）")
    if doc_id in {e.id for e in load_manifest()}:
        raise LibraryError(f"文档编号 {doc_id} 已被默认文档集使用，请换一个")


def _check_date(value: str) -> None:
    """Accept only a real calendar date written YYYY-MM-DD."""
    try:
        if not _DATE_PATTERN.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError as exc:
        raise LibraryError(f"生效日期应写作 YYYY-MM-DD：{value}") from exc


def _write_records(data_dir: Path, records: list[ManifestEntry]) -> None:
    """Rewrite the user manifest atomically."""
    text = "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    path = user_manifest_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_verified(io.BytesIO(text.encode("utf-8")), path)
