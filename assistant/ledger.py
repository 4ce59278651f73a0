"""The task ledger (工作台账) a cadre tracks the notice by: one row per body and task, with the source item,
the deadline as a date, the frequency and numbers, and empty 进度 / 完成情况 / 佐证材料 columns to fill in.

Who gets a row:

- a body the item names carries every task of the item; where the item's bodies 分工负责, only the tasks
  whose remit names the body (assistant.remit), and a task that names no body's remit gets one row marked
  待分解 with the candidate bodies;
- the bodies of the general clause of （一） (各县（市、区）人民政府, 临汾经济开发区管委会) carry every task;
- a collective body (市安委会有关成员单位 …) keeps one row per task, marked 集体责任, unless the user gives its
  member list (assistant.members): then the task goes to every member (市安委会成员单位, 各县（市、区）人民
  政府) or, for a collective of 有关 members, to the members whose remit the task names, the rest 待分解.

Usage::

    ledger = build_ledger(matrix, extract_targets(matrix.items), members=None)
    ledger.for_body("市应急管理局").rows[0].deadline   # date(2025, 6, 30) or None
    save_tables(ledger.tables(), Path("台账.xlsx"))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.bodies import by_remit, resolve_name
from assistant.duties import DIVIDED_ROLE, GENERAL_ROLE, PENDING, Duty, DutyMatrix
from assistant.exports import Block, Document, Heading, NumberedList, Paragraph, Table
from assistant.members import Members
from assistant.notice_items import NoticeItem, Task
from assistant.targets import Target, deadline_date

LEDGER_SUFFIXES = (".xlsx", ".md")
COLLECTIVE_NOTE = "集体责任：由{body}分解落实；提供成员单位名单后可分解到成员单位"
HEADERS = [
    "序号",
    "责任单位",
    "事项",
    "工作",
    "具体任务",
    "分工方式",
    "完成时限",
    "时限原文",
    "频次",
    "数量指标",
    "进度",
    "完成情况",
    "佐证材料",
    "出处",
    "备注",
]
# Columns a cadre writes in get room to write; the rest are sized to their content.
FILL_IN_WIDTHS = {"进度": 14, "完成情况": 30, "佐证材料": 30}


@dataclass(frozen=True)
class LedgerRow:
    """One body and one task: ``row.body, row.item.unit, row.task.text, row.deadline, row.note``."""

    body: str
    item: NoticeItem
    task: Task
    role: str  # 负责, 分工负责, 指导督促企业落实, 各项工作均需负责
    note: str  # how the row was assigned (按职责：水库; 集体责任…; 待分解…; 成员单位…)
    collective: bool = False  # the row stands for several bodies that are not broken down
    pending: bool = False  # no body's remit is named: 待分解
    deadlines: tuple[Target, ...] = ()
    frequencies: tuple[Target, ...] = ()
    quantities: tuple[Target, ...] = ()
    year: int | None = None

    @property
    def deadline(self) -> date | None:
        """The last day the task allows (the earliest of its deadlines), None when it names none."""
        days = [d for t in self.deadlines if (d := deadline_date(t.value, self.year or 0)) is not None]
        return min(days) if days and self.year else None

    def to_dict(self) -> dict[str, Any]:
        deadline = self.deadline
        return {
            "body": self.body,
            "unit": self.item.unit,
            "title": self.item.title,
            "task": self.task.text,
            "role": self.role,
            "deadline": deadline.isoformat() if deadline else None,
            "deadline_text": "、".join(t.value for t in self.deadlines),
            "frequency": "、".join(t.value for t in self.frequencies),
            "quantities": [{"value": t.value, "object": t.object} for t in self.quantities],
            "citation": self.item.citation,
            "note": self.note,
            "collective": self.collective,
            "pending": self.pending,
        }

    def cells(self, number: int) -> list[object]:
        return [
            number,
            self.body,
            self.item.unit,
            self.item.title,
            self.task.text,
            self.role,
            self.deadline,
            "、".join(t.value for t in self.deadlines),
            "、".join(t.value for t in self.frequencies),
            "；".join(f"{t.value}（{t.object}）" for t in self.quantities),
            "",
            "",
            "",
            self.item.citation,
            self.note,
        ]


@dataclass
class Ledger:
    """The ledger's rows and what it was built from; ``tables()`` gives the 台账 and 说明 sheets."""

    rows: list[LedgerRow]
    doc_title: str
    members: Members | None = None
    unassigned: list[tuple[str, NoticeItem]] = field(default_factory=list)  # named, no task in its remit

    @property
    def bodies(self) -> list[str]:
        return list(dict.fromkeys(row.body for row in self.rows))

    def for_body(self, name: str) -> Ledger:
        """The rows of one body (a short or partial name resolves); UnknownBodyError in Chinese."""
        names = [b for b in self.bodies if b != PENDING]
        body = resolve_name(name, [*names, *(b for b, _ in self.unassigned if b not in names)], "台账中")
        rows = [row for row in self.rows if row.body == body]
        unassigned = [(b, item) for b, item in self.unassigned if b == body]
        return Ledger(rows, self.doc_title, self.members, unassigned)

    def tables(self) -> list[Table]:
        """The 台账 sheet (a row per body and task) and the 说明 sheet (what the rows mean, counts)."""
        ledger = Table(
            HEADERS,
            [row.cells(n) for n, row in enumerate(self.rows, start=1)],
            title="工作台账",
            widths=FILL_IN_WIDTHS,
        )
        return [ledger, Table(["项目", "说明"], self._notes(), title="说明")]

    def _notes(self) -> list[list[str]]:
        collective = sum(row.collective for row in self.rows)
        pending = sum(row.pending for row in self.rows)
        source = f"《{self.doc_title}》" if self.doc_title else "通知"
        notes = [
            ["来源", f"{source}各项工作的责任单位和具体任务，每行一个单位的一项任务。"],
            ["行数", f"共{len(self.rows)}行，{len(self.bodies)}个责任单位。"],
            [
                "分工负责",
                "通知写明“分工负责”的事项，按任务所属职责（水库→水利，电梯→市场监管，公路→交通运输等）"
                f"分到单位；没有写明所属职责的任务列为“{PENDING}”，请会商确定。",
            ],
            ["总括规定", "通知（一）规定“以下均需……负责”的单位，对通知的每项任务各列一行。"],
            ["完成时限", "按通知原文换算为日期：未写年份的按通知所部署的年度计算；未写时限的留空。"],
            ["填写", "进度、完成情况、佐证材料三列由责任单位填写。"],
        ]
        if self.members is None:
            notes.append(
                [
                    "集体单位",
                    f"{collective}行的责任单位是集体单位（如市安委会有关成员单位），备注中写明“集体责任”；"
                    "提供成员单位名单后可分解到各成员单位。",
                ]
            )
        else:
            notes.append(
                [
                    "集体单位",
                    f"已按成员单位名单“{self.members.source}”分解到成员单位；"
                    f"仍有{collective}行因名单未列出成员而保留为集体单位。",
                ]
            )
        if pending:
            notes.append([PENDING, f"{pending}行的任务没有写明所属职责，需会商分解。"])
        for body, item in self.unassigned:
            notes.append(
                [
                    "未分到任务",
                    f"{body}是{item.unit}的分工负责单位，但该项任务中没有写明属于其职责的任务，请核对。",
                ]
            )
        return notes


