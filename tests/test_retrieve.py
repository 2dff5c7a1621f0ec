"""Hybrid search: fusion, filters, the question's scope, diversity, scripts, and the front doors."""

from __future__ import annotations

import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from rag.index import Index, build_index, load_index
from rag.models import Filters, Hit
from rag.retrieve import (
    FUSIONS,
    as_filters,
    convex,
    get_fusion,
    rank_chunks,
    rrf,
    score_components,
    search,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds_hash(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds indexed once for this module with the fast hash embedder."""
    folder = tmp_path_factory.mktemp("seeds-hash")
    shutil.copytree(ROOT / "seeds", folder / "corpus")
    build_index([folder / "corpus"], index_dir=folder / "index", embedder="hash", progress=False)
    return folder


@pytest.fixture(scope="module")
def index(seeds_hash: Path) -> Index:
    return load_index(seeds_hash / "index", "hash").warm()


# ---------------------------------------------------------------- fusion


def test_rrf_is_a_pure_function_of_ranks() -> None:
    fused = rrf([[(1, 0.9), (2, 0.5)], [(2, 30.0), (3, 10.0)]], k=60)
    assert [cid for cid, _ in fused] == [2, 1, 3]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1][1] == pytest.approx(1 / 61) and fused[2][1] == pytest.approx(1 / 62)
    weighted = dict(rrf([[(1, 1.0)], [(2, 1.0)]], weights=[1.0, 2.0]))
    assert weighted[2] == pytest.approx(2 * weighted[1])
    assert rrf([]) == [] and rrf([[], []]) == []


def test_rrf_on_arrays_is_rrf() -> None:
    """rank_chunks fuses its rankings as arrays: the same scores, bit for bit, in the same order."""
    import numpy as np

    from rag.retrieve import WEIGHTS, _rrf_arrays

    rng = np.random.default_rng(3)
    for _ in range(50):
        size = int(rng.integers(1, 400))
        rankings = [rng.permutation(size)[: int(rng.integers(0, size + 1))] for _ in WEIGHTS]
        as_lists = [[(int(i), 0.0) for i in ids] for ids in rankings]
        assert _rrf_arrays(rankings, WEIGHTS, size) == rrf(as_lists, weights=WEIGHTS)


def test_convex_normalises_each_ranking() -> None:
    fused = dict(convex([[(1, 0.9), (2, 0.5)], [(2, 30.0), (3, 10.0)]]))
    assert fused[2] == pytest.approx(0.5) and fused[1] == pytest.approx(0.5) and fused[3] == 0.0
    assert all(0.0 <= s <= 1.0 for s in fused.values())


def test_fusion_registry() -> None:
    assert {"rrf", "convex"} <= set(FUSIONS)
    with pytest.raises(ValueError, match="unknown fusion 'max'; known: convex, rrf"):
        get_fusion("max")


# ---------------------------------------------------------------- filters


def test_filter_dicts_are_validated() -> None:
    from rag.answer import QuestionError

    assert as_filters({"township": "共和镇", "year": 2022}) == Filters(township="共和镇", year=2022)
    with pytest.raises(QuestionError, match="^filters.town: unknown filter; known: township, county, year"):
        as_filters({"town": "共和镇"})
    with pytest.raises(QuestionError, match="^filters.kind: Input should be 'achievements'"):
        as_filters({"kind": "gossip"})


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"query": ""}, "query: must not be empty"),
    ({"query": "  \n "}, "query: must not be empty"),
    ({"query": None}, "query: must be a string"),
    ({"query": ["普法"]}, "query: must be a string"),
    ({"query": "法" * 2001}, "query: too long (2001 characters, at most 2000)"),
    ({"k": "3"}, "k: must be an integer from 1 to 100"),
    ({"k": -5}, "k: must be an integer from 1 to 100"),
    ({"k": 0}, "k: must be an integer from 1 to 100"),
    ({"k": 101}, "k: must be an integer from 1 to 100"),
    ({"k": 2.5}, "k: must be an integer from 1 to 100"),
    ({"k": True}, "k: must be an integer from 1 to 100"),
    ({"filters": "共和镇"}, "filters: must be an object (dict or Filters)"),
    ({"filters": ["共和镇"]}, "filters: must be an object (dict or Filters)"),
    ({"filters": {"town": "共和镇"}}, "filters.town: unknown filter; known: township, county, year, year_from"),
    ({"filters": {"year": "last"}}, "filters.year: "),
    ({"fusion": "max"}, "fusion: unknown fusion 'max'; known: convex, rrf"),
])
def test_search_rejects_bad_arguments_naming_the_field(kwargs: dict[str, object], message: str) -> None:
    """As answer() does: a QuestionError (a ValueError) whose message starts with the field, before any
    index is loaded (there is none here)."""
    from rag.answer import QuestionError

    args: dict[str, object] = {"query": "普法", **kwargs}
    with pytest.raises(QuestionError) as err:
        search(**args)  # type: ignore[arg-type]
    assert str(err.value).startswith(message), str(err.value)
    assert isinstance(err.value, ValueError)


def test_search_accepts_any_integer_k_and_strips_the_query(index: Index) -> None:
    import numpy as np

    assert len(search("  法治宣传 ", k=np.int64(3), index=index)) == 3  # type: ignore[arg-type]
    assert search("法治宣传", k=1, index=index)[0] == search(" 法治宣传\n", k=1, index=index)[0]


@pytest.mark.parametrize("township", ["共和镇", "共和鎮", "共和", "Gonghe", ["共和镇", "高观镇"]])
def test_township_filter_accepts_any_spelling(index: Index, township: str | list[str]) -> None:
    hits = search("法治宣传", k=10, filters={"township": township}, index=index)
    wanted = {"共和镇", "高观镇"} if isinstance(township, list) else {"共和镇"}
    assert hits and {h.township for h in hits} <= wanted


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"county": "城口县"}, lambda h: h.county == "城口县"),
        ({"year": 2022}, lambda h: h.year == 2022),
        ({"year": [2020, 2023]}, lambda h: h.year in (2020, 2023)),
        ({"year_from": 2022, "year_to": 2023}, lambda h: 2022 <= h.year <= 2023),
        ({"year_from": 2023}, lambda h: h.year >= 2023),
        ({"kind": "problems"}, lambda h: h.kind == "problems"),
        ({"kind": ["plans", "problems"], "year": 2022}, lambda h: h.kind in ("plans", "problems") and h.year == 2022),
    ],
)
def test_metadata_filters(index: Index, filters: dict[str, object], check: object) -> None:
    hits = search("法治政府建设", k=20, filters=filters, use_scope=False, index=index)
    assert hits and all(check(h) for h in hits)  # type: ignore[operator]


def test_no_chunk_passes(index: Index) -> None:
    assert search("法治", filters={"year": 1999}, index=index) == []
    assert rank_chunks("法治", Filters(township="不存在镇"), index=index) == []


def test_an_empty_index_is_searched_not_replaced() -> None:
    from rag.index import index_from_reports

    empty = index_from_reports([])
    assert search("共和镇的法律顾问", index=empty) == [] and rank_chunks("", index=empty) == []


def test_rank_chunks_ranks_every_chunk_that_passes(index: Index) -> None:
    ranked = rank_chunks("劳动纠纷调解", {"township": "共和镇"}, index=index)
    in_town = [i for i, c in enumerate(index.chunks) if c.township == "共和镇"]
    assert sorted(cid for cid, _ in ranked) == in_town
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    everything = rank_chunks("法治", use_scope=False, index=index)
    assert len(everything) == len(index.chunks)
    dense, bm25 = score_components("法治", index)
    assert dense.shape == bm25.shape == (len(index.chunks),)


# ---------------------------------------------------------------- scope from the question


def test_township_named_in_the_question_narrows_the_search(index: Index) -> None:
    for question in ("共和鎮人民調解委員會調處了多少宗矛盾糾紛？", "How many disputes did Gonghe town mediate?"):
        hits = search(question, k=5, index=index)
        assert hits and {h.township for h in hits} == {"共和镇"}
    # an explicit filter wins over the question
    hits = search("共和镇的矛盾纠纷", k=5, filters={"township": "高观镇"}, index=index)
    assert {h.township for h in hits} == {"高观镇"}
    # a named year without any report of that year does not empty the results
    assert search("高观镇2019年的普法宣传", k=3, index=index)
    assert {h.year for h in search("2020年的普法宣传", k=5, index=index)} == {2020}


def test_hits_are_diversified_across_reports(index: Index) -> None:
    for k in (4, 5, 10):
        hits = search("法治政府建设工作情况", k=k, use_scope=False, index=index)
        assert len(hits) == k
        assert max(Counter(h.source for h in hits).values()) <= math.ceil(k / 2)
    one_report = search("法治政府建设", k=10, filters={"township": "大铭乡"}, index=index)
    assert len(one_report) == 10  # no cap when the filters leave one report


def test_hits_carry_every_field(index: Index) -> None:
    hits = search("劳动关系联处中心收到多少宗调解申请", k=10, index=index)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    for h in hits:
        report = index.reports[h.source]
        assert report.text[h.start : h.end] == h.text
        assert h.township == report.township and h.year == report.year and h.county == report.county
        assert h.section is not None and h.kind and h.chunk_id


# ---------------------------------------------------------------- scripts


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_traditional_report_found_by_a_simplified_query(index: Index) -> None:
    hits = search("人民调解委员会累计调处各类矛盾纠纷多少宗", k=3, use_scope=False, index=index)
    assert hits[0].township == "共和镇" and "調處各類矛盾糾紛46宗" in _compact(hits[0].text)


def test_simplified_report_found_by_a_traditional_query(index: Index) -> None:
    hits = search("全年累計發放宣傳手冊多少份", k=3, use_scope=False, index=index)
    assert hits[0].township == "高观镇" and "发放宣传手册2500份" in _compact(hits[0].text)


# ---------------------------------------------------------------- front doors


@pytest.fixture
def hash_settings(seeds_hash: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings with no index yet, the hash embedder and a copy of the seeds as the corpus."""
    from rag.config import get_settings

    monkeypatch.setenv("RAG_CORPUS_DIR", str(seeds_hash / "corpus"))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    get_settings.cache_clear()
    return tmp_path / "index"


def test_package_search_builds_the_index_on_first_use(hash_settings: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from rag import search as package_search

    with caplog.at_level(logging.INFO, logger="rag.index"):
        hits = package_search("大铭乡排查了多少名精神障碍患者？", k=10, filters=None)
    assert (hash_settings / "manifest.json").exists()
    assert any("building one from" in r.getMessage() for r in caplog.records)
    assert hits and isinstance(hits[0], Hit) and hits[0].township == "大铭乡"
    for field in ("rank", "score", "township", "county", "year", "source", "section", "kind", "start", "end", "text"):
        assert hasattr(hits[0], field)


def test_cli_search_json(hash_settings: Path) -> None:
    from click.testing import CliRunner

    from rag.cli import cli

    result = CliRunner().invoke(cli, ["search", "共和镇选聘了几名行政执法监督员？", "--json", "-k", "10"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert 0 < len(hits) <= 10
    for h in hits:
        assert {"rank", "score", "township", "county", "year", "source", "section", "kind", "start", "end", "text"} <= set(h)
    assert hits[0]["rank"] == 1 and hits[0]["township"] == "共和镇"


# ---------------------------------------------------------------- the real model


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "township", "evidence"),
    [
        ("大歇鎮精準發現了多少件矛盾糾紛？", "大歇镇", "501"),  # traditional question, simplified report
        ("共和镇有几宗行政诉讼案件？", "共和镇", "6宗"),  # simplified question, traditional report
        ("How many village service stations for full-process agency did Yuexi set up?", "岳溪镇", "25个"),
        ("大铭乡对多少名重点上访人员进行了管控？", "大铭乡", "21名"),  # the report says 信访, not 上访
        ("哪些乡镇提到群众参与普法的积极性不高？", "岳溪镇", "积极性不高"),
    ],
)
def test_real_model_over_the_seeds(use_seeds_index: Path, question: str, township: str, evidence: str) -> None:
    hits = search(question, k=10)
    assert any(h.township == township and evidence in _compact(h.text) for h in hits[:5])
