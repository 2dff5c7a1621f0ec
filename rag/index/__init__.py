"""The index: build it (incrementally), load it, score every chunk densely and by keywords.

    from rag.index import build_index, get_index
    stats = build_index(["seeds"])          # only new or changed files are embedded
    index = get_index()                     # cached; reloads when the manifest on disk changes
    index.dense_scores("问题"), index.bm25_scores("问题")
"""

from __future__ import annotations

from rag.index.build import build_index
from rag.index.loaded import ChunkRef, Index, clear_index_cache, get_index, index_from_reports, load_index
from rag.index.stats import BuildStats
from rag.index.store import IndexMismatchError, IndexNotFoundError, IndexStoreError, Manifest

__all__ = [
    "BuildStats",
    "ChunkRef",
    "Index",
    "IndexMismatchError",
    "IndexNotFoundError",
    "IndexStoreError",
    "Manifest",
    "build_index",
    "clear_index_cache",
    "get_index",
    "index_from_reports",
    "load_index",
]
