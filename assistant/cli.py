"""The command line: corpus sync/add/list/remove, index, show (and, later, search/ask/eval/serve).

Usage::

    python -m assistant corpus sync --from ../shared/corpus
    python -m assistant index
    python -m assistant show work-safety-law-2021 第二十一条 --json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.indexing import update_index
from assistant.service import Assistant, NotFoundError
from assistant.settings import Settings
from assistant.views import provision_text
from corpus.library import LibraryError, add_document, list_documents, remove_document
from corpus.model import LEVELS, DocumentInfo
from corpus.sync import sync
from indexers.layout import IndexBusyError
from indexers.reader import IndexMissingError
from indexers.vectorstore import EmbedderMismatchError

# Errors that carry a message for the user; anything else is a bug and keeps its traceback.
USER_ERRORS = (
    NotFoundError,
    LibraryError,
    IndexBusyError,
    IndexMissingError,
    EmbedderMismatchError,
    ValueError,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    settings = Settings.from_env()
    try:
        return args.handler(args, settings)
    except USER_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="安全生产知识助手")
    commands = parser.add_subparsers(metavar="命令")

    corpus = commands.add_parser("corpus", help="管理收录的文档：同步、添加、列出、删除")
    corpus_commands = corpus.add_subparsers(metavar="子命令")
    sync_parser = corpus_commands.add_parser("sync", help="从目录或 URL 同步默认文档集并校验 sha256")
    sync_parser.add_argument("--from", dest="source", help="来源目录或 URL（默认 ASSISTANT_CORPUS_SOURCE）")
    sync_parser.set_defaults(handler=cmd_sync)
    add = corpus_commands.add_parser("add", help="添加自己的文档（txt、md、pdf、docx）")
    add.add_argument("file", type=Path)
    add.add_argument("--title", required=True, help="文档标题")
    add.add_argument("--level", required=True, choices=LEVELS, help="效力层级")
    add.add_argument("--issuer", help="发布机关")
    add.add_argument("--doc-number", help="文号")
    add.add_argument("--effective", help="施行日期 YYYY-MM-DD")
    add.add_argument("--id", dest="doc_id", help="文档编号（默认由内容生成）")
    add.add_argument("--structured", action="store_true", help="按“第X条”结构解析（默认自动判断）")
    add.set_defaults(handler=cmd_add)
    listing = corpus_commands.add_parser("list", help="列出已收录的文档")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    remove = corpus_commands.add_parser("remove", help="删除自己添加的文档")
    remove.add_argument("doc_id")
    remove.set_defaults(handler=cmd_remove)

    index = commands.add_parser("index", help="建立或增量更新检索索引")
    index.add_argument("--rebuild", action="store_true", help="全部重建")
    index.add_argument("--quiet", action="store_true", help="不显示进度条")
    index.set_defaults(handler=cmd_index)

    show = commands.add_parser("show", help="显示一条条款，如：show work-safety-law-2021 第二十一条")
    show.add_argument("doc_id")
    show.add_argument("unit", help="条款：第二十一条、21、（十三）")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
    return parser


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    source = args.source or settings.corpus_source
    report = sync(source, settings.data_dir, progress=_progress_printer("同步"))
    print(report.summary())
    for failure in report.failed:
        print(f"  失败 {failure.doc_id}（{failure.path}）：{failure.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    entry = add_document(
        settings.data_dir,
        args.file,
        title=args.title,
        level=args.level,
        issuer=args.issuer,
        doc_number=args.doc_number,
        effective=args.effective,
        doc_id=args.doc_id,
        kind="law" if args.structured else "plain",
    )
    print(f"已添加《{entry.title}》，编号 {entry.id}。运行 `python -m assistant index` 后即可检索。")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    documents = list_documents(settings.data_dir)
    if args.json:
        _print_json([{**doc.to_dict()} for doc in documents])
        return 0
    if not documents:
        print("还没有收录任何文档，请先运行 `python -m assistant corpus sync`。")
        return 0
    for level in LEVELS:
        group = [doc for doc in documents if doc.level == level]
        if group:
            print(f"【{level}】")
            for doc in group:
                state = "" if doc.present else "（文件缺失或已改动）"
                extra = "，".join(x for x in (doc.doc_number, doc.effective and f"{doc.effective} 施行") if x)
                print(f"  {doc.id}  《{doc.title}》{f'（{extra}）' if extra else ''}{state}")
    print(f"共 {len(documents)} 个文档。")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    entry = remove_document(settings.data_dir, args.doc_id)
    print(f"已删除《{entry.title}》。运行 `python -m assistant index` 更新索引。")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    report = update_index(settings, rebuild=args.rebuild, progress=not args.quiet)
    print(report.summary())
    return 0 if not report.failed else 1


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    assistant = Assistant(settings)
    if args.json:
        _print_json(assistant.show(args.doc_id, args.unit))
    else:
        print(provision_text(*assistant.lookup(args.doc_id, args.unit)))
    return 0


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def _progress_printer(label: str) -> Callable[[int, int, DocumentInfo], None]:
    def report(done: int, total: int, entry: DocumentInfo) -> None:
        print(f"\r{label} {done}/{total} {entry.id:<60}", end="\n" if done == total else "", file=sys.stderr)

    return report
