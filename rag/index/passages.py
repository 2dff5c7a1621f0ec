"""What gets embedded and keyword-indexed for a chunk: a short context header plus the chunk text.

The header (township, year, section path) lets a passage match a question that names its
township or section even when the chunk body does not repeat them. The text is normalised
(simplified script, half-width, pinyin annotations removed) so both scripts index alike.
Changing this format changes every vector: bump PASSAGE_FORMAT, which makes old indexes mismatch.
"""

from __future__ import annotations

from rag.models import Chunk, Report
from rag.text import normalize, strip_pinyin

PASSAGE_FORMAT = "header-v1"


def passage_header(report: Report, chunk: Chunk) -> str:
    """E.g. "高观镇 2022年 一、2022年法治政府建设工作情况 > (一)狠抓…"."""
    parts = [report.township or "", f"{report.year}年" if report.year else "", chunk.section]
    return normalize(strip_pinyin(" ".join(p for p in parts if p)))


def passage_text(report: Report, chunk: Chunk) -> str:
    """The indexed form of one chunk: header, newline, normalised body."""
    return passage_header(report, chunk) + "\n" + normalize(strip_pinyin(chunk.text))


def query_text(question: str) -> str:
    """The embedded form of a question (same normalisation as passages)."""
    return normalize(strip_pinyin(question))


def chunker_version() -> str:
    """The chunker's version string, or "unknown" while rag.chunking does not declare one."""
    try:
        from rag.chunking import CHUNKER_VERSION
    except ImportError:
        return "unknown"
    return str(CHUNKER_VERSION)
