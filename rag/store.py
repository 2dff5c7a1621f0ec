"""The candidate step's store: where the sentences in a question's scope are found, scored and embedded,
behind one small interface, registered by name (the ``store`` setting, RAG_STORE).

"local", the default, holds them in this process: the index's sentence table, its character postings and
its memory-mapped sentence vectors (rag.evidence_store). A distributed backend (Milvus) slots in by
implementing the three methods below over its collection: the sentence table it quotes from, a hybrid
keyword-and-vector scoring restricted to the sentences in scope, and their vectors. Everything after the
candidate step (rag.decide, rag.compose, rag.retrieve) reads only what these return.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from rag.config import SettingsError
from rag.evidence import EvidenceTable, Scored

__all__ = ["DEFAULT_STORE", "SentenceStore", "StoreError", "check_store", "get_store", "known_stores", "register_store"]

DEFAULT_STORE = "local"


class StoreError(SettingsError):
    """A store name that no backend is registered for (a setting: the doors report it as one)."""


class SentenceStore(ABC):
    """The sentences of one loaded index, as the candidate step reads them."""

    name: ClassVar[str]

    def __init__(self, index: Any) -> None:
        self.index = index

    @abstractmethod
    def table(self) -> EvidenceTable:
        """Every sentence: its text, its report and its place in it, for scoping and quoting."""

    @abstractmethod
    def score(self, keywords: list[str], qvec: np.ndarray | None, units: list[int],
              alternatives: list[list[str]] | None = None, phrases: list[str] | None = None) -> list[Scored]:
        """The sentences ``units`` (indices into ``table()``) that hold a keyword, scored against the keywords
        and the question vector, best first (rag.evidence.EvidenceTable.score gives the contract)."""

    @abstractmethod
    def vectors(self, units: np.ndarray) -> np.ndarray:
        """The unit-length vectors of the sentences ``units``, one row each, in that order."""


_REGISTRY: dict[str, type[SentenceStore]] = {}
_lock = threading.Lock()


def register_store(name: str) -> Callable[[type[SentenceStore]], type[SentenceStore]]:
    """Class decorator: make a backend available as ``get_store(index, "<name>")``."""

    def decorate(cls: type[SentenceStore]) -> type[SentenceStore]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def known_stores() -> list[str]:
    return sorted(_REGISTRY)


def check_store(name: str) -> type[SentenceStore]:
    """The backend registered as ``name``.

    Raises:
        StoreError: none is (the message lists the known ones).
    """
    cls = _REGISTRY.get(name)
    if cls is None:
        raise StoreError(f"unknown store {name!r} (setting RAG_STORE); known: {', '.join(known_stores())}")
    return cls


def get_store(index: Any, name: str | None = None) -> SentenceStore:
    """The store of a loaded index: ``name``, else the one the index was loaded with (its ``store_name``),
    else "local". One instance per index and name.

    Raises:
        StoreError: no backend of that name is registered (the message lists the known ones).
    """
    name = name or getattr(index, "store_name", None) or DEFAULT_STORE
    cls = check_store(name)
    with _lock:  # kept on the index itself: a store lives and goes with its index
        stores: dict[str, SentenceStore] = index.__dict__.setdefault("_stores", {})
        store = stores.get(name)
        if store is None:
            store = stores[name] = cls(index)
        return store


@register_store("local")
class LocalStore(SentenceStore):
    """The sentences in this process: postings find the keyword sentences, the vectors are read in place."""

    def table(self) -> EvidenceTable:
        from rag.evidence_store import get_evidence

        return get_evidence(self.index)

    def score(self, keywords: list[str], qvec: np.ndarray | None, units: list[int],
              alternatives: list[list[str]] | None = None, phrases: list[str] | None = None) -> list[Scored]:
        return self.table().score(keywords, qvec, units, alternatives, phrases)

    def vectors(self, units: np.ndarray) -> np.ndarray:
        return self.table().unit_vectors(units)
