"""The conversations a device keeps (in the browser's localStorage, through gr.BrowserState): the current
one and the earlier ones, as plain JSON that survives a reload and is never sent anywhere but this server.

Usage::

    store = Conversations.load(saved)                      # what the browser kept (None the first time)
    store = store.with_turn("第21条", answer.to_dict(), "work-safety-law-2021", ref="3f2a…")
    store = store.rated(-1)                                # 👎 on the latest answer
    store = store.new()                                    # a clean context; the old one is kept
    saved = store.dump()                                   # back into the browser
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from assistant.answer import Answer, Citation

MAX_TURNS_KEPT = 300  # questions kept on one device in all; beyond it the oldest conversations go first
TITLE_CHARS = 20  # characters of the first question that name a conversation in the list


@dataclass(frozen=True)
class Turn:
    """One question and its answer (``Answer.to_dict()``); ``ref`` is the answer's reference in the question
    log (None when none is kept), ``rating`` the device's 👍 (1) or 👎 (-1), 0 before it rates."""

    question: str
    answer: dict[str, Any]
    ref: str | None = None
    rating: int = 0

    @property
    def awaits_rating(self) -> bool:
        return self.ref is not None and not self.rating

    def answer_object(self) -> Answer:
        """The answer as an Answer; KeyError, TypeError or ValueError when the kept dict is malformed."""
        data = self.answer
        return Answer(
            answer=str(data["answer"]),
            intent=str(data.get("intent", "")),
            supported=bool(data.get("supported")),
            citations=[Citation(**citation) for citation in data.get("citations", [])],
            verdict=data.get("verdict"),
            mode=str(data.get("mode") or "extractive"),
        )


@dataclass(frozen=True)
class Conversation:
    """Turns in order and the document named last (so that “第21条” refers to it)."""

    turns: tuple[Turn, ...] = ()
    context_doc: str | None = None

    @property
    def title(self) -> str:
        """The first question, shortened: 生产经营单位的主要负责人有哪些职责？（3 问）."""
        first = " ".join(self.turns[0].question.split()) if self.turns else "（空）"
        short = first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS] + "…"
        return f"{short}（{len(self.turns)} 问）"


@dataclass(frozen=True)
class Conversations:
    """The current conversation and the earlier ones (oldest first); every change returns a new store."""

    current: Conversation = Conversation()
    earlier: tuple[Conversation, ...] = ()

    @classmethod
    def load(cls, data: Any) -> Conversations:
        """The store from what the browser kept; anything unreadable gives an empty store."""
        try:
            return cls(_conversation(data["current"]), tuple(_conversation(c) for c in data["earlier"]))
        except (KeyError, TypeError, ValueError):
            return cls()

    def dump(self) -> dict[str, Any]:
        return {"current": _plain(self.current), "earlier": [_plain(c) for c in self.earlier]}

    def with_turn(
        self, question: str, answer: dict[str, Any], context_doc: str | None, ref: str | None = None
    ) -> Conversations:
        """The store with one more turn in the current conversation."""
        current = Conversation((*self.current.turns, Turn(question, answer, ref)), context_doc)
        return replace(self, current=current)._trimmed()

    def rated(self, rating: int) -> Conversations:
        """The store with the latest answer of the current conversation rated 👍 (1) or 👎 (-1)."""
        turns = self.current.turns
        if not turns:
            return self
        latest = replace(turns[-1], rating=rating)
        return replace(self, current=replace(self.current, turns=(*turns[:-1], latest)))

    def new(self) -> Conversations:
        """A clean current conversation; the one before (if it has turns) is kept among the earlier ones."""
        if not self.current.turns:
            return self
        return Conversations(Conversation(), (*self.earlier, self.current))

    def open(self, index: int) -> Conversations:
        """Earlier conversation ``index`` becomes the current one; the current one is kept in its place."""
        if not 0 <= index < len(self.earlier):
            return self
        rest = [c for i, c in enumerate(self.earlier) if i != index]
        if self.current.turns:
            rest.append(self.current)
        return Conversations(self.earlier[index], tuple(rest))

    def delete_current(self) -> Conversations:
        """The current conversation deleted; a clean one takes its place."""
        return Conversations(Conversation(), self.earlier)

    def _trimmed(self) -> Conversations:
        earlier = list(self.earlier)
        while earlier and sum(len(c.turns) for c in (*earlier, self.current)) > MAX_TURNS_KEPT:
            earlier.pop(0)
        return replace(self, earlier=tuple(earlier))


def _conversation(data: dict[str, Any]) -> Conversation:
    turns = tuple(
        Turn(str(t["question"]), dict(t["answer"]), t.get("ref") or None, int(t.get("rating") or 0))
        for t in data["turns"]
    )
    for turn in turns:
        turn.answer_object()  # refuses a malformed answer here rather than when it is shown
    context = data.get("context_doc")
    return Conversation(turns, str(context) if context else None)


def _plain(conversation: Conversation) -> dict[str, Any]:
    return {
        "turns": [
            {"question": t.question, "answer": t.answer, "ref": t.ref, "rating": t.rating}
            for t in conversation.turns
        ],
        "context_doc": conversation.context_doc,
    }
