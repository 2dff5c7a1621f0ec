"""The evidence table of a loaded index: its sentences, with the vectors the index already holds."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from rag.evidence import EvidenceTable, build_units

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[tuple[int, str], EvidenceTable] = {}


def get_evidence(index: Any) -> EvidenceTable:
    """Sentences of every chunk with their vectors, built once per loaded index.

    The index embeds every sentence at build time (rag.index.passages); the few fragments it skips
    (too short to embed) are embedded here.
    """
    key = (id(index), str(index.manifest.built_at))
    table = _cache.get(key)
    if table is not None:
        return table
    with _lock:
        table = _cache.get(key)
        if table is not None:
            return table
        from rag.index.sentences import UNITS, read_units

        stored = read_units(Path(index.index_dir) / index.manifest.generation / UNITS, index.reports)
        units = stored if stored is not None else build_units(index.reports, index.chunks)
        row_of: dict[tuple[str, int, int], int] = {}
        for row, (chunk_row, start, end) in enumerate(np.asarray(index.sentences).tolist()):
            row_of.setdefault((index.chunks[chunk_row].source, start, end), row)
        vectors = np.zeros((len(units), index.embedder.dim), dtype=np.float32)
        missing: list[int] = []
        for i, u in enumerate(units):
            found = row_of.get((u.source, u.start, u.end))
            if found is None:
                missing.append(i)
            else:
                vectors[i] = index.sentence_vectors[found]
        if missing:
            log.info("embedding %d sentences the index does not hold", len(missing))
            vectors[missing] = index.embedder.embed_passages([units[i].text for i in missing])
        table = EvidenceTable(units, vectors)
        _cache.clear()
        _cache[key] = table
        return table
