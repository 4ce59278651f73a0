"""The channel-agnostic bot core without a messenger: parsing, limits, access, context, splitting, rendering."""

from __future__ import annotations

import logging

import pytest
from botapi_server import telegram_html_errors, utf16_length, visible_text

from assistant.query import QueryAnalyzer
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
from bots.core.context import MAX_KEYS, ChatContext, ContextStore
from bots.core.logsafe import SecretFilter
from bots.core.messages import Block, Button, bold, plain
from bots.telegram import TelegramConfig, render

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
