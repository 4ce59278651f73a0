"""Where the web app and the HTTP API report an answer or a rating: the question log and the metrics.

Usage::

    recorder = Recorder(QuestionLog.open(settings), metrics, lambda: assistant.build.name)
    ref = recorder.answered("web", session, question, answer)   # None when no log is kept
    recorder.rated(ref, "web", session, -1, "没有说到审批")        # False: unknown or expired answer
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.answer import Answer
from assistant.questionlog import QuestionLog
from assistant.web.metrics import Metrics

RATING_NAMES = {1: "up", -1: "down"}

log = logging.getLogger(__name__)


class Recorder:
    """Records answers and ratings; a failing log never fails the answer (it is logged instead)."""

    def __init__(
        self, questions: QuestionLog | None, metrics: Metrics | None, build: Callable[[], str]
    ) -> None:
        self.questions = questions
        self.metrics = metrics
        self._build = build

    @property
    def keeps_log(self) -> bool:
        return self.questions is not None

    def answered(self, channel: str, who: str, question: str, answer: Answer) -> str | None:
        """Count the answer and log it; its reference for feedback, None when not logged."""
        if self.metrics is not None:
            self.metrics.observe_answer(channel, answer)
        if self.questions is None:
            return None
        try:
            return self.questions.record(channel, who, question, answer, self._build())
        except Exception:
            log.exception("could not record a question")
            return None

    def rated(self, ref: str, channel: str, who: str, rating: int, comment: str = "") -> bool:
        """Store a 👍 (1) or 👎 (-1); False when the answer is not in the log."""
        if self.questions is None or not self.questions.rate(ref, channel, who, rating, comment):
            return False
        if self.metrics is not None:
            self.metrics.feedback.labels(channel, RATING_NAMES[rating]).inc()
        return True
