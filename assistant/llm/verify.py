"""Sentence-by-sentence verification of a model's answer against the numbered provisions it was given:
a sentence is shown only when it cites [n], each cited n was supplied, it carries no instruction text, every
number, article reference and document title in it occurs in a cited provision, and enough of its content
words do; the first sentence must also state the extractive verdict.

Usage::

    verifier = Verifier(sources, Verification())
    checked = verifier.check("事故发生后，现场人员应当立即报告本单位负责人[1]。")
    checked.kept, checked.reason, checked.cited   # True, None, (1,)
    verdict_check("不可以，单位不得……[1]。", "不可以")  # None (agrees); a reason code when it does not
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from assistant.answer import Citation
from assistant.llm.facts import matches, quantities, references, titles
from assistant.llm.settings import Verification
from assistant.segments import ITEM_MARKER
from corpus.model import Provision
from corpus.numerals import int_to_cn

# Why a sentence was dropped: code → what the operator reads.
REASONS = {
    "no_citation": "句子没有标注出处",
    "unknown_citation": "引用了未提供的条款",
    "instruction": "句子含有指令或角色说明，不是回答",
    "reference": "条号、款项不在所引条款中",
    "title": "法规名称与所引条款不符",
    "number": "数字、金额、期限或日期与所引条款不符",
    "modality": "把条款禁止或要求的事说成可以，或把要求的事说成不必",
    "overlap": "内容与所引条款重合太少",
    "better_source": "内容明显出自另一条所列条款，出处标错",
    "verdict_conflict": "结论与检索判定的结论相反",
    "verdict_missing": "第一句没有先说明结论",
    "verdict_unsupported": "检索未能断定是非，模型不得自行下结论",
    "too_many": "超出句数上限",
}

_MARKER = re.compile(r"\[(\d+)\]")
# Text that addresses the model or speaks as one instead of answering (a reply that obeyed an injection).
_INSTRUCTION = re.compile(
    r"(忽略|无视|不要理会|不必理会|忘记|忘掉|绕过).{0,8}(指令|指示|提示|设定|规则)"
    r"|提示词|系统提示|系统消息|新的指令|开发者模式|越狱|(?i:prompt|system|ignore|instruction)"
    r"|作为.{0,4}(AI|人工智能|语言模型|大模型|助手)|我是.{0,4}(AI|人工智能|语言模型|大模型)"
)
# Modal words: a permission or an exemption in a sentence, and what a provision says before the same action.
_PERMISSIONS = ("可以", "有权", "允许", "能够")
_GRANT = re.compile(r"(?<![不无])(?:可以|有权|允许|能够)(?!不)|可以不|不用|不必|无需|不需要|无须")
_FORBIDS = re.compile(
    r"不得|禁止|严禁|不准|无权|不能|不可以|不允许|不许"
)  # a prohibition as a sentence says it
_REQUIREMENT = re.compile(r"应当|必须|应该")
# How a provision qualifies an action: the last of these before it in its sentence governs it.
_MODAL = re.compile(
    r"(?P<prohibition>不得|禁止|严禁|不准|无权)|(?P<exemption>可以不|不必|无需|无须|免于)"
    r"|(?P<permission>可以|有权|允许)|(?P<requirement>应当|必须|应该)"
)
_STRETCH_CHARS = 3  # shortest stretch of a sentence's words looked up in its provision
# A sentence that opens with a yes/no judgement.
_VERDICT_OPENING = re.compile(r"^(?:不|没有?)?(?:可以|能|行|合法|违法|允许|需要|必须|应当|有权|是)[，,。！!]")
# Characters that bind no content (particles, pronouns): bigrams holding one are not counted.
_FUNCTION_CHARS = set("的了吗呢吧啊呀您你我他她它们这那也都就和与及或")


@dataclass(frozen=True)
class Source:
    """A numbered provision given to the model: its citation in the extractive answer and its full text."""

    number: int
    citation: Citation
    provision: Provision

    @cached_property
    def facts_text(self) -> str:
        """Where a sentence's facts must occur: the citation label and the provision's text."""
        return f"{self.citation.citation}\n{self.provision.text}"


@dataclass(frozen=True)
class Checked:
    """A sentence, the source numbers it cites, and why it was dropped (``reason`` None: kept)."""

    sentence: str
    cited: tuple[int, ...]
    reason: str | None = None
    detail: str = ""

    @property
    def kept(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, str]:
        """``{"sentence", "reason", "detail"}`` as ``ask --json`` lists a dropped sentence."""
        return {"sentence": self.sentence, "reason": self.reason or "", "detail": self.detail}


class Verifier:
    """Checks sentences against the sources supplied to the model (numbered from 1)."""

    def __init__(
        self, sources: list[Source], rules: Verification, synonyms: dict[str, list[str]] | None = None
    ) -> None:
        self.sources = {source.number: source for source in sources}
        self.rules = rules
        # a worker's word → the law's terms (assistant/data/synonyms.tsv): 劳保用品 is 劳动防护用品 here too
        self.synonyms = sorted((synonyms or {}).items(), key=lambda entry: -len(entry[0]))

    def check(self, sentence: str) -> Checked:
        cited = tuple(dict.fromkeys(int(n) for n in _MARKER.findall(sentence)))
        body = _MARKER.sub("", sentence)
        if not cited:
            return _dropped(sentence, cited, "no_citation")
        unknown = [n for n in cited if n not in self.sources]
        if unknown:
            return _dropped(sentence, cited, "unknown_citation", "、".join(f"[{n}]" for n in unknown))
        if _INSTRUCTION.search(body):
            return _dropped(sentence, cited, "instruction", _INSTRUCTION.search(body).group(0))  # type: ignore[union-attr]
        sources = [self.sources[n] for n in cited]
        for reason, check in _FACT_CHECKS.items():
            detail = check(body, sources)
            if detail:
                return _dropped(sentence, cited, reason, detail)
        share = self.overlap(body, sources)
        if share is not None and share < self.rules.min_overlap:
            return _dropped(sentence, cited, "overlap", f"{share:.2f} < {self.rules.min_overlap:.2f}")
        better = self._better_source(body, cited, share)
        if better is not None:
            return _dropped(sentence, cited, "better_source", f"[{better}]")
        return Checked(sentence, cited)

    def _better_source(self, body: str, cited: tuple[int, ...], share: float | None) -> int | None:
        """A supplied provision the sentence restates clearly better than the ones it cites (the model
        mixed up its numbers), None when there is none."""
        if share is None:
            return None
        others = {n: self.overlap(body, [source]) for n, source in self.sources.items() if n not in cited}
        best = max(others, key=lambda n: others[n] or 0, default=None)
        if best is not None and (others[best] or 0) >= share + self.rules.swap_margin:
            return best
        return None

    def overlap(self, body: str, sources: list[Source]) -> float | None:
        """The sentence's overlap with the best window of each cited provision, in the law's words."""
        texts = [s.provision.text for s in sources]
        for source in sources:  # 安全生产法规定…: the cited document's own name is no content
            for title in titles(source.citation.citation):
                body = body.replace(title, " ").replace(title.removeprefix("中华人民共和国"), " ")
        sentence = self.in_law_words(body, " ".join(texts))
        windows = " ".join(best_window(sentence, text, self.rules.overlap_window) for text in texts)
        return overlap_share(sentence, windows, self.rules.min_bigrams)

    def in_law_words(self, sentence: str, text: str) -> str:
        """The sentence with each colloquial word that the text does not use replaced by its law term that
        the text uses."""
        for colloquial, terms in self.synonyms:
            if colloquial in sentence and colloquial not in text:
                term = next((t for t in terms if t in text), None)
                if term:
                    sentence = sentence.replace(colloquial, term)
        return sentence


def verdict_check(sentence: str, verdict_word: str | None) -> str | None:
    """None when the first sentence states the verdict word (可以, 不合法 …) first, else the reason code;
    with no verdict (None), a sentence that opens with a yes/no judgement of its own is refused."""
    body = _MARKER.sub("", sentence).strip()
    if verdict_word is None:
        return "verdict_unsupported" if _VERDICT_OPENING.match(body) else None
    if body.startswith(verdict_word):
        return None
    opposite = verdict_word[1:] if verdict_word.startswith("不") else "不" + verdict_word
    return "verdict_conflict" if body.startswith(opposite) else "verdict_missing"


def overlap_share(sentence: str, text: str, min_bigrams: int = 1) -> float | None:
    """The share of the sentence's content bigrams that occur in the text; None when it has fewer than
    ``min_bigrams`` of them (too short to judge)."""
    own = content_bigrams(sentence)
    if len(own) < min_bigrams or not own:
        return None
    return len(own & content_bigrams(text)) / len(own)


def best_window(sentence: str, text: str, size: int) -> str:
    """The ``size`` consecutive sentences of the text (cut after 。；or a line end) that share most content
    bigrams with the sentence, a 项 read with its lead-in: what a sentence of an answer can restate."""
    parts: list[str] = []
    lead = ""
    for line in text.split("\n"):
        item = ITEM_MARKER.match(line) is not None
        pieces = [piece for piece in re.split(r"(?<=[。；])", line) if piece.strip()]
        if not item and pieces:
            lead = pieces[-1]  # the sentence a following 项 continues (……负有下列职责：)
        parts += [f"{lead}{piece}" if item else piece for piece in pieces]
    windows = ["".join(parts[i : i + size]) for i in range(max(1, len(parts) - size + 1))]
    own = content_bigrams(sentence)
    return max(windows, key=lambda window: len(own & content_bigrams(window)), default=text)


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of the text's word runs, without document titles, references and particles."""
    text = re.sub(r"《[^》]*》|第[\d〇零一二两三四五六七八九十百千]+[条款项章节]", " ", text)
    return {
        run[i : i + 2]
        for run in re.findall(r"\w+", text)
        for i in range(len(run) - 1)
        if not _FUNCTION_CHARS & set(run[i : i + 2])
    }


