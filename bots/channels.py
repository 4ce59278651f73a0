"""The messaging channels `python -m assistant bot --channel …` can run, each an adapter over bots.core.

Usage::

    sys.exit(run_channel("dingtalk", Settings.from_env()))
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping

from assistant.settings import Settings
from bots.core.runner import MissingSettings

# Channel name → (what users call it, the module whose run(settings, env) serves it; imported on use, so
# that one channel's SDK is not loaded for another).
CHANNELS: dict[str, tuple[str, str]] = {
    "telegram": ("Telegram", "bots.telegram.run"),
    "wecom": ("企业微信", "bots.wecom.run"),
    "dingtalk": ("钉钉", "bots.dingtalk.run"),
    "feishu": ("飞书", "bots.feishu.run"),
}


def run_channel(name: str, settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """Serve the channel until stopped: 0; 2 when its credentials are not set (the message says which)."""
    module = importlib.import_module(CHANNELS[name][1])
    try:
        return module.run(settings, env)
    except MissingSettings as exc:
        print(exc, file=sys.stderr)
        return 2
