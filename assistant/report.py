"""What the question log tells a bureau: the questions nobody answered, the answers rated down, and the
provisions cited most — which documents to add, which answers to check.

Usage::

    report = build_report(QuestionLog.open(settings), days=30, top=20)
    print(report_text(report))                 # python -m assistant report
    save_tables(report.tables(), Path("report.xlsx"))
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from assistant.exports import Table
from assistant.questionlog import DAY_S, QuestionLog

DEFAULT_DAYS = 30
DEFAULT_TOP = 20
_ENDING = re.compile(r"[\s？?。.！!，,；;：:]+$")


@dataclass(frozen=True)
class Refused:
    """A question (as first written) that found no basis, and how often it was asked that way."""

    question: str
    count: int
    last_asked: str


@dataclass(frozen=True)
class LowRated:
    """An answer rated 👎 at least once: the question, the start of the answer, its citations, ratings."""

    question: str
    answer: str
    citations: list[str]
    down: int
    up: int
    comments: list[str]
    asked: str


@dataclass(frozen=True)
class Cited:
    citation: str
    count: int


@dataclass
class Report:
    """The figures and the three lists over the last ``days`` days."""

    days: int
    questions: int = 0
    refused: int = 0
    people: int = 0
    up: int = 0
    down: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    top_refused: list[Refused] = field(default_factory=list)
    low_rated: list[LowRated] = field(default_factory=list)
    top_cited: list[Cited] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def tables(self) -> list[Table]:
        """The report as sheets for save_tables (.xlsx)."""
        summary = [
            ["统计天数", self.days],
            ["提问总数", self.questions],
            ["未能回答（没有找到依据）", self.refused],
            ["提问的人（或会话）数", self.people],
            ["👍 有帮助", self.up],
            ["👎 没帮助", self.down],
            *([f"渠道：{name}", count] for name, count in sorted(self.by_channel.items())),
        ]
        return [
            Table(["项目", "数值"], summary, title="概况"),
            Table(
                ["问题", "次数", "最近一次"],
                [[r.question, r.count, r.last_asked] for r in self.top_refused],
                title="未能回答的问题",
            ),
            Table(
                ["问题", "回答（开头）", "出处", "👎", "👍", "意见", "提问时间"],
                [
                    [
                        r.question,
                        r.answer,
                        "；".join(r.citations),
                        r.down,
                        r.up,
                        "；".join(r.comments),
                        r.asked,
                    ]
                    for r in self.low_rated
                ],
                title="评价低的回答",
            ),
            Table(
                ["条款", "被引用次数"],
                [[c.citation, c.count] for c in self.top_cited],
                title="引用最多的条款",
            ),
        ]


def build_report(
    log: QuestionLog, days: int = DEFAULT_DAYS, top: int = DEFAULT_TOP, now: float | None = None
) -> Report:
    """The report over the last ``days`` days, each list cut to ``top`` entries."""
    since = (now if now is not None else log.now()) - days * DAY_S
    report = Report(days)
    rows = log.query(
        "SELECT channel, who, question, supported, citations, asked_at FROM questions WHERE asked_at >= ? "
        "ORDER BY asked_at",
        (since,),
    )
    report.questions = len(rows)
    report.people = len({row[1] for row in rows})
    report.by_channel = dict(Counter(row[0] for row in rows))
    refused: dict[str, list[Any]] = {}
    cited: Counter[str] = Counter()
    for _channel, _who, question, supported, citations, asked_at in rows:
        if supported:
            cited.update(json.loads(citations))
            continue
        report.refused += 1
        entry = refused.setdefault(_normal(question), [question, 0, 0.0])
        entry[1] += 1
        entry[2] = max(entry[2], asked_at)
    ranked = sorted(refused.values(), key=lambda e: (-e[1], -e[2]))
    report.top_refused = [Refused(q, n, _when(at)) for q, n, at in ranked[:top]]
    report.top_cited = [Cited(c, n) for c, n in cited.most_common(top)]
    (report.up,) = log.query(
        "SELECT COUNT(*) FROM feedback JOIN questions USING (ref) WHERE rating = 1 AND asked_at >= ?",
        (since,),
    )[0]
    (report.down,) = log.query(
        "SELECT COUNT(*) FROM feedback JOIN questions USING (ref) WHERE rating = -1 AND asked_at >= ?",
        (since,),
    )[0]
    rated = log.query(
        "SELECT q.question, q.answer, q.citations, q.asked_at, SUM(f.rating = -1), SUM(f.rating = 1), "
        "GROUP_CONCAT(NULLIF(f.comment, ''), '\x1f') FROM questions q JOIN feedback f USING (ref) "
        "WHERE q.asked_at >= ? GROUP BY q.ref HAVING SUM(f.rating = -1) > 0 "
        "ORDER BY SUM(f.rating = -1) DESC, q.asked_at DESC LIMIT ?",
        (since, top),
    )
    report.low_rated = [
        LowRated(
            q, _excerpt(a), json.loads(c), down, up, comments.split("\x1f") if comments else [], _when(at)
        )
        for q, a, c, at, down, up, comments in rated
    ]
    return report


def report_text(report: Report) -> str:
    """The report as plain Chinese text for the terminal."""
    share = f"（{report.refused / report.questions:.0%}）" if report.questions else ""
    lines = [
        f"最近 {report.days} 天：提问 {report.questions} 次（{report.people} 人或会话），"
        f"未能回答 {report.refused} 次{share}；评价 👍 {report.up} 次、👎 {report.down} 次。",
        "",
        "【未能回答的问题（按次数）】——考虑收录能回答它们的文件",
        *(
            f"{n:>3}. {r.question}（{r.count} 次，最近 {r.last_asked}）"
            for n, r in enumerate(report.top_refused, 1)
        ),
        *([] if report.top_refused else ["    （没有）"]),
        "",
        "【评价低的回答】——请核对回答和出处",
        *(
            f"{n:>3}. {r.question}（👎 {r.down}，👍 {r.up}）\n     回答：{r.answer}\n     出处：{'；'.join(r.citations) or '无'}"
            + (f"\n     意见：{'；'.join(r.comments)}" if r.comments else "")
            for n, r in enumerate(report.low_rated, 1)
        ),
        *([] if report.low_rated else ["    （没有）"]),
        "",
        "【引用最多的条款】",
        *(f"{n:>3}. {c.citation}（{c.count} 次）" for n, c in enumerate(report.top_cited, 1)),
        *([] if report.top_cited else ["    （没有）"]),
    ]
    return "\n".join(lines)


def _normal(question: str) -> str:
    """A question with its spacing and closing punctuation ignored, for counting repeats."""
    return _ENDING.sub("", "".join(question.split())).lower()


def _excerpt(answer: str, limit: int = 120) -> str:
    flat = " ".join(answer.split())
    return flat if len(flat) <= limit else flat[:limit] + "……"


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")