RowFactory = Callable[..., "LedgerRow"]  # (body, duty, task, note, collective=…, pending=…) → a row


def build_ledger(matrix: DutyMatrix, targets: Sequence[Target], members: Members | None = None) -> Ledger:
    """The ledger of the whole notice (see the module docstring for who gets a row)."""
    found: dict[tuple[str, int], dict[str, list[Target]]] = {}
    for t in targets:
        found.setdefault((t.unit, t.task.start), {}).setdefault(t.kind, []).append(t)

    def row(body: str, duty: Duty, task: Task, note: str, **flags: bool) -> LedgerRow:
        kinds = found.get((duty.unit, task.start), {})
        return LedgerRow(
            body,
            duty.item,
            task,
            duty.role,
            note,
            deadlines=tuple(kinds.get("deadline", ())),
            frequencies=tuple(kinds.get("frequency", ())),
            quantities=tuple(kinds.get("quantity", ())),
            year=matrix.year,
            **flags,
        )

    rows: list[LedgerRow] = []
    unassigned: list[tuple[str, NoticeItem]] = []
    for body_row in matrix.duties():
        for duty in body_row.items:
            if duty.assigned is not None and not duty.tasks:
                unassigned.append((body_row.body, duty.item))
            for task in duty.tasks:
                if not body_row.collective:
                    rows.append(row(body_row.body, duty, task, _note(duty, task)))
                else:
                    rows += _collective_rows(body_row.body, duty, task, matrix, members, row)
    for item in matrix.items:
        candidates = "、".join(item.provision.bodies)
        for task in matrix.pending(item):
            duty = Duty(item, DIVIDED_ROLE)
            rows.append(
                row(
                    PENDING,
                    duty,
                    task,
                    f"{PENDING}：任务未写明所属职责，候选单位：{candidates}",
                    pending=True,
                )
            )
    order = {body: n for n, body in enumerate(dict.fromkeys(r.body for r in rows))}
    rows.sort(key=lambda r: (order[r.body], r.item.provision.number, r.task.start))
    return Ledger(rows, matrix.doc_title, members, unassigned)


