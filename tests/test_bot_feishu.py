"""The 飞书 bot as users run it (`python -m assistant bot --channel feishu`) with lark-oapi against a local 飞书:
over the long connection (protobuf frames), and by encrypted, signed HTTP callback."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_process import BotProcess, bot_environment, bot_process
from feishu_server import CARD_LIMIT, FeishuServer
from platform_server import Sent
from servers import free_port

pytestmark = pytest.mark.slow
APP_ID, APP_SECRET = "cli_a1b2c3d4e5f60718", "FeishuAppSecretForTestsOnly0123456789abcd"
ENCRYPT_KEY, TOKEN = "FeishuEncryptKeyForTests0123456789", "FeishuVerificationTokenForTests"
FACT = "事故发生后，单位负责人接到报告后应当在多长时间内向县级以上人民政府报告？"


def text_of(card: Sent) -> str:
    return card.payload["elements"][0]["content"]


def buttons_of(card: Sent) -> list[dict]:
    return [b for element in card.payload["elements"][1:] for b in element["actions"]]


@pytest.fixture(scope="module")
def feishu(
    bot_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FeishuServer, BotProcess]]:
    with FeishuServer(APP_ID, APP_SECRET) as server:
        env = bot_environment(
            bot_data_dir,
            {"FEISHU_APP_ID": APP_ID, "FEISHU_APP_SECRET": APP_SECRET, "FEISHU_DOMAIN": server.url},
        )
        log = tmp_path_factory.mktemp("feishu") / "bot.log"
        with bot_process("feishu", env, log, ready=server.connected) as bot:
            yield server, bot


def say(server: FeishuServer, user: str, text: str, parts: int = 1) -> list[Sent]:
    """A message over the long connection; the cards that reply to it."""
    event = server.message_event(user, text)
    chat, mark = event["event"]["message"]["chat_id"], server.mark()
    event_id = server.push(event)
    assert server.wait_for(lambda: server.responses.get(event_id))["code"] == 200  # acknowledged
    server.wait_for(lambda: len(server.sent_since(mark, chat)) >= parts)
    return server.settle(mark, chat)


def press(server: FeishuServer, user: str, card: Sent, data: str) -> tuple[dict, list[Sent]]:
    """A button press on a card: the callback's result (toast, new card) and the cards sent after it."""
    mark = server.mark()
    event_id = server.push(server.press_event(user, card, data))
    result = server.wait_for(lambda: server.responses.get(event_id))
    return result["data"], server.settle(mark, card.to, seconds=1.0)


def test_the_long_connection_is_opened_and_kept_alive(feishu):
    server, bot = feishu
    assert server.wait_for(lambda: server.pings >= 1)  # the SDK's ping frame got its pong
    assert "长连接" in bot.log() and APP_SECRET not in bot.log()


def test_an_answer_is_a_card_with_a_button_per_citation_that_calls_back(feishu):
    server, _ = feishu
    [card] = say(server, "ou_worker1", FACT)
    assert text_of(card).startswith("**单位负责人接到报告后，应当于1小时内") and "【" not in text_of(card)
    button, up, down = buttons_of(card)
    assert button["text"]["content"] == "[1] 《事故报告条例》第9条" and button["value"]["d"].startswith("p:")
    result, [shown] = press(server, "ou_worker1", card, button["value"]["d"])
    assert result == {} and text_of(shown).startswith("**《生产安全事故报告和调查处理条例》第九条**")
    assert (up["text"]["content"], down["text"]["content"]) == ("👍 有帮助", "👎 没帮助")
    result, shown = press(server, "ou_worker1", card, up["value"]["d"])
    assert shown == [] and result["toast"]["content"] == "谢谢您的评价！"  # the rating is stored


def test_source_pages_turn_in_place_and_cards_stay_within_the_limit(feishu):
    server, _ = feishu
    [law] = say(server, "ou_worker2", "/law 通知 4-13")
    assert (
        law.size <= CARD_LIMIT
        and text_of(law).count("**《临汾市人民政府关于做好2025年安全生产工作的通知》（") == 10
    )
    [page] = say(server, "ou_worker2", "/sources")
    turn = next(b for b in buttons_of(page) if b["text"]["content"].startswith("下一页"))
    result, new_cards = press(server, "ou_worker2", page, turn["value"]["d"])
    assert new_cards == [] and result["card"]["type"] == "raw"  # the page replaces the card
    second = result["card"]["data"]["elements"][0]["content"]
    assert (
        "（第 2/2 页）" in second and "[6] 《临汾市人民政府关于做好2025年安全生产工作的通知》（九）" in second
    )


