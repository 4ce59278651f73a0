"""The member list a user gives for the notice's collective bodies (市安委会成员单位 and the like).

A .csv (UTF-8 or GBK) or .xlsx file with a header row and three columns:

    集体单位,成员单位,职责领域
    市安委会成员单位,市公安局,道路交通、民用爆炸物品
    市安委会成员单位,市教育局,
    各县（市、区）人民政府,尧都区人民政府,

集体单位 names a collective body of the notice (有关/相关 may be left out: 市安委会成员单位 also serves
市安委会有关成员单位); 职责领域 is optional and adds words to the member's entry of the remit table
(assistant/data/remit.tsv), separated by 、.

Usage::

    members = read_members(Path("成员单位.csv"), matrix.bodies)
    members.of("市安委会有关成员单位")   # [Member("市公安局", ("道路交通", "民用爆炸物品")), …]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from assistant.bodies import group_key, is_collective, normalize_name
from assistant.remit import split_words
from indexers.load import DocumentError, decode_text

MEMBER_SUFFIXES = (".csv", ".xlsx")
HEADER = ("集体单位", "成员单位", "职责领域")


class MembersError(ValueError):
    """A member list that cannot be used; the message says why in Chinese and nothing is half-read."""


@dataclass(frozen=True)
class Member:
    """``Member("市公安局", ("道路交通",))``: a member body and the words of its field from the list."""

    name: str
    words: tuple[str, ...] = ()


@dataclass
class Members:
    """Members by collective body (its group key); ``of`` looks one up by the notice's name."""

    groups: dict[str, list[Member]] = field(default_factory=dict)
    source: str = ""

    def of(self, collective: str) -> list[Member]:
        return self.groups.get(group_key(collective), [])

    def all(self) -> list[Member]:
        return [member for group in self.groups.values() for member in group]


def read_members(path: Path, collectives: Sequence[str]) -> Members:
    """The member list at ``path``; ``collectives`` are the notice's body names its groups must match."""
    suffix = path.suffix.lower()
    if suffix not in MEMBER_SUFFIXES:
        raise MembersError(f"成员单位名单应为 Excel 或 CSV 表格，不支持“{path.name}”。")
    try:
        table = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    except (OSError, DocumentError) as exc:
        raise MembersError(
            f"无法读取成员单位名单“{path.name}”：{getattr(exc, 'strerror', None) or exc}"
        ) from exc
    return parse_members(table, collectives, path.name)


def parse_members(table: list[list[str]], collectives: Sequence[str], source: str = "") -> Members:
    """Members from rows of cells (the header first)."""
    rows = [[cell.strip() for cell in row] for row in table if any(cell.strip() for cell in row)]
    if not rows or tuple(rows[0][:2]) != HEADER[:2]:
        raise MembersError(f"成员单位名单的第一行应为表头：{'、'.join(HEADER)}（职责领域可以不填）。")
    known = {group_key(name): name for name in collectives if is_collective(name)}
    members = Members(source=source)
    for number, row in enumerate(rows[1:], start=2):
        group, name = [*row, "", ""][:2]
        if not group or not name:
            raise MembersError(f"成员单位名单第{number}行缺少集体单位或成员单位。")
        key = group_key(group)
        if key not in known:
            raise MembersError(
                f"成员单位名单第{number}行的“{group}”不是通知中的集体单位。"
                f"通知中的集体单位有：{'、'.join(known.values())}。"
            )
        words = split_words(row[2]) if len(row) > 2 else ()
        members.groups.setdefault(key, []).append(Member(normalize_name(name), words))
    if not members.groups:
        raise MembersError("成员单位名单中没有成员单位。")
    return members


def _csv_rows(path: Path) -> list[list[str]]:
    text = decode_text(path.read_bytes(), path)
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            return [["" if v is None else str(v) for v in row] for row in rows]
        finally:
            workbook.close()
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise MembersError(f"成员单位名单“{path.name}”不是有效的 Excel 文件。") from exc
