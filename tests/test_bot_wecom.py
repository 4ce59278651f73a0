"""The 企业微信 bot as users run it (`python -m assistant bot --channel wecom`) against a local 企业微信:
a self-built application (encrypted callbacks in, message API out) and an 智能机器人 (long connection)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_process import BotProcess, bot_environment, bot_process, run_bot
from platform_server import tls_files
from servers import free_port
from wecom_server import APP_TEXT_LIMIT, WeComCredentials, WeComServer, aibot_text

from bots.core.conversation import APOLOGY, NOT_TEXT

pytestmark = pytest.mark.slow
CREDENTIALS = WeComCredentials()
PUBLIC_URL = "https://anquan.example.cn"
FACT = "事故发生后，单位负责人接到报告后应当在多长时间内向县级以上人民政府报告？"
ADMIN = "anquan-admin"


@pytest.fixture(scope="module")
def app(
    bot_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WeComServer, str, BotProcess]]:
    """The application bot, its callback URL, and the local 企业微信 it sends through."""
    port = free_port()
    callback = f"http://127.0.0.1:{port}/wecom/callback"
    with WeComServer(CREDENTIALS) as server:
        env = bot_environment(
            bot_data_dir,
            {
                "WECOM_CORP_ID": CREDENTIALS.corp_id,
                "WECOM_AGENT_ID": str(CREDENTIALS.agent_id),
                "WECOM_SECRET": CREDENTIALS.secret,
                "WECOM_TOKEN": CREDENTIALS.token,
                "WECOM_AES_KEY": CREDENTIALS.aes_key,
                "WECOM_API_BASE": f"{server.url}/cgi-bin/",
                "ASSISTANT_BOT_LISTEN": "127.0.0.1",
                "ASSISTANT_BOT_PORT": str(port),
                "ASSISTANT_PUBLIC_URL": PUBLIC_URL,
                "ASSISTANT_BOT_ADMINS": ADMIN,
                "ASSISTANT_BOT_RATE": "30/60",
            },
        )
        log = tmp_path_factory.mktemp("wecom-app") / "bot.log"
        with bot_process("wecom", env, log, ready=lambda: server.verify_url(callback)[0] == 200) as bot:
            yield server, callback, bot


def ask(server: WeComServer, url: str, user: str, text: str, parts: int = 1) -> list[str]:
    """A user's message through the callback; the texts the bot sends back (at least ``parts`` of them)."""
    mark = server.mark()
    status, _ = server.deliver(url, user, text)
    assert status == 200
    server.wait_for(lambda: len(server.sent_since(mark, user)) >= parts)
    return [s.payload for s in server.settle(mark, user)]


def test_the_console_check_of_the_callback_url(app):
    server, url, _ = app
    status, echo = server.verify_url(url)
    assert status == 200 and echo.startswith("echo-")  # the decrypted echostr, as the console expects
    assert server.verify_url(url, signature="0" * 40)[0] == 403


def test_an_answer_comes_verdict_first_with_numbered_sources_and_links(app):
    server, url, _ = app
    [first, *rest] = ask(server, url, "zhangsan", FACT)
    assert first.split("\n")[0].startswith(
        "单位负责人接到报告后，应当于1小时内"
    )  # no 【】, bold is plain here
    assert "【" not in first + "".join(rest)
    whole = "\n".join([first, *rest])
    link = re.search(r'<a href="([^"]+)">\[1\] 《事故报告条例》第9条</a>', whole)
    assert link and link.group(1).startswith(
        f"{PUBLIC_URL}/provision/accident-reporting-investigation-regulation-2007/"
    )
    [provision] = ask(server, url, "zhangsan", "1")  # the source's number shows it in full, its title a link
    assert provision.startswith(f'<a href="{link.group(1)}">《生产安全事故报告和调查处理条例》第九条</a>')
    assert "1小时内" in provision


def test_long_replies_are_split_within_2048_bytes_at_provision_boundaries(app):
    server, url, _ = app
    mark = server.mark()
    texts = ask(server, url, "lisi", "/law 通知 4-13", parts=4)
    sizes = [s.size for s in server.sent_since(mark, "lisi")]
    assert len(texts) >= 4 and max(sizes) <= APP_TEXT_LIMIT  # nothing for 企业微信 to cut off
    whole = "\n".join(texts)
    for unit in ("四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"):
        assert whole.count(f"》（{unit}）") == 1, unit
    headed = [
        re.sub(r"<[^>]+>", "", t).startswith("《临汾市人民政府关于做好2025年安全生产工作的通知》（")
        for t in texts
    ]
    assert sum(headed) >= 3  # most parts start at a provision


def test_forged_stale_and_replayed_callbacks_are_refused_and_logged_without_the_payload(app):
    server, url, bot = app
    mark = server.mark()
    _, posted = server.deliver(url, "wangwu", "/help")
    server.wait_for(lambda: server.sent_since(mark, "wangwu"))
    forged = type(posted)(posted.url, {**posted.query, "msg_signature": "f" * 40}, posted.body)
    assert server.post(forged) == 403
    assert server.post(posted) == 200  # the same request again: acknowledged, not answered twice
    stale_mark = server.mark()
    status, _ = server.deliver(url, "wangwu", "/law 安全生产法 3", timestamp=int(time.time()) - 3600)
    assert status == 403
    assert len(server.settle(mark, "wangwu")) == len(server.sent_since(mark, "wangwu")) == 1
    assert server.sent_since(stale_mark, "wangwu") == []
    log = bot.log()
    assert "refused a 企业微信 callback" in log and "bad signature" in log and "stale timestamp" in log
    assert posted.body not in log and "Encrypt" not in log and "/law 安全生产法 3" not in log