def _note(duty: Duty, task: Task) -> str:
    if duty.general:
        return f"通知（一）：{GENERAL_ROLE}"
    words = duty.remit_words(task)
    return f"按职责：{'、'.join(words)}" if words else "通知点名负责"


def _collective_rows(
    body: str, duty: Duty, task: Task, matrix: DutyMatrix, members: Members | None, row: RowFactory
) -> list[LedgerRow]:
    """A collective body's rows for one task: its members' rows when the list names them, else one row."""
    group = members.of(body) if members else []
    if not group:
        return [row(body, duty, task, COLLECTIVE_NOTE.format(body=body), collective=True)]
    if not by_remit(body):
        return [row(m.name, duty, task, f"{body}成员单位{_general(duty)}") for m in group]
    remit = matrix.remit.with_words((m.name, m.words) for m in group)
    shares = remit.assign(task.text, [m.name for m in group])
    if not shares:
        note = f"{PENDING}：任务未写明所属职责，由{body}会商分解"
        return [row(body, duty, task, note, collective=True, pending=True)]
    return [
        row(name, duty, task, f"{body}成员单位，按职责：{'、'.join(words)}") for name, words in shares.items()
    ]


def _general(duty: Duty) -> str:
    return f"；通知（一）：{GENERAL_ROLE}" if duty.general else ""


def format_ledger(ledger: Ledger) -> str:
    """Plain text for the CLI: each body, then its tasks with item, deadline and note."""
    if not ledger.rows:
        return "台账中没有任务。"
    blocks: list[str] = []
    for body in ledger.bodies:
        rows = [row for row in ledger.rows if row.body == body]
        lines = [f"【{body}】{len(rows)}项任务"]
        for row in rows:
            due = f"（完成时限：{row.deadline.isoformat()}）" if row.deadline else ""
            lines.append(f"  {row.item.unit} {row.task.text}{due}")
            lines.append(f"      {row.note}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def ledger_document(ledger: Ledger) -> Document:
    """The ledger as a document for a preview: each body, its tasks with item, deadline and how assigned."""
    blocks: list[Block] = []
    for body in ledger.bodies:
        rows = [row for row in ledger.rows if row.body == body]
        blocks.append(Heading(f"{body}（{len(rows)}项任务）", level=3))
        lines = []
        for row in rows:
            due = f"（完成时限：{row.deadline.isoformat()}）" if row.deadline else ""
            lines.append(f"{row.item.unit} {row.task.text}{due}——{row.note}")
        blocks.append(NumberedList(lines))
    for body, item in ledger.unassigned:
        blocks.append(Paragraph(f"{body}：{item.unit}分工负责，但其中没有写明属于本单位职责的任务，请核对。"))
    return Document("", blocks or [Paragraph("台账中没有任务。")])
