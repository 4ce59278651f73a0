"""The study commands of the CLI: duties (the duty matrix), targets (deadlines and numbers), study (handouts).

Usage::

    python -m assistant duties --body 能源局 --json
    python -m assistant duties --out duties.xlsx          # or duties.md, duties.docx
    python -m assistant duties --ledger --members 成员单位.csv --out 台账.xlsx
    python -m assistant targets --out targets.xlsx
    python -m assistant study "重大事故隐患" --out handout.docx     # or handout.md, 提纲.pptx
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.cli_output import print_json
from assistant.duties import duty_document, duty_tables, format_duties, format_responsibilities
from assistant.exports import DOCUMENT_SUFFIXES, output_suffix, save_document, save_tables
from assistant.handouts import handout_dict
from assistant.ledger import LEDGER_SUFFIXES, format_ledger
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.targets import format_targets, target_table


def add_study_commands(commands: Any) -> None:
    """Add duties, targets and study to the CLI's subcommands."""
    duties = commands.add_parser("duties", help="通知责任分工：每个责任单位承担哪些事项和任务")
    duties.add_argument("--body", help="只看一个单位，如：市能源局、能源局、应急管理局")
    duties.add_argument("--task", help="按工作内容查找责任单位，如：隐患排查")
    duties.add_argument("--ledger", action="store_true", help="工作台账：每个单位的每项任务一行，含完成时限")
    duties.add_argument(
        "--members", type=Path, help="成员单位名单（.csv 或 .xlsx），台账据此把集体单位分解到成员单位"
    )
    duties.add_argument("--json", action="store_true")
    duties.add_argument("--out", type=Path, help="导出到文件：.xlsx、.md 或 .docx（台账：.xlsx 或 .md）")
    duties.set_defaults(handler=cmd_duties)

    targets = commands.add_parser("targets", help="通知中的时限、频次和数量指标")
    targets.add_argument("--json", action="store_true")
    targets.add_argument("--out", type=Path, help="导出到文件：.xlsx 或 .md")
    targets.set_defaults(handler=cmd_targets)

    study = commands.add_parser("study", help="生成专题学习材料（通知要求、法规依据、罚则、要点）")
    study.add_argument("topic", help="主题，如：重大事故隐患、应急预案、电动自行车、矿山")
    study.add_argument("--json", action="store_true")
    study.add_argument("--out", type=Path, help="导出到文件：.docx、.md，或学习提纲 .pptx")
    study.set_defaults(handler=cmd_study)


def cmd_duties(args: argparse.Namespace, settings: Settings) -> int:
    assistant = Assistant(settings)
    if args.ledger or args.members:
        return _ledger(assistant, args)
    if args.task:
        found = assistant.who_is_responsible(args.task)
        if args.json:
            print_json([r.to_dict() for r in found])
        else:
            print(format_responsibilities(args.task, found))
        return 0
    rows = assistant.duties(args.body)
    if args.out:
        matrix = assistant.duty_matrix
        if output_suffix(args.out, (".xlsx", *DOCUMENT_SUFFIXES)) == ".xlsx":
            return _export(lambda: save_tables(duty_tables(matrix, rows), args.out), f"{len(rows)}个责任单位")
        return _export(lambda: save_document(duty_document(matrix, rows), args.out), f"{len(rows)}个责任单位")
    if args.json:
        print_json([row.to_dict() for row in rows])
    else:
        print(format_duties(rows, tasks=args.body is not None))
    return 0


def _ledger(assistant: Assistant, args: argparse.Namespace) -> int:
    """The task ledger of the whole notice or one body, printed, as JSON or written to a file."""
    if args.out:
        output_suffix(args.out, LEDGER_SUFFIXES)  # refuse a wrong suffix before any work
    ledger = assistant.ledger(args.members)
    if args.body:
        ledger = ledger.for_body(args.body)
    if args.out:
        return _export(lambda: save_tables(ledger.tables(), args.out), f"{len(ledger.rows)}项任务")
    if args.json:
        print_json([row.to_dict() for row in ledger.rows])
    else:
        print(format_ledger(ledger))
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    targets = Assistant(settings).targets()
    if args.out:
        return _export(lambda: save_tables(target_table(targets), args.out), f"{len(targets)}条时限和指标")
    if args.json:
        print_json([t.to_dict() for t in targets])
    else:
        print(format_targets(targets))
    return 0


def cmd_study(args: argparse.Namespace, settings: Settings) -> int:
    handout = Assistant(settings).handout(args.topic)
    if args.out:
        return _export(lambda: handout.save(args.out), f"{len(handout.citations)}处出处")
    if args.json:
        print_json(handout_dict(handout))
    else:
        print(handout.to_markdown())
    return 0


def _export(write: Callable[[], Path], what: str) -> int:
    """Run the writer; a file that cannot be written is reported in Chinese."""
    try:
        path = write()
    except OSError as exc:
        print(f"错误：无法写入文件：{exc.strerror or exc}（{exc.filename or ''}）", file=sys.stderr)
        return 1
    print(f"已导出到 {path}（{what}）。")
    return 0
