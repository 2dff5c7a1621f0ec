"""Hybrid retrieval: dense and keyword rankings fused, metadata filters, the question's own scope,
and diversity across reports.

    search("劳动纠纷调解成功率", k=10, filters={"township": "共和镇"})  -> list[Hit]
    rank_chunks("哪些乡镇提到执法人员不足？")                            -> [(chunk index, score), ...]

Fusion strategies are pure functions over rankings (lists of ``(chunk index, score)``, best
first), registered by name: "rrf" (reciprocal-rank fusion, the default) and "convex" (weighted
sum of min-max normalised scores).

Scope (see rag.query): townships or counties named in the question restrict the ranking to their
reports (unless an explicit filter on that field is given, which wins). Named years restrict it
too, but only when some report in the remaining set has one of those years: report years are the
year reported on, and questions often use the publishing year instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Any

import numpy as np

from rag.checks import QuestionError, check_filters, check_text
from rag.index import ChunkRef, Index, get_index
from rag.models import Filters, Hit
from rag.query import Places, Scope, parse_scope, places_of
from rag.text import normalize

__all__ = [
    "FUSIONS",
    "as_filters",
    "convex",
    "filter_mask",
    "rank_chunks",
    "register_fusion",
    "rrf",
    "score_components",
    "search",
]

Ranking = Sequence[tuple[int, float]]
FusionFn = Callable[..., list[tuple[int, float]]]
FUSIONS: dict[str, FusionFn] = {}

# weights of the rankings fused: dense, BM25 on words, BM25 on character bigrams, section kind, and the
# passage's best candidate sentence (rag.candidates: the same scoring that answer() decides from)
WEIGHTS = (1.0, 1.0, 0.5, 0.5, 1.0)
# each further hit from a report already in the results loses this share of the top score
DIVERSITY_PENALTY = 0.08
# search() returns at most this many hits (as the HTTP API allows)
MAX_K = 100


def register_fusion(name: str) -> Callable[[FusionFn], FusionFn]:
    """Decorator: make a fusion function available by name."""

    def decorate(fn: FusionFn) -> FusionFn:
        FUSIONS[name] = fn
        return fn

    return decorate


def get_fusion(name: str) -> FusionFn:
    try:
        return FUSIONS[name]
    except KeyError:
        raise ValueError(f"unknown fusion {name!r}; known: {', '.join(sorted(FUSIONS))}") from None


@register_fusion("rrf")
def rrf(rankings: Sequence[Ranking], *, weights: Sequence[float] | None = None, k: int = 60) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), rank 1-based.

    Args:
        rankings: each a list of (id, score), best first; an id missing from a ranking adds nothing.
        weights: one per ranking (default 1 each).
        k: the RRF constant; larger flattens the contribution of the top ranks.

    Returns:
        (id, fused score), best first; ties broken by id.
    """
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, (cid, _score) in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + w / (k + rank)
    return sorted(fused.items(), key=lambda x: (-x[1], x[0]))


