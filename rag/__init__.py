"""法治报告问答: question answering with exact citations over Chinese township rule-of-law reports.

Public API::

    from rag import answer, search, build_index, ingest_paths
    a = answer("哪些乡镇提到执法人员不足？")
    hits = search("劳动纠纷调解成功率", k=10, filters={"township": "共和镇"})
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

# Imported eagerly: the function shares its name with its module, and a lazily imported submodule
# would shadow it as an attribute of the package. rag.answer itself imports nothing heavy.
from rag.answer import answer, answer_stream
from rag.models import Answer, Chunk, Citation, Filters, Hit, IngestResult, Report, Skipped

if TYPE_CHECKING:
    from rag.index import build_index
    from rag.ingest import ingest_paths
    from rag.retrieve import search

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "Filters",
    "Hit",
    "IngestResult",
    "Report",
    "Skipped",
    "answer",
    "answer_stream",
    "build_index",
    "ingest_paths",
    "search",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Heavy modules (faiss, the embedder, gradio) load on first use, not at import time.
_LAZY = {
    "search": ("rag.retrieve", "search"),
    "build_index": ("rag.index", "build_index"),
    "ingest_paths": ("rag.ingest", "ingest_paths"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
