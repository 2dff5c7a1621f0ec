"""The keyword side of a generation, tokenized once at build time and stored with it (bm25_tokens.json),
so that loading an index does not segment every passage again (at 1,000 reports that took most of a
cold start).

The stored tokens are used only while they are what the current code would produce: their signature
covers the tokenizer's place names and the lexicon's stop words and domain terms. Otherwise the index
tokenizes at load, as before. A build reuses the previous generation's tokens of unchanged passages
when the signature is the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from rag.index.bm25 import Tokenizer, domain_terms, stopwords
from rag.index.passages import passage_text
from rag.models import Report

TOKENS = "bm25_tokens.json"
_VERSION = "1"


def signature(tokenizer: Tokenizer) -> str:
    """What the tokens depend on: the place names kept whole, the stop words and the domain terms."""
    h = hashlib.sha256(_VERSION.encode())
    for part in (tokenizer.places, sorted(stopwords()), domain_terms()):
        h.update(json.dumps(list(part), ensure_ascii=False).encode())
    return h.hexdigest()


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def tokenize_generation(reports: Iterable[Report], tokenizer: Tokenizer, previous: Path | None = None) -> bytes:
    """Word and bigram tokens of every passage, in index order, as the JSON stored with a generation."""
    sig = signature(tokenizer)
    reuse: dict[str, tuple[list[str], list[str]]] = {}
    old = _read(previous) if previous is not None else None
    if old is not None and old.get("signature") == sig:
        reuse = {k: (w, b) for k, w, b in zip(old["keys"], old["words"], old["bigrams"], strict=True)}
    keys, words, bigrams = [], [], []
    for r in reports:
        for c in r.chunks:
            text = passage_text(r, c)
            key = _key(text)
            w, b = reuse.get(key) or (tokenizer.tokenize(text), tokenizer.bigrams(text))
            keys.append(key)
            words.append(w)
            bigrams.append(b)
    return json.dumps({"signature": sig, "keys": keys, "words": words, "bigrams": bigrams},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _read(path: Path) -> dict[str, list] | None:  # type: ignore[type-arg]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_tokens(path: Path, tokenizer: Tokenizer, passages: int) -> tuple[list[list[str]], list[list[str]]] | None:
    """The stored (words, bigrams) when they fit this tokenizer and this many passages, else None."""
    data = _read(path)
    if data is None or data.get("signature") != signature(tokenizer):
        return None
    words, bigrams = data.get("words"), data.get("bigrams")
    if not isinstance(words, list) or not isinstance(bigrams, list) or len(words) != passages or len(bigrams) != passages:
        return None
    return words, bigrams
