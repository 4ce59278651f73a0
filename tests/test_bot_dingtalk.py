"""The 钉钉 robot as users run it (`python -m assistant bot --channel dingtalk`): the dingtalk-stream SDK against
a local 钉钉 that speaks the Stream protocol, answers going to each message's session webhook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bot_process import BotProcess, bot_environment, bot_process, run_bot
from dingtalk_server import ROBOT_TOPIC, DingTalkServer

from bots.dingtalk.render import MARKDOWN_LIMIT

pytestmark = pytest.mark.slow
CLIENT_ID, CLIENT_SECRET = "dingtestappkey0001", "DingTalkSecretForTestsOnly-0123456789abcdefABCDEF"
FACT = "事故发生后，单位负责人接到报告后应当在多长时间内向县级以上人民政府报告？"


@pytest.fixture(scope="module")
def robot(
    bot_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DingTalkServer, BotProcess]]:
    with DingTalkServer(CLIENT_ID, CLIENT_SECRET) as server:
        env = bot_environment(
            bot_data_dir,
            {
                "DINGTALK_CLIENT_ID": CLIENT_ID,
                "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
                "DINGTALK_OPENAPI_ENDPOINT": server.url,
            },
        )
        log = tmp_path_factory.mktemp("dingtalk") / "bot.log"
        with bot_process("dingtalk", env, log, ready=server.connected) as bot:
            yield server, bot


def say(server: DingTalkServer, staff: str, text: str, group: str = "", parts: int = 1) -> list[dict]:
    """A robot message; the messages posted to its session webhook (at least ``parts``)."""
    chat = group or f"cid-single-{staff}"
    mark = server.mark()
    message_id = server.push(staff, text, group)
    server.wait_for(lambda: len(server.sent_since(mark, chat)) >= parts)
    assert server.wait_for(lambda: server.acks.get(message_id))["code"] == 200  # acknowledged at once
    return [{"kind": s.kind, **s.payload} for s in server.settle(mark, chat)]


def test_the_stream_connection_is_opened_with_the_apps_credentials(robot):
    server, bot = robot
    check, *connections = server.openings  # the bot checks its credentials, then the SDK connects
    assert check["clientId"] == CLIENT_ID and connections
    assert all(c["clientId"] == CLIENT_ID for c in connections)
    assert {"type": "CALLBACK", "topic": ROBOT_TOPIC} in connections[-1]["subscriptions"]
    ping = server.ping()
    ack = server.wait_for(lambda: server.acks.get(ping))
    assert ack["code"] == 200 and '"opaque-42"' in ack["data"]
    assert "Stream 模式" in bot.log()


def test_an_answer_is_an_action_card_with_a_button_per_citation(robot):
    server, _ = robot
    [card] = say(server, "staff-1", FACT)
    assert card["kind"] == "actionCard" and card["title"].startswith("单位负责人接到报告后")
    assert card["text"].startswith("**单位负责人接到报告后，应当于1小时内")  # the answer first, in bold
    assert "【" not in card["text"]
    button, up, down = card["btns"]
    assert button["title"] == "[1] 《事故报告条例》第9条"
    assert (
        button["actionURL"] == f"dtmd://dingtalkclient/sendMessage?content={quote('1')}"
    )  # sends “1” for the user
    [provision] = say(server, "staff-1", "1")  # what the button sends
    assert provision["kind"] == "markdown" and provision["text"].startswith(
        "**《生产安全事故报告和调查处理条例》第九条**"
    )
    assert (up["title"], down["title"]) == ("👍 有帮助", "👎 没帮助")
    assert down["actionURL"] == f"dtmd://dingtalkclient/sendMessage?content={quote('👎')}"
    [rated] = say(server, "staff-1", "👎")  # what 👎 sends: the latest answer is rated down
    assert rated["text"].startswith("已记录") and "意见：" in rated["text"]


def test_long_replies_are_split_at_provision_boundaries_within_the_limit(robot):
    server, _ = robot
    parts = say(server, "staff-2", "/law 通知 4-13", parts=2)
    assert len(parts) >= 2 and all(len(p["text"]) <= MARKDOWN_LIMIT for p in parts)
    assert all(p["text"].startswith("**《临汾市人民政府关于做好2025年安全生产工作的通知》（") for p in parts)
    whole = "".join(p["text"] for p in parts)
    assert all(whole.count(f"》（{n}）") == 1 for n in ("四", "五", "十", "十三"))


def test_a_quiz_has_a_button_per_option_and_is_answered_by_the_letter(robot):
    server, _ = robot
    [quiz] = say(server, "staff-3", "/quiz 安全生产法")
    letters = [re.search(r"content=(\w)$", b["actionURL"]).group(1) for b in quiz["btns"]]
    assert quiz["kind"] == "actionCard" and letters == list("ABCD"[: len(letters)]) and len(letters) >= 2
    [result] = say(server, "staff-3", letters[0])
    assert result["text"].startswith(("**回答正确", "**回答错误。正确答案："))
    assert "故选“" in result["text"] and not re.search(r"故选[A-J]", result["text"])


def test_a_group_message_is_answered_in_the_group_and_a_redelivery_once(robot):
    server, _ = robot
    [reply] = say(server, "staff-4", "@安全助手 /law 安全生产法 21", group="cid-group-1")
    assert reply["text"].startswith("**《中华人民共和国安全生产法》第二十一条**")
    mark = server.mark()
    server.push("staff-4", "/help", group="cid-group-1", message_id="msg-redelivered")
    server.push("staff-4", "/help", group="cid-group-1", message_id="msg-redelivered")  # 钉钉 sends it again
    server.wait_for(lambda: server.sent_since(mark, "cid-group-1"))
    assert len(server.settle(mark, "cid-group-1")) == 1


def test_secrets_and_session_tokens_never_reach_the_log(robot):
    _, bot = robot
    log = bot.log()
    assert CLIENT_SECRET not in log and "session-token-" not in log and "Traceback" not in log


def test_refused_credentials_are_explained(bot_data_dir: Path):
    with DingTalkServer(CLIENT_ID, CLIENT_SECRET) as server:
        wrong = "DingTalkSecretThatIsWrong-abcdefghijklmnopqrstuvwxyz"
        env = {
            "DINGTALK_CLIENT_ID": CLIENT_ID,
            "DINGTALK_CLIENT_SECRET": wrong,
            "DINGTALK_OPENAPI_ENDPOINT": server.url,
        }
        refused = run_bot("dingtalk", bot_environment(bot_data_dir, env))
    assert refused.returncode == 1 and "钉钉没有接受 Stream 连接" in refused.stderr
    assert wrong not in refused.stdout + refused.stderr
