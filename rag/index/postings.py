"""Which sentences can hold a word: postings of characters and character pairs over the answer stage's
sentences (rag.evidence.Unit), so that a question's words are looked up instead of searched for in every
sentence of the corpus.

A word of one character is found through its own postings; a longer word through those of its
character pairs: a text that holds the word holds each of its pairs, so the texts that hold all of them
are a superset of the texts that hold the word. The postings only narrow the search: the caller checks
the texts they name with the substring test it always used, so nothing is decided by them alone.

Two sets of postings: over each sentence's normalised text (``Unit.norm``), and over the distinct
contexts (section path and paragraph heading, ``Unit.context``), which many sentences share.

They are built once at index time and stored with the generation as ``sentence_postings.npy``, one int64
array read with ``np.load(mmap_mode="r")``::

    header  [FORMAT, units signature (60 bits), units, contexts, norm keys, norm ids, context keys, context ids]
    norm    keys (sorted), starts (keys + 1), ids       text i holds key k  <=>  i in ids[starts[k]:starts[k+1]]
    context keys, starts, ids                           (over the distinct contexts, in order of first use)

A key is a character's code point, or ((first + 1) << 21) | second for a pair. Stored postings are used
only with the stored sentences they were made from (same signature and counts); otherwise they are made
at load (a second or two at 5,000 reports).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

POSTINGS = "sentence_postings.npy"
FORMAT = 0x53500001  # "SP", version 1
_HEADER = 8
_PAIR_SHIFT = 21  # code points need 21 bits


class PostingsError(ValueError):
    """A stored postings file that cannot be what this code wrote (truncated, or altered)."""


def _key(text: str) -> int:
    """The key of one character or of a pair of characters."""
    if len(text) == 1:
        return ord(text)
    return ((ord(text[0]) + 1) << _PAIR_SHIFT) | ord(text[1])


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted ids in both sorted arrays."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return np.asarray(a, dtype=np.int64)
    pos = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return np.asarray(a[b[pos] == a], dtype=np.int64)


@dataclass(frozen=True)
class Postings:
    """For each character and character pair, the sorted ids of the texts that hold it."""

    keys: np.ndarray  # int64, sorted
    starts: np.ndarray  # int64, len(keys) + 1
    ids: np.ndarray  # int64
    size: int  # how many texts

    @classmethod
    def build(cls, texts: Sequence[str]) -> Postings:
        """Postings of every character and pair of adjacent characters of each text."""
        n = len(texts)
        lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if not len(codes):
            return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64), n)
        # characters renumbered densely (in code point order), so that a (key, text) pair fits one int64
        present = np.zeros(int(codes.max()) + 1, dtype=np.int64)
        present[codes] = 1
        dense = np.cumsum(present)  # code point -> 1..alphabet
        alphabet = int(dense[-1]) + 1
        char = dense[codes]
        owner = np.repeat(np.arange(n, dtype=np.int64), lens)
        same = owner[1:] == owner[:-1]
        keys = np.concatenate([char, char[:-1][same] * alphabet + char[1:][same]])
        owners = np.concatenate([owner, owner[:-1][same]])
        pairs = np.sort(keys * max(n, 1) + owners)
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        key_of, ids = np.divmod(pairs, max(n, 1))
        first = np.concatenate([[True], key_of[1:] != key_of[:-1]])
        unique = key_of[first]
        # back from dense numbers to code points: same order, since the renumbering keeps it
        points = np.flatnonzero(present).astype(np.int64)  # dense number d -> points[d - 1]
        hi, lo = np.divmod(unique, alphabet)
        lo_point = points[lo - 1]
        code_keys = np.where(hi == 0, lo_point, ((points[np.maximum(hi, 1) - 1] + 1) << _PAIR_SHIFT) | lo_point)
        starts = np.append(np.flatnonzero(first), len(pairs)).astype(np.int64)
        return cls(code_keys.astype(np.int64), starts, ids.astype(np.int64), n)

    def _list(self, key: int) -> np.ndarray:
        k = int(np.searchsorted(self.keys, key))
        if k >= len(self.keys) or int(self.keys[k]) != key:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.ids[int(self.starts[k]) : int(self.starts[k + 1])])

    def holding(self, word: str) -> np.ndarray:
        """Sorted ids of the texts that may hold ``word`` (exactly those for one or two characters).

        ``word`` must not be empty."""
        if len(word) <= 2:
            return self._list(_key(word))
        lists = sorted((self._list(_key(word[i : i + 2])) for i in range(len(word) - 1)), key=len)
        out = lists[0]
        for more in lists[1:]:
            if not len(out):
                break
            out = _intersect(out, more)
        return out

    def mask(self, words: Iterable[str]) -> np.ndarray:
        """Boolean mask over the texts: True where the text may hold one of the (non-empty) words."""
        out = np.zeros(self.size, dtype=bool)
        for w in words:
            out[self.holding(w)] = True
        return out

    def arrays(self) -> list[np.ndarray]:
        return [self.keys, self.starts, self.ids]


@dataclass(frozen=True)
class SentencePostings:
    """Postings over the sentences' texts and over their distinct contexts."""

    norms: Postings
    contexts: list[str]  # distinct, in order of first use
    context_of: np.ndarray  # int64: each sentence's context number
    context_postings: Postings

    @classmethod
    def build(cls, norms: Sequence[str], contexts: Sequence[str]) -> SentencePostings:
        distinct, context_of = distinct_contexts(contexts)
        return cls(Postings.build(norms), distinct, context_of, Postings.build(distinct))

    def to_bytes(self, signature: str) -> bytes:
        """The stored form (module docstring), for the sentences made by code of this signature."""
        parts = self.norms.arrays() + self.context_postings.arrays()
        header = [FORMAT, _signature_number(signature), self.norms.size, len(self.contexts),
                  len(self.norms.keys), len(self.norms.ids), len(self.context_postings.keys),
                  len(self.context_postings.ids)]
        buf = io.BytesIO()
        np.save(buf, np.concatenate([np.asarray(header, dtype=np.int64), *[p.astype(np.int64) for p in parts]]),
                allow_pickle=False)
        return buf.getvalue()


