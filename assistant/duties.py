"""The notice's duty matrix: every responsible body against the items it carries, with their tasks.

Bodies come from each item's closing bracket (Provision.bodies and bodies_role); the general clause of item
（一） makes the county governments (Provision.general_bodies) responsible for every item. Where an item's
bodies 分工负责, each of its tasks goes to the bodies whose remit the task names (assistant.remit: 水库 →
市水利局), and a task that names no body's remit is 待分解 — never every task to every body. Collective
bodies (市安委会有关成员单位, 市级负有安全生产监管职责的部门, 各县（市、区）人民政府) stay as written here;
the ledger (assistant.ledger) expands them when the user gives their members. Names resolve by
assistant.bodies.body_key, so 能源局, 市应急局 and 应急管理局 all resolve.

Usage::

    matrix = DutyMatrix.from_index(index)
    [d.unit for d in matrix.duties("能源局")[0].items]   # ["（十三）", "（十五）"]
    matrix.who_is_responsible("隐患排查")[0].bodies       # ["市安委会有关成员单位", …]
    matrix.answer("市能源局今年负责哪些工作？")            # an Answer citing （十三） and （十五）
    matrix.pending(matrix.items[14])                     # tasks of （十五） that name no body's remit
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer
from assistant.bodies import UnknownBodyError, body_key, is_collective, normalize_name, resolve_name
from assistant.exports import Document, Heading, NumberedList, Paragraph, Table
from assistant.marks import CitationMarks
from assistant.notice_items import NoticeItem, Task, notice_items
from assistant.remit import RemitTable
from assistant.targets import notice_year
from corpus.model import DocumentInfo, Provision

__all__ = [
    "GENERAL_ROLE",
    "BodyDuties",
    "Duty",
    "DutyMatrix",
    "Responsibility",
    "UnknownBodyError",
    "body_key",
]

GENERAL_ROLE = "各项工作均需负责"
DIVIDED_ROLE = "分工负责"  # the item's bodies share its tasks by remit
PENDING = "待分解"
DETAILED_ITEMS = 3  # an answer lists the tasks of each item when a body carries at most this many

# A question that asks what a body is responsible for; the body is named before the cue.
_CUE = re.compile(
    r"(?:主要|都|要|需要|应当|应该)?(?:负责|承担|牵头|管)(?:哪些|什么|啥|哪几项|哪项|几项)"
    r"|有(?:哪些|什么|几项)(?:工作|任务|职责)|的?(?:主要)?(?:工作|任务|职责)(?:是什么|是啥|有哪些|有什么)?[？?。]?$"
)
# How a written body name ends: the chat takes 能源局 or 市应急局 for a body, never a bare 应急 or 能源.
_ORGANISATION = re.compile(r"(?:局|支队|处|单位|部门|政府|管委会|委员会)$")
# Words between the body and the cue: 市能源局今年都要负责哪些工作, 市能源局主要是负责什么.
_FILLER = re.compile(
    r"(?:在[^，。？]{0,12}?[中里]|\d{4}年度?|今年|本年度?|全年|年内|的|主要|都|还|是|要|需要|应当|应该|具体)+$"
)


@dataclass(frozen=True)
class Duty:
    """``duty.unit, duty.role, duty.tasks``: one item a body carries, in what role, and which of its tasks."""

    item: NoticeItem
    role: str  # 负责, 分工负责, 指导督促企业落实, or GENERAL_ROLE for the county default of item （一）
    general: bool = False  # carried through the general clause of item （一）, not named in the item
    # 分工负责: the tasks whose remit names this body, each with the words that name it; None: every task
    assigned: tuple[tuple[Task, tuple[str, ...]], ...] | None = None

    @property
    def unit(self) -> str:
        return self.item.unit

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def tasks(self) -> tuple[Task, ...]:
        """The tasks this body carries: its share by remit where the bodies 分工负责, else every task."""
        return self.item.tasks if self.assigned is None else tuple(t for t, _ in self.assigned)

    def remit_words(self, task: Task) -> tuple[str, ...]:
        """The words of the task that name this body's remit (empty unless the role is 分工负责)."""
        return next((words for t, words in self.assigned or () if t == task), ())

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
    carriers: list[list[str]] = field(default_factory=list)  # 分工负责: per task, the bodies by remit

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
            "task_bodies": self.carriers,
            "citation": self.item.citation,
        }