@register_fusion("convex")
def convex(rankings: Sequence[Ranking], *, weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores: sum_i w_i * norm_i(d) / sum_i w_i.

    Returns:
        (id, fused score in [0, 1]), best first; ties broken by id.
    """
    weights = weights or [1.0] * len(rankings)
    total = sum(weights) or 1.0
    fused: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        if not ranking:
            continue
        scores = [s for _, s in ranking]
        lo, hi = min(scores), max(scores)
        span = hi - lo
        for cid, s in ranking:
            norm = (s - lo) / span if span > 0 else 1.0
            fused[cid] = fused.get(cid, 0.0) + w * norm / total
    return sorted(fused.items(), key=lambda x: (-x[1], x[0]))


# ---------------------------------------------------------------- filters


def as_filters(filters: Filters | dict[str, Any] | None) -> Filters | None:
    """Validate filters (rag.checks.check_filters): QuestionError naming the filter on a bad one."""
    return check_filters(filters)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def resolve_names(values: Any, kind: str, places: Places, index: Index) -> set[str]:
    """Filter values to canonical corpus names: 共和鎮, 共和, Gonghe -> 共和镇."""
    out: set[str] = set()
    for raw in _as_list(values):
        name = normalize(str(raw))
        names = places.townships if kind == "township" else places.counties
        if name in names:
            out.add(name)
            continue
        if name in places.bare and places.bare[name][0] == kind:
            out.add(places.bare[name][1])
            continue
        scope = parse_scope(name, index)
        found = scope.townships if kind == "township" else scope.counties
        out.update(found or [name])
    return out


def filter_mask(index: Index, filters: Filters | dict[str, Any] | None) -> np.ndarray:
    """Boolean mask over ``index.chunks``: True where the chunk passes every filter."""
    f = as_filters(filters)
    mask = np.ones(len(index.chunks), dtype=bool)
    if f is None:
        return mask
    places = places_of(index)
    towns = resolve_names(f.township, "township", places, index) if f.township else None
    counties = resolve_names(f.county, "county", places, index) if f.county else None
    years = set(_as_list(f.year)) if f.year is not None else None
    kinds = set(_as_list(f.kind)) if f.kind is not None else None
    for i, ref in enumerate(index.chunks):
        ok = (
            (towns is None or ref.township in towns)
            and (counties is None or ref.county in counties)
            and (years is None or ref.year in years)
            and (f.year_from is None or (ref.year is not None and ref.year >= f.year_from))
            and (f.year_to is None or (ref.year is not None and ref.year <= f.year_to))
            and (kinds is None or ref.chunk.kind in kinds)
        )
        mask[i] = ok
    return mask


def scope_mask(index: Index, scope: Scope, mask: np.ndarray, filters: Filters | None) -> np.ndarray:
    """Narrow ``mask`` to the places and years the question names (explicit filters win)."""
    places = places_of(index)
    out = mask.copy()
    report_of, reports = index.chunk_reports  # place and year are a report's: decided once per report
    place_filtered = filters is not None and (filters.township or filters.county)
    if scope.has_place and not place_filtered:
        out &= np.array([scope.matches_place(ref, places) for ref in reports], dtype=bool)[report_of]
    year_filtered = filters is not None and (
        filters.year is not None or filters.year_from is not None or filters.year_to is not None
    )
    if scope.years and not year_filtered:
        by_year = out & np.array([ref.year in scope.years for ref in reports], dtype=bool)[report_of]
        if by_year.any():
            out = by_year
    return out


# ---------------------------------------------------------------- ranking


def score_components(query: str, index: Index | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(dense cosine, BM25) scores of every chunk for the query, in ``Index.chunks`` order."""
    index = get_index() if index is None else index
    return index.dense_scores(query), index.bm25_scores(query)


def _has_words(text: str) -> bool:
    return len(re.findall(r"[\u4e00-\u9fff]|[A-Za-z]+", text)) >= 2


def _ranking(scores: np.ndarray, candidates: np.ndarray, positive_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """(chunk indices, scores) of the candidates, best first (ties in candidate order)."""
    sub = scores[candidates]
    order = np.argsort(-sub, kind="stable")
    ids, ranked = candidates[order], sub[order]
    if positive_only:
        keep = ranked > 0
        ids, ranked = ids[keep], ranked[keep]
    return ids, ranked


def _rrf_arrays(rankings: Sequence[np.ndarray], weights: Sequence[float], size: int, k: int = 60
                ) -> list[tuple[int, float]]:
    """rrf() over rankings given as arrays of ids, best first: the same sums in the same order, and the
    same order of the result (score, then id)."""
    fused = np.zeros(size, dtype=np.float64)
    seen = np.zeros(size, dtype=bool)
    for ids, w in zip(rankings, weights, strict=True):
        fused[ids] += w / (k + np.arange(1, len(ids) + 1))
        seen[ids] = True
    ids = np.flatnonzero(seen)
    scores = fused[ids]
    order = np.lexsort((ids, -scores))
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))


def rank_chunks(
    query: str,
    filters: Filters | dict[str, Any] | None = None,
    *,
    use_scope: bool = True,
    fusion: str = "rrf",
    index: Index | None = None,
) -> list[tuple[int, float]]:
    """The fused ranking of every chunk that passes the filters (and the question's scope).

    Args:
        query: the question, in either script, Chinese or English.
        filters: metadata filters (a dict is validated through Filters).
        use_scope: restrict to the townships / counties / years the question names.
        fusion: a name in FUSIONS.
        index: default ``get_index()``.

    Returns:
        (index into ``Index.chunks``, fused score), best first, one entry per chunk that passes.
    """
    index = get_index() if index is None else index
    f = as_filters(filters)
    fuse = get_fusion(fusion)
    mask = filter_mask(index, f)
    scope = parse_scope(query, index)
    if use_scope:
        mask = scope_mask(index, scope, mask, f)
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return []
    # once the scope filters by place and year, those words only add noise to the scores
    text = scope.text if use_scope and (scope.has_place or scope.years) and _has_words(scope.text) else query
    dense = _ranking(index.dense_scores(text), candidates, positive_only=False)
    in_kind = np.isin(index.chunk_kinds[dense[0]], list(scope.kinds))
    sentences = _sentence_ranking(index, text, query, candidates)
    rankings = [
        dense,
        _ranking(index.bm25_scores(text), candidates, positive_only=True),
        _ranking(index.bigram_scores(text), candidates, positive_only=True),
        # the section kind the question is about (问题/不足 -> problems), ordered by meaning
        (dense[0][in_kind], dense[1][in_kind]),
        (np.asarray([c for c, _ in sentences], dtype=np.int64), np.asarray([s for _, s in sentences], dtype=np.float64)),
    ]
    if fuse is rrf:  # the default: on arrays, without a tuple per chunk and ranking
        return _rrf_arrays([ids for ids, _ in rankings], WEIGHTS, len(index.chunks))
    return fuse([list(zip(ids.tolist(), scores.tolist(), strict=True)) for ids, scores in rankings], weights=WEIGHTS)


