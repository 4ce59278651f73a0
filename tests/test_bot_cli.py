"""`python -m assistant bot` before it goes online: a missing token or a bad setting is a clear message."""

from __future__ import annotations

import pytest

from assistant.cli import main


def test_a_missing_token_is_explained_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["bot"]) == 2
    err = capsys.readouterr().err
    assert "没有设置 TELEGRAM_BOT_TOKEN" in err and "@BotFather" in err and "Traceback" not in err


def test_a_malformed_bot_setting_is_explained(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("ASSISTANT_BOT_RATE", "每分钟五条")
    assert main(["bot"]) == 1
    err = capsys.readouterr().err
    assert "ASSISTANT_BOT_RATE" in err and "5/60" in err and "1:abc" not in err
