"""Postings over the answer stage's sentences: the sentences they name for a question are exactly those the
scan of every sentence found, in either script, with synonyms, with or without keywords; stored with the
generation, memory-mapped, and refused by name when damaged."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.evidence import (
    CONTEXT_WEIGHT,
    EvidenceTable,
    Scored,
    Unit,
    _mentions,
    alternative_sides,
    contains,
    keywords,
    quoted_phrases,
)
from rag.index import build_index, clear_index_cache, load_index
from rag.index.postings import POSTINGS, Postings, SentencePostings, read_postings
from rag.index.store import IndexDamagedError
from rag.text import compact

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "哪些乡镇提到执法人员不足？",  # synonyms: alternations
    "哪些鄉鎮提到矛盾糾紛調解？",  # traditional script
    "各乡镇在普法宣传方面做了哪些工作？",
    "哪些乡镇提到行政执法队伍的素质或业务能力有待提高？",  # 或: alternative readings
    "哪些乡镇落实了“三项制度”？",  # a quoted phrase is required
    "How many legal advisers were hired?",  # English: glossary keywords
    "法治政府建设示范创建",  # long words: bigram partial credit
    "网吧执法检查",  # words few or no sentences hold
    "量子计算机",  # words no sentence holds
]


# ---------------------------------------------------------------- the postings themselves

_ALPHABET = "法治政府執法人员員不足调調解aB1 𠀀|、"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=12), max_size=40), st.data())
def test_postings_name_every_text_that_holds_a_word(texts: list[str], data: st.DataObject) -> None:
    p = Postings.build(texts)
    words = [data.draw(st.text(alphabet=_ALPHABET, min_size=1, max_size=5)) for _ in range(8)]
    words += [t[a:b] for t in texts[:5] for a, b in [(0, len(t))] if t]
    for w in words:
        got = set(p.holding(w).tolist())
        truth = {i for i, t in enumerate(texts) if w in t}
        assert truth <= got, w
        if len(w) <= 2:  # one character or one pair: exact
            assert got == truth, w


def test_postings_of_no_text_and_of_empty_texts() -> None:
    assert len(Postings.build([]).holding("法治")) == 0
    p = Postings.build(["", "法治", ""])
    assert p.holding("法治").tolist() == [1] and p.holding("治").tolist() == [1]
    assert p.mask(["法"]).tolist() == [False, True, False]


# ---------------------------------------------------------------- the same sentences as the scan


def _old_coverage(table: EvidenceTable, kw: list[str], u: Unit, weights: dict[str, float]) -> tuple[float, list[str]]:
    """EvidenceTable.coverage as it was, one sentence at a time."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0, []
    matched = [t for t in kw if contains(u.norm, t)]
    lexical = sum(weights[t] for t in matched) / total
    missing = [t for t in kw if t not in matched]
    in_context = [t for t in missing if contains(u.context, t)]
    lexical += CONTEXT_WEIGHT * sum(weights[t] for t in in_context) / total
    credit = 0.0
    for t in [t for t in missing if t not in in_context]:
        if len(t) < 3 or "|" in t:
            continue
        grams = [t[i : i + 2] for i in range(len(t) - 1)]
        share = sum(1 for g in grams if g in u.norm) / len(grams)
        if share >= 0.5:
            credit += 0.5 * share * weights[t] / total
    return lexical + credit, matched


