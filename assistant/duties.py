"""The notice's duty matrix: every responsible body against the items it carries, with their tasks.

Bodies come from each item's closing bracket (Provision.bodies and bodies_role); the general clause of item
（一） makes the county governments (Provision.general_bodies) responsible for every item. Collective bodies
(市安委会有关成员单位, 市级负有安全生产监管职责的部门, 各县（市、区）人民政府) stay as written. A name given
by a user resolves by a key that drops 市/临汾/各, the final 局 and bracketed parts and contracts common long
forms (应急管理→应急, 市场监督管理→市场监管, 人民政府→政府), so 能源局, 市应急局 and 应急管理局 all resolve.

Usage::

    matrix = DutyMatrix.from_index(index)
    [d.unit for d in matrix.duties("能源局")[0].items]   # ["（十三）", "（十五）"]
    matrix.who_is_responsible("隐患排查")[0].bodies       # ["市安委会有关成员单位", …]
    matrix.answer("市能源局负责哪些工作？")                # an Answer citing （十三） and （十五）
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer
from assistant.exports import Document, Heading, NumberedList, Paragraph, Table
from assistant.marks import CitationMarks
from assistant.notice_items import NoticeItem, Task, notice_items
from corpus.model import DocumentInfo, Provision

GENERAL_ROLE = "各项工作均需负责"
DETAILED_ITEMS = 3  # an answer lists the tasks of each item when a body carries at most this many
CLOSE_MATCHES = 5

# Long forms and the short forms cadres write for them, applied to both sides of a name comparison.
_CONTRACTIONS = (
    ("住房和城乡建设", "住建"),
    ("市场监督管理", "市场监管"),
    ("监督管理", "监管"),
    ("应急管理", "应急"),
    ("城市管理", "城管"),
    ("交通运输", "交通"),
    ("规划和自然资源", "自然资源"),
    ("消防救援", "消防"),
    ("经济开发区", "开发区"),
    ("经济技术开发区", "开发区"),
    ("经开区", "开发区"),
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
)
_PREFIX = re.compile(r"^(?:临汾市|临汾|市级|各|市(?![场政]))")
_SUFFIX = re.compile(r"(?:总局|分局|局)$")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
# A question that asks what a body is responsible for; the body is named before the cue.
_CUE = re.compile(
    r"(?:主要|都|要|需要|应当|应该)?(?:负责|承担|牵头|管)(?:哪些|什么|啥|哪几项|哪项|几项)"
    r"|有(?:哪些|什么|几项)(?:工作|任务|职责)|的?(?:主要)?(?:工作|任务|职责)(?:是什么|是啥|有哪些|有什么)?[？?。]?$"
)
# How a written body name ends: the chat takes 能源局 or 市应急局 for a body, never a bare 应急 or 能源.
_ORGANISATION = re.compile(r"(?:局|支队|处|单位|部门|政府|管委会|委员会)$")
_FILLER = re.compile(r"(?:在[^，。？]{0,12}?[中里]|的|主要|都|要|需要|应当|应该|具体)+$")


class UnknownBodyError(ValueError):
    """A body name that matches no body of the notice (or several); the message lists close names."""


@dataclass(frozen=True)
class Duty:
    """``duty.unit, duty.role, duty.tasks``: one item a body carries, and in what role."""

    item: NoticeItem
    role: str  # 负责, 分工负责, 指导督促企业落实, or GENERAL_ROLE for the county default of item （一）
    general: bool = False  # carried through the general clause of item （一）, not named in the item

    @property
    def unit(self) -> str:
        return self.item.unit

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self.item.tasks

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "title": self.title,
            "tasks": [t.text for t in self.tasks],
            "role": self.role,
            "citation": self.item.citation,
        }


@dataclass(frozen=True)
class BodyDuties:
    """``BodyDuties("市能源局", False, [Duty(…), …]).to_dict()``: one body's row of the matrix."""

    body: str
    collective: bool
    items: list[Duty]

    def to_dict(self) -> dict[str, Any]:
        return {"body": self.body, "collective": self.collective, "items": [d.to_dict() for d in self.items]}


@dataclass(frozen=True)
class Responsibility:
    """``r.unit, r.bodies, r.tasks``: a notice item that mentions a task keyword, and who carries it."""

    item: NoticeItem
    bodies: list[str]
    role: str
    general_bodies: list[str]
    tasks: list[Task]  # the item's tasks that mention the keyword

    @property
    def unit(self) -> str:
        return self.item.unit

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "title": self.item.title,
            "bodies": self.bodies,
            "role": self.role,
            "general_bodies": self.general_bodies,
            "tasks": [t.text for t in self.tasks],
            "citation": self.item.citation,
        }


def normalize_name(name: str) -> str:
    """A body name without spaces and a trailing 等部门/等, brackets full-width."""
    name = "".join(name.split()).replace("(", "（").replace(")", "）")
    return name.removesuffix("等部门").removesuffix("等")


