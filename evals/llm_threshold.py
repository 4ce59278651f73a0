"""How the content-overlap threshold of the LLM verification was chosen: on hand-labelled sentences
(evals/data/llm-sentences.jsonl) of the kind a model writes, each citing one real provision, some
supported by it (paraphrases, colloquial restatements) and some not (invented content on the same subject,
a true statement of another provision cited to this one, a prohibition turned into a permission), print for each threshold the share of supported sentences kept and
of unsupported ones dropped, by overlap alone and by the whole verifier.

Usage::

    python -m evals.llm_threshold            # the index from the usual settings (ASSISTANT_DATA_DIR …)
    python -m evals.llm_threshold --json out.json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.answer import Citation
from assistant.llm.settings import Verification
from assistant.llm.verify import Source, Verifier, overlap_share
from assistant.service import Assistant
from assistant.settings import Settings

THRESHOLDS = [round(0.05 * step, 2) for step in range(2, 17)]  # 0.10 … 0.80


def load_sentences() -> list[dict[str, Any]]:
    text = resources.files("evals").joinpath("data", "llm-sentences.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def measure(assistant: Assistant, rules: Verification | None = None) -> dict[str, Any]:
    """Per threshold: supported kept and unsupported dropped, by overlap alone and by the whole verifier."""
    rules = rules or Verification()
    synonyms = assistant.analyzer.synonyms
    rows = []
    for item in load_sentences():
        provision, document = assistant.lookup(item["doc_id"], item["unit"])
        citation = Citation(provision.doc_id, provision.unit, f"《{document.title}》{provision.unit}", "")
        source = Source(1, citation, provision)
        sentence = Verifier([], rules, synonyms).in_law_words(item["sentence"], provision.text)
        rows.append((item, source, overlap_share(sentence, provision.text, rules.min_bigrams)))
    table = []
    for threshold in THRESHOLDS:
        verifier = Verifier([], replace(rules, min_overlap=threshold), synonyms)
        figures: dict[str, Any] = {"threshold": threshold}
        for label, supported in (("supported_kept", True), ("unsupported_dropped", False)):
            members = [(i, s, share) for i, s, share in rows if i["supported"] is supported]
            by_overlap = [share is None or share >= threshold for _, _, share in members]
            verified = [_kept(verifier, source, item["sentence"]) for item, source, _ in members]
            if not supported:
                by_overlap = [not kept for kept in by_overlap]
                verified = [not kept for kept in verified]
            figures[label] = {
                "n": len(members),
                "overlap_only": sum(by_overlap) / len(members),
                "verifier": sum(verified) / len(members),
            }
        table.append(figures)
    shares = {
        kind: sorted(round(share, 2) for item, _, share in rows if _kind(item) == kind and share is not None)
        for kind in ("paraphrase", "colloquial", "drift", "wrong_provision", "flipped")
    }
    return {"n": len(rows), "table": table, "shares": shares, "chosen": rules.min_overlap}


def _kept(verifier: Verifier, source: Source, sentence: str) -> bool:
    verifier.sources = {1: source}
    return verifier.check(sentence).kept


def _kind(item: dict[str, Any]) -> str:
    return str(item["kind"])


def format_measure(result: dict[str, Any]) -> str:
    lines = [
        f"内容重合阈值（{result['n']} 句人工标注，evals/data/llm-sentences.jsonl；当前取值 {result['chosen']}）",
        f"{'阈值':<6}{'有据句保留·仅重合':>14}{'·全部核对':>10}{'无据句删除·仅重合':>14}{'·全部核对':>10}",
    ]
    for row in result["table"]:
        kept, dropped = row["supported_kept"], row["unsupported_dropped"]
        lines.append(
            f"{row['threshold']:<8.2f}{kept['overlap_only']:>14.3f}{kept['verifier']:>12.3f}"
            f"{dropped['overlap_only']:>16.3f}{dropped['verifier']:>12.3f}"
        )
    for kind, shares in result["shares"].items():
        lines.append(f"{kind} 重合比例：{' '.join(f'{s:.2f}' for s in shares)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="大模型回答核对：内容重合阈值的测定")
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="把结果写成 JSON 文件")
    args = parser.parse_args(argv)
    result = measure(Assistant(Settings.from_env()))
    print(format_measure(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