@dataclass
class DutyMatrix:
    """Bodies against the notice items they carry; build with ``DutyMatrix.from_index(index)``."""

    items: list[NoticeItem]
    rows: dict[str, BodyDuties] = field(default_factory=dict)  # canonical body name → its row
    doc_title: str = ""
    year: int | None = None  # the year the notice plans for: deadlines without a year fall in it
    remit: RemitTable = field(default_factory=RemitTable.load)

    @classmethod
    def from_index(cls, index: Any, remit: RemitTable | None = None) -> DutyMatrix:
        """From an IndexReader (anything with ``provisions`` and ``documents`` mappings)."""
        return cls.from_provisions(index.provisions.values(), index.documents, remit)

    @classmethod
    def from_provisions(
        cls,
        provisions: Iterable[Provision],
        documents: Mapping[str, DocumentInfo],
        remit: RemitTable | None = None,
    ) -> DutyMatrix:
        items = notice_items(provisions, documents)
        remit = remit or RemitTable.load()
        document = documents[items[0].provision.doc_id] if items else None
        title = document.title if document else ""
        year = notice_year(title, document.effective) if document else None
        return cls(items, _rows(items, remit), title, year, remit)

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
        """The canonical name of a body given by a short or partial name; UnknownBodyError otherwise (a body
        the notice does not name may be a member of a collective body: the message says where to look)."""
        try:
            return resolve_name(name, self.bodies, "通知中")
        except UnknownBodyError as unknown:
            if "相近的单位有" not in str(unknown):
                raise
            hint = (
                "如果它是市安委会成员单位等集体单位的成员，请提供成员单位名单，在工作台账中查看它分到的任务。"
            )
            raise UnknownBodyError(f"{unknown}{hint}") from None

    def assignment(self, item: NoticeItem, task: Task) -> dict[str, list[str]]:
        """The item's named bodies whose remit the task names, with the words that name it."""
        return self.remit.assign(task.text, [normalize_name(b) for b in item.provision.bodies])

    def pending(self, item: NoticeItem) -> list[Task]:
        """The tasks of a 分工负责 item that name no named body's remit (待分解); empty for other items."""
        if item.provision.bodies_role != DIVIDED_ROLE:
            return []
        return [task for task in item.tasks if not self.assignment(item, task)]

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
                carriers = (
                    [list(self.assignment(item, t)) for t in tasks] if p.bodies_role == DIVIDED_ROLE else []
                )
                found.append(
                    Responsibility(
                        item, list(p.bodies), p.bodies_role, list(p.general_bodies), tasks, carriers
                    )
                )
        return found

    def asked_body(self, question: str) -> str | None:
        """The body a question asks the duties of (市能源局今年负责哪些工作？), named exactly or by a short form;
        a collective body only as a group (各县区政府, 市安委会有关成员单位), never as one of it (县政府)."""
        cue = _CUE.search(question)
        if cue is None:
            return None
        subject = _FILLER.sub("", question[: cue.start()].strip())
        if not _ORGANISATION.search(subject):
            return None
        for start in range(len(subject) - 1):
            written = subject[start:]
            key = body_key(written)
            body = next((b for b in self.rows if len(key) >= 2 and body_key(b) == key), None)
            if body is not None:
                # a collective body counts when the question names the group (各县区政府), not one of it
                group = is_collective(written) or body in question
                return body if not self.rows[body].collective or group else None
        return None

    def answer(self, question: str) -> Answer | None:
        """The cited answer to "市能源局负责哪些工作？", or None when the question names no body of the matrix."""
        body = self.asked_body(question)
        return None if body is None else compose_duty_answer(self.rows[body])


def _rows(items: list[NoticeItem], remit: RemitTable) -> dict[str, BodyDuties]:
    """The matrix rows: bodies named by the items (same key, same body) and the county default of （一）."""
    names: dict[str, str] = {}  # key → canonical name (the first spelling met)
    carried: dict[str, list[Duty]] = {}
    for item in items:
        p = item.provision
        named = [normalize_name(b) for b in p.bodies]
        shares = [remit.assign(t.text, named) for t in item.tasks] if p.bodies_role == DIVIDED_ROLE else None
        for body in named:
            name = names.setdefault(body_key(body), body)
            assigned = None
            if shares is not None:
                assigned = tuple(
                    (task, tuple(share[body]))
                    for task, share in zip(item.tasks, shares, strict=True)
                    if body in share
                )
            carried.setdefault(name, []).append(Duty(item, p.bodies_role or "负责", assigned=assigned))
        for body in p.general_bodies:
            name = names.setdefault(body_key(body), normalize_name(body))
            if all(d.item is not item for d in carried.get(name, [])):
                carried.setdefault(name, []).append(Duty(item, GENERAL_ROLE, general=True))
    order = sorted(carried, key=lambda name: is_collective(name) or any(d.general for d in carried[name]))
    return {name: BodyDuties(name, is_collective(name), carried[name]) for name in order}


