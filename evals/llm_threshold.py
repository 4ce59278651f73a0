"""How the content-overlap threshold of the LLM verification was chosen, on two kinds of sentences:

- hand-labelled ones (evals/data/llm-sentences.jsonl) of the kind a model writes, each citing one real
  provision, supported by it (paraphrases, colloquial restatements) or not (invented content on the same
  subject, a true statement of another provision cited to this one, a prohibition turned into a permission);
- the supported labelled ones again, with two more provisions supplied (the ones a search for the sentence
  ranks first), which should still be kept;
- drawn from the dev set's answers: the first clause of each provision an answer cites, cited to itself
  (verbatim, should be kept) and cited to the next provision of the same answer (a mismatched citation,
  should be dropped unless the two provisions say the same thing, so its drop rate is a lower bound).

For each threshold it prints the share handled correctly, by overlap alone and by the whole verifier.

Usage::

    python -m evals.llm_threshold            # the index from the usual settings (ASSISTANT_DATA_DIR …)
    python -m evals.llm_threshold --json out.json
    python -m evals.llm_threshold --window 1     # compare with one provision sentence (default 2)
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.answer import Citation
from assistant.llm.settings import Verification
from assistant.llm.verify import Source, Verifier
from assistant.service import Assistant
from assistant.settings import Settings
from evals.datasets import load_dev_set

THRESHOLDS = [round(0.05 * step, 2) for step in range(2, 17)]  # 0.10 … 0.80
CLAUSE_CHARS = 60
_DRAWN = ("distracted", "verbatim", "mismatched")  # kinds made by this module, not labelled by hand


@dataclass(frozen=True)
class Case:
    """A sentence, the sources it is checked against, whether it should be kept, and its kind."""

    sentence: str
    sources: list[Source]
    supported: bool
    kind: str


def labelled_cases(assistant: Assistant) -> list[Case]:
    text = resources.files("evals").joinpath("data", "llm-sentences.jsonl").read_text(encoding="utf-8")
    cases = []
    for item in (json.loads(line) for line in text.splitlines() if line.strip()):
        provision, document = assistant.lookup(item["doc_id"], item["unit"])
        citation = Citation(provision.doc_id, provision.unit, f"《{document.title}》{provision.unit}", "")
        cases.append(
            Case(item["sentence"], [Source(1, citation, provision)], item["supported"], item["kind"])
        )
    return cases


def distracted_cases(assistant: Assistant, labelled: list[Case]) -> list[Case]:
    """The supported labelled sentences again, supplied with the two other provisions a search for the
    sentence ranks first as [2] and [3]: what the cost of the mixed-up-number check is."""
    cases = []
    for case in labelled:
        if not case.supported:
            continue
        own = case.sources[0]
        hits = assistant.search(re.sub(r"\[\d+\]", "", case.sentence), k=5)
        others = [h for h in hits if h.provision.id != own.provision.id][:2]
        sources = [own] + [
            Source(n, Citation(h.doc_id, h.unit, h.citation, ""), h.provision)
            for n, h in enumerate(others, start=2)
        ]
        cases.append(Case(case.sentence, sources, True, "distracted"))
    return cases


def drawn_cases(assistant: Assistant) -> list[Case]:
    """From each dev answer citing two or more provisions: each first clause cited to itself and to the next."""
    cases = []
    for item in load_dev_set().retrieval_items:
        answer = assistant.extractive_answer(item.query)
        sources = [
            Source(n, c, provision)
            for n, c in enumerate(answer.citations, start=1)
            if (provision := assistant.index.provision(c.doc_id, c.unit)) is not None
        ]
        if not answer.supported or len(sources) < 2 or len(sources) != len(answer.citations):
            continue
        for source in sources:
            body = re.sub(r"^（[一二三四五六七八九十百]+）", "", source.provision.text.strip())
            clause = re.split(r"[。；：\n]", body)[0][:CLAUSE_CHARS].rstrip("，")
            other = sources[source.number % len(sources)].number
            cases.append(Case(f"{clause}[{source.number}]。", sources, True, "verbatim"))
            cases.append(Case(f"{clause}[{other}]。", sources, False, "mismatched"))
    return cases


def measure(assistant: Assistant, rules: Verification | None = None) -> dict[str, Any]:
    """Per threshold and kind of sentence: the share handled correctly, by overlap alone and verified."""
    rules = rules or Verification()
    synonyms = assistant.analyzer.synonyms
    labelled = labelled_cases(assistant)
    cases = labelled + distracted_cases(assistant, labelled) + drawn_cases(assistant)
    shares = [_share(case, rules, synonyms) for case in cases]
    groups: dict[str, Callable[[Case], bool]] = {
        "labelled_supported_kept": lambda c: c.supported and c.kind not in _DRAWN,
        "labelled_unsupported_dropped": lambda c: not c.supported and c.kind not in _DRAWN,
        "distracted_kept": lambda c: c.kind == "distracted",
        "verbatim_kept": lambda c: c.kind == "verbatim",
        "mismatched_dropped": lambda c: c.kind == "mismatched",
    }
    table = []
    for threshold in THRESHOLDS:
        row: dict[str, Any] = {"threshold": threshold}
        strict = replace(rules, min_overlap=threshold)
        for name, member in groups.items():
            chosen = [(c, s) for c, s in zip(cases, shares, strict=True) if member(c)]
            by_overlap = [(s is None or s >= threshold) == c.supported for c, s in chosen]
            verified = [_verified(c, strict, synonyms) == c.supported for c, _ in chosen]
            row[name] = {
                "n": len(chosen),
                "overlap_only": sum(by_overlap) / len(chosen),
                "verifier": sum(verified) / len(chosen),
            }
        table.append(row)
    by_kind: dict[str, list[float]] = {}
    for case, share in zip(cases, shares, strict=True):
        if share is not None and case.kind not in _DRAWN:
            by_kind.setdefault(case.kind, []).append(round(share, 2))
    return {
        "n": len(cases),
        "table": table,
        "shares": {k: sorted(v) for k, v in by_kind.items()},
        "chosen": rules.min_overlap,
        "window": rules.overlap_window,
    }


def _share(case: Case, rules: Verification, synonyms: dict[str, list[str]]) -> float | None:
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", case.sentence)}
    body = re.sub(r"\[\d+\]", "", case.sentence)
    return Verifier(case.sources, rules, synonyms).overlap(
        body, [s for s in case.sources if s.number in cited]
    )


def _verified(case: Case, rules: Verification, synonyms: dict[str, list[str]]) -> bool:
    return Verifier(case.sources, rules, synonyms).check(case.sentence).kept


def format_measure(result: dict[str, Any]) -> str:
    first = result["table"][0]
    counts = "，".join(f"{name} {first[name]['n']}" for name in first if name != "threshold")
    lines = [
        f"内容重合阈值（当前取值 {result['chosen']}，与条款中连续 {result['window']} 句比较）：{counts}",
        "每格：仅看重合 / 全部核对",
        f"{'阈值':<6}{'标注有据句保留':>16}{'标注无据句删除':>16}{'有干扰条款时保留':>14}{'逐字首句保留':>16}{'错引首句删除':>16}",
    ]
    for row in result["table"]:
        cells = "".join(
            f"{row[name]['overlap_only']:>11.3f}/{row[name]['verifier']:.3f}"
            for name in row
            if name != "threshold"
        )
        lines.append(f"{row['threshold']:<8.2f}{cells}")
    for kind, shares in result["shares"].items():
        lines.append(f"{kind} 重合比例：{' '.join(f'{s:.2f}' for s in shares)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="大模型回答核对：内容重合阈值的测定")
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="把结果写成 JSON 文件")
    defaults = Verification()
    parser.add_argument("--window", type=int, default=defaults.overlap_window, help="与条款中连续几句比较")
    parser.add_argument("--margin", type=float, default=defaults.swap_margin, help="判为标错出处的重合差")
    args = parser.parse_args(argv)
    rules = replace(defaults, overlap_window=args.window, swap_margin=args.margin)
    result = measure(Assistant(Settings.from_env()), rules)
    print(format_measure(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
