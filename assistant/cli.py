"""The command line: corpus sync/add/list/remove, index, show, search, ask, eval, serve, report.

Usage::

    python -m assistant corpus sync --from ../shared/corpus
    python -m assistant index
    python -m assistant show work-safety-law-2021 第二十一条 --json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.cli_output import print_json
from assistant.exports import save_tables
from assistant.indexing import update_index
from assistant.questionlog import QuestionLog
from assistant.quiz.command import add_quiz_arguments, run_quiz
from assistant.report import DEFAULT_DAYS, DEFAULT_TOP, build_report, report_text
from assistant.retrieval import MODES
from assistant.service import Assistant, NotFoundError, QuestionError
from assistant.settings import Settings
from assistant.study_cli import add_study_commands
from assistant.views import document_line, provision_text
from corpus.importer import LibraryImportError, import_tree
from corpus.library import LibraryError, add_document, list_documents, remove_document
from corpus.model import LEVELS, TIERS, DocumentInfo
from corpus.sync import sync
from corpus.versions import STATUSES, VersionIndex
from indexers.layout import IndexBusyError, IndexLayout
from indexers.reader import IndexMissingError
from indexers.vectorstore import EmbedderMismatchError
from indexers.workers import limit_threads

# Errors that carry a message for the user; anything else is a bug and keeps its traceback.
USER_ERRORS = (
    NotFoundError,
    LibraryError,
    LibraryImportError,
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
    listing = corpus_commands.add_parser("list", help="列出已收录的文档、时效性和版本")
    listing.add_argument("--json", action="store_true")
    listing.add_argument(
        "--tier", choices=TIERS, help="只列出该来源：default 默认文档集、user 自己的、library 法规库"
    )
    listing.add_argument("--level", choices=LEVELS, help="只列出该层级")
    listing.add_argument("--status", choices=STATUSES, help="只列出该时效性")
    listing.set_defaults(handler=cmd_list)
    importing = corpus_commands.add_parser(
        "import", help="导入 LawRefBook 式的法规目录树作为法规库（可重复导入，只复制新增或改动的文件）"
    )
    importing.add_argument("directory", type=Path, help="法规目录（如解包后的 lawrefbook/）")
    importing.add_argument("--json", action="store_true", help="以 JSON 输出逐个文件的结果")
    importing.set_defaults(handler=cmd_import)
    remove = corpus_commands.add_parser("remove", help="删除自己添加的文档")
    remove.add_argument("doc_id")
    remove.set_defaults(handler=cmd_remove)

    index = commands.add_parser("index", help="建立或增量更新检索索引")
    index.add_argument("--rebuild", action="store_true", help="全部重建")
    index.add_argument("--quiet", action="store_true", help="不显示进度条")
    index.add_argument(
        "--no-embed",
        action="store_true",
        help="只建关键词索引；语义向量由 serve 在后台计算或下次 index 时计算",
    )
    index.set_defaults(handler=cmd_index)

    show = commands.add_parser("show", help="显示一条条款，如：show work-safety-law-2021 第二十一条")
    show.add_argument("doc_id")
    show.add_argument("unit", help="条款：第二十一条、21、（十三）")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    search = commands.add_parser("search", help="检索相关条款")
    search.add_argument("question", nargs="?", help="问题")
    search.add_argument("--batch", type=Path, help="每行一个问题的文件；每行输出一个 JSON 对象")
    search.add_argument("--k", type=int, default=10, help="返回条数（默认 10）")
    search.add_argument("--mode", choices=MODES, default="hybrid", help="检索方式（默认 hybrid）")
    search.add_argument("--doc", action="append", dest="doc_ids", help="只在该文档中检索（可重复）")
    search.add_argument(
        "--level", action="append", dest="levels", choices=LEVELS, help="只检索该层级（可重复）"
    )
    search.add_argument("--tier", action="append", dest="tiers", choices=TIERS, help="只检索该来源（可重复）")
    search.add_argument(
        "--province", action="append", dest="provinces", help="只检索该省的地方性法规（可重复）"
    )
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=cmd_search)

    ask = commands.add_parser("ask", help="提问，得到带出处的回答")
    ask.add_argument("question", help="问题")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(handler=cmd_ask)

    serve = commands.add_parser("serve", help="启动网页版和 HTTP API（没有索引时先同步文档并建立索引）")
    serve.add_argument("--host", help="监听地址（默认 ASSISTANT_HOST，即 127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认 ASSISTANT_PORT，即 7860）")
    serve.set_defaults(handler=cmd_serve)

    from bots.channels import CHANNELS  # bots is the layer to the right: only the bot command reaches it

    bot = commands.add_parser("bot", help="运行机器人：Telegram、企业微信、钉钉或飞书")
    names = "、".join(f"{name}（{title}）" for name, (title, _) in CHANNELS.items())
    bot.add_argument("--channel", choices=list(CHANNELS), default="telegram", help=f"渠道：{names}")
    bot.set_defaults(handler=cmd_bot)

    report = commands.add_parser("report", help="问题报告：没能回答的问题、评价低的回答、引用最多的条款")
    report.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"统计最近多少天（默认 {DEFAULT_DAYS}）"
    )
    report.add_argument(
        "--top", type=int, default=DEFAULT_TOP, help=f"每个列表最多列出多少条（默认 {DEFAULT_TOP}）"
    )
    report.add_argument("--out", type=Path, help="另存为 Excel 文件（.xlsx）")
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=cmd_report)

    add_study_commands(commands)  # duties, targets, study

    quiz = commands.add_parser("quiz", help="出题：生成单选、多选、判断、填空题，导出 Excel、Word、JSON")
    add_quiz_arguments(quiz)
    quiz.set_defaults(handler=lambda args, settings: run_quiz(args, Assistant(settings)))

    # evals is the layer to the right of assistant: the eval command is the one place that reaches into it.
    from evals.cli import add_eval_arguments

    evaluate = commands.add_parser("eval", help="评测检索与问答质量（开发集、考试题、条号查找）")
    add_eval_arguments(evaluate)
    evaluate.set_defaults(handler=cmd_eval)
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


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    report = import_tree(args.directory, settings.data_dir, progress=_progress_printer("导入"))
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.summary())
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    every = list_documents(settings.data_dir)
    versions = VersionIndex.build(every)
    documents = [
        doc
        for doc in (versions.apply(d) for d in every)
        if (not args.tier or doc.tier == args.tier)
        and (not args.level or doc.level == args.level)
        and (not args.status or doc.status == args.status)
    ]
    if args.json:
        print_json(
            [
                {**doc.to_dict(), "versions": [v.to_dict() for v in versions.versions(doc.id)]}
                for doc in documents
            ]
        )
        return 0
    if not every:
        print("还没有收录任何文档，请先运行 `python -m assistant corpus sync`。")
        return 0
    for level in LEVELS:
        group = [doc for doc in documents if doc.level == level]
        if group:
            print(f"【{level}】")
            for doc in group:
                print(f"  {doc.id}  {document_line(doc, versions)}")
    print(f"共 {len(documents)} 个文档。")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    entry = remove_document(settings.data_dir, args.doc_id)
    print(f"已删除《{entry.title}》。运行 `python -m assistant index` 更新索引。")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    limit_threads(1)  # this process embeds in-process with one thread; worker processes take the other cores
    report = update_index(settings, rebuild=args.rebuild, progress=not args.quiet, embed=not args.no_embed)
    print(report.summary())
    return 0 if not report.failed else 1


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    assistant = Assistant(settings)
    if args.json:
        print_json(assistant.show(args.doc_id, args.unit))
    else:
        provision, document = assistant.lookup(args.doc_id, args.unit)
        print(provision_text(provision, document, assistant.index.versions.versions(document.id)))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.batch is None):
        print("错误：请给出一个问题，或用 --batch 指定问题文件（二选一）", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    options = {
        "k": args.k,
        "mode": args.mode,
        "doc_ids": args.doc_ids,
        "levels": args.levels,
        "tiers": args.tiers,
        "provinces": args.provinces,
    }
    if args.batch:
        return _search_batch(assistant, args.batch, options)
    hits = assistant.search(args.question, **options)
    if args.json:
        print_json({"query": args.question, "hits": [hit.to_dict() for hit in hits]}, indent=None)
        return 0
    if not hits:
        print("没有找到相关条款。")
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. {hit.citation}（{hit.score:.4f}）\n   {_shorten(hit.passage or hit.provision.text)}")
    return 0


def _search_batch(assistant: Assistant, path: Path, options: dict[str, Any]) -> int:
    """One JSON object per input line, in order; a bad line gets an error object, the rest still run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"错误：无法读取问题文件 {path}：{exc}", file=sys.stderr)
        return 1
    for line in lines:
        try:
            hits = assistant.search(line, **options)
            print_json({"query": line, "hits": [hit.to_dict() for hit in hits]}, indent=None)
        except (QuestionError, NotFoundError) as exc:
            print_json({"query": line, "hits": [], "error": str(exc)}, indent=None)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    answer = Assistant(settings).ask(args.question)
    if args.json:
        print_json(answer.to_dict())
        return 0
    print(answer.answer)
    if answer.citations:
        print("\n出处：")
        for number, cited in enumerate(answer.citations, start=1):
            print(f"[{number}] {cited.citation}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if IndexLayout(settings.data_dir).current() is None:
        print("还没有索引：先同步默认文档集，再建立索引（只需一次）。", file=sys.stderr)
        cmd_sync(argparse.Namespace(source=None), settings)
        cmd_index(argparse.Namespace(rebuild=False, quiet=False, no_embed=True), settings)
    from assistant.web.server import serve  # gradio loads only for this command

    serve(settings, args.host or settings.host, args.port or settings.port)
    return 0


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from bots.channels import run_channel

    return run_channel(args.channel, settings)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    log = QuestionLog.open(settings)
    if log is None:
        print("没有问题记录：ASSISTANT_QUESTION_LOG_DAYS 为 0，不记录问题。", file=sys.stderr)
        return 1
    report = build_report(log, days=args.days, top=args.top)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report_text(report))
    if args.out:
        print(f"已保存：{save_tables(report.tables(), args.out)}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.cli import run

    return run(args, Assistant(settings))


def _shorten(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "……"


def _progress_printer(label: str) -> Callable[[int, int, DocumentInfo | str], None]:
    def report(done: int, total: int, entry: DocumentInfo | str) -> None:
        name = entry if isinstance(entry, str) else entry.id
        if done % 50 and done != total and isinstance(entry, str):
            return  # thousands of files: every 50th is enough
        print(f"\r{label} {done}/{total} {name[:60]:<60}", end="\n" if done == total else "", file=sys.stderr)

    return report
