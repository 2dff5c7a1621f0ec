"""Section-aware chunking: one chunk per short leaf section, long sections split at sentence ends with a
one-sentence overlap, tiny sections merged with a neighbour or their parent. Every chunk is an exact
span of the cleaned report text.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.models import Chunk
from rag.text import iter_sentence_spans

if TYPE_CHECKING:
    from rag.ingest.sections import Layout, Section

CHUNKER_VERSION = "6"  # 5: 第一部分 above 一、; "存在的主要问题：一是…" leads a problems section; 6: 补齐…短板 is work, "在…工作打算方面，" opens plans

MIN_CHARS = 150  # a section shorter than this merges with a neighbour
TARGET_CHARS = 450
MAX_CHARS = 600  # a section longer than this is split at sentence ends

Span = tuple[int, int]

_ENUMERATION = re.compile(r"[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}[，,、]|其[一二三四五六七八九十][，,、]")


@dataclass
class _Group:
    path: tuple[str, ...]
    kind: str
    spans: list[Span]
    # heading lines that stand right before the first section's text, with their depth: its own
    # heading (when it is a line of its own) and those of ancestors that have no text of their own
    leads: list[tuple[int, Span]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(e - s for s, e in self.spans)


def _leads(sections: Sequence[Section], k: int) -> list[tuple[int, Span]]:
    sec = sections[k]
    out: list[tuple[int, Span]] = []
    if sec.heading_span and sec.heading_span != sec.spans[0]:
        out.append((len(sec.path), sec.heading_span))
    for prev in reversed(sections[:k]):
        is_ancestor = len(prev.path) < len(sec.path) and sec.path[:len(prev.path)] == prev.path
        if prev.spans or not is_ancestor or prev.heading_span is None:
            break
        out.append((len(prev.path), prev.heading_span))
    return out[::-1]


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Siblings, or one an ancestor of the other: the sections a tiny one may merge with."""
    common = _common_prefix(a, b)
    if not a or not b:
        return a == b  # the preamble merges only with itself
    return common in (a, b) or (len(a) == len(b) == len(common) + 1)


def merge_sections(sections: Sequence[Section], min_chars: int = MIN_CHARS,
                   max_chars: int = MAX_CHARS) -> list[_Group]:
    """Group consecutive sections so that tiny ones join a neighbour within the same top-level section."""
    groups: list[_Group] = []
    for k, sec in enumerate(sections):
        if not sec.spans:
            continue
        nxt = _Group(sec.path, sec.kind, list(sec.spans), _leads(sections, k))
        if groups:
            cur = groups[-1]
            path = _common_prefix(cur.path, nxt.path)
            # headings the shorter path no longer names go into the text, in front
            lead = [span for depth, span in cur.leads if depth > len(path)]
            start = lead[0][0] if lead else cur.spans[0][0]
            if (
                _related(cur.path, nxt.path)
                and cur.kind == nxt.kind
                and (cur.size < min_chars or nxt.size < min_chars)
                and nxt.spans[-1][1] - start <= max_chars
            ):
                cur.spans[:0] = lead
                cur.leads = [(d, span) for d, span in cur.leads if d <= len(path)]
                cur.path = path
                cur.spans.extend(nxt.spans)
                continue
        groups.append(nxt)
    return groups


def split_spans(text: str, spans: Sequence[Span], max_chars: int = MAX_CHARS,
                target_chars: int = TARGET_CHARS) -> list[Span]:
    """Cut a run of paragraphs into chunks of whole sentences, each at most max_chars when possible.

    A chunk starts and ends on sentence boundaries (。；！？ or a line end). Consecutive chunks share one
    sentence of overlap unless that sentence is long. A single sentence longer than max_chars is a chunk
    of its own: sentences are never cut.
    """
    if not spans:
        return []
    start, end = spans[0][0], spans[-1][1]
    if end - start <= max_chars:
        return [(start, end)]
    sents: list[Span] = []
    for s, e in spans:
        sents.extend(iter_sentence_spans(text, s, e))
    if not sents:
        return []
    total = sents[-1][1] - sents[0][0]
    pieces = max(1, math.ceil(total / target_chars))
    limit = min(max_chars, max(target_chars, math.ceil(total / pieces * 1.15)))
    # a paragraph start or an inline enumeration (二是…, 三是…) is the best place to cut
    para_starts = {s for s, _ in spans}
    boundary = [s in para_starts or bool(_ENUMERATION.match(text, s)) for s, _ in sents]
    out: list[Span] = []
    i, n = 0, len(sents)
    overlapped = False
    while i < n:
        j = i
        while j + 1 < n and sents[j + 1][1] - sents[i][0] <= limit:
            j += 1
        if overlapped and j == i:
            # the overlap sentence leaves no room for the next one: start afresh without overlap
            i, overlapped = i + 1, False
            continue
        # don't leave a tail too small to stand alone: take it in if it still fits in max_chars
        if j + 1 < n and sents[-1][1] - sents[i][0] <= max_chars:
            j = n - 1
        structural = False
        if j + 1 < n:
            for k in range(j, i, -1):
                if sents[k][1] - sents[i][0] < limit * 0.6:
                    break
                if boundary[k + 1]:
                    j, structural = k, True
                    break
        out.append((sents[i][0], sents[j][1]))
        if j == n - 1:
            break
        last_len = sents[j][1] - sents[j][0]
        overlapped = not structural and j > i and last_len <= max_chars // 3
        i = j if overlapped else j + 1
    return out


def chunk_id(source: str, start: int, end: int) -> str:
    """Stable and unique within a corpus: a short hash of the source path and the span."""
    return hashlib.sha1(f"{source}\x00{start}\x00{end}".encode()).hexdigest()[:16]


def chunk_text(text: str, source: str = "", layout: Layout | None = None) -> list[Chunk]:
    """Chunks of a cleaned report text, each with its heading path, kind and exact span."""
    if layout is None:
        from rag.ingest.sections import parse_layout  # rag.ingest imports this module

        layout = parse_layout(text)
    chunks: list[Chunk] = []
    for group in merge_sections(layout.sections):
        for s, e in split_spans(text, group.spans):
            chunks.append(
                Chunk(
                    id=chunk_id(source, s, e),
                    section=" > ".join(group.path),
                    kind=group.kind,  # type: ignore[arg-type]
                    start=s,
                    end=e,
                    text=text[s:e],
                )
            )
    return chunks
