"""Keyword scoring: jieba tokens over the normalised (simplified) text, scored with BM25 (bm25s).

The tokenizer keeps the corpus's own place names whole (they are matched before jieba sees the
text, so no dictionary quirk can split 双竹村), adds a short list of domain terms to a private
jieba dictionary (the global one is never touched) and drops stopwords and question words.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from rag.lexicon import DOMAIN_TERMS, STOP_WORDS
from rag.text import normalize, strip_pinyin

_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# suffixes that make a place name; the bare form (高观 for 高观镇) is emitted as a token too
_PLACE_SUFFIX = re.compile(r"(街道办事处|街道|社区|自治县|自治州|民族乡|镇|乡|村|县|区|市|省)$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function and question words that carry no topic (rag.lexicon.STOP_WORDS)."""
    return frozenset(normalize(w).lower() for w in STOP_WORDS)


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """Domain terms kept whole by jieba (rag.lexicon.DOMAIN_TERMS)."""
    return tuple(normalize(w) for w in DOMAIN_TERMS)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """A private jieba tokenizer with our domain terms; its prefix dictionary is cached on disk."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its start-up at DEBUG
    tok = jieba.Tokenizer()
    tok.tmp_dir = tempfile.gettempdir()
    tok.initialize()
    for term in domain_terms():
        tok.add_word(term)
    return tok


def bare_place(name: str) -> str | None:
    """高观镇 -> 高观, 石柱土家族自治县 -> 石柱土家族 (None when too short to be a name on its own)."""
    bare = _PLACE_SUFFIX.sub("", name)
    return bare if bare != name and len(bare) >= 2 else None


class Tokenizer:
    """Text -> BM25 tokens. Place names are protected; everything else goes through jieba's search mode."""

    def __init__(self, places: Iterable[str] = ()) -> None:
        names = {normalize(p) for p in places if p}
        self.places = sorted((p for p in names if 2 <= len(p) <= 16), key=lambda p: (-len(p), p))
        self._place_re = re.compile("|".join(map(re.escape, self.places))) if self.places else None
        self._stop = stopwords()

    def normalize(self, text: str) -> str:
        return normalize(strip_pinyin(text)).lower()

    def tokenize(self, text: str) -> list[str]:
        """Tokens of one text (document or query), stopwords and punctuation removed."""
        text = self.normalize(text)
        out: list[str] = []
        pos = 0
        if self._place_re is not None:
            for m in self._place_re.finditer(text):
                self._cut(text[pos : m.start()], out)
                out.append(m.group(0))
                bare = bare_place(m.group(0))
                if bare:
                    out.append(bare)
                pos = m.end()
        self._cut(text[pos:], out)
        return out

    def _cut(self, segment: str, out: list[str]) -> None:
        if not segment:
            return
        for tok in _jieba().cut_for_search(segment):
            tok = tok.strip()
            if tok and tok not in self._stop and not _PUNCT_OR_SPACE.match(tok):
                out.append(tok)
                if len(tok) > 3:  # search mode adds 2- and 3-character parts; add longer known terms too
                    out.extend(t for t in domain_terms() if len(t) > 3 and t != tok and t in tok)

    def bigrams(self, text: str) -> list[str]:
        """Overlapping character bigrams of the Chinese runs: recall when word segmentation disagrees."""
        out: list[str] = []
        for run in _CJK.findall(self.normalize(text)):
            if len(run) == 1:
                if run not in self._stop:
                    out.append(run)
                continue
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out


class BM25Index:
    """BM25 over pre-tokenised documents; ``scores`` gives one score per document, in order."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        self.size = len(docs)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if docs:
            # bm25s needs at least one token per document; an empty chunk gets a placeholder
            self._bm25.index([list(d) or ["\u2205"] for d in docs], show_progress=False)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        if not self.size or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(list(query_tokens)), dtype=np.float32)
