"""`python -m assistant bot` before it goes online: a missing token or a bad setting is a clear message."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize(
    ("channel", "settings", "named"),
    [
        ("wecom", {}, "WECOM_BOT_ID、WECOM_BOT_SECRET"),
        (
            "wecom",
            {"WECOM_CORP_ID": "ww4f1c2a9d3e5b7c60"},
            "WECOM_AGENT_ID、WECOM_SECRET、WECOM_TOKEN、WECOM_AES_KEY",
        ),
        ("dingtalk", {"DINGTALK_CLIENT_ID": "dingtestappkey0001"}, "DINGTALK_CLIENT_SECRET"),
        (
            "feishu",
            {"FEISHU_ENCRYPT_KEY": "k" * 32},
            "FEISHU_APP_ID、FEISHU_APP_SECRET、FEISHU_VERIFICATION_TOKEN",
        ),
    ],
)
def test_missing_credentials_name_the_variables_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, channel: str, settings: dict, named: str
):
    for name in list(os.environ):
        if name.startswith(("WECOM_", "DINGTALK_", "FEISHU_")):
            monkeypatch.delenv(name)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert main(["bot", "--channel", channel]) == 2
    err = capsys.readouterr().err
    assert named in err and "请设置这些环境变量" in err and "Traceback" not in err
