"""The channel-agnostic bot core without a messenger: parsing, limits, access, context, splitting, rendering."""

from __future__ import annotations

import json
import logging

import pytest
from botapi_server import telegram_html_errors, utf16_length, visible_text

from assistant.answer import Answer, Citation
from assistant.query import QueryAnalyzer
from assistant.quiz import QuizItem
from bots.core import (
    BotConfig,
    Command,
    LawRefError,
    RateLimiter,
    Reply,
    Verdict,
    parse_command,
    parse_law_argument,
    split_blocks,
)
from bots.core.citing import Citer, ShortNames
from bots.core.commands import command_menu
from bots.core.context import MAX_KEYS, ChatContext, ContextStore
from bots.core.formatting import answer_reply, help_reply, preview, whole_sentences
from bots.core.logsafe import SecretFilter
from bots.core.markup import markdown
from bots.core.messages import Block, Button, Span, bold, plain
from bots.core.quizzes import chosen_option, quiz_message, quiz_result
from bots.core.replay import FRESH, REPEATED, STALE, ReplayGuard
from bots.dingtalk.render import action_url
from bots.dingtalk.render import messages as dingtalk_messages
from bots.feishu.render import cards
from bots.telegram import TelegramConfig, render
from bots.wecom.render import app_texts
from corpus.model import DocumentInfo

LAW, NOTICE = "work-safety-law-2021", "linfen-2025-1"


def test_commands_are_read_with_their_argument_and_addressee():
    assert parse_command("/law 安全生产法 21") == Command("law", "安全生产法 21")
    assert parse_command("/LAW@Anquan_Bot  安法 第二十一条 ") == Command(
        "law", "安法 第二十一条", "Anquan_Bot"
    )
    assert parse_command("/law安全生产法21") == Command("law", "安全生产法21")
    assert parse_command("/sources") == Command("sources")
    assert parse_command("发生事故多久上报？") is None
    assert parse_command("/ 什么") is None
    assert parse_command("/law@other_bot 21").for_other_bot("anquan_bot")
    assert not parse_command("/law@ANQUAN_BOT 21").for_other_bot("anquan_bot")


@pytest.fixture(scope="module")
def aliases() -> dict[str, str]:
    return QueryAnalyzer.load().aliases


@pytest.mark.parametrize(
    ("text", "doc_id", "units"),
    [
        ("安全生产法 21", LAW, ["21"]),
        ("安法第二十一条", LAW, ["21"]),
        ("《中华人民共和国安全生产法》第21条", LAW, ["21"]),
        ("通知 十三", NOTICE, ["13"]),
        ("临政发〔2025〕1号 （十三）", NOTICE, ["13"]),
        ("通知第十三项", NOTICE, ["13"]),
        ("安全生产法 第二十条至第二十二条", LAW, ["20", "21", "22"]),
        ("安全生产法 22-20", LAW, ["20", "21", "22"]),
        ("22", None, ["22"]),
        ("安全生产法", LAW, []),
    ],
)
def test_law_arguments_name_a_document_and_units(aliases, text, doc_id, units):
    ref = parse_law_argument(text, aliases)
    assert (ref.doc_id, ref.units) == (doc_id, units)


def test_a_law_range_is_bounded(aliases):
    with pytest.raises(LawRefError, match="一次最多查看 10 条"):
        parse_law_argument("安全生产法 1-50", aliases)


def test_the_rate_limit_is_a_sliding_window_that_warns_once():
    now = [0.0]
    limiter = RateLimiter(3, 60.0, clock=lambda: now[0])
    for moment in (0.0, 10.0, 20.0):
        now[0] = moment
        assert limiter.check("1").allowed
    now[0] = 30.0
    refused = limiter.check("1")
    assert not refused.allowed and refused.warn and refused.retry_after == 30
    now[0] = 31.0
    assert limiter.check("1") == Verdict(False, False, 29)  # the second refusal stays quiet
    assert limiter.check("2").allowed  # per user
    now[0] = 60.0
    assert limiter.check("1").allowed  # the message of 0 s left the window
    now[0] = 61.0
    again = limiter.check("1")
    assert not again.allowed and again.warn and again.retry_after == 9  # warns again after an allowed one


