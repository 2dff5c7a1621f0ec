"""Dense vectors in FAISS: an exact inner-product index (cosine, since vectors are L2-normalised)."""

from __future__ import annotations

from typing import Any

import numpy as np


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ImportError("the dense index needs FAISS: `pip install faiss-cpu`") from e
    return faiss


class DenseIndex:
    """Exact cosine search over every chunk vector (IndexFlatIP: a few thousand chunks need nothing smarter)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        """An index over (n, dim) float32 L2-normalised vectors."""
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(vectors)
        return cls(index)

    @classmethod
    def from_bytes(cls, data: bytes) -> DenseIndex:
        faiss = _faiss()
        return cls(faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8)))

    def to_bytes(self) -> bytes:
        return bytes(_faiss().serialize_index(self._index).tobytes())

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best (chunk indices, cosine scores), best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, idx = self._index.search(np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1), k)
        return idx[0], scores[0]

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every chunk, in chunk order."""
        out = np.zeros(self.size, dtype=np.float32)
        idx, scores = self.search(query, self.size)
        keep = idx >= 0
        out[idx[keep]] = scores[keep]
        return out
