"""What gets embedded and keyword-indexed for a chunk.

Keyword side: one passage per chunk, a short context header (township, year, section path) plus
the chunk text, so a chunk matches a question that names its township or section even when its
body does not repeat them.

Dense side: every sentence of a chunk is embedded on its own, plus the chunk's header. A chunk's
vector is the length-weighted mean of those (close to embedding the whole chunk: cosine 0.98 on
the seeds, at the same cost), and the sentence vectors let a question match the one sentence that
answers it (see ``Index.dense_scores``).

All text is normalised (simplified script, half-width, pinyin annotations removed), so both scripts
index alike. Changing any of this changes every vector: bump PASSAGE_FORMAT, which makes old
indexes mismatch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.embed import l2_normalize
from rag.models import Chunk, Report
from rag.text import iter_sentence_spans, normalize, strip_pinyin

PASSAGE_FORMAT = "sentences-v1"
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")


def passage_header(report: Report, chunk: Chunk) -> str:
    """E.g. "高观镇 2022年 一、2022年法治政府建设工作情况 > (一)狠抓…"."""
    parts = [report.township or "", f"{report.year}年" if report.year else "", chunk.section]
    return normalize(strip_pinyin(" ".join(p for p in parts if p)))


def passage_text(report: Report, chunk: Chunk) -> str:
    """The keyword-indexed form of one chunk: header, newline, normalised body."""
    return passage_header(report, chunk) + "\n" + normalize(strip_pinyin(chunk.text))


def query_text(question: str) -> str:
    """The embedded form of a question (same normalisation as passages)."""
    return normalize(strip_pinyin(question))


def sentence_spans(report: Report, chunk: Chunk) -> list[tuple[int, int]]:
    """Sentences of a chunk as spans of ``report.text`` (fragments without two word characters skipped)."""
    return [
        (s, e)
        for s, e in iter_sentence_spans(report.text, chunk.start, chunk.end)
        if len(_CONTENT.findall(report.text[s:e])) >= 2
    ]


@dataclass
class EmbeddingPlan:
    """The texts to embed for some reports, and how their vectors combine into chunk vectors."""

    texts: list[str]
    owner: list[int]  # chunk row (within the plan's reports) of each text
    weights: list[float]
    sentence_rows: list[int]  # positions in ``texts`` that are sentences (the others are headers)
    sentence_spans: list[tuple[int, int, int]]  # (chunk row, start, end) for each sentence row
    n_chunks: int

    @classmethod
    def for_reports(cls, reports: list[Report]) -> EmbeddingPlan:
        plan = cls([], [], [], [], [], 0)
        row = 0
        for report in reports:
            for chunk in report.chunks:
                header = passage_header(report, chunk)
                plan._add(header, row, len(header))
                for s, e in sentence_spans(report, chunk):
                    text = normalize(strip_pinyin(report.text[s:e]))
                    plan.sentence_rows.append(len(plan.texts))
                    plan.sentence_spans.append((row, s, e))
                    plan._add(text, row, len(text))
                row += 1
        plan.n_chunks = row
        return plan

    def _add(self, text: str, owner: int, weight: float) -> None:
        self.texts.append(text)
        self.owner.append(owner)
        self.weights.append(max(float(weight), 1.0))

    def combine(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chunk vectors, sentence vectors, sentence spans) from the vectors of ``texts``."""
        dim = vectors.shape[1]
        chunks = np.zeros((self.n_chunks, dim), dtype=np.float32)
        if len(self.texts):
            np.add.at(chunks, np.asarray(self.owner), vectors * np.asarray(self.weights, dtype=np.float32)[:, None])
        sentences = vectors[np.asarray(self.sentence_rows, dtype=np.int64)] if self.sentence_rows else np.zeros((0, dim), np.float32)
        spans = np.asarray(self.sentence_spans, dtype=np.int64).reshape(-1, 3)
        return l2_normalize(chunks), sentences.astype(np.float32), spans


def chunker_version() -> str:
    """The chunker's version string, or "unknown" while rag.chunking does not declare one."""
    try:
        from rag.chunking import CHUNKER_VERSION
    except ImportError:
        return "unknown"
    return str(CHUNKER_VERSION)