def test_bot_settings_are_read_and_checked():
    config = BotConfig.from_env(
        {
            "ASSISTANT_BOT_RATE": "5/60",
            "ASSISTANT_BOT_ALLOWED_USERS": "11, 12",
            "ASSISTANT_BOT_ALLOWED_CHATS": "-100200",
            "ASSISTANT_BOT_ADMINS": "13",
        }
    )
    assert config.rate == (5, 60.0)
    assert config.allows("11", "11") and config.allows("99", "-100200") and config.allows("13", "13")
    assert not config.allows("99", "99")
    assert config.is_admin("13") and not config.is_admin("11")
    assert BotConfig.from_env({}).allows("99", "99")  # no allowlist: everyone
    assert BotConfig.from_env({"ASSISTANT_BOT_ADMINS": "ou_7d8a6e6d, 42"}).admins == {"ou_7d8a6e6d", "42"}
    assert BotConfig.from_env({"ASSISTANT_BOT_RATE": "0"}).rate is None
    with pytest.raises(ValueError, match="ASSISTANT_BOT_RATE"):
        BotConfig.from_env({"ASSISTANT_BOT_RATE": "five"})
    with pytest.raises(ValueError, match="ASSISTANT_BOT_ADMINS"):
        BotConfig.from_env({"ASSISTANT_BOT_ADMINS": "老板"})


def test_telegram_settings_derive_file_url_webhook_path_and_secret():
    config = TelegramConfig.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "1:abc",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot/",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.cn/tg/hook",
        }
    )
    assert config.base_url == "http://127.0.0.1:8081/bot"
    assert config.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert config.webhook_path == "tg/hook" and config.webhook_port == 8443
    assert "abc" not in repr(config) and "1:abc" not in config.webhook_secret
    assert config.webhook_secret != TelegramConfig.from_env({"TELEGRAM_BOT_TOKEN": "2:abc"}).webhook_secret


def test_button_keys_are_short_stable_and_expire():
    context = ChatContext()
    key = context.key_for(LAW, "第二十一条")
    assert context.key_for(LAW, "第二十一条") == key and context.provision_for(key) == (LAW, "第二十一条")
    keys = [context.key_for(LAW, f"第{number}条") for number in range(MAX_KEYS)]
    assert context.provision_for(key) is None and context.provision_for(keys[-1]) == (
        LAW,
        f"第{MAX_KEYS - 1}条",
    )
    assert len(set(keys)) == MAX_KEYS and all(len(k) <= 3 for k in keys)
    with pytest.raises(ValueError):
        Button("太长", "p:" + "长" * 30)
    store = ContextStore(limit=2)
    store.get("1").last_doc = LAW
    store.get("2")
    store.get("3")
    assert store.get("1").last_doc is None  # the least recently used chat was forgotten


def _sized(blocks) -> int:
    return sum(len(b.text) for b in blocks) + 2 * (len(blocks) - 1)


def test_parts_break_between_provisions_before_breaking_inside_one():
    first = [Block([[plain("甲" * 30)]], "a"), Block([[plain("乙" * 30)]], "a")]
    second = [Block([[plain("丙" * 30)]], "b"), Block([[plain("丁" * 30)]], "b")]
    parts = split_blocks([*first, *second], 100, _sized)
    assert parts == [first, second]
    huge = [Block([[plain("戊" * 60)]], "c"), Block([[plain("己" * 60)], [plain("庚" * 250)]], "c")]
    parts = split_blocks(huge, 100, _sized)
    assert all(_sized(p) <= 100 for p in parts)
    assert "".join(b.text.replace("\n", "") for p in parts for b in p) == "戊" * 60 + "己" * 60 + "庚" * 250


def test_telegram_html_is_escaped_and_parts_fit():
    hostile = "<script>alert(1)</script> & 罚款 < 5 万元 > 1 万元"
    reply = Reply([Block([[bold(hostile)], [plain(hostile)]])], [[Button("[1] 出处", "p:1")]])
    [message] = render(reply)
    assert telegram_html_errors(message.html) == []
    assert visible_text(message.html) == f"{hostile}\n{hostile}"
    assert message.keyboard.inline_keyboard[0][0].callback_data == "p:1"

    long = Reply([Block([[bold(f"第{n}条")], [plain("<内容>" * 300)]], str(n)) for n in range(5)])
    parts = render(long, limit=4096)
    assert len(parts) > 1 and all(utf16_length(p.html) <= 4096 for p in parts)
    assert all(p.html.startswith("<b>第") and telegram_html_errors(p.html) == [] for p in parts)
    assert [p.keyboard for p in parts] == [None] * len(parts)


