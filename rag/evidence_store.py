"""The evidence table of a loaded index: its sentences with their postings, and the vectors the index
already holds (read in place, not copied)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from rag.evidence import EvidenceTable, Unit, build_units

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[tuple[int, str], EvidenceTable] = {}


def get_evidence(index: Any) -> EvidenceTable:
    """Sentences of every chunk with their vectors and postings, built once per loaded index.

    The index embeds every sentence at build time (rag.index.passages); the few fragments it skips
    (too short to embed) are embedded here. The postings stored with the generation are used when they
    were made for these sentences, else made here.

    Raises:
        IndexDamagedError: the stored postings file is there but cannot be what the build wrote.
    """
    key = (id(index), str(index.manifest.built_at))
    table = _cache.get(key)
    if table is not None:
        return table
    with _lock:
        table = _cache.get(key)
        if table is not None:
            return table
        from rag.index.postings import POSTINGS, PostingsError, SentencePostings, read_postings
        from rag.index.sentences import UNITS, read_units, signature
        from rag.index.store import IndexDamagedError

        gen = Path(index.index_dir) / index.manifest.generation
        stored = read_units(gen / UNITS, index.reports)
        units = stored if stored is not None else build_units(index.reports, index.chunks)
        norms, contexts = [u.norm for u in units], [u.context for u in units]
        postings = None
        if stored is not None:
            try:
                postings = read_postings(gen / POSTINGS, signature(), norms, contexts)
            except PostingsError as e:
                raise IndexDamagedError(Path(index.index_dir), f"{index.manifest.generation}/{e}") from None
        if postings is None:
            log.info("making the postings of %d sentences (none stored for them)", len(units))
            postings = SentencePostings.build(norms, contexts)
        rows, missing = _rows(index, units)
        if missing:
            # a few fragments the index did not embed: the table gets its own vectors, as it always had
            log.info("embedding %d sentences the index does not hold", len(missing))
            vectors = np.zeros((len(units), index.embedder.dim), dtype=np.float32)
            held = np.flatnonzero(rows >= 0)
            vectors[held] = index.sentence_vectors[rows[held]]
            vectors[missing] = index.embedder.embed_passages([units[i].text for i in missing])
            table = EvidenceTable(units, vectors, postings)
        else:
            table = EvidenceTable(units, index.sentence_vectors, postings, rows=rows)
        _cache.clear()
        _cache[key] = table
        return table


def _rows(index: Any, units: list[Unit]) -> tuple[np.ndarray, list[int]]:
    """Each unit's row in the index's sentence vectors (-1 when it has none), and the units without one."""
    row_of: dict[tuple[str, int, int], int] = {}
    for row, (chunk_row, start, end) in enumerate(np.asarray(index.sentences).tolist()):
        row_of.setdefault((index.chunks[chunk_row].source, start, end), row)
    rows = np.fromiter((row_of.get((u.source, u.start, u.end), -1) for u in units), dtype=np.int64, count=len(units))
    return rows, np.flatnonzero(rows < 0).tolist()