def _scan_score(table: EvidenceTable, kw: list[str], qvec: np.ndarray | None, candidates: list[int],
                alternatives: list[list[str]] | None = None, required: list[str] | None = None) -> list[Scored]:
    """EvidenceTable.score as it was before the postings: every candidate searched and covered one by one."""
    if not candidates:
        return []
    cand = np.asarray(candidates)
    dense = table.unit_vectors(cand) @ qvec if qvec is not None else np.zeros(len(cand), dtype=np.float32)
    lo, hi = float(np.median(dense)), float(dense.max())
    rel = np.clip((dense - lo) / (hi - lo), 0.0, 1.0) if hi - lo > 1e-6 else np.zeros_like(dense)
    main = table.weights(kw)
    sides = [(side, table.weights(side)) for side in alternatives or []]
    terms = tuple(sorted(set(kw) | {t for side, _ in sides for t in side}))
    mentions = _mentions(terms) if kw else None
    out = []
    for j, i in enumerate(candidates):
        u = table.units[i]
        if mentions is not None and not (mentions.search(u.norm) or mentions.search(u.context)):
            continue
        if required and not all(table._holds(i, r) for r in required):  # (the phrase rule is tested in test_answer)
            continue
        lexical, matched = _old_coverage(table, kw, u, main)
        for side, side_weights in sides:
            side_lex, side_matched = _old_coverage(table, side, u, side_weights)
            if side_lex >= 0.6 and side_lex > lexical:
                lexical, matched = side_lex, side_matched
        s = (0.6 * lexical + 0.4 * float(rel[j])) if kw else float(rel[j])
        if u.heading or len(u.norm) < 8:
            s *= 0.85
        out.append(Scored(i, lexical, float(dense[j]), s, matched))
    out.sort(key=lambda x: -x.score)
    return out


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seed reports (one in traditional script) indexed with the hash embedder."""
    folder = tmp_path_factory.mktemp("postings")
    corpus = folder / "corpus"
    corpus.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    traditional = [p for p in seeds if "鎮" in p.read_text(encoding="utf-8")[:400]]
    for src in (traditional[:1] + [p for p in seeds if p not in traditional])[:3]:
        shutil.copy(src, corpus / src.name)
    build_index([corpus], index_dir=folder / "index", embedder="hash", rebuild=True, progress=False)
    return folder / "index"


def _table(index_dir: Path) -> tuple[object, EvidenceTable]:
    from rag.evidence_store import get_evidence

    index = load_index(index_dir, "hash")
    return index, get_evidence(index)


@pytest.mark.parametrize("question", QUESTIONS)
def test_scoring_names_the_same_sentences_as_the_scan(small_index: Path, question: str) -> None:
    index, table = _table(small_index)
    kw, alts, required = keywords(question), alternative_sides(question), quoted_phrases(question)
    qvec = index.embedder.embed_query(question)  # type: ignore[attr-defined]
    everything = list(range(len(table.units)))
    one_report = next(iter(table.by_source.values()))
    shuffled = list(np.random.default_rng(0).permutation(everything))[: len(everything) // 2]
    for cands in (everything, one_report, [int(i) for i in shuffled]):
        got = table.score(kw, qvec, cands, alts, required)
        want = _scan_score(table, kw, qvec, cands, alts, required)
        assert [(s.unit, s.lexical, s.dense, s.score, s.matched) for s in got] == [
            (s.unit, s.lexical, s.dense, s.score, s.matched) for s in want
        ]


@pytest.mark.parametrize("question", QUESTIONS)
def test_coverage_of_one_sentence_is_as_it_was(small_index: Path, question: str) -> None:
    _index, table = _table(small_index)
    kw = keywords(question)
    weights = table.weights(kw)
    for u in table.units:
        assert table.coverage(kw, u, weights) == _old_coverage(table, kw, u, weights)


def test_document_frequencies_are_those_of_the_scan(small_index: Path) -> None:
    _index, table = _table(small_index)
    n = len(table.units)
    terms = {t for q in QUESTIONS for t in keywords(q)} | {"三项制度", "法治政府建设示范", "不存在的词"}
    for t in sorted(terms):
        df = sum(1 for u in table.units if contains(u.norm, t))
        assert table.idf(t) == math.log((n + 1) / (df + 0.5)), t


def test_without_keywords_every_candidate_is_scored(small_index: Path) -> None:
    _index, table = _table(small_index)
    cands = list(range(0, len(table.units), 3))
    assert sorted(s.unit for s in table.score([], None, cands)) == cands


def test_a_heading_alone_lets_a_sentence_through() -> None:
    """A sentence whose words are only in its heading path is still a candidate (context credit)."""
    units = [Unit("r.txt", 0, 8, "加强队伍建设。", compact("加强队伍建设。"), 0, False, compact("执法人员不足")),
             Unit("r.txt", 9, 16, "天气很好。", compact("天气很好。"), 0, False, "")]
    t = EvidenceTable(units, np.zeros((2, 4), dtype=np.float32))
    scored = t.score(["执法人员"], None, [0, 1])
    assert [s.unit for s in scored] == [0] and scored[0].lexical == pytest.approx(CONTEXT_WEIGHT)


# ---------------------------------------------------------------- stored with the generation


def test_postings_are_stored_memory_mapped_and_equal_to_fresh_ones(small_index: Path) -> None:
    index, table = _table(small_index)
    assert POSTINGS in index.manifest.contents  # type: ignore[attr-defined]
    stored = table.postings
    assert isinstance(stored.norms.ids.base, np.memmap) or isinstance(stored.norms.ids, np.memmap)
    fresh = SentencePostings.build([u.norm for u in table.units], [u.context for u in table.units])
    for a, b in ((stored.norms, fresh.norms), (stored.context_postings, fresh.context_postings)):
        for x, y in zip(a.arrays(), b.arrays(), strict=True):
            assert np.array_equal(np.asarray(x), y)
    assert stored.contexts == fresh.contexts


def test_postings_made_for_other_sentences_are_not_used(small_index: Path) -> None:
    _index, table = _table(small_index)
    gen = small_index / json.loads((small_index / "manifest.json").read_text(encoding="utf-8"))["generation"]
    norms, contexts = [u.norm for u in table.units], [u.context for u in table.units]
    from rag.index.sentences import signature

    assert read_postings(gen / POSTINGS, signature(), norms, contexts) is not None
    assert read_postings(gen / POSTINGS, "0" * 64, norms, contexts) is None  # other code made them
    assert read_postings(gen / POSTINGS, signature(), norms[:-1], contexts[:-1]) is None  # other sentences
    assert read_postings(gen / "missing.npy", signature(), norms, contexts) is None


def _copy(small_index: Path, tmp_path: Path) -> tuple[Path, Path, dict]:  # type: ignore[type-arg]
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    return index_dir, index_dir / manifest["generation"], manifest


def test_an_index_without_stored_postings_makes_them_at_load(small_index: Path, tmp_path: Path) -> None:
    index_dir, gen, manifest = _copy(small_index, tmp_path)
    (gen / POSTINGS).unlink()  # as an index built before the postings existed
    del manifest["contents"][POSTINGS]
    (index_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    clear_index_cache()
    index, table = _table(index_dir)
    _i, stored = _table(small_index)
    kw = keywords(QUESTIONS[0])
    cands = list(range(len(table.units)))
    assert [s.unit for s in table.score(kw, None, cands)] == [s.unit for s in stored.score(kw, None, cands)]


def test_an_altered_postings_file_is_refused_by_name(small_index: Path, tmp_path: Path) -> None:
    index_dir, gen, _manifest = _copy(small_index, tmp_path)
    data = bytearray((gen / POSTINGS).read_bytes())
    data[-8:] = b"\xff" * 8
    (gen / POSTINGS).write_bytes(bytes(data))
    with pytest.raises(IndexDamagedError, match=POSTINGS):
        load_index(index_dir, "hash")


def test_a_postings_file_that_does_not_add_up_is_refused_by_name(small_index: Path, tmp_path: Path) -> None:
    """Even when its size and hash were recorded (a faulty writer), the loader checks its own structure."""
    from rag.evidence_store import get_evidence

    index_dir, gen, manifest = _copy(small_index, tmp_path)
    arr = np.load(gen / POSTINGS)
    with open(gen / POSTINGS, "wb") as f:
        np.save(f, arr[:-3])  # three ids short of what the header says
    raw = (gen / POSTINGS).read_bytes()
    manifest["contents"][POSTINGS] = {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    (index_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = load_index(index_dir, "hash")
    with pytest.raises(IndexDamagedError, match=POSTINGS):
        get_evidence(index)