def _sentence_ranking(index: Index, text: str, query: str, candidates: np.ndarray) -> list[tuple[int, float]]:
    """Passages by their best sentence as answer() scores it; only sentences that hold a keyword count."""
    from rag.candidates import chunk_ranking, score_sentences, units_in_chunks
    from rag.store import get_store

    units = units_in_chunks(get_store(index).table(), candidates.tolist())
    scored, kw, table = score_sentences(index, text, query, units)
    return chunk_ranking([s for s in scored if s.lexical > 0], table) if kw else []


def diversify(
    ranked: Sequence[tuple[int, float]], chunks: Sequence[ChunkRef], k: int, penalty: float = DIVERSITY_PENALTY
) -> list[tuple[int, float]]:
    """Pick k hits greedily, each further hit from the same report losing ``penalty`` x the top score.

    At most ceil(k/2) hits come from one report while others are available. Scores are unchanged.
    """
    if not ranked:
        return []
    top = ranked[0][1] or 1.0
    cap = math.ceil(k / 2)
    pool = list(ranked[: max(k * 8, 50)])
    picked: list[tuple[int, float]] = []
    per_report: dict[str, int] = {}
    while pool and len(picked) < k:
        best_j, best_value = 0, -math.inf
        for j, (cid, score) in enumerate(pool):
            n = per_report.get(chunks[cid].source, 0)
            value = score / top - penalty * n - (10.0 if n >= cap else 0.0)
            if value > best_value:
                best_j, best_value = j, value
        cid, score = pool.pop(best_j)
        picked.append((cid, score))
        per_report[chunks[cid].source] = per_report.get(chunks[cid].source, 0) + 1
    return picked


def search(
    query: str,
    k: int = 10,
    filters: Filters | dict[str, Any] | None = None,
    *,
    use_scope: bool = True,
    fusion: str = "rrf",
    index: Index | None = None,
) -> list[Hit]:
    """Hybrid search: the k best passages for a question, diversified across reports.

    Args:
        query: the question, in either script, Chinese or English.
        k: number of hits, 1 to MAX_K.
        filters: e.g. {"township": "共和镇", "year_from": 2021, "kind": "problems"}; unknown keys raise.
        use_scope: use the townships / counties / years named in the question as filters.
        fusion: "rrf" (default) or "convex".
        index: default ``get_index()`` (built from the corpus on first use when missing).

    Returns:
        Hits with rank (1-based), fused score and the passage's report metadata and exact span.

    Raises:
        rag.answer.QuestionError: an unusable argument; the message starts with its name, e.g.
            "query: must not be empty", "k: must be an integer from 1 to 100".
    """
    query, k, checked = _check_search(query, k, filters, fusion)
    index = get_index() if index is None else index
    ranked = rank_chunks(query, checked, use_scope=use_scope, fusion=fusion, index=index)
    reports = index.chunk_reports[0][np.fromiter((cid for cid, _ in ranked), dtype=np.int64, count=len(ranked))]
    several = bool(len(reports)) and bool((reports != reports[0]).any())  # hits from more than one report
    top = diversify(ranked, index.chunks, k) if several else ranked[:k]
    return [_hit(index.chunks[cid], rank, score) for rank, (cid, score) in enumerate(top, start=1)]


def _check_search(query: object, k: object, filters: object, fusion: object) -> tuple[str, int, Filters | None]:
    """search()'s arguments checked as answer() checks its own: QuestionError naming the field."""
    q = check_text(query, "query")
    if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= int(k) <= MAX_K:
        raise QuestionError(f"k: must be an integer from 1 to {MAX_K}")
    if fusion not in FUSIONS:
        raise QuestionError(f"fusion: unknown fusion {fusion!r}; known: {', '.join(sorted(FUSIONS))}")
    return q, int(k), as_filters(filters)  # type: ignore[arg-type]


def _hit(ref: ChunkRef, rank: int, score: float) -> Hit:
    c = ref.chunk
    return Hit(
        rank=rank, score=score, chunk_id=c.id, township=ref.township, county=ref.county, province=ref.province,
        year=ref.year, source=ref.source, section=c.section, kind=c.kind, start=c.start, end=c.end, text=c.text,
    )
