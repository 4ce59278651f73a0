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

    ``min_overlap`` was measured on the 98 labelled sentences of evals/data/llm-sentences.jsonl
    (``python -m evals.llm_threshold``): at 0.55 the whole verifier drops all 48 unsupported ones (invented
    content, another provision's statement cited here, a prohibition turned into a permission) and keeps
    44 of 50 supported ones (88 %; the six dropped are colloquial restatements); at 0.50 two mismatched
    citations pass. A dropped true sentence costs style, a kept wrong one the user's trust."""

    min_overlap: float = 0.55  # share of a sentence's content bigrams that occur in its cited provisions
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
