"""A content-addressed cache of passage vectors, so a sentence is embedded once per embedder.

These reports share much boilerplate (the same sentences in many townships' reports, and the same
report again after ``--rebuild``). The cache lives in ``<index_dir>/embed-cache/<embedder key>/``,
outside the generations, so pruning and rebuilds keep it. One folder per embedder id: vectors
of another model are never reused. An entry's key is the sha256 of the passage text with runs of
whitespace collapsed (passages are already normalised by ``rag.index.passages``).

Each build that embeds something appends one shard (``NNNNNN.npz``: keys and float32 vectors),
written to a temporary name then renamed, so a killed build leaves whole shards only. Shards are
merged into one when there are more than ``MAX_SHARDS``. Builds hold the index's build lock, so
one writer at a time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from rag.embed import Embedder

logger = logging.getLogger(__name__)

CACHE_DIR = "embed-cache"
MAX_SHARDS = 32
_SPACE = re.compile(r"\s+")


def cache_key(text: str) -> bytes:
    """16-byte key of a passage: sha256 of its text with whitespace runs collapsed and ends stripped."""
    return hashlib.sha256(_SPACE.sub(" ", text).strip().encode("utf-8")).digest()[:16]


class EmbeddingCache:
    """Vectors of passages already embedded by one embedder, kept in an index directory."""

    def __init__(self, index_dir: Path, embedder_id: str, dim: int) -> None:
        self.embedder_id = embedder_id
        self.dim = dim
        folder_key = hashlib.sha256(embedder_id.encode("utf-8")).hexdigest()[:16]
        self.folder = Path(index_dir) / CACHE_DIR / folder_key
        self._rows: dict[bytes, np.ndarray] = {}
        self._shards: list[Path] = []
        self._load()

    def __len__(self) -> int:
        return len(self._rows)

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        about = self.folder / "embedder.json"
        if about.is_file():
            meta = json.loads(about.read_text(encoding="utf-8"))
            if meta.get("embedder") != self.embedder_id or meta.get("dim") != self.dim:
                logger.warning("embedding cache %s belongs to %s; ignored", self.folder, meta.get("embedder"))
                return
        for shard in sorted(self.folder.glob("*.npz")):
            try:
                with np.load(shard) as data:
                    keys, vecs = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                logger.warning("unreadable embedding cache shard %s; ignored", shard)
                continue
            if vecs.ndim != 2 or vecs.shape[1] != self.dim or keys.shape != (len(vecs), 16):
                logger.warning("embedding cache shard %s has the wrong shape; ignored", shard)
                continue
            for k, v in zip(keys, vecs, strict=True):
                self._rows[k.tobytes()] = v
            self._shards.append(shard)

    def embed(
        self, model: Embedder, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[int]]:
        """Vectors for ``texts``: cached ones reused, each distinct new text embedded once, then saved.

        Returns:
            (float32 array (len(texts), dim), positions in ``texts`` that were sent to the model).
        """
        keys = [cache_key(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        first: dict[bytes, int] = {}
        for i, k in enumerate(keys):
            if k not in self._rows and k not in first:
                first[k] = i
        todo = list(first.values())
        if on_batch is not None and len(texts) > len(todo):
            on_batch(len(texts) - len(todo))
        fresh = model.embed_passages([texts[i] for i in todo], on_batch=on_batch) if todo else None
        if fresh is not None:
            for i, vec in zip(todo, fresh, strict=True):
                self._rows[keys[i]] = vec
            self._save([keys[i] for i in todo], fresh)
        for i, k in enumerate(keys):
            out[i] = self._rows[k]
        return out, todo

    def _save(self, keys: list[bytes], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "embedder.json").write_text(
            json.dumps({"embedder": self.embedder_id, "dim": self.dim}), encoding="utf-8"
        )
        if len(self._shards) >= MAX_SHARDS:
            self._compact()
        number = max((int(p.stem) for p in self._shards if p.stem.isdigit()), default=-1) + 1
        self._shards.append(self._write(self.folder / f"{number:06d}.npz", keys, vectors))

    def _write(self, path: Path, keys: list[bytes], vectors: np.ndarray) -> Path:
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        with open(tmp, "wb") as f:
            raw = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 16)
            np.savez(f, keys=raw, vectors=vectors.astype(np.float32))
        os.replace(tmp, path)
        return path

    def _compact(self) -> None:
        """All entries into one shard, replacing the others."""
        keys = list(self._rows)
        vecs = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        merged = self._write(self.folder / "000000.npz", keys, vecs)
        for p in self._shards:
            if p != merged:
                p.unlink(missing_ok=True)
        self._shards = [merged]