def test_a_quiz_is_answered_by_its_buttons_once(feishu):
    server, _ = feishu
    [quiz] = say(server, "ou_worker3", "/quiz 安全生产法")
    choices = [b for b in buttons_of(quiz) if re.match(r"[A-J]\. ", b["text"]["content"])]
    assert len(choices) >= 2 and all(b["value"]["d"].startswith("a:") for b in choices)
    _, [answer] = press(server, "ou_worker3", quiz, choices[0]["value"]["d"])
    assert text_of(answer).startswith(("**回答正确", "**回答错误。正确答案："))
    assert "故选“" in text_of(answer) and not re.search(r"故选[A-J]", text_of(answer))
    again, none = press(server, "ou_worker3", quiz, choices[1]["value"]["d"])
    assert none == [] and "已经作答" in again["toast"]["content"]


# --- HTTP callbacks ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http(
    bot_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FeishuServer, str, BotProcess]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/feishu/events"
    with FeishuServer(APP_ID, APP_SECRET, TOKEN, ENCRYPT_KEY) as server:
        settings = {
            "FEISHU_APP_ID": APP_ID,
            "FEISHU_APP_SECRET": APP_SECRET,
            "FEISHU_DOMAIN": server.url,
            "FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
            "FEISHU_VERIFICATION_TOKEN": TOKEN,
            "ASSISTANT_BOT_LISTEN": "127.0.0.1",
            "ASSISTANT_BOT_PORT": str(port),
        }
        challenge = {"challenge": "challenge-1", "token": TOKEN, "type": "url_verification"}

        def ready() -> bool:
            status, body = server.post(url, *server.sealed(challenge, signed=False))
            return status == 200 and json.loads(body) == {"challenge": "challenge-1"}

        log = tmp_path_factory.mktemp("feishu-http") / "bot.log"
        with bot_process("feishu", bot_environment(bot_data_dir, settings), log, ready=ready) as bot:
            yield server, url, bot


def test_signed_callbacks_are_answered_and_forged_stale_or_replayed_ones_are_not(http):
    server, url, bot = http
    event = server.message_event("ou_worker4", "/law 安全生产法 21")
    chat, mark = event["event"]["message"]["chat_id"], server.mark()
    headers, body = server.sealed(event)
    assert server.post(url, headers, body)[0] == 200
    [card] = server.wait_for(lambda: server.sent_since(mark, chat))
    assert text_of(card).startswith("**《中华人民共和国安全生产法》第二十一条**")
    assert server.post(url, headers, body) == (200, "{}")  # the same callback again: not answered twice
    forged = {**headers, "X-Lark-Signature": "0" * 64}
    assert server.post(url, forged, server.sealed(server.message_event("ou_worker4", "/help"))[1])[0] == 403
    stale = server.message_event("ou_worker4", "/quiz")
    assert server.post(url, *server.sealed(stale, timestamp=int(time.time()) - 3600))[0] == 403
    assert len(server.settle(mark, chat)) == 1
    log = bot.log()
    assert "refused a 飞书 callback" in log and "bad signature" in log and "stale timestamp" in log
    assert body.decode() not in log and "encrypt" not in log and ENCRYPT_KEY not in log and TOKEN not in log


def test_a_button_press_by_http_callback_is_answered(http):
    server, url, _ = http
    event = server.message_event("ou_worker5", "/sources")
    chat, mark = event["event"]["message"]["chat_id"], server.mark()
    server.post(url, *server.sealed(event))
    server.wait_for(lambda: server.sent_since(mark, chat))
    [question_card] = say_http(server, url, "ou_worker5", chat, FACT)
    button = buttons_of(question_card)[0]
    mark = server.mark()
    status, answer = server.post(
        url, *server.sealed(server.press_event("ou_worker5", question_card, button["value"]["d"]))
    )
    assert status == 200 and json.loads(answer) == {}
    [shown] = server.wait_for(lambda: server.sent_since(mark, chat))
    assert text_of(shown).startswith("**《生产安全事故报告和调查处理条例》第九条**")


def say_http(server: FeishuServer, url: str, user: str, chat: str, text: str) -> list[Sent]:
    event = server.message_event(user, text, chat=chat)
    mark = server.mark()
    assert server.post(url, *server.sealed(event))[0] == 200
    server.wait_for(lambda: server.sent_since(mark, chat))
    return server.settle(mark, chat)
