"""Sentence vectors for the evidence table, computed once per index and kept beside it."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from rag.evidence import EvidenceTable, build_units

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, EvidenceTable] = {}


def _key(index: Any, units: list) -> str:  # type: ignore[type-arg]
    h = hashlib.sha256(index.embedder.id.encode())
    for u in units:
        h.update(f"{u.source}\0{u.start}\0{u.end}\0".encode())
        h.update(u.text.encode())
    return h.hexdigest()[:16]


def get_evidence(index: Any) -> EvidenceTable:
    """The evidence table of an index: from memory, from index_dir, or embedded now (and saved)."""
    fast = f"{id(index)}:{index.manifest.built_at}"
    table = _cache.get(fast)
    if table is not None:
        return table
    with _lock:
        units = build_units(index.reports, index.chunks)
        key = _key(index, units)
        table = _cache.get(key)
        if table is not None:
            _cache[fast] = table
            return table
        folder = Path(index.index_dir)
        path = folder / f"sentences-{key}.npy"
        vectors: np.ndarray | None = None
        if path.exists():
            try:
                vectors = np.load(path)
                if vectors.shape != (len(units), index.embedder.dim):
                    vectors = None
            except (OSError, ValueError):
                vectors = None
        if vectors is None:
            log.info("embedding %d sentences for the evidence table", len(units))
            vectors = np.asarray(index.embedder.embed_passages([u.text for u in units]), dtype=np.float32)
            vectors = vectors.reshape(len(units), index.embedder.dim)
            _save(folder, path, vectors)
        table = EvidenceTable(units, vectors)
        _cache.clear()
        _cache[key] = _cache[fast] = table
        return table


def _save(folder: Path, path: Path, vectors: np.ndarray) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("sentences-*.npy"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.save(f, vectors)
        os.replace(tmp, path)
    except OSError as e:  # a read-only index still answers, it just embeds again next time
        log.warning("could not save sentence vectors to %s: %s", path, e)