def body_key(name: str) -> str:
    """The comparison key of a body name: 市应急管理局, 应急管理局 and 市应急局 all give 应急."""
    key = _BRACKETED.sub("", normalize_name(name))
    key = _SUFFIX.sub("", _PREFIX.sub("", key))
    for long, short in _CONTRACTIONS:
        key = key.replace(long, short)
    return key


def is_collective(name: str) -> bool:
    """A body that stands for several: 市安委会有关成员单位, 市级…的部门, 各县（市、区）人民政府."""
    return name.startswith("各") or name.endswith(("单位", "部门"))


@dataclass
class DutyMatrix:
    """Bodies against the notice items they carry; build with ``DutyMatrix.from_index(index)``."""

    items: list[NoticeItem]
    rows: dict[str, BodyDuties] = field(default_factory=dict)  # canonical body name → its row
    doc_title: str = ""

    @classmethod
    def from_index(cls, index: Any) -> DutyMatrix:
        """From an IndexReader (anything with ``provisions`` and ``documents`` mappings)."""
        return cls.from_provisions(index.provisions.values(), index.documents)

    @classmethod
    def from_provisions(
        cls, provisions: Iterable[Provision], documents: Mapping[str, DocumentInfo]
    ) -> DutyMatrix:
        items = notice_items(provisions, documents)
        title = documents[items[0].provision.doc_id].title if items else ""
        return cls(items, _rows(items), title)

    @property
    def bodies(self) -> list[str]:
        return list(self.rows)

    def duties(self, body: str | None = None) -> list[BodyDuties]:
        """Every body's row, or the row of one body (a short or partial name resolves)."""
        if not self.items:
            raise UnknownBodyError("索引中没有收录临政发〔2025〕1号通知，无法查询责任分工。")
        if body is None or not body.strip():
            return list(self.rows.values())
        return [self.rows[self.resolve(body)]]

    def resolve(self, name: str) -> str:
        """The canonical name of a body given by a short or partial name; UnknownBodyError otherwise."""
        exact = self._exact(name)
        if exact:
            return exact
        key = body_key(name)
        keys = {body: body_key(body) for body in self.rows}
        partial = [body for body, k in keys.items() if len(key) >= 2 and (key in k or k in key)]
        if len(partial) == 1:
            return partial[0]
        if partial:
            raise UnknownBodyError(f"“{name}”可能是指：{'、'.join(partial)}，请写出完整的单位名称。")
        close = difflib.get_close_matches(key, keys.values(), n=CLOSE_MATCHES, cutoff=0.3)
        named = [body for body, k in keys.items() if k in close] or self.bodies[:CLOSE_MATCHES]
        raise UnknownBodyError(f"通知中没有找到责任单位“{name}”。相近的单位有：{'、'.join(named)}。")

    def _exact(self, name: str) -> str | None:
        key = body_key(name)
        if len(key) < 2:
            return None
        return next((body for body in self.rows if body_key(body) == key), None)

    def who_is_responsible(self, keyword: str) -> list[Responsibility]:
        """The items whose lead phrase or tasks mention the keyword, with their bodies (empty when none)."""
        words = [w for w in re.split(r"[\s、，,]+", keyword) if w]
        if not words:
            raise UnknownBodyError("请给出要查询的工作内容，例如：隐患排查、应急预案、电动自行车。")
        found = []
        for item in self.items:
            tasks = [t for t in item.tasks if all(w in t.text for w in words)]
            if tasks or all(w in item.title for w in words):
                p = item.provision
                found.append(
                    Responsibility(item, list(p.bodies), p.bodies_role, list(p.general_bodies), tasks)
                )
        return found

    def asked_body(self, question: str) -> str | None:
        """The body a question asks the duties of (市能源局负责哪些工作？), named exactly or by a short form;
        a collective body only by its full name."""
        cue = _CUE.search(question)
        if cue is None:
            return None
        subject = _FILLER.sub("", question[: cue.start()].strip())
        if not _ORGANISATION.search(subject):
            return None
        for start in range(len(subject) - 1):
            body = self._exact(subject[start:])
            if body is not None:
                return body if not self.rows[body].collective or body in question else None
        return None

    def answer(self, question: str) -> Answer | None:
        """The cited answer to "市能源局负责哪些工作？", or None when the question names no body of the matrix."""
        body = self.asked_body(question)
        return None if body is None else compose_duty_answer(self.rows[body])


