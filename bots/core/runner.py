"""What `python -m assistant bot --channel …` does for every channel: check the settings, protect the secrets
in the logs, open the index (new builds go live without a restart; answers and their ratings are logged), run
the channel until Ctrl+C or SIGTERM, and say what happened in Chinese.

Usage::

    def run(settings, env=None) -> int:                       # in bots/<channel>/run.py
        config = read_config(env)                             # MissingSettings: exit 2 with the names to set
        return launch("钉钉", "Stream 模式", settings, env, {config.secret: "<DINGTALK_CLIENT_SECRET>"},
                      lambda core, fail: serve(core, config, fail))
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping

from aiohttp import web

from assistant.live import LiveAssistant
from assistant.questionlog import QuestionLog
from assistant.settings import Settings
from bots.core.config import BotConfig
from bots.core.conversation import BotCore
from bots.core.feedback import Feedback
from bots.core.logsafe import configure_logging, protect_secrets

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
Fail = Callable[[str], None]  # a channel reports a problem the user must fix (credentials refused)


class MissingSettings(Exception):
    """Settings a channel cannot start without; the message names the variables to set."""

    def __init__(self, channel: str, names: Iterable[str], hint: str = "") -> None:
        listed = "、".join(names)
        super().__init__(f"错误：{channel}机器人还缺少设置：{listed}。请设置这些环境变量后再运行。{hint}")


def launch(
    channel: str,
    mode: str,
    settings: Settings,
    env: Mapping[str, str] | None,
    secrets: Mapping[str, str],
    serve: Callable[[BotCore, Fail], None],
    loggers: Iterable[str] = (),
    check: Callable[[], str] | None = None,
) -> int:
    """Protect ``secrets`` (value → placeholder) in the logs of ``loggers`` and ours, ``check`` the
    credentials where the platform allows it without connecting (a problem: 1), open the index, then
    ``serve(core, fail)`` in a daemon thread until a stop signal (0) or ``fail(message)`` (1)."""
    core_config = BotConfig.from_env(env)
    secret_filter = protect_secrets(secrets, loggers)
    configure_logging(secret_filter)
    problem = check() if check else ""
    if problem:
        print(secret_filter.redact(problem), file=sys.stderr)
        return 1
    core = open_core(settings, core_config)
    print(f"{channel}机器人正在启动（{mode}），按 Ctrl+C 停止。", file=sys.stderr, flush=True)
    failure = run_until_stopped(lambda fail: serve(core, fail))
    if failure:
        print(secret_filter.redact(failure), file=sys.stderr)
        return 1
    print(f"{channel}机器人已停止。", file=sys.stderr)
    return 0


def open_core(settings: Settings, config: BotConfig) -> BotCore:
    """The bot's core over the live build (a new `index` goes live without a restart: assistant.live), its
    answers and their 👍/👎 kept in the question log (assistant.questionlog) unless that is off."""
    assistant = LiveAssistant(settings)
    assistant.index  # open the index now: a missing index is reported before the bot goes online  # noqa: B018
    assistant.watch()
    log = QuestionLog.open(settings)
    return BotCore(assistant, config, feedback=Feedback(log) if log else None)


def run_until_stopped(serve: Callable[[Fail], None]) -> str:
    """Run ``serve`` in a daemon thread (SDKs that never return run there) until SIGINT/SIGTERM or until it
    calls ``fail(message)``; the message, or "" when stopped by a signal."""
    stopped = threading.Event()
    failure: list[str] = []

    def fail(message: str) -> None:
        failure.append(message)
        stopped.set()

    def work() -> None:
        try:
            serve(fail)
        except Exception as exc:  # the SDK gave up: report it rather than hang
            fail(f"错误：机器人意外停止：{exc}")
        else:
            stopped.set()

    previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in STOP_SIGNALS}
    try:
        threading.Thread(target=work, name="channel", daemon=True).start()
        while not stopped.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return failure[0] if failure else ""


def serve_http(app: web.Application, listen: str, port: int, fail: Fail) -> None:
    """Serve a callback endpoint until the process stops; a port that cannot be bound is reported."""
    try:
        web.run_app(app, host=listen, port=port, handle_signals=False, print=None, access_log=None)
    except OSError as exc:
        fail(f"错误：无法在 {listen}:{port} 上接收回调：{exc}")