def distinct_contexts(contexts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct contexts in order of first use, and each sentence's number among them."""
    number: dict[str, int] = {}
    of = np.fromiter((number.setdefault(c, len(number)) for c in contexts), dtype=np.int64, count=len(contexts))
    return list(number), of


def _signature_number(signature: str) -> int:
    return int(signature[:15], 16) if signature else 0


def read_postings(path: Path, signature: str, norms: Sequence[str], contexts: Sequence[str]
                  ) -> SentencePostings | None:
    """The stored postings when they were made for these sentences, memory-mapped; None when the file is
    missing or was made for other sentences (another signature or count): the caller then builds them.

    Raises:
        PostingsError: the file is there but is not what this code writes (truncated or altered).
    """
    try:
        data = np.load(path, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError) as e:
        raise PostingsError(f"{path.name} cannot be read: {type(e).__name__}") from None
    if data.dtype != np.int64 or data.ndim != 1 or len(data) < _HEADER:
        raise PostingsError(f"{path.name} is not a postings array ({data.dtype}, shape {data.shape})")
    fmt, sig, n_units, n_contexts, nk, ni, ck, ci = (int(x) for x in data[:_HEADER])
    if fmt != FORMAT or sig != _signature_number(signature) or n_units != len(norms):
        return None  # made by other code, or for other sentences
    distinct, context_of = distinct_contexts(contexts)
    if n_contexts != len(distinct):
        return None
    sizes = [nk, nk + 1, ni, ck, ck + 1, ci]
    if min(sizes) < 0 or _HEADER + sum(sizes) != len(data):
        raise PostingsError(f"{path.name} holds {len(data)} numbers, its header says {_HEADER + sum(sizes)}")
    views, offset = [], _HEADER
    for size in sizes:
        views.append(data[offset : offset + size])
        offset += size
    norm = Postings(views[0], views[1], views[2], n_units)
    ctx = Postings(views[3], views[4], views[5], len(distinct))
    for p in (norm, ctx):
        if p.starts[0] != 0 or p.starts[-1] != len(p.ids):
            raise PostingsError(f"{path.name}: posting lists do not add up")
    return SentencePostings(norm, distinct, context_of, ctx)