# --- the chat answer ----------------------------------------------------------------------------------


def compose_duty_answer(row: BodyDuties) -> Answer:
    """What a body carries: the items (and, for a few items, its tasks), every line cited to its item; a
    body that carries every item through the general clause of （一） is told so first, citing that clause."""
    marks = CitationMarks()
    detailed = len(row.items) <= DETAILED_ITEMS
    if any(d.general for d in row.items):
        first = next(d.item for d in row.items if not d.general)  # （一）, which holds the general clause
        start, end = first.general_span()
        reply = (
            f"通知{first.unit}规定“{first.provision.text[start:end]}”{first.mark(marks, start, end)}，"
            f"{row.body}对通知全部{len(row.items)}项工作均需负责，逐项如下。"
        )
    else:
        named = [
            f"{d.item.heading if detailed else d.unit}{d.item.mark(marks, *_first_span(d))}"
            for d in row.items
        ]
        reply = f"{row.body}在通知中承担{len(row.items)}项工作：{'、'.join(named)}。"
    lines: list[str] = []
    for duty in row.items:
        item = duty.item
        if duty.general:
            lines.append(f"{item.heading}{item.mark(marks, *item.heading_span())}")
        else:
            p = item.provision
            bodies = "、".join(p.bodies)
            mark = item.mark(marks, *item.bodies_span())
            lines.append(f"{item.heading}：由{bodies}{p.bodies_role or '负责'}{mark}{_share(duty, detailed)}")
        if detailed:
            lines += [
                f"{n}. {t.text}{item.mark(marks, t.start, t.end)}" for n, t in enumerate(duty.tasks, start=1)
            ]
    return Answer("\n".join([reply, "依据：", *lines]), "duty", True, marks.citations())


def _share(duty: Duty, detailed: bool) -> str:
    """What a 分工负责 line adds: how many of the item's tasks lie in the body's remit."""
    if duty.assigned is None:
        return ""
    if not duty.tasks:
        return "；其中没有写明属于本单位职责的任务"
    return f"；按职责属于本单位的任务{len(duty.tasks)}项{'：' if detailed else ''}"


def _first_span(duty: Duty) -> tuple[int, int]:
    return duty.item.heading_span() if duty.general else duty.item.bodies_span()


# --- text and exports ------------------------------------------------------------------------------------


def format_duties(rows: list[BodyDuties], tasks: bool = True) -> str:
    """Plain text for the CLI and bots: each body, its items with their role and (optionally) tasks."""
    blocks = []
    for row in rows:
        lines = [f"【{row.body}】承担{len(row.items)}项工作"]
        for duty in row.items:
            lines.append(f"{duty.item.heading}（{_role(duty)}）")
            if tasks:
                lines += [f"  {n}. {t.text}" for n, t in enumerate(duty.tasks, start=1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _role(duty: Duty) -> str:
    """分工负责, with the body's share: 分工负责，按职责承担2项任务 (or 未写明本单位的任务)."""
    if duty.assigned is None:
        return duty.role
    share = f"按职责承担{len(duty.tasks)}项任务" if duty.tasks else "未写明属于本单位职责的任务"
    return f"{duty.role}，{share}"


def format_responsibilities(keyword: str, found: list[Responsibility]) -> str:
    """Plain text for ``/duty 隐患排查``: each item that mentions the keyword and who carries it."""
    if not found:
        return f"通知中没有找到与“{keyword}”有关的工作。"
    lines = [f"通知中与“{keyword}”有关的工作共{len(found)}项："]
    for r in found:
        general = f"；{'、'.join(r.general_bodies)}{GENERAL_ROLE}" if r.general_bodies else ""
        lines.append(f"{r.item.heading}：{'、'.join(r.bodies)}{r.role or '负责'}{general}")
        for n, task in enumerate(r.tasks):
            carriers = r.carriers[n] if r.carriers else None
            share = "" if carriers is None else f"（按职责：{'、'.join(carriers) or PENDING}）"
            lines.append(f"  - {task.text}{share}")
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
                _role(d),
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
            blocks.append(Paragraph(f"{duty.item.heading}（{_role(duty)}）", bold=True))
            blocks.append(NumberedList([t.text for t in duty.tasks]))
    return Document(f"《{matrix.doc_title}》责任分工清单", blocks, subtitle=f"共{len(rows)}个责任单位")