def _references(body: str, sources: list[Source]) -> str:
    """The references the sentence makes that no cited provision holds: its own label, a reference in
    its text, or a 款/项 number the provision has."""
    missing = []
    for kind, number in sorted(references(body)):
        if not any(_holds(source, kind, number) for source in sources):
            written = int_to_cn(number) if 0 < number < 10000 else str(number)
            missing.append(f"第{written}{kind}" if kind != "（）" else f"（{written}）")
    return "、".join(missing)


def _holds(source: Source, kind: str, number: int) -> bool:
    if (kind, number) in references(source.facts_text):
        return True
    provision = source.provision
    if kind == "款":
        return number <= len(provision.paragraphs)
    if kind == "项":
        return number <= max((len(p.items) for p in provision.paragraphs), default=0)
    return False


def _titles(body: str, sources: list[Source]) -> str:
    """The document titles named in the sentence that are not the cited provisions' documents."""
    wrong = [
        title
        for title in titles(body)
        if not any(
            title in "".join(titles(s.citation.citation)) or title in s.provision.text for s in sources
        )
    ]
    return "、".join(f"《{t}》" for t in wrong)


def _numbers(body: str, sources: list[Source]) -> str:
    """The numbers of the sentence that no cited provision states."""
    known = {quantity for s in sources for quantity in quantities(s.facts_text)}
    return "、".join(written for q, written in quantities(body).items() if not matches(q, known))