def test_the_token_filter_redacts_messages_arguments_and_tracebacks():
    token = "123:secret-token"
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(logging.Formatter().format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("bots.test-token-filter")
    logger.addFilter(SecretFilter({token: "<TELEGRAM_BOT_TOKEN>"}))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed https://api.telegram.org/bot{token}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    assert len(records) == 2 and not any(token in r for r in records)
    assert all("<TELEGRAM_BOT_TOKEN>" in r for r in records)


# --- what a worker sees on every channel -----------------------------------------------------------------


@pytest.fixture(scope="module")
def names(shared_corpus, aliases) -> ShortNames:
    import json

    lines = (shared_corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return ShortNames.of([DocumentInfo.from_dict(json.loads(line)) for line in lines], aliases)


def test_citation_labels_are_short_and_end_with_the_distinguishing_number(names):
    assert names.label(LAW, "第二十一条") == "《安全生产法》第21条"
    assert names.label(NOTICE, "（十三）") == "通知（十三）"
    assert (
        names.label("accident-reporting-investigation-regulation-2007", "第九条") == "《事故报告条例》第9条"
    )
    assert names.label("shanxi-work-safety-regulation-2022", "第一百条") == "《山西省安全生产条例》第100条"
    citer = Citer(ChatContext(), names, "https://anquan.example.cn")
    button = citer.button("[1] ", LAW, "第二十一条", reply="1")
    assert button.label == "[1] 《安全生产法》第21条" and button.reply == "1"
    assert (
        button.url
        == "https://anquan.example.cn/provision/work-safety-law-2021/%E7%AC%AC%E4%BA%8C%E5%8D%81%E4%B8%80%E6%9D%A1"
    )
    assert Citer(ChatContext(), names).button("", LAW, "第三条").url == ""  # no public URL: no link


def test_quotes_are_cut_at_a_sentence_end_and_marked():
    text = "生产经营单位未采取措施消除事故隐患的，责令立即消除；生产经营单位拒不执行的，可以处以罚款；构成犯罪的，依法追究刑事责任。第二句。"
    clause = "生产经营单位拒不执行的，可以处以罚款；"
    assert preview(clause) == clause + "……"  # a quote that stops inside a sentence is marked
    widened = whole_sentences(clause, text)
    assert widened.startswith("生产经营单位未采取措施") and widened.endswith("依法追究刑事责任。")
    long = "安全生产工作应当以人为本。" * 20
    cut = preview(long, limit=50)
    assert cut.endswith("。……") and len(cut) <= 52


def test_an_answer_shows_its_first_line_first_and_emphasis_as_bold(names):
    answer = Answer(
        answer="是的，应当在【1小时】内报告[1]。\n依据：\n《中华人民共和国安全生产法》第五条：可以处以罚款；[1]",
        intent="fact",
        supported=True,
        citations=[Citation(LAW, "第五条", "《中华人民共和国安全生产法》第五条", "可以处以罚款；")],
        verdict="yes",
    )
    reply = answer_reply(answer, Citer(ChatContext(), names, "https://a.example.cn"))
    first = reply.blocks[0].lines[0]
    assert "".join(s.text for s in first) == "是的，应当在1小时内报告[1]。" and all(
        s.style == "bold" for s in first
    )
    basis = reply.blocks[-1].lines[0]
    assert basis[0] == Span("《中华人民共和国安全生产法》第五条", "bold", basis[0].url) and basis[0].url
    assert "".join(s.text for s in basis).endswith("可以处以罚款；……[1]")
    assert "【" not in reply.text and reply.buttons[0][0].label == "[1] 《安全生产法》第5条"


def test_a_quiz_names_its_options_and_is_answered_by_letter(names):
    item = QuizItem(
        type="单选",
        stem="生产经营单位的主要负责人……处上一年年收入（  ）至百分之一百的罚款。",
        options={"A": "百分之四十", "B": "百分之五十", "C": "百分之六十", "D": "百分之八十"},
        answer="C",
        explanation="《中华人民共和国安全生产法》第一百一十条规定：“……百分之六十至百分之一百的罚款”。故选C。",
        doc_id=LAW,
        unit="第一百一十条",
        citation="《中华人民共和国安全生产法》第一百一十条",
        difficulty="中",
    )
    quiz = quiz_message(item, "中华人民共和国安全生产法", Citer(ChatContext(), names), version=3)
    assert quiz.explanation.endswith("故选“百分之六十”。") and quiz.correct == 2
    assert [(c.data, c.reply) for c in quiz.choices][2] == ("a:3:2", "C")
    assert quiz.buttons[0][0].label == "查看出处：《安全生产法》第110条"
    assert [chosen_option(text, quiz) for text in ("C", "c", "选C", "答案：c。", "E", "CD", "发生事故")] == [
        2,
        2,
        2,
        2,
        None,
        None,
        None,
    ]
    right, wrong = quiz_result(quiz, 2).text, quiz_result(quiz, 0).text
    assert right.startswith("回答正确！") and wrong.startswith("回答错误。正确答案：C. 百分之六十")
    shown = quiz.as_reply().text
    assert "A. 百分之四十" in shown and "回复选项字母作答" in shown and "故选" not in shown  # no answer yet


def test_help_and_menus_show_admin_commands_to_admins_only():
    assert "reindex" not in command_menu() and "reindex" in command_menu(admin=True)
    assert "/reindex" not in help_reply().text and "/reindex" in help_reply(admin=True).text


def test_signed_callbacks_are_fresh_once():
    now = [1_700_000_000.0]
    guard = ReplayGuard(window=300, clock=lambda: now[0])
    assert guard.check("1700000000", "n1") == FRESH
    assert guard.check("1700000000", "n1") == REPEATED
    assert guard.check("1699990000", "n2") == STALE and guard.check("abc", "n3") == STALE
    now[0] += 1000
    assert guard.check("1700000000", "n1") == STALE  # out of the window now


def test_credentials_in_urls_are_redacted():
    secret_filter = SecretFilter({"AppSecretValue123": "<WECOM_SECRET>", "x": "<TOO_SHORT>"})
    line = "POST https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=abc.def-123&debug=1 AppSecretValue123"
    assert secret_filter.redact(line) == (
        "POST https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=<REDACTED>&debug=1 <WECOM_SECRET>"
    )
    assert (
        secret_filter.redact("http://h/robot/sendBySession?session=s3cr3t")
        == "http://h/robot/sendBySession?session=<REDACTED>"
    )
    assert secret_filter.redact("x marks the spot") == "x marks the spot"  # too short to be a secret


def test_channel_renderings_fit_their_limits():
    blocks = [Block([[bold(f"《某法》第{n}条")], [plain("条文内容。" * 120)]], str(n)) for n in range(40)]
    reply = Reply(blocks, [[Button("[1] 《某法》第1条", "p:1", reply="1")]])
    texts = app_texts(reply)
    assert len(texts) > 10 and all(len(t.encode("utf-8")) <= 2048 for t in texts)
    assert texts[-1].endswith("回复序号查看条文原文：\n[1] 《某法》第1条")
    shown = cards(reply)
    assert len(shown) > 1 and all(len(json.dumps(c, ensure_ascii=False).encode()) <= 28_000 for c in shown)
    assert shown[-1]["elements"][-1]["actions"][0]["value"] == {"d": "p:1"}
    posts = dingtalk_messages(reply)
    assert all(len(p.get("markdown", p.get("actionCard", {})).get("text", "")) <= 5000 for p in posts)
    assert posts[-1]["msgtype"] == "actionCard" and posts[-1]["actionCard"]["btns"][0]["actionURL"].endswith(
        "content=1"
    )
    assert markdown([Block([[bold("甲"), bold("乙")], [plain("a*b [1]")]])]) == "**甲乙**\na\\*b [1]"
    linked = Button("[1] 《某法》第1条", "p:1", reply="1", url="https://anquan.example.cn/provision/x/1")
    assert action_url(linked) == linked.url  # with a public URL, 钉钉 buttons open the web page


def test_the_public_url_is_checked():
    assert (
        BotConfig.from_env({"ASSISTANT_PUBLIC_URL": "https://anquan.example.cn/"}).public_url
        == "https://anquan.example.cn"
    )
    with pytest.raises(ValueError, match="ASSISTANT_PUBLIC_URL"):
        BotConfig.from_env({"ASSISTANT_PUBLIC_URL": "anquan.example.cn"})