def _rows(items: list[NoticeItem]) -> dict[str, BodyDuties]:
    """The matrix rows: bodies named by the items (same key, same body) and the county default of （一）."""
    names: dict[str, str] = {}  # key → canonical name (the first spelling met)
    carried: dict[str, list[Duty]] = {}
    for item in items:
        p = item.provision
        for body in p.bodies:
            name = names.setdefault(body_key(body), normalize_name(body))
            carried.setdefault(name, []).append(Duty(item, p.bodies_role or "负责"))
        for body in p.general_bodies:
            name = names.setdefault(body_key(body), normalize_name(body))
            if all(d.item is not item for d in carried.get(name, [])):
                carried.setdefault(name, []).append(Duty(item, GENERAL_ROLE, general=True))
    order = sorted(carried, key=lambda name: is_collective(name) or any(d.general for d in carried[name]))
    return {name: BodyDuties(name, is_collective(name), carried[name]) for name in order}


# --- the chat answer ----------------------------------------------------------------------------------


def compose_duty_answer(row: BodyDuties) -> Answer:
    """What a body carries: the items (and, for a few items, their tasks), every line cited to its item."""
    marks = CitationMarks()
    detailed = len(row.items) <= DETAILED_ITEMS
    named = [
        f"{d.item.heading if detailed else d.unit}{d.item.mark(marks, *_first_span(d))}" for d in row.items
    ]
    general = any(d.general for d in row.items)
    reply = (
        f"{row.body}在通知中承担{len(row.items)}项工作"
        f"{f'（通知（一）规定{GENERAL_ROLE}）' if general else ''}：{'、'.join(named)}。"
    )
    lines: list[str] = []
    for duty in row.items:
        item = duty.item
        if duty.general:
            lines.append(f"{item.heading}{item.mark(marks, *item.heading_span())}")
        else:
            p = item.provision
            bodies = "、".join(p.bodies)
            lines.append(
                f"{item.heading}：由{bodies}{p.bodies_role or '负责'}{item.mark(marks, *item.bodies_span())}"
            )
        if detailed:
            lines += [
                f"{n}. {t.text}{item.mark(marks, t.start, t.end)}" for n, t in enumerate(duty.tasks, start=1)
            ]
    return Answer("\n".join([reply, "依据：", *lines]), "duty", True, marks.citations())


def _first_span(duty: Duty) -> tuple[int, int]:
    return duty.item.heading_span() if duty.general else duty.item.bodies_span()


# --- text and exports ------------------------------------------------------------------------------------


def format_duties(rows: list[BodyDuties], tasks: bool = True) -> str:
    """Plain text for the CLI and bots: each body, its items with their role and (optionally) tasks."""
    blocks = []
    for row in rows:
        lines = [f"【{row.body}】承担{len(row.items)}项工作"]
        for duty in row.items:
            lines.append(f"{duty.item.heading}（{duty.role}）")
            if tasks:
                lines += [f"  {n}. {t.text}" for n, t in enumerate(duty.tasks, start=1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_responsibilities(keyword: str, found: list[Responsibility]) -> str:
    """Plain text for ``/duty 隐患排查``: each item that mentions the keyword and who carries it."""
    if not found:
        return f"通知中没有找到与“{keyword}”有关的工作。"
    lines = [f"通知中与“{keyword}”有关的工作共{len(found)}项："]
    for r in found:
        general = f"；{'、'.join(r.general_bodies)}{GENERAL_ROLE}" if r.general_bodies else ""
        lines.append(f"{r.item.heading}：{'、'.join(r.bodies)}{r.role or '负责'}{general}")
        lines += [f"  - {t.text}" for t in r.tasks]
    return "\n".join(lines)


def duty_tables(matrix: DutyMatrix, rows: list[BodyDuties]) -> list[Table]:
    """Two sheets: the grid (bodies × items, the role in each cell) and one row per body and item."""
    units = [item.unit for item in matrix.items]
    grid = Table(
        ["责任单位", *units, "合计"],
        [[row.body, *(_roles(row).get(unit, "") for unit in units), len(row.items)] for row in rows],
        title="责任矩阵",
    )
    listing = Table(
        ["责任单位", "事项", "工作", "分工方式", "具体任务", "出处"],
        [
            [
                row.body,
                d.unit,
                d.title,
                d.role,
                [f"{n}. {t.text}" for n, t in enumerate(d.tasks, 1)],
                d.item.citation,
            ]
            for row in rows
            for d in row.items
        ],
        title="任务清单",
    )
    return [grid, listing]


def _roles(row: BodyDuties) -> dict[str, str]:
    return {d.unit: d.role for d in row.items}


def duty_document(matrix: DutyMatrix, rows: list[BodyDuties]) -> Document:
    """The duty list as a document (Markdown or Word): a section per body, its items and tasks."""
    blocks: list[Any] = []
    for row in rows:
        blocks.append(Heading(f"{row.body}（{len(row.items)}项）"))
        for duty in row.items:
            blocks.append(Paragraph(f"{duty.item.heading}（{duty.role}）", bold=True))
            blocks.append(NumberedList([t.text for t in duty.tasks]))
    return Document(f"《{matrix.doc_title}》责任分工清单", blocks, subtitle=f"共{len(rows)}个责任单位")