def test_a_quiz_is_answered_by_its_letter_and_names_the_option(app):
    server, url, _ = app
    [quiz] = ask(server, url, "zhaoliu", "/quiz 安全生产法")
    assert "A. " in quiz and "B. " in quiz and "回复选项字母作答" in quiz
    result = "\n".join(ask(server, url, "zhaoliu", "B"))
    assert result.startswith(("回答正确", "回答错误。正确答案："))
    assert "故选“" in result and not re.search(r"故选[A-J]", result)


def test_admin_commands_only_for_admins_and_pictures_get_a_hint(app):
    server, url, _ = app
    assert "/reindex" not in ask(server, url, "sunqi", "/help")[0]
    assert "/reindex" in ask(server, url, ADMIN, "/help")[0]
    mark = server.mark()
    server.deliver(url, "sunqi", msgtype="image")
    assert server.wait_for(lambda: server.sent_since(mark, "sunqi"))[0].payload == NOT_TEXT


def test_a_failed_send_ends_in_an_apology_and_the_bot_goes_on(app):
    server, url, bot = app
    server.failures.append((45009, "api freq out of limit"))
    assert ask(server, url, "wujiu", "/law 安全生产法 21") == [APOLOGY]
    assert ask(server, url, "wujiu", "/law 安全生产法 21")[0].startswith('<a href="')
    assert "could not answer in chat wujiu" in bot.log() and "45009" in bot.log()


def test_the_secrets_never_reach_the_log(app):
    _, _, bot = app
    log = bot.log()
    assert "企业微信机器人正在启动（自建应用回调" in log
    for secret in (CREDENTIALS.secret, CREDENTIALS.aes_key, CREDENTIALS.token):
        assert secret not in log
    assert "Traceback" not in log


# --- the 智能机器人 long connection --------------------------------------------------------------------


@pytest.fixture(scope="module")
def aibot(
    bot_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WeComServer, BotProcess]]:
    folder = tmp_path_factory.mktemp("wecom-aibot")
    ca_file, tls = tls_files(folder)
    with WeComServer(CREDENTIALS, tls) as server:
        env = bot_environment(
            bot_data_dir,
            {
                "WECOM_BOT_ID": CREDENTIALS.bot_id,
                "WECOM_BOT_SECRET": CREDENTIALS.bot_secret,
                "WECOM_BOT_WS_URL": f"wss://127.0.0.1:{server.port}/aibot",
                "SSL_CERT_FILE": str(ca_file),
                "ASSISTANT_BOT_ADMINS": ADMIN,
            },
        )
        with bot_process("wecom", env, folder / "bot.log", ready=server.connected) as bot:
            yield server, bot


def test_the_long_connection_subscribes_with_the_bots_credentials(aibot):
    server, bot = aibot
    assert server.subscriptions[-1] == {"bot_id": CREDENTIALS.bot_id, "secret": CREDENTIALS.bot_secret}
    assert "智能机器人长连接" in bot.log() and CREDENTIALS.bot_secret not in bot.log()


def test_the_first_part_is_the_callbacks_reply_and_the_rest_are_messages(aibot):
    server, _ = aibot
    mark = server.mark()
    server.push("chenba", FACT)
    [reply] = server.wait_for(lambda: server.sent_since(mark, "chenba"))
    assert reply.kind == "reply" and reply.payload["stream"]["finish"] is True
    assert aibot_text(reply).startswith("**单位负责人接到报告后，应当于1小时内")  # emphasis as Markdown bold
    mark = server.mark()
    group = "wrkSFfCgAAtest"
    server.push(ADMIN, "/reindex", chat=group)  # in a group chat: an answer now, another when done
    server.wait_for(lambda: len(server.sent_since(mark, group)) >= 2, timeout=240)
    started, done = server.sent_since(mark, group)[:2]
    assert (started.kind, done.kind) == ("reply", "message") and "正在更新索引" in aibot_text(started)
    assert "索引完成" in aibot_text(done)
    assert all(a["errcode"] == 0 for a in server.acks)


def test_entering_the_chat_is_welcomed(aibot):
    server, _ = aibot
    mark = server.mark()
    server.push("zhoujiu", event="enter_chat")
    [welcome] = server.wait_for(lambda: server.sent_since(mark, "zhoujiu"))
    assert welcome.kind == "welcome" and "安全生产知识助手" in welcome.payload["text"]["content"]


def test_refused_credentials_are_explained(bot_data_dir: Path, tmp_path: Path):
    ca_file, tls = tls_files(tmp_path)
    with WeComServer(CREDENTIALS, tls) as server:
        wrong = "AibotSecretThatIsWrong-0123456789abcdef"
        env = {
            "WECOM_BOT_ID": CREDENTIALS.bot_id,
            "WECOM_BOT_SECRET": wrong,
            "WECOM_BOT_WS_URL": f"wss://127.0.0.1:{server.port}/aibot",
            "SSL_CERT_FILE": str(ca_file),
        }
        refused = run_bot("wecom", bot_environment(bot_data_dir, env))
    assert refused.returncode == 1
    assert "企业微信不认这组智能机器人凭证" in refused.stderr and wrong not in refused.stdout + refused.stderr
