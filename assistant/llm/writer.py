"""The optional LLM step after the extractive answer: the user's model rewrites it from the same provisions,
every sentence is verified before it is shown, and the extractive answer stays whenever the model is slow,
fails, contradicts the verdict or has most of its sentences dropped.

Usage::

    writer = AnswerWriter(settings.llm, index.provision, analyzer.synonyms)
    answer = writer.write(question, extractive)                # mode "llm", or the extractive answer
    for partial in writer.stream(question, extractive): ...    # verified sentences as they arrive
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from langchain_core.language_models import BaseChatModel

from assistant.answer import Answer, Citation
from assistant.llm.model import LLMUnavailable, chat_model, text_chunks, timed
from assistant.llm.prompt import answer_messages
from assistant.llm.sentences import SentenceSplitter
from assistant.llm.settings import LLMSettings
from assistant.llm.verify import REASONS, Checked, Source, Verifier, verdict_check
from corpus.model import Provision

log = logging.getLogger("assistant.llm")

SKIPPED_INTENTS = {"lookup"}  # a looked-up provision is shown whole; a model adds nothing to it
VERDICT_WORDS = {"yes": "可以", "no": "不可以"}  # when the extractive first line states no short word
MAX_VERDICT_CHARS = 6
_MARKER = re.compile(r"\[(\d+)\]")

ProvisionOf = Callable[[str, str], Provision | None]


@dataclass
class Report:
    """What one LLM step did (for the evaluation): whether the model was asked, the sentences kept and
    dropped, and why the extractive answer was shown (unavailable, verdict, too_few_kept; None: it was not)."""

    asked: bool = False
    kept: list[Checked] = field(default_factory=list)
    dropped: list[Checked] = field(default_factory=list)
    fallback: str | None = None


class AnswerWriter:
    """Rewrites extractive answers with the user's model; every shown sentence is verified."""

    def __init__(
        self,
        settings: LLMSettings,
        provision_of: ProvisionOf,
        synonyms: dict[str, list[str]] | None = None,
        model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.provision_of = provision_of
        self.synonyms = synonyms or {}  # worker's words → law terms, for the overlap check
        self.model = model or chat_model(settings)

    def applies(self, answer: Answer) -> bool:
        """Whether the model is asked: a supported answer from 1 to max_provisions provisions, no look-up."""
        limit = self.settings.verification.max_provisions
        return (
            answer.supported and answer.intent not in SKIPPED_INTENTS and 0 < len(answer.citations) <= limit
        )

    def write(self, question: str, extractive: Answer, report: Report | None = None) -> Answer:
        """The verified model answer (one plain request), or the extractive answer; ``report`` (for the
        evaluation) receives the sentences kept and dropped and why the answer fell back."""
        *_, final = self._run(question, extractive, stream=False, report=report or Report())
        return final

    def stream(self, question: str, extractive: Answer) -> Iterator[Answer]:
        """Partial answers (mode "llm") as verified sentences stream in (SSE), then the final answer, which
        may be the extractive one; the caller shows each in turn."""
        yield from self._run(question, extractive, stream=True, report=Report())

    def _run(self, question: str, extractive: Answer, stream: bool, report: Report) -> Iterator[Answer]:
        sources = self._sources(extractive) if self.applies(extractive) else []
        if not sources:
            yield extractive
            return
        report.asked = True
        draft = Draft(
            extractive, sources, Verifier(sources, self.settings.verification, self.synonyms), self.settings
        )
        report.kept, report.dropped = draft.kept, draft.dropped
        messages = answer_messages(self.settings.answer_prompt, question, draft.verdict_word, sources)
        start = time.monotonic()
        splitter = SentenceSplitter()
        try:
            for piece in timed(lambda: text_chunks(self.model, messages, stream), self.settings.timeout):
                added = [draft.add(sentence) for sentence in splitter.feed(piece)]
                if any(added):
                    yield draft.partial()
                if draft.abandoned:
                    break
            else:
                for sentence in splitter.close():
                    draft.add(sentence)
        except LLMUnavailable as exc:
            log.warning("llm fallback to the extractive answer: %s (question %r)", exc, question)
            report.fallback = "unavailable"
            yield replace(extractive, mode="extractive")
            return
        final = draft.finish()
        report.fallback = draft.fallback
        log.log(
            logging.WARNING
            if final.dropped
            else logging.INFO,  # an operator sees drops without configuration
            "llm answer: mode=%s kept=%d dropped=%d prompt=%s seconds=%.2f dropped_sentences=%s",
            final.mode,
            len(draft.kept),
            len(draft.dropped),
            self.settings.answer_prompt,
            time.monotonic() - start,
            final.dropped,
        )
        yield final

    def _sources(self, answer: Answer) -> list[Source]:
        """The provisions the extractive answer cites, numbered as there, with their full text."""
        found = []
        for number, citation in enumerate(answer.citations, start=1):
            provision = self.provision_of(citation.doc_id, citation.unit)
            if provision is None:
                return []
            found.append(Source(number, citation, provision))
        return found


class Draft:
    """The sentences of one reply as they are checked: kept, dropped, and whether to give up."""

    def __init__(self, extractive: Answer, sources: list[Source], verifier: Verifier, settings: LLMSettings):
        self.extractive = extractive
        self.sources = {s.number: s for s in sources}
        self.verifier = verifier
        self.rules = settings.verification
        self.verdict_word = verdict_word(extractive)
        self.kept: list[Checked] = []
        self.dropped: list[Checked] = []
        self.abandoned = False  # the verdict failed: the extractive answer will be shown
        self.fallback: str | None = None  # why the extractive answer was shown: verdict, too_few_kept
        self._opening: str | None = None  # a bare first sentence (不可以。) waiting for the next one

    def add(self, sentence: str) -> bool:
        """Check one sentence; True when it was kept."""
        if self.abandoned:
            return False
        first = not self.kept and not self.dropped
        if first and self._opening is None and self._bare_verdict(sentence):
            self._opening = sentence
            return False
        if self._opening is not None:
            sentence, self._opening = self._opening + sentence, None
        if len(self.kept) + len(self.dropped) >= self.rules.max_sentences:
            return self._drop(Checked(sentence, (), "too_many", REASONS["too_many"]))
        checked = self.verifier.check(sentence)
        if first:
            reason = verdict_check(sentence, self.verdict_word)
            if reason is not None:
                checked = Checked(sentence, checked.cited, reason, REASONS[reason])
            # the sentence that states the verdict is dropped: the extractive answer will be shown
            self.abandoned = self.verdict_word is not None and not checked.kept
        if not checked.kept:
            return self._drop(checked)
        self.kept.append(checked)
        return True

    def partial(self) -> Answer:
        """The kept sentences so far as an answer (mode "llm")."""
        text, citations = self._compose()
        return replace(
            self.extractive, answer=text, citations=citations, mode="llm", dropped=self._dropped_dicts()
        )

    def finish(self) -> Answer:
        """The model's answer when the verdict held and enough sentences were kept, else the extractive one
        with the dropped sentences listed."""
        if self._opening is not None:  # a reply that was only the bare verdict
            self.add("")
        total = len(self.kept) + len(self.dropped)
        if self.abandoned:
            self.fallback = "verdict"
        elif not total or len(self.kept) / total < self.rules.min_kept_share:
            self.fallback = "too_few_kept"
        if self.fallback:
            return replace(self.extractive, mode="extractive", dropped=self._dropped_dicts())
        return self.partial()

    def _drop(self, checked: Checked) -> bool:
        self.dropped.append(checked)
        return False

    def _bare_verdict(self, sentence: str) -> bool:
        """A first sentence that is only the verdict word (不可以。), without a citation."""
        body = _MARKER.sub("", sentence).strip("。！!，, ")
        return bool(self.extractive.verdict) and body == self.verdict_word and not _MARKER.search(sentence)

    def _compose(self) -> tuple[str, list[Citation]]:
        """The kept sentences, first on its own line, markers renumbered by first use like the extractive
        answer's; the citations in that order."""
        order: list[int] = []
        for checked in self.kept:
            order += [n for n in checked.cited if n not in order]

        def renumber(match: re.Match[str]) -> str:
            return f"[{order.index(int(match.group(1))) + 1}]"

        sentences = [_MARKER.sub(renumber, checked.sentence) for checked in self.kept]
        text = "\n".join(part for part in (sentences[0], "".join(sentences[1:])) if part)
        return text, [self.sources[n].citation for n in order]

    def _dropped_dicts(self) -> list[dict[str, str]]:
        return [checked.to_dict() for checked in self.dropped]


def verdict_word(answer: Answer) -> str | None:
    """The word the extractive answer's first line opens with (不合法, 可以 …), None without a verdict."""
    if answer.verdict is None:
        return None
    first_line = answer.answer.split("\n", 1)[0].removeprefix("结论：")
    head = re.split(r"[，,。！!：:\[]", first_line, maxsplit=1)[0].strip()
    return head if 0 < len(head) <= MAX_VERDICT_CHARS else VERDICT_WORDS.get(answer.verdict)
