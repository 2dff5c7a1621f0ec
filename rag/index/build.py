"""Build or update the index: scan files, ingest only new or changed ones, embed their chunks, write.

What an update does (``rebuild=False``):

* The files considered are those under ``paths`` plus every file already in the index that still
  exists on disk (so ``rag index upload.pdf`` adds one report without dropping the others).
* A file whose content (sha256) is unchanged keeps its report, chunks and vectors: nothing is
  re-ingested or re-embedded.
* A new or changed file is ingested and its chunks embedded.
* **Removed** means: a report whose source file no longer exists on disk (or that can no longer be
  ingested; the reason is then in ``skipped``) disappears from the index.

``rebuild=True`` replaces everything: the index becomes exactly the files under ``paths``, all
embedded again (the way to switch embedder or chunker). Ingestion errors never abort a build;
they are listed in ``BuildStats.skipped``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.config import corpus_folders, get_settings
from rag.embed import Embedder, get_embedder
from rag.index.bm25 import Tokenizer
from rag.index.cache import EmbeddingCache
from rag.index.keywords import TOKENS, tokenize_generation
from rag.index.keywords import signature as token_signature
from rag.index.loaded import check_compatible, place_names_of
from rag.index.passages import PASSAGE_FORMAT, EmbeddingPlan, chunker_version
from rag.index.sentences import UNITS, units_files
from rag.index.sentences import signature as units_signature
from rag.index.stats import BuildStats
from rag.index.store import (
    SENTENCE_SPANS,
    SENTENCE_VECTORS,
    VECTORS,
    FileEntry,
    Generation,
    Manifest,
    build_lock,
    new_generation_name,
    now_iso,
    prune,
    read_generation,
    read_manifest,
    write_generation,
)
from rag.index.vectors import DenseIndex
from rag.models import Report, Skipped

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
_FALLBACK_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


@dataclass
class _Vectors:
    """One report's vectors: chunk rows, sentence rows, and (chunk row in the report, start, end)."""

    chunks: np.ndarray
    sentences: np.ndarray
    spans: np.ndarray


@dataclass
class _Entry:
    """A report in the index being built."""

    report: Report
    path: Path
    sha256: str
    size: int
    vectors: _Vectors | None = None  # None: to embed
    places: list[str] | None = None  # None: to find


@dataclass
class _Previous:
    report: Report
    vectors: _Vectors
    places: list[str] | None


@dataclass
class _Candidate:
    path: Path
    source: str


