"""Distractor pools built once over the whole corpus: numbers by form, subjects and terms by document,
notice bodies, enumerations by category, definitions. A pick leaves out what the cited provision says and
what any provision of the corpus would make true in the item's place (see corpus_text.py).

Fairness: a subject or term distractor comes from the cited document (its own chapter first), so that a
candidate cannot rule it out for never occurring there; a number has the answer's unit and wording, a
magnitude within PLAUSIBLE of the answer, and is whole when the answer is.

Usage::

    pools = Pools.build(index.provisions.values())
    pools.pick_numbers(slot, sentence, provision, rng, 3)   # ["十五日内", "六十日内", "九十日内"]
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.quiz.candidates import (
    Slot,
    SlotFinder,
    number_slots,
    number_text,
    subject_slots,
    term_head,
    term_vocabulary,
)
from assistant.quiz.corpus_text import CorpusText
from assistant.quiz.enumerations import (
    MAX_OPTION,
    Enumeration,
    enumerations,
    is_collective,
    rights_enumerations,
)
from assistant.quiz.text import contains, core, coverage, is_catch_all, normalize, segments, similarity
from corpus.model import Provision

_GOVERNMENT = "政府"
# Subjects that cover others (a 施工单位 is a 生产经营单位; a 驾驶人 may be the 当事人).
GENERIC_SUBJECTS = frozenset(
    {"生产经营单位", "用人单位", "单位", "企业", "当事人", "劳动者", "从业人员", "作业人员", "职工"}
    | {"生产经营单位的从业人员", "生产经营单位从业人员", "有关单位", "有关人员"}
)
# Bodies named by their role (安全生产许可证颁发管理机关, 负有安全生产监督管理职责的部门) may be any named body.
_ROLE_WORDS = re.compile("颁发管理|负有|负责(?!人)|受理|审批|有关|相关|其他")
MIN_SUBJECT_USES = 2  # a subject phrase used by fewer provisions may be a mis-split; not used as a distractor
NEAR = 0.5  # bigram similarity above which two phrases may mean the same
SAYS_SO = 0.7  # share of a distractor's bigrams found in the provision above which it may be true there
HOLDS = 0.5  # share of one member's bigrams found in another above which they may say the same
KIN = 0.2  # least likeness of two lead-ins (boilerplate removed) for a sibling list
TOPICAL = 0.15  # least likeness of a sibling member to a correct member, when the lead-ins differ
PLAUSIBLE = 5.0  # a number distractor lies within this factor of the answer
_BOILERPLATE = re.compile(r"有下列[\u4e00-\u9fff]{0,4}之一的|下列|以下|包括|应当|之一|的|[，。；：、（）]")
# A right listed for someone else may be the holder's too: rights take only the holder's duties as distractors.
OWN_DISTRACTORS_ONLY = ("权利", "义务")
_DEFINITION = re.compile(
    r"^(?:本(?:法|条例|规定|办法|标准)(?:所称|中|所指)的?)?“?(?P<term>[^，。；“”：]{2,16}?)”?，?是指"
    r"(?P<meaning>[^。；]{6,90})$"
)


T = TypeVar("T")


@dataclass(frozen=True)
class Definition:
    """A term the corpus defines: 危险物品，是指易燃易爆物品……的物品."""

    doc_id: str
    unit: str
    term: str
    meaning: str
    sentence: str


@dataclass
class Pools:
    """What distractors are drawn from; see the module docstring."""

    finder: SlotFinder
    numbers: dict[str, list[tuple[str, ...]]]
    doc_numbers: dict[tuple[str, str], list[tuple[str, ...]]]
    subjects: dict[str, list[str]]
    subject_places: dict[str, set[tuple[str, str]]]  # subject → (doc_id, chapter) where it acts
    terms: dict[str, set[str]]  # term → documents that use it
    bodies: dict[str, list[str]]
    general_bodies: dict[str, set[str]]
    enumerations: dict[str, list[Enumeration]]
    rights: dict[tuple[str, str], list[Enumeration]]
    texts: dict[tuple[str, str], str]
    chapters: dict[tuple[str, str], str]
    definitions: list[Definition]
    corpus: CorpusText
    doc_texts: dict[str, str] = field(default_factory=dict)  # normalised provision texts, one per line
    ordered: dict[str, list[Provision]] = field(default_factory=dict)  # each document's provisions in order
    _memo: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def memo(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """A value worked out once per key (a statement's false versions, used by several builders)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def build(cls, provisions: Iterable[Provision]) -> Pools:
        provisions = list(provisions)
        terms_vocabulary = term_vocabulary(p.text for p in provisions)
        finder = SlotFinder(terms_vocabulary)
        numbers: dict[str, dict[tuple[float, ...], tuple[str, ...]]] = defaultdict(dict)
        doc_numbers: dict[tuple[str, str], dict[tuple[float, ...], tuple[str, ...]]] = defaultdict(dict)
        uses: Counter[str] = Counter()
        places: dict[str, set[tuple[str, str]]] = defaultdict(set)
        terms: dict[str, set[str]] = defaultdict(set)
        bodies: dict[str, dict[str, None]] = defaultdict(dict)
        general: dict[str, set[str]] = defaultdict(set)
        by_category: dict[str, list[Enumeration]] = defaultdict(list)
        doc_texts: dict[str, list[str]] = defaultdict(list)
        by_doc: dict[str, list[Provision]] = defaultdict(list)
        definitions: list[Definition] = []
        for provision in provisions:
            by_doc[provision.doc_id].append(provision)
            doc_texts[provision.doc_id].append(normalize(provision.text))
            seen: set[str] = set()
            for segment in segments(provision):
                for slot in number_slots(segment.body):
                    numbers[_number_key(slot)].setdefault(slot.values, slot.numerals)
                    doc_numbers[(provision.doc_id, _number_key(slot))].setdefault(slot.values, slot.numerals)
                seen.update(slot.text for slot in subject_slots(segment.body))
                for slot in finder.term_slots(segment.body):
                    terms[slot.text].add(provision.doc_id)
                found = _DEFINITION.match(segment.text)
                if found and not segment.lead:
                    definitions.append(
                        Definition(
                            provision.doc_id, provision.unit, found["term"], found["meaning"], segment.text
                        )
                    )
            uses.update(seen)
            for subject in seen:
                places[subject].add((provision.doc_id, provision.chapter))
            for body in provision.bodies:
                bodies[provision.doc_id][body] = None
            general[provision.doc_id].update(provision.general_bodies)
            for enum in enumerations(provision):
                by_category[enum.category].append(enum)
        subjects: dict[str, list[str]] = defaultdict(list)
        for subject, count in sorted(uses.items()):
            if count >= MIN_SUBJECT_USES:
                subjects[subject_slots(f"，{subject}应当")[0].form].append(subject)
        known = {s for group in subjects.values() for s in group}
        rights: dict[tuple[str, str], list[Enumeration]] = defaultdict(list)
        for doc_provisions in by_doc.values():
            for enum in rights_enumerations(sorted(doc_provisions, key=lambda p: p.number), known):
                rights[(enum.doc_id, enum.units[0])].append(enum)
        return cls(
            finder=finder,
            numbers={form: list(values.values()) for form, values in numbers.items()},
            doc_numbers={key: list(values.values()) for key, values in doc_numbers.items()},
            subjects=dict(subjects),
            subject_places=dict(places),
            terms=dict(terms),
            bodies={doc: list(names) for doc, names in bodies.items()},
            general_bodies=dict(general),
            enumerations=dict(by_category),
            rights=dict(rights),
            texts={(p.doc_id, p.unit): p.text for p in provisions},
            chapters={(p.doc_id, p.unit): p.chapter for p in provisions},
            definitions=definitions,
            corpus=CorpusText(p.text for p in provisions),
            doc_texts={doc: "\n".join(texts) for doc, texts in doc_texts.items()},
            ordered={doc: sorted(group, key=lambda p: p.number) for doc, group in by_doc.items()},
        )

    def rights_starting_at(self, provision: Provision) -> list[Enumeration]:
        """Rights (and duties) gathered across articles whose first article is this provision."""
        return self.rights.get((provision.doc_id, provision.unit), [])

    def neighbours(self, provision: Provision, span: int) -> list[Provision]:
        """The provisions of the same document and chapter within ``span`` places of this one, itself first."""
        group = self.ordered.get(provision.doc_id, [])
        near = [
            p
            for p in group
            if p.chapter == provision.chapter and 0 < abs(p.number - provision.number) <= span
        ]
        return [provision, *sorted(near, key=lambda p: abs(p.number - provision.number))]

    def listed_together(self, distractor: str, members: list[str]) -> bool:
        """Whether some provision says the distractor beside half or more of the members (then it may be
        one of them there)."""
        flat = core(distractor)
        for text in self.flat_texts:
            if flat in text and 2 * sum(core(m) in text for m in members) >= len(members):
                return True
        return False

    @property
    def flat_texts(self) -> list[str]:
        """Every provision's normalised text."""
        return self.memo(("flat_texts",), lambda: [normalize(t) for t in self.texts.values()])

    def text_of(self, doc_id: str, unit: str) -> str:
        return self.texts.get((doc_id, unit), "")

    def is_known_subject(self, slot: Slot) -> bool:
        return slot.text in self.subjects.get(slot.form, ())

    def said_in_document(self, doc_id: str, statement: str) -> bool:
        """Whether some provision of the document says the statement word for word."""
        return core(statement) in self.doc_texts.get(doc_id, "")

    def pick_numbers(
        self, slot: Slot, sentence: str, provision: Provision, rng: random.Random, k: int
    ) -> list[str]:
        """k numbers of the slot's form and a plausible size, none of which the provision says nor the
        corpus says in the sentence's place; the document's own numbers first, then the closest in size."""
        said = {
            s.values
            for s in number_slots(normalize(provision.text))
            if s.form.split("|")[:2] == slot.form.split("|")[:2]
        }
        said |= {(v,) for values in list(said) for v in values}
        key = _number_key(slot)
        own = self.doc_numbers.get((provision.doc_id, key), [])
        choices = []
        for numerals in dict.fromkeys([*own, *self.numbers.get(key, ())]):
            text = number_text(slot, numerals)
            values = Slot(slot.kind, text, 0, slot.form, numerals).values
            if (
                values in said
                or any((v,) in said for v in values)
                or contains(provision.text, text)
                or not _plausible(values, slot.values, slot.kind)
                or self.corpus.says_in_place(sentence, slot.start, slot.end, text)
            ):
                continue
            distance = sum(abs(math.log(v / t)) for v, t in zip(values, slot.values, strict=True))
            choices.append((numerals not in own, distance, text))
        choices.sort()
        return _sample([text for *_, text in choices[: 2 * k + 2]], rng, k)

    def pick_subjects(
        self, slot: Slot, sentence: str, provision: Provision, rng: random.Random, k: int
    ) -> list[str]:
        """k subjects of the cited document (its chapter first) that the provision does not name, that no
        provision of the corpus says in the sentence's place, and that cannot be read as the answer: never a
        generic subject (生产经营单位 covers 施工单位), and for a generic answer only subjects of another
        category."""
        answer = slot.text
        if is_generic(answer):
            pool = [s for form, group in self.subjects.items() if form != slot.form for s in group]
        else:
            pool = list(self.subjects.get(slot.form, ()))
        chapter, near, far = (provision.doc_id, provision.chapter), [], []
        for subject in pool:
            places = self.subject_places.get(subject, set())
            if provision.doc_id not in {doc for doc, _ in places}:
                continue
            if is_generic(subject) or not self._alike(subject, answer) or contains(provision.text, subject):
                continue
            if self.corpus.says_in_place(sentence, slot.start, slot.end, subject):
                continue
            (near if chapter in places else far).append(subject)
        return _sample(near, rng, k, then=far)

    def pick_terms(
        self, slot: Slot, sentence: str, provision: Provision, rng: random.Random, k: int
    ) -> list[str]:
        """k key terms with the answer's head (……责任制, ……预案), the cited document's first, that the
        provision does not say and the corpus does not say in the sentence's place."""
        head = term_head(slot.text)
        if not head:
            return []
        own, other = [], []
        for term, docs in self.terms.items():
            if (
                not term.endswith(head)
                or term == slot.text
                or not _alike_term(term, slot.text)
                or contains(provision.text, term)
                or self.corpus.says_in_place(sentence, slot.start, slot.end, term)
            ):
                continue
            (own if provision.doc_id in docs else other).append(term)
        return _sample(sorted(own), rng, k, then=sorted(other))

    def pick_defined_terms(self, definition: Definition, rng: random.Random, k: int) -> list[str]:
        """k other terms the corpus defines, the same document's first, none said in the definition."""
        own, other = [], []
        for candidate in self.definitions:
            term = candidate.term
            if (
                term == definition.term
                or term in definition.meaning
                or not _alike_term(term, definition.term)
            ):
                continue
            (own if candidate.doc_id == definition.doc_id else other).append(term)
        return _sample(own, rng, k, then=sorted(set(other)))

    def pick_bodies(self, provision: Provision, rng: random.Random, k: int) -> list[str]:
        """k bodies named in other items of the same notice and not in this one (nor responsible for all)."""
        general = self.general_bodies.get(provision.doc_id, set())
        names = [
            body
            for body in self.bodies.get(provision.doc_id, ())
            if body not in general and not is_collective(body) and not contains(provision.text, body)
        ]
        return _sample(names, rng, k)

    def pick_siblings(self, enum: Enumeration, source: str, rng: random.Random, k: int) -> list[str]:
        """k members of sibling enumerations (same category and document, on the same matter, the closest
        first) that the source does not say and that mean none of the correct members."""
        mean = sum(map(len, enum.items)) / len(enum.items)

        def fits(text: str) -> bool:
            return (
                0.4 * mean <= len(text) <= max(2.5 * mean, 12)
                and len(text) <= MAX_OPTION
                and not is_catch_all(text)
                and not contains(source, text)
                and coverage(text, source) < SAYS_SO
                and not any(_same_thing(text, item) for item in enum.items)
            )

        if enum.distractors or enum.category in OWN_DISTRACTORS_ONLY:
            return _sample([d for d in enum.distractors if fits(d)], rng, k)
        scored: dict[str, float] = {}
        for sibling in self.enumerations.get(enum.category, ()):
            # Only lists of the same document: another document's list on the same matter often says a
            # correct member in other words (进入……了解情况 beside 进入……调查取证).
            if sibling.items == enum.items or sibling.doc_id != enum.doc_id:
                continue
            # A sibling on the same matter (较大事故 beside 重大事故): its lead-in says the same once the
            # boilerplate (有下列情形之一的 …) is gone, or its members share words with the correct ones.
            kinship = similarity(_matter(sibling.quote), _matter(enum.quote))
            for item in sibling.items:
                topical = max(similarity(item, own) for own in enum.items)
                if item not in scored and (kinship >= KIN or topical >= TOPICAL) and fits(item):
                    scored[item] = kinship + topical
        ranked = sorted(scored, key=lambda item: (-scored[item], item))
        return _sample(ranked[: 2 * k + 1], rng, k)

    @staticmethod
    def _alike(candidate: str, answer: str) -> bool:
        """A phrase that can stand in for the answer without meaning it: not part of it, not too close,
        of a similar length, and not the same or another government (县级以上人民政府 beside 各级人民政府, or
        beside 县级以上地方人民政府燃气管理部门, which acts for it)."""
        return (
            candidate not in answer
            and answer not in candidate
            and similarity(candidate, answer) < NEAR
            and 0.5 <= len(candidate) / len(answer) <= 2
            and not (_GOVERNMENT in candidate and _GOVERNMENT in answer)
            and not _kindred(candidate, answer)
        )


def _alike_term(candidate: str, answer: str) -> bool:
    """A term that can stand in for the answer without meaning it: neither holds the other, not too close,
    of a similar length."""
    return (
        candidate not in answer
        and answer not in candidate
        and similarity(candidate, answer) < NEAR
        and 0.5 <= len(candidate) / len(answer) <= 2
    )


def _plausible(values: tuple[float, ...], target: tuple[float, ...], kind: str) -> bool:
    """Positive, within PLAUSIBLE of the answer, whole when the answer is, a share no more than 100 % unless
    the answer is more."""
    for value, wanted in zip(values, target, strict=True):
        if value <= 0 or not 1 / PLAUSIBLE <= value / wanted <= PLAUSIBLE:
            return False
        if wanted == int(wanted) and value != int(value):
            return False
        if kind == "比例" and value > 100 >= wanted:
            return False
    return True


def _number_key(slot: Slot) -> str:
    """Numbers that can stand in for each other: same kind, unit and numerals, one value or a range; the
    wording around them (以内, 以上) is the answer's (see number_text)."""
    parts = slot.form.split("|")
    if len(parts) == 4:
        parts[2] = "range" if parts[2] == "range" else "single"
    return "|".join(parts)


def is_generic(subject: str) -> bool:
    """A subject that covers others: 生产经营单位, or a body named by its role."""
    return subject in GENERIC_SUBJECTS or bool(_ROLE_WORDS.search(subject))


def _kindred(a: str, b: str) -> bool:
    """Two subjects of one kind that may cover each other: the same head noun and a shared word before it
    (煤矿企业 is a 矿山企业; a 锅炉使用单位 is a 特种设备使用单位), unlike 建设单位 and 施工单位."""
    suffix = 0
    while suffix < min(len(a), len(b)) and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    if suffix >= 4 and not a.endswith(("部门", "机关", "机构")):  # bodies with their own names stay apart
        return True
    return suffix >= 2 and bool(set(a[:-suffix]) & set(b[:-suffix]))


def _matter(lead: str) -> str:
    """A lead-in without the words every lead-in has."""
    return _BOILERPLATE.sub("", lead)


def _same_thing(a: str, b: str) -> bool:
    """Whether two members may say the same: close in wording, or one holding most of the other's words
    (事故发生后采取的措施及事故控制情况 holds 已经采取的措施)."""
    return similarity(a, b) >= NEAR or coverage(a, b) >= HOLDS or coverage(b, a) >= HOLDS


def _sample(items: list[str], rng: random.Random, k: int, then: list[str] | None = None) -> list[str]:
    """Up to k distinct items, none holding another, drawn with the seeded generator; ``then`` are drawn
    from only when ``items`` run out."""
    first = list(dict.fromkeys(items))
    rng.shuffle(first)
    rest = [item for item in dict.fromkeys(then or ()) if item not in first]
    rng.shuffle(rest)
    picked: list[str] = []
    for item in first + rest:
        if len(picked) >= k:
            break
        if not any(item in other or other in item for other in picked):
            picked.append(item)
    return picked