def _modality(body: str, sources: list[Source]) -> str:
    """Where the sentence grants what the cited provision forbids (可以隐瞒不报 against 不得隐瞒不报) or waives
    what it requires (不必报告 against 应当……报告): each stretch of the words after its modal word that the
    provision also has is governed there by a contrary modal word, never by the same kind."""
    text = "\n".join(s.provision.text for s in sources)
    for match in _GRANT.finditer(body):
        permits = match.group(0) in _PERMISSIONS
        if (_FORBIDS if permits else _REQUIREMENT).search(body):
            continue  # the sentence states both: 可以拒绝，单位不得……
        contrary, same = ("prohibition", "permission") if permits else ("requirement", "exemption")
        rest = re.split(r"[，。；：,]", body[match.end() :], maxsplit=1)[0]
        for fragment in _shared_stretches(rest, text):
            kinds = {_governing(text, m.start()) for m in re.finditer(re.escape(fragment), text)}
            if contrary in kinds and same not in kinds:
                return match.group(0) + fragment
    return ""


def _shared_stretches(words: str, text: str) -> list[str]:
    """The longest stretches (at least _STRETCH_CHARS characters) of ``words`` that occur in ``text``."""
    found, i = [], 0
    while i <= len(words) - _STRETCH_CHARS:
        length = next(
            (n for n in range(len(words) - i, _STRETCH_CHARS - 1, -1) if words[i : i + n] in text), 0
        )
        if length:
            found.append(words[i : i + length])
        i += length or 1
    return found


def _governing(text: str, position: int) -> str | None:
    """The kind of the last modal word before ``position`` in its sentence, or, for a 项 that has none, in
    the lead-in it belongs to (生产经营单位应当……：): prohibition, exemption, permission or requirement."""
    start = max(text.rfind(mark, 0, position) for mark in "。；\n") + 1
    modals = list(_MODAL.finditer(text, start, position))
    if not modals:
        line_start = text.rfind("\n", 0, position) + 1
        if not ITEM_MARKER.match(text[line_start:position]):
            return None
        lead_end = line_start - 1
        while lead_end > 0:  # the nearest line above that is not a 项
            lead_start = text.rfind("\n", 0, lead_end) + 1
            if not ITEM_MARKER.match(text[lead_start:lead_end]):
                modals = list(_MODAL.finditer(text, lead_start, lead_end))
                break
            lead_end = lead_start - 1
    return modals[-1].lastgroup if modals else None


_FACT_CHECKS = {"reference": _references, "title": _titles, "number": _numbers, "modality": _modality}


def _dropped(sentence: str, cited: tuple[int, ...], reason: str, detail: str = "") -> Checked:
    return Checked(sentence, cited, reason, f"{REASONS[reason]}{'：' + detail if detail else ''}")
