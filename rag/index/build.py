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
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from rag.config import get_settings
from rag.embed import Embedder, get_embedder
from rag.index.loaded import check_compatible, place_names_of
from rag.index.passages import PASSAGE_FORMAT, EmbeddingPlan, chunker_version
from rag.index.store import (
    SENTENCE_SPANS,
    SENTENCE_VECTORS,
    VECTORS,
    FileEntry,
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


class BuildStats(BaseModel):
    """What a build did. Lists hold report sources (paths relative to their corpus root)."""

    index_dir: str
    embedder: str
    rebuilt: bool = False
    written: bool = False  # False when nothing changed and no new generation was written
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    reports: int = 0
    chunks: int = 0
    chunks_embedded: int = 0
    passages_embedded: int = 0  # sentences and chunk headers sent to the embedder
    chars_embedded: int = 0
    seconds: float = 0.0

    def summary(self, lang: Literal["zh", "en"] = "zh") -> str:
        """One or a few lines for people: counts, time, and each skipped file with its reason."""
        if lang == "en":
            head = (
                f"index {self.index_dir}: {self.reports} reports, {self.chunks} chunks "
                f"({len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped); "
                f"{self.chunks_embedded} chunks embedded with {self.embedder} in {self.seconds:.1f} s"
            )
            lines = [head] + [f"skipped {s.source}: {s.reason}" for s in self.skipped]
        else:
            head = (
                f"索引 {self.index_dir}：共 {self.reports} 份报告、{self.chunks} 个段落"
                f"（新增 {len(self.added)}，更新 {len(self.changed)}，移除 {len(self.removed)}，"
                f"未变 {len(self.unchanged)}，跳过 {len(self.skipped)}）；"
                f"用 {self.embedder} 嵌入 {self.chunks_embedded} 个段落，耗时 {self.seconds:.1f} 秒"
            )
            lines = [head] + [f"跳过 {s.source}：{s.reason}" for s in self.skipped]
        return "\n".join(lines)


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
        paths: report files or folders; default ``settings.corpus_dir``.
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
    targets = [Path(p) for p in paths] if paths else [corpus_dir]
    model = get_embedder(spec)

    with build_lock(index_dir):
        prev = None if rebuild else read_manifest(index_dir)
        if prev is not None:
            check_compatible(prev, spec, index_dir)
        prev_gen = read_generation(index_dir, prev) if prev is not None else None
        prev_reports: dict[str, tuple[Report, _Vectors, list[str] | None]] = {}
        if prev_gen is not None:
            offset = 0
            owner = prev_gen.sentence_spans[:, 0]
            for r in prev_gen.reports:
                end = offset + len(r.chunks)
                rows = (owner >= offset) & (owner < end)
                spans = prev_gen.sentence_spans[rows].copy()
                spans[:, 0] -= offset
                vecs = _Vectors(prev_gen.vectors[offset:end], prev_gen.sentence_vectors[rows], spans)
                prev_reports[r.source] = (r, vecs, prev_gen.places.get(r.source))
                offset = end

        candidates, skipped = scan(targets, corpus_dir)
        known_by_path = {e.path: src for src, e in (prev.files.items() if prev else [])}
        for c in candidates:  # a known file keeps the source name it was first indexed under
            c.source = known_by_path.get(str(c.path), c.source)
        scanned = {str(c.path) for c in candidates}
        for src, e in sorted(prev.files.items()) if prev else []:
            if e.path not in scanned and Path(e.path).is_file():
                candidates.append(_Candidate(Path(e.path), src))

        entries: dict[str, _Entry] = {}
        by_sha: dict[str, str] = {}
        claimed: dict[str, Path] = {}
        to_ingest: list[tuple[_Candidate, str, int]] = []
        for c in candidates:
            if c.source in claimed:
                if claimed[c.source] != c.path:
                    skipped.append(Skipped(source=str(c.path), reason=f"another file is already indexed as {c.source}"))
                continue
            claimed[c.source] = c.path
            try:
                sha, size = file_sha256(c.path), c.path.stat().st_size
            except OSError as e:
                skipped.append(Skipped(source=c.source, reason=f"unreadable: {e}"))
                continue
            if sha in by_sha:
                skipped.append(Skipped(source=c.source, reason=f"same content as {by_sha[sha]}"))
                continue
            by_sha[sha] = c.source
            old = prev.files.get(c.source) if prev else None
            if old is not None and old.sha256 == sha and c.source in prev_reports:
                report, vecs, known_places = prev_reports[c.source]
                entries[c.source] = _Entry(report, c.path, sha, size, vecs, known_places)
            else:
                to_ingest.append((c, sha, size))

        for i, (c, sha, size) in enumerate(to_ingest):
            if on_progress:
                on_progress(i, len(to_ingest), "ingest")
            result = _ingest_one(c.path, c.source)
            if isinstance(result, Skipped):
                skipped.append(Skipped(source=c.source, reason=result.reason))
                continue
            if result.source != c.source:
                result = result.model_copy(update={"source": c.source})
            entries[c.source] = _Entry(result, c.path, sha, size)
        if on_progress and to_ingest:
            on_progress(len(to_ingest), len(to_ingest), "ingest")

        stats = BuildStats(index_dir=str(index_dir), embedder=model.id, rebuilt=rebuild, skipped=skipped)
        old_files = prev.files if prev else {}
        for src, entry in sorted(entries.items()):
            if src not in old_files:
                stats.added.append(src)
            elif old_files[src].sha256 != entry.sha256:
                stats.changed.append(src)
            else:
                stats.unchanged.append(src)
        stats.removed = sorted(set(old_files) - set(entries))

        _embed_missing(list(entries.values()), model, stats, progress, on_progress)
        ordered = [entries[src] for src in sorted(entries)]
        stats.reports = len(ordered)
        stats.chunks = sum(len(e.report.chunks) for e in ordered)

        if prev is not None and not (stats.added or stats.changed or stats.removed):
            stats.seconds = time.perf_counter() - t0
            return stats  # nothing to write: the index on disk is already this one

        arrays = _concatenate([e.vectors for e in ordered if e.vectors is not None], model.dim)
        manifest = Manifest(
            generation=new_generation_name(),
            embedder=model.id,
            embedder_spec=spec,
            dim=model.dim,
            chunker_version=chunker_version(),
            passage_format=PASSAGE_FORMAT,
            built_at=now_iso(),
            counts={"reports": stats.reports, "chunks": stats.chunks, "skipped": len(skipped)},
            files={
                e.report.source: FileEntry(path=str(e.path), sha256=e.sha256, size=e.size, chunks=len(e.report.chunks))
                for e in ordered
            },
            skipped=skipped,
        )
        place_table = {
            entry.report.source: entry.places if entry.places is not None else sorted(place_names_of([entry.report]))
            for entry in ordered
        }
        dense = DenseIndex.build(arrays[VECTORS])
        write_generation(index_dir, manifest, [e.report for e in ordered], arrays, dense.to_bytes(), place_table)
        prune(index_dir, keep=(manifest.generation, prev.generation if prev else ""))
        stats.written = True
        stats.seconds = time.perf_counter() - t0
        logger.info("%s", stats.summary("en"))
        return stats


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
    stats: BuildStats,
    progress: bool,
    on_progress: ProgressFn | None,
) -> None:
    """Embed the sentences and headers of every entry without vectors, with one progress bar for all."""
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
        vectors = model.embed_passages(texts, on_batch=advance) if total else np.zeros((0, model.dim), np.float32)
    finally:
        bar.close()
    offset = 0
    for e, plan in zip(todo, plans, strict=True):
        n = len(plan.texts)
        e.vectors = _Vectors(*plan.combine(vectors[offset : offset + n]))
        offset += n
    stats.chunks_embedded = sum(len(e.report.chunks) for e in todo)
    stats.passages_embedded = total
    stats.chars_embedded = sum(len(t) for t in texts)
