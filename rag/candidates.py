"""The one step from a question to evidence, shared by search() and answer(): every sentence in scope
scored against the question's keywords (with their synonyms, 或 readings and quoted phrases) and its
embedding, by the index's sentence store (rag.store: "local" by default, a distributed one by name).

answer() decides and composes from these candidates (rag.compose, rag.decide); search() ranks passages by
their best candidate sentence, fused with the passage-level dense and BM25 rankings (rag.retrieve).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rag.evidence import (
    EvidenceTable,
    Scored,
    alternative_sides,
    keywords,
    quoted_phrases,
    rejoined,
    unheld_abbreviations,
    unheld_compounds,
    unheld_context,
    unheld_predicates,
    uninvented,
)


def score_sentences(index: Any, topic: str, question: str, units: Iterable[int],
                    kw: list[str] | None = None) -> tuple[list[Scored], list[str], EvidenceTable]:
    """The sentences ``units`` of ``index`` scored for a question, best first.

    Args:
        index: the loaded index.
        topic: what the question asks about (its place and year words removed).
        question: the whole question (for quoted phrases).
        units: indices into the evidence table's sentences: the scope.
        kw: keywords to use instead of the topic's own (e.g. none for a whole-section question).

    Returns:
        (scored sentences, the keywords used, the evidence table they index).
    """
    from rag.store import get_store

    store = get_store(index)
    kw = keywords(topic, places=getattr(index, "place_names", ())) if kw is None else kw
    units = list(units)
    table = store.table()
    kw = unheld_abbreviations(unheld_compounds(uninvented(rejoined(kw, topic, table), table), table), table)
    kw = unheld_context(unheld_predicates(kw, question, table, units), question, table, units)
    qvec = index.embedder.embed_queries([topic])[0]
    alternatives = alternative_sides(topic) if kw else []
    return store.score(kw, qvec, units, alternatives, quoted_phrases(question)), kw, table


def units_in_chunks(table: EvidenceTable, chunks: Iterable[int]) -> list[int]:
    """The sentences whose passage is one of ``chunks``, in table order."""
    return sorted(i for c in chunks for i in table.by_chunk.get(c, ()))


def chunk_ranking(scored: list[Scored], table: EvidenceTable) -> list[tuple[int, float]]:
    """Passages ranked by their best candidate sentence: (chunk index, score), best first."""
    best: dict[int, float] = {}
    for s in scored:
        chunk = table.units[s.unit].chunk
        if s.score > best.get(chunk, -1.0):
            best[chunk] = s.score
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