def file_sha256(path: Path) -> str:
    """sha256 of the file, and of its metadata sidecar (NAME.meta.json) when there is one."""
    h = hashlib.sha256()
    for side in (path, path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
        if side != path and not side.is_file():
            continue
        with open(side, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _suffixes() -> tuple[str, ...]:
    try:
        from rag.ingest.loaders import SUPPORTED
    except ImportError:
        return _FALLBACK_SUFFIXES
    return tuple(SUPPORTED)


def _source_for(path: Path, root: Path, corpus_dir: Path) -> str:
    """Path relative to the corpus dir when inside it, else to the folder it was found in."""
    for base in (corpus_dir, root):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.name


def scan(paths: Iterable[Path], corpus_dir: Path) -> tuple[list[_Candidate], list[Skipped]]:
    """Files under ``paths`` (supported suffixes, hidden files skipped; a named file is always taken)."""
    suffixes = _suffixes()
    found: list[_Candidate] = []
    skipped: list[Skipped] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            skipped.append(Skipped(source=str(raw), reason="not found"))
        elif p.is_dir():
            root = p.resolve()
            for f in sorted(root.rglob("*")):
                rel = f.relative_to(root)
                if f.is_file() and f.suffix.lower() in suffixes and not any(s.startswith(".") for s in rel.parts):
                    found.append(_Candidate(f, _source_for(f, root, corpus_dir)))
        else:
            f = p.resolve()
            found.append(_Candidate(f, _source_for(f, f.parent, corpus_dir)))
    return found, skipped


def _ingest_one(path: Path, source: str) -> Report | Skipped:
    """Ingest one file; any failure becomes a Skipped with the reason."""
    from rag.ingest import ingest_paths

    root = path
    for _ in range(source.count("/") + 1):
        root = root.parent
    try:
        result = ingest_paths([path], root=root)
    except Exception as e:  # ingestion bugs must not abort the build
        logger.warning("ingesting %s failed", path, exc_info=True)
        return Skipped(source=source, reason=f"ingestion failed: {type(e).__name__}: {e}")
    if result.reports:
        return result.reports[0]
    if result.skipped:
        return Skipped(source=source, reason=result.skipped[0].reason)
    return Skipped(source=source, reason="no report found in the file")


def build_index(
    paths: Sequence[Path | str] | None = None,
    *,
    index_dir: Path | str | None = None,
    embedder: str | None = None,
    rebuild: bool = False,
    progress: bool = True,
    on_progress: ProgressFn | None = None,
) -> BuildStats:
    """Build the index, or update it incrementally (see the module docstring for the semantics).

    Args:
        paths: report files or folders; default ``corpus_folders(settings)`` (the data dir, or the demo).
        index_dir: default ``settings.index_dir``.
        embedder: embedder spec; default ``settings.embedder``.
        rebuild: replace the whole index with the files under ``paths``, all embedded again.
        progress: show a tqdm progress bar on stderr while embedding.
        on_progress: called as ``(done, total, stage)`` with stage "ingest" or "embed".

    Returns:
        BuildStats with what was added, changed, removed, unchanged and skipped.

    Raises:
        IndexMismatchError: updating (not rebuilding) an index built with another embedder or chunker.
    """
    t0 = time.perf_counter()
    settings = get_settings()
    index_dir = Path(index_dir or settings.index_dir)
    spec = embedder or settings.embedder
    corpus_dir = Path(settings.corpus_dir).resolve()
    targets = [Path(p) for p in paths] if paths else corpus_folders(settings)
    model = get_embedder(spec)

    with build_lock(index_dir):
        prev = None if rebuild else read_manifest(index_dir)
        if prev is not None:
            check_compatible(prev, spec, index_dir)
        previous = _previous_reports(read_generation(index_dir, prev)) if prev is not None else {}
        candidates, skipped = scan(targets, corpus_dir)
        candidates = _with_known_files(candidates, prev)
        entries, to_ingest = _reuse_or_queue(candidates, prev, previous, skipped)
        _ingest_queued(to_ingest, entries, skipped, on_progress)

        stats = BuildStats(index_dir=str(index_dir), embedder=model.id, rebuilt=rebuild, skipped=skipped)
        _classify(stats, entries, prev)
        cache = EmbeddingCache(index_dir, model.id, model.dim)
        _embed_missing(list(entries.values()), model, cache, stats, progress, on_progress)
        ordered = [entries[src] for src in sorted(entries)]
        stats.reports = len(ordered)
        stats.chunks = sum(len(e.report.chunks) for e in ordered)
        if prev is None or stats.added or stats.changed or stats.removed or _derived_stale(index_dir, prev, ordered):
            _write(index_dir, ordered, model, spec, stats, prev)
        stats.seconds = time.perf_counter() - t0
        if stats.written:
            logger.info("%s", stats.summary("en"))
        return stats


def _previous_reports(gen: Generation) -> dict[str, _Previous]:
    """Each report of the previous generation with its own rows of vectors and its place names."""
    out: dict[str, _Previous] = {}
    offset = 0
    owner = gen.sentence_spans[:, 0]
    for r in gen.reports:
        end = offset + len(r.chunks)
        rows = (owner >= offset) & (owner < end)
        spans = gen.sentence_spans[rows].copy()
        spans[:, 0] -= offset
        out[r.source] = _Previous(r, _Vectors(gen.vectors[offset:end], gen.sentence_vectors[rows], spans), gen.places.get(r.source))
        offset = end
    return out


def _with_known_files(candidates: list[_Candidate], prev: Manifest | None) -> list[_Candidate]:
    """Add the indexed files that still exist; a known file keeps the source name it was indexed under."""
    if prev is None:
        return candidates
    known_by_path = {e.path: src for src, e in prev.files.items()}
    for c in candidates:
        c.source = known_by_path.get(str(c.path), c.source)
    scanned = {str(c.path) for c in candidates}
    extra = [
        _Candidate(Path(e.path), src)
        for src, e in sorted(prev.files.items())
        if e.path not in scanned and Path(e.path).is_file()
    ]
    return candidates + extra


def _reuse_or_queue(
    candidates: list[_Candidate], prev: Manifest | None, previous: dict[str, _Previous], skipped: list[Skipped]
) -> tuple[dict[str, _Entry], list[tuple[_Candidate, str, int]]]:
    """Unchanged files keep their report and vectors; new or changed ones are queued for ingestion."""
    entries: dict[str, _Entry] = {}
    queue: list[tuple[_Candidate, str, int]] = []
    by_sha: dict[str, str] = {}
    claimed: dict[str, Path] = {}
    for c in candidates:
        if c.source in claimed:
            if claimed[c.source] != c.path:
                skipped.append(Skipped(source=str(c.path), reason=f"another file is already indexed as {c.source}"))
            continue
        claimed[c.source] = c.path
        try:
            sha, size = file_sha256(c.path), c.path.stat().st_size
        except OSError as err:
            skipped.append(Skipped(source=c.source, reason=f"unreadable: {err}"))
            continue
        if sha in by_sha:
            skipped.append(Skipped(source=c.source, reason=f"same content as {by_sha[sha]}"))
            continue
        by_sha[sha] = c.source
        old = prev.files.get(c.source) if prev else None
        if old is not None and old.sha256 == sha and c.source in previous:
            p = previous[c.source]
            entries[c.source] = _Entry(p.report, c.path, sha, size, p.vectors, p.places)
        else:
            queue.append((c, sha, size))
    return entries, queue


def _ingest_queued(
    queue: list[tuple[_Candidate, str, int]],
    entries: dict[str, _Entry],
    skipped: list[Skipped],
    on_progress: ProgressFn | None,
) -> None:
    for i, (c, sha, size) in enumerate(queue):
        if on_progress:
            on_progress(i, len(queue), "ingest")
        result = _ingest_one(c.path, c.source)
        if isinstance(result, Skipped):
            skipped.append(Skipped(source=c.source, reason=result.reason))
            continue
        if result.source != c.source:
            result = result.model_copy(update={"source": c.source})
        entries[c.source] = _Entry(result, c.path, sha, size)
    if on_progress and queue:
        on_progress(len(queue), len(queue), "ingest")


def _classify(stats: BuildStats, entries: dict[str, _Entry], prev: Manifest | None) -> None:
    old_files = prev.files if prev else {}
    for src, entry in sorted(entries.items()):
        if src not in old_files:
            stats.added.append(src)
        elif old_files[src].sha256 != entry.sha256:
            stats.changed.append(src)
        else:
            stats.unchanged.append(src)
    stats.removed = sorted(set(old_files) - set(entries))


def _write(
    index_dir: Path, ordered: list[_Entry], model: Embedder, spec: str, stats: BuildStats, prev: Manifest | None
) -> None:
    """Write the new generation and switch to it; prune all but it and the previous one."""
    arrays = _concatenate([e.vectors for e in ordered if e.vectors is not None], model.dim)
    manifest = Manifest(
        generation=new_generation_name(),
        embedder=model.id,
        embedder_spec=spec,
        dim=model.dim,
        chunker_version=chunker_version(),
        passage_format=PASSAGE_FORMAT,
        built_at=now_iso(),
        counts={"reports": stats.reports, "chunks": stats.chunks, "skipped": len(stats.skipped)},
        files={
            e.report.source: FileEntry(path=str(e.path), sha256=e.sha256, size=e.size, chunks=len(e.report.chunks))
            for e in ordered
        },
        skipped=stats.skipped,
    )
    places = {
        e.report.source: e.places if e.places is not None else sorted(place_names_of([e.report])) for e in ordered
    }
    dense = DenseIndex.build(arrays[VECTORS])
    tokenizer = Tokenizer(name for names in places.values() for name in names)
    previous = index_dir / prev.generation / TOKENS if prev else None
    tokens = tokenize_generation([e.report for e in ordered], tokenizer, previous)
    write_generation(index_dir, manifest, [e.report for e in ordered], arrays, dense.to_bytes(), places,
                     extra={TOKENS: tokens, **units_files([e.report for e in ordered])})
    prune(index_dir, keep=(manifest.generation, prev.generation if prev else ""))
    stats.written = True


_SIGNATURE = re.compile(rb'"signature":"([0-9a-f]+)"')


def _stored_signature(path: Path) -> bytes | None:
    """The signature a stored JSON file opens with (read from its first bytes, not parsed whole)."""
    try:
        with path.open("rb") as f:
            m = _SIGNATURE.search(f.read(256))
    except OSError:
        return None
    return m.group(1) if m else None


def _derived_stale(index_dir: Path, prev: Manifest, ordered: list[_Entry]) -> bool:
    """The stored keyword tokens or sentences were made by other code (a lexicon or sentence-split change
    since the build): a build writes them again, even when no report changed, so that loading stops
    making them at every start."""
    gen = index_dir / prev.generation
    places = {name for e in ordered for name in (e.places if e.places is not None else place_names_of([e.report]))}
    tokens = _stored_signature(gen / TOKENS)
    units = _stored_signature(gen / UNITS)
    stale = tokens != token_signature(Tokenizer(places)).encode() or units != units_signature().encode()
    if stale:
        logger.info("the keyword tokens or sentences stored in %s were made by other code: writing them again", gen)
    return stale


def _concatenate(parts: list[_Vectors], dim: int) -> dict[str, np.ndarray]:
    """The generation's arrays: every report's rows, sentence spans re-based to global chunk rows."""
    chunks, sentences, spans = [np.zeros((0, dim), np.float32)], [np.zeros((0, dim), np.float32)], [np.zeros((0, 3), np.int64)]
    offset = 0
    for p in parts:
        chunks.append(p.chunks)
        sentences.append(p.sentences)
        shifted = p.spans.copy()
        shifted[:, 0] += offset
        spans.append(shifted)
        offset += len(p.chunks)
    return {
        VECTORS: np.concatenate(chunks).astype(np.float32),
        SENTENCE_VECTORS: np.concatenate(sentences).astype(np.float32),
        SENTENCE_SPANS: np.concatenate(spans).astype(np.int64),
    }


def _embed_missing(
    entries: list[_Entry],
    model: Embedder,
    cache: EmbeddingCache,
    stats: BuildStats,
    progress: bool,
    on_progress: ProgressFn | None,
) -> None:
    """Embed the sentences and headers of every entry without vectors, with one progress bar for all.

    Passages already in the cache (this embedder, same text) are not embedded again, and a text that
    occurs many times is embedded once.
    """
    from tqdm import tqdm

    todo = [e for e in entries if e.vectors is None]
    plans = [EmbeddingPlan.for_reports([e.report]) for e in todo]
    texts = [t for plan in plans for t in plan.texts]
    total = len(texts)
    done = 0
    bar = tqdm(total=total, desc="embedding", unit="passage", file=sys.stderr, disable=not progress or not total)

    def advance(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if on_progress:
            on_progress(done, total, "embed")

    try:
        if on_progress and total:
            on_progress(0, total, "embed")
        vectors, sent = cache.embed(model, texts, on_batch=advance) if total else (np.zeros((0, model.dim), np.float32), [])
    finally:
        bar.close()
    offset = 0
    for e, plan in zip(todo, plans, strict=True):
        n = len(plan.texts)
        e.vectors = _Vectors(*plan.combine(vectors[offset : offset + n]))
        offset += n
    stats.chunks_embedded = sum(len(e.report.chunks) for e in todo)
    stats.passages_embedded = len(sent)
    stats.passages_cached = total - len(sent)
    stats.chars_embedded = sum(len(texts[i]) for i in sent)
