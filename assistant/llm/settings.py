"""Settings of the optional LLM step: the endpoint (off when no URL is set), the prompt versions, and the
verification thresholds, in one recorded configuration.

Usage::

    llm = LLMSettings.from_env({"ASSISTANT_LLM_BASE_URL": "http://127.0.0.1:8000/v1", "ASSISTANT_LLM_MODEL": "qwen2.5"})
    llm.enabled, llm.timeout  # True, 8.0
    llm.record()              # what an evaluation prints beside its figures
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

ANSWER_PROMPT = "answer-v1"  # assistant/llm/prompts/answer-v1.txt
REWRITE_PROMPT = "rewrite-v1"

# Environment variables of the LLM step: default and meaning (merged into assistant.settings.ENVIRONMENT).
LLM_ENVIRONMENT = {
    "ASSISTANT_LLM_BASE_URL": (
        "",
        "OpenAI 兼容接口的地址（如 http://127.0.0.1:11434/v1）；为空时不用大模型，只给摘录式回答",
    ),
    "ASSISTANT_LLM_MODEL": ("", "模型名称（如 qwen2.5:7b、deepseek-chat）"),
    "ASSISTANT_LLM_API_KEY": ("", "接口密钥；本地服务不需要时留空"),
    "ASSISTANT_LLM_TIMEOUT": ("8", "等待大模型的秒数；超时或出错时改给摘录式回答，不显示错误"),
    "ASSISTANT_LLM_REWRITE": ("0", "1：检索前先让大模型把口语问题改写成法规用语（默认关闭，见说明）"),
}


@dataclass(frozen=True)
class Verification:
    """When a model's sentence is shown, and when the extractive answer is shown instead.

    Measured with ``python -m evals.llm_threshold`` on 98 hand-labelled sentences
    (evals/data/llm-sentences.jsonl) and on 405 first clauses of the provisions the dev answers cite, each
    cited to itself and to another provision of the same answer. At ``min_overlap`` 0.55 over a window of
    2 provision sentences the verifier drops all 48 unsupported labelled sentences and keeps 44 of 50
    supported ones (the six dropped are colloquial restatements), also when two more provisions are
    supplied beside them; it keeps all 405 verbatim clauses and drops 96.8 % of the mismatched citations
    (``swap_margin`` 0.15; 84.7 % without that check). At 0.50 two unsupported labelled sentences pass; a
    dropped true sentence costs style, a kept wrong one the user's trust."""

    min_overlap: float = 0.55  # share of a sentence's content bigrams that occur in its cited provisions
    overlap_window: int = 2  # consecutive provision sentences a sentence is compared with (its best window)
    swap_margin: float = 0.15  # another supplied provision overlapping by this much more: a mixed-up [n]
    min_bigrams: int = 3  # sentences with fewer content bigrams are not scored for overlap
    min_kept_share: float = 0.5  # below this share of kept sentences, the extractive answer is shown
    max_sentences: int = 8  # sentences read from one reply; the rest are dropped as too long
    max_provisions: int = 5  # answers citing more provisions (duty lists) stay extractive


@dataclass(frozen=True)
class LLMSettings:
    """The user's OpenAI-compatible endpoint and how its answers are checked; ``enabled`` when a URL is set."""

    base_url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = 8.0
    rewrite: bool = False
    answer_prompt: str = ANSWER_PROMPT
    rewrite_prompt: str = REWRITE_PROMPT
    verification: Verification = Verification()

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LLMSettings:
        """The settings from environment variables (unset or empty ones take their default); ValueError in
        Chinese for a timeout that is not a positive number."""

        def get(name: str) -> str:
            return (env.get(name) or LLM_ENVIRONMENT[name][0]).strip()

        try:
            timeout = float(get("ASSISTANT_LLM_TIMEOUT"))
        except ValueError:
            timeout = 0.0
        if not timeout > 0:
            raise ValueError(
                f"ASSISTANT_LLM_TIMEOUT 应为正数（秒），收到 {env.get('ASSISTANT_LLM_TIMEOUT')!r}"
            )
        return cls(
            base_url=get("ASSISTANT_LLM_BASE_URL"),
            model=get("ASSISTANT_LLM_MODEL"),
            api_key=get("ASSISTANT_LLM_API_KEY"),
            timeout=timeout,
            rewrite=get("ASSISTANT_LLM_REWRITE") in ("1", "true", "yes", "on"),
        )

    def record(self) -> dict[str, Any]:
        """The configuration as plain data, without the key (for logs and evaluation output)."""
        data = asdict(self)
        data.pop("api_key")
        return data
