"""Sentence-level evidence: every sentence of every indexed report, scored against a question.

The answer stage works on sentences, not on whole chunks, so that a citation quotes exactly the words
that support it. A sentence is scored by two signals:
- lexical: the IDF-weighted share of the question's keywords that the sentence contains (on the
  normalized, simplified text, so either script matches);
- dense: the cosine between the question and the sentence's own embedding (for paraphrases and for
  questions in another language).
"""

from __future__ import annotations

import gc
import logging
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from rag.lexicon import (
    ABBREVIATIONS,
    ABSENCE_FRAME,
    ANSWER_KIND,
    ASKED_HOW,
    ASKED_PLACES,
    ASKING_CLAUSE,
    CONTINUATION,
    COUNT_ASKED_AT,
    COUNT_NOUN,
    COUNT_WORD,
    EITHER,
    ENGLISH_COUNT,
    ENGLISH_COUNT_ONLY,
    ENGLISH_MONEY,
    ENGLISH_PHRASE_END,
    ENGLISH_UNITS,
    FIGURE_FORM,
    FIGURE_QUESTION,
    FUNCTION_CHARS,
    GENRE_WORDS,
    HOW_MUCH,
    HOW_MUCH_DIMENSION,
    HOW_MUCH_UNIT,
    KEYWORD_UNITS,
    MEASURE_PHRASES,
    MEASURE_WORDS,
    MEASURE_WORDS_TRADITIONAL,
    MONEY_ASKED,
    NEGATIONS,
    NOT_NEGATIONS,
    NOUN_SUFFIXES,
    OR_WORDS,
    PERSON_HEADS,
    PERSON_NOUNS,
    PLACE_WORDS,
    RATE_QUESTION,
    REPORT_FRAME,
    RESULT_CHARS,
    SECTION_FRAME,
    SELF_REFERENCE,
    SHORT_YEAR,
    SHORTCOMING,
    SHORTCOMING_NOUNS,
    SHORTCOMING_TAIL,
    SOLVING,
    STOP_WORDS,
    TIME_FEW,
    TITLE_FRAME,
    TOTAL_ADVERB,
    VALUE_COMPARED,
    ZERO_AFTER,
    asked_title,
    counts_as,
    kind_cues,
    measure_family,
    synonym_index,
)
from rag.text import (
    CN_NUMERAL_CHARS,
    cn_to_int,
    compact,
    is_function_word,
    is_noun,
    is_verb,
    is_verbal_noun,
    iter_sentence_spans,
    normalize,
    to_simplified,
    verbal,
    word_tags,
)

if TYPE_CHECKING:
    from rag.index.postings import Postings, SentencePostings

log = logging.getLogger(__name__)

# A figure: a number, "余/多" (more than), 万/亿, and its unit: 582宗, 2500人次, 170余人, 95%, 七个.
_NUMBER = re.compile(
    # (a range of two: 3至5名, 三至五名)
    r"((?:\d+(?:[.,．]\d+)?|[零〇一二两兩三四五六七八九十百千万萬]+)(?:\s*(?:至|到|~|～)\s*(?:\d+(?:[.,．]\d+)?"
    r"|[零〇一二两兩三四五六七八九十百千万萬]+)(?=\s*(?:余|餘|多)?\s*(?:万|萬|亿|億)?\s*[%％"
    + MEASURE_WORDS + MEASURE_WORDS_TRADITIONAL + r"]))?)"
    r"(\s*(?:余|餘|多)?\s*(?:万|萬|亿|億)?\s*(?:余|餘|多)?\s*(?:人次|场次|場次|户次|戶次|件次|" + MEASURE_PHRASES + r"|[%％]|["
    + MEASURE_WORDS + MEASURE_WORDS_TRADITIONAL + r"])?)"
)
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．])")


# a short parenthesis inside a phrase: 一村（居）一法律顾问
_ASIDE = re.compile(r"[(（][^()（）]{1,6}[)）]")
_QUOTE_MARKS = re.compile(r"[“”‘’「」『』\"']")

CONTEXT_WEIGHT = 0.6
ALTERNATIVE_MIN = 0.6


@dataclass
class Unit:
    """One sentence of one report."""

    source: str
    start: int
    end: int
    text: str  # exactly report.text[start:end], original script
    norm: str  # compact normalized form for matching
    chunk: int  # index of the first chunk that holds it
    heading: bool
    context: str = ""  # compact form of its section path and the heading sentence of its paragraph


@dataclass(slots=True)
class Scored:
    unit: int
    lexical: float
    dense: float
    score: float
    matched: list[str] = field(default_factory=list)


class EvidenceTable:
    """All sentences of an index, with their vectors, built once per index generation."""

    def __init__(self, units: list[Unit], vectors: np.ndarray, postings: SentencePostings | None = None,
                 rows: np.ndarray | None = None) -> None:
        """
        Args:
            units: the sentences.
            vectors: their embeddings, one row per unit; or, with ``rows``, the index's sentence vectors
                (memory-mapped), read in place.
            postings: made from the units on first use when not given.
            rows: each unit's row in ``vectors``.
        """
        self.units = units
        self.vectors = vectors
        self._rows = rows
        self.by_source: dict[str, list[int]] = {}
        self.by_chunk: dict[int, list[int]] = {}
        for i, u in enumerate(units):
            self.by_source.setdefault(u.source, []).append(i)
            self.by_chunk.setdefault(u.chunk, []).append(i)
        self._df: dict[str, int] = {}
        self._postings = postings
        # which sentences (and which distinct contexts) contain a term: exact, recent terms only
        self._holding: dict[str, np.ndarray] = {}
        self._norms = [u.norm for u in units]
        # a heading or a fragment scores at a discount
        self._discounted = np.fromiter((u.heading or len(u.norm) < 8 for u in units), dtype=bool, count=len(units))
        self._context_holding: dict[str, np.ndarray] = {}

    @property
    def postings(self) -> SentencePostings:
        """Which sentences hold which characters and character pairs (rag.index.postings): stored with the
        index generation, or made on first use."""
        if self._postings is None:
            from rag.index.postings import SentencePostings

            self._postings = SentencePostings.build([u.norm for u in self.units], [u.context for u in self.units])
        return self._postings

    def unit_vectors(self, units: np.ndarray | None = None) -> np.ndarray:
        """The embeddings of ``units`` (default all), one row each, in that order (a copy)."""
        picked = np.arange(len(self.units)) if units is None else units
        return self.vectors[picked if self._rows is None else self._rows[picked]]

    def idf(self, term: str) -> float:
        n = max(1, len(self.units))
        return math.log((n + 1) / (self.document_frequency(term) + 0.5))

    def document_frequency(self, term: str) -> int:
        """How many sentences contain the term (cached)."""
        df = self._df.get(term)
        if df is None:
            df = self._document_frequency(term)
            self._df[term] = df
        return df

    def spelled_out(self, short: str, most: int = 3) -> list[str]:
        """The four-character words of the corpus a two-character abbreviation may stand for, most frequent
        first: the first characters of two words of the dictionary (抽检 -> 抽样检查, 法援 -> 法律援助)."""
        if not re.fullmatch(r"[\u4e00-\u9fff]{2}", short):
            return []
        words = _tokenizer().FREQ
        pattern = re.compile(f"{short[0]}[\u4e00-\u9fff]{short[1]}[\u4e00-\u9fff]")
        counts: dict[str, int] = {}
        for i in np.flatnonzero(self._holders(short[0]) & self._holders(short[1])):
            for m in pattern.finditer(self._norms[i]):
                w = m.group(0)
                if words.get(w[:2]) and words.get(w[2:]):
                    counts[w] = counts.get(w, 0) + 1
        # (said more than once, or a word of the dictionary: not 创建成果 for 创成, said once)
        return sorted((w for w in counts if counts[w] >= 2 or words.get(w)), key=lambda w: (-counts[w], w))[:most]

    def holds(self, term: str, units: list[int] | None = None) -> bool:
        """Whether some sentence among ``units`` (default all) contains the term."""
        if units is None:
            return self.document_frequency(term) > 0
        return bool(units) and bool(self._holders(term)[np.asarray(units, dtype=np.int64)].any())

    def _document_frequency(self, term: str) -> int:
        """How many sentences contain the term."""
        return int(np.count_nonzero(self._holders(term)))

    def _holders(self, term: str) -> np.ndarray:
        """Boolean mask over the sentences: True where ``contains(u.norm, term)``. The postings name the
        sentences that may; each of them is checked by that test (unless the postings are exact)."""
        mask = self._holding.get(term)
        if mask is None:
            mask = _holding(term, self.postings.norms, self._norms, len(self.units))
            _remember(self._holding, term, mask)
        return mask

    def _context_holders(self, term: str) -> np.ndarray:
        """Boolean mask over the distinct contexts (``postings.contexts``): True where one contains the term."""
        mask = self._context_holding.get(term)
        if mask is None:
            post = self.postings
            mask = _holding(term, post.context_postings, post.contexts, len(post.contexts))
            _remember(self._context_holding, term, mask)
        return mask

    def _coverages(self, keywords: list[str], weights: dict[str, float], ids: np.ndarray) -> list[tuple[float, list[str]]]:
        """``coverage(keywords, units[i], weights)`` for every i in ``ids``: which keywords each sentence and
        its context hold, and how many bigrams of a long one, are read from the postings for all of them
        at once; the coverage itself is computed once per distinct answer to those questions."""
        if not keywords:
            return [_lexical(keywords, weights, (), (), ()) for _ in range(len(ids))]
        contexts = self.postings.context_of[ids]
        columns = []
        for t in keywords:
            columns.append(self._holders(t)[ids])
            columns.append(self._context_holders(t)[contexts])
            hits = np.zeros(len(ids), dtype=np.int64)
            if _partial(t):
                for g in _bigrams(t):
                    hits += self._holders(g)[ids]
            columns.append(hits)
        table = np.stack(columns, axis=1).astype(np.int64)
        if len(columns) <= 30 and int(table.max(initial=0)) < 4:
            # each row packed in one integer (two bits a column): one fast sort instead of one over rows
            codes = table @ (np.int64(4) ** np.arange(len(columns), dtype=np.int64))
            first, which = np.unique(codes, return_index=True, return_inverse=True)[1:]
            patterns = table[first]
        else:
            patterns, which = np.unique(table, axis=0, return_inverse=True)
        known = [_lexical(keywords, weights, key[0::3], key[1::3], key[2::3]) for key in map(tuple, patterns.tolist())]
        # one (lexical, matched) per distinct pattern, shared by its sentences (nothing changes a matched list)
        return [known[k] for k in which.reshape(-1).tolist()]

    def _mentioning(self, terms: tuple[str, ...], candidates: np.ndarray) -> list[int]:
        """Positions in ``candidates`` of the sentences that hold, in themselves or in their context, one of
        the words ``_mentions(terms)`` searches for (found through the postings, checked by that search)."""
        parts = [p for p in _mention_parts(terms) if p]
        if not parts:  # an empty pattern: every sentence matches
            return list(range(len(candidates)))
        mentions = _mentions(terms)
        post = self.postings
        context_ok = np.zeros(len(post.contexts), dtype=bool)
        in_contexts = post.context_postings.mask(parts)
        gapped = _gapped_mask(post.context_postings, parts)
        if gapped is not None:
            in_contexts |= gapped
        for c in np.flatnonzero(in_contexts).tolist():
            context_ok[c] = mentions.search(post.contexts[c]) is not None
        in_context = context_ok[post.context_of[candidates]]
        # a word of one or two characters is found exactly by its posting; a longer one only may be there
        short = [p for p in parts if len(p) <= 2]
        long = [p for p in parts if len(p) > 2]
        sure = in_context | (post.norms.mask(short)[candidates] if short else False)
        may_mask = post.norms.mask(long) if long else np.zeros(post.norms.size, dtype=bool)
        gapped = _gapped_mask(post.norms, long)
        if gapped is not None:
            may_mask |= gapped
        may = np.flatnonzero(~sure & may_mask[candidates])
        norms = self._norms
        checked = [j for j, i in zip(may.tolist(), candidates[may].tolist(), strict=True)
                   if mentions.search(norms[i]) is not None]
        return sorted(np.flatnonzero(sure).tolist() + checked)

    def score(
        self,
        keywords: list[str],
        qvec: np.ndarray | None,
        candidates: list[int],
        alternatives: list[list[str]] | None = None,
        required: list[str] | None = None,
    ) -> list[Scored]:
        """Score candidate sentences; highest first.

        Args:
            keywords: the question's topic words.
            qvec: the question's embedding.
            candidates: unit indices to score.
            alternatives: for "A或B" questions, the keywords of each side: a sentence may cover one
                side instead of the whole (it must then cover ALTERNATIVE_MIN of that side).
            required: phrases quoted in the question (“三项制度”): a sentence without them scores 0.

        Returns:
            The candidates that hold some of the keywords (all of them when there are no keywords),
            best first.
        """
        if not candidates:
            return []
        cand = np.asarray(candidates)
        if qvec is not None and len(self.vectors):
            dense = self.unit_vectors(cand) @ qvec
        else:
            dense = np.zeros(len(cand), dtype=np.float32)
        # Dense cosines of E5 crowd into a narrow band: rescale against the candidates themselves.
        lo, hi = float(np.median(dense)), float(dense.max())
        rel = np.clip((dense - lo) / (hi - lo), 0.0, 1.0) if hi - lo > 1e-6 else np.zeros_like(dense)
        main = self.weights(keywords)
        sides = [(side, self.weights(side)) for side in alternatives or []]
        # A sentence that holds none of the words (nor, in itself or its heading, a bigram of a long one)
        # has no keyword coverage: with keywords, it cannot be evidence, and is not scored one by one.
        # The postings name them without reading every sentence (rag.index.postings).
        terms = tuple(sorted({t for t in keywords} | {t for side, _ in sides for t in side}))
        positions = self._mentioning(terms, cand) if keywords else list(range(len(candidates)))
        if required:
            positions = [j for j in positions if all(self._holds(candidates[j], r) for r in required)]
        at = np.asarray(positions, dtype=np.int64)
        ids = cand[at]
        main_coverage = self._coverages(keywords, main, ids)
        side_coverages = [self._coverages(side, side_weights, ids) for side, side_weights in sides]
        # the arithmetic for all of them at once, in float64 as the per-sentence form computed it
        lexical = np.fromiter((c[0] for c in main_coverage), dtype=np.float64, count=len(ids))
        matched = [c[1] for c in main_coverage]
        for side_coverage in side_coverages:
            side_lex = np.fromiter((c[0] for c in side_coverage), dtype=np.float64, count=len(ids))
            for k in np.flatnonzero((side_lex >= ALTERNATIVE_MIN) & (side_lex > lexical)).tolist():
                lexical[k], matched[k] = side_lex[k], side_coverage[k][1]
        d = rel[at].astype(np.float64)
        score = 0.6 * lexical + 0.4 * d if keywords else d.copy()
        score[self._discounted[ids]] *= 0.85
        order = np.argsort(-score, kind="stable")
        cosines = dense[at].tolist()
        ids_list, lex_list, score_list = ids.tolist(), lexical.tolist(), score.tolist()
        collecting = gc.isenabled()
        gc.disable()  # many small objects without cycles: collections while making them only cost time
        try:
            return [Scored(ids_list[k], lex_list[k], cosines[k], score_list[k], matched[k]) for k in order.tolist()]
        finally:
            if collecting:
                gc.enable()

    def _holds(self, i: int, phrase: str) -> bool:
        """A quoted phrase of the question is held by a sentence: in itself (a short parenthesis aside:
        “一村一法律顾问” in 一村（居）一法律顾问), in its heading, or, when the sentence continues the one before
        it in its passage (其中…), there (“两平台”录入案件516宗。其中录入行政处罚案件18宗)."""
        if "|" in phrase:  # either form of it: “6·26”国际禁毒日
            return any(self._holds(i, alt) for alt in phrase.split("|"))
        u = self.units[i]
        if phrase in u.norm or phrase in u.context or phrase in _ASIDE.sub("", u.norm):
            return True
        if phrase in _QUOTE_MARKS.sub("", u.norm):  # 法律“六进” holds “法律六进”
            return True
        if not u.norm.startswith(CONTINUATION):
            return False
        before = self.units[i - 1] if i > 0 else None
        return before is not None and before.chunk == u.chunk and before.source == u.source and phrase in before.norm

    def weights(self, keywords: list[str]) -> dict[str, float]:
        return {t: self.idf(t) for t in keywords}

    def coverage(
        self, keywords: list[str], u: Unit, weights: dict[str, float] | None = None
    ) -> tuple[float, list[str]]:
        """The IDF-weighted share of the keywords a sentence holds (its headings count at a discount)."""
        weights = weights if weights is not None else self.weights(keywords)
        in_norm = tuple(contains(u.norm, t) for t in keywords)
        in_context = tuple(contains(u.context, t) for t in keywords)
        hits = tuple(sum(1 for g in _bigrams(t) if g in u.norm) if _partial(t) else 0 for t in keywords)
        return _lexical(keywords, weights, in_norm, in_context, hits)


def _lexical(keywords: list[str], weights: dict[str, float], in_norm: tuple[int, ...],
             in_context: tuple[int, ...], hits: tuple[int, ...]) -> tuple[float, list[str]]:
    """A sentence's keyword coverage from what it holds: for each keyword, whether the sentence contains
    it, whether its context does, and how many of the keyword's bigrams the sentence contains."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0, []
    matched = [t for t, held in zip(keywords, in_norm, strict=True) if held]
    lexical = sum(weights[t] for t in matched) / total
    # A heading names the topic of the sentences under it: its words count, at a discount.
    heading = [t for t, held, above in zip(keywords, in_norm, in_context, strict=True) if not held and above]
    lexical += CONTEXT_WEIGHT * sum(weights[t] for t in heading) / total
    # Half credit for a long keyword whose character bigrams mostly occur in the sentence.
    credit = 0.0
    for t, held, above, n in zip(keywords, in_norm, in_context, hits, strict=True):
        if held or above or not _partial(t):
            continue
        share = n / (len(t) - 1)
        if share >= 0.5:
            credit += 0.5 * share * weights[t] / total
    lexical += credit
    return lexical, matched


def _partial(term: str) -> bool:
    """Whether a keyword may earn partial credit by its bigrams (a long word without alternatives)."""
    return len(term) >= 3 and "|" not in term


def _bigrams(term: str) -> list[str]:
    return [term[i : i + 2] for i in range(len(term) - 1)]


def _holding(term: str, postings: Postings, texts: list[str], size: int) -> np.ndarray:
    """Boolean mask over ``texts``: True where ``contains(text, term)``, through the postings."""
    words = term.split("|")
    if not all(words):  # an empty word is in every text
        return np.fromiter((contains(t, term) for t in texts), dtype=bool, count=size)
    mask = postings.mask(words)
    for w in words:
        if _gappable(w):  # 法治讲座 in 法治宣传讲座: both halves, then checked below
            mask |= postings.mask([w[:2]]) & postings.mask([w[2:]])
    if any(len(w) > 2 for w in words):  # postings of one or two characters are exact; longer words are checked
        for i in np.flatnonzero(mask).tolist():
            if not contains(texts[i], term):
                mask[i] = False
    return mask


_REMEMBERED = 256


def _remember(cache: dict[str, np.ndarray], term: str, mask: np.ndarray) -> None:
    if len(cache) >= _REMEMBERED:
        try:
            cache.pop(next(iter(cache)), None)
        except (StopIteration, RuntimeError):  # another thread changed it meanwhile: it stays bounded
            pass
    cache[term] = mask


def _mention_parts(terms: tuple[str, ...]) -> set[str]:
    """The terms' words, and the bigrams that earn a long word partial credit."""
    parts: set[str] = set()
    for t in terms:
        parts.update(t.split("|"))
        if "|" not in t and len(t) >= 3:
            parts.update(t[i : i + 2] for i in range(len(t) - 1))
    return parts


@lru_cache(maxsize=256)
def _mentions(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One search for any of the terms' words, and for the bigrams that earn a long word partial credit."""
    parts = _mention_parts(terms)
    return re.compile("|".join(_alternatives(p).pattern for p in sorted(parts, key=len, reverse=True) if p))


def _gapped_mask(postings: Postings, parts: list[str]) -> np.ndarray | None:
    """Where a four-character part may stand with a word between its halves (both halves are there), or
    None when no part is of four characters."""
    four = [p for p in parts if _gappable(p)]
    if not four:
        return None
    out = np.zeros(postings.size, dtype=bool)
    for w in four:
        out |= postings.mask([w[:2]]) & postings.mask([w[2:]])
    return out


def _gappable(word: str) -> bool:
    """A word of four characters, two and two (法治讲座, 执法人员), which a report may write with a word of
    one or two characters between its halves (法治宣传讲座, 执法监督人员, 综合行政执法 for 综合执法)."""
    return len(word) == 4 and _FOUR_HAN.fullmatch(word) is not None


_FOUR_HAN = re.compile(r"[\u4e00-\u9fff]{4}")
# what may stand between the halves: a word, no punctuation, space or figure (a small negated class: a class
# of the whole CJK range costs a millisecond to compile, once per keyword)
_BETWEEN = r"[^，。；、：,.;:！？!?()（）“”\"\s\d]{0,2}?"


def contains(text: str, term: str) -> bool:
    """A keyword is a word, or alternatives joined by | (any one of them counts); a word of four characters
    also with up to two between its halves (rag.evidence._gappable)."""
    if "|" in term or _gappable(term):
        return _alternatives(term).search(text) is not None
    return term in text


@lru_cache(maxsize=4096)
def _alternatives(term: str) -> re.Pattern[str]:
    """One compiled search for a keyword's alternatives (a single pass over the sentence)."""
    def one(alt: str) -> str:
        if _gappable(alt):
            return re.escape(alt[:2]) + _BETWEEN + re.escape(alt[2:])
        return re.escape(alt)
    return re.compile("|".join(one(alt) for alt in term.split("|")))


def build_units(reports: dict, chunks: list) -> list[Unit]:  # type: ignore[type-arg]
    """Split every chunk into sentences; a sentence shared by overlapping chunks is kept once.

    Each sentence also carries its context: the chunk's heading path, the heading sentence that
    opens its paragraph (e.g. "（二）行政执法队伍建设有待加强。" for the sentences that follow it), and the
    headings above that one which the chunk holds ("（二）法律法规宣传教育方面存在不足" above "1.宣传方式比较
    单一。": a chunk of small sections is labelled by their common parent only).
    """
    from rag.ingest.sections import match_heading

    seen: set[tuple[str, int, int]] = set()
    units: list[Unit] = []
    for ci, ref in enumerate(chunks):
        source = ref.source
        text = reports[source].text
        section = compact(ref.chunk.section)
        para_heading = ""
        above = ""  # the headings of the chunk above the paragraph's own
        chain: list[tuple[int, str]] = []  # the chunk's headings so far, by level
        last_end = ref.chunk.start
        for s, e in iter_sentence_spans(text, ref.chunk.start, ref.chunk.end):
            raw = text[s:e]
            if "\n" in text[last_end:s]:
                para_heading = above = ""  # a new paragraph
            last_end = e
            is_heading = bool(HEADING.match(raw)) and len(raw) < 60
            if is_heading:
                para_heading = compact(raw)
                found = match_heading(raw.strip())
                level = found[0] if found else 9
                chain = [(lv, h) for lv, h in chain if lv < level]
                above = "".join("|" + h for _, h in chain if h not in section)
                chain.append((level, para_heading))
            key = (source, s, e)
            if key in seen:
                continue
            seen.add(key)
            context = section + above if is_heading else section + above + "|" + para_heading
            units.append(Unit(source, s, e, raw, compact(raw), ci, is_heading, context))
    return units


def segment(text: str) -> list[str]:
    """The words of ``text`` by the keywords' tokenizer (jieba, the genre's units whole)."""
    return list(_tokenizer().lcut(text))


@lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in KEYWORD_UNITS:
        # whole, even where a dictionary word would take its last character (摸排出: not 摸 + 排出)
        tk.add_word(word, freq=max(tk.FREQ.get(word) or 0, _UNIT_FREQ))
    return tk


_UNIT_FREQ = 10**5  # above any single character's count in jieba's dictionary but the commonest (的, 了, 是)


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, str, str]]:
    """English domain terms and their Chinese wording in the reports, longest first, each with the start
    of its first word (a question without it needs no pattern compiled: there are 700 of them)."""
    return [(re.split(r"[\s-]+", en)[0][:4], en, zh) for en, zh in _glossary_rows()]


@lru_cache(maxsize=1024)
def _glossary_pattern(en: str) -> re.Pattern[str]:
    return re.compile(r"\b" + _english_term(en) + r"\b", re.I)


@lru_cache(maxsize=1)
def _glossary_rows() -> list[tuple[str, str]]:
    """The glossary's English terms (lower case) and their Chinese wording, longest first."""
    from pathlib import Path

    rows = []
    path = Path(__file__).parent / "data" / "glossary_en_zh.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, zh = line.split("\t", 1)
        rows.append((en.strip().lower(), zh.strip()))
    rows.sort(key=lambda r: -len(r[0]))
    return rows


def _english_term(term: str) -> str:
    """A glossary term as a pattern: its words joined by spaces or hyphens (convenience-service), each
    also in the plural (convenience services)."""
    words = re.split(r"[\s-]+", term)

    def word(w: str) -> str:
        if not w.isalpha():
            return re.escape(w)
        if len(words) > 1 and len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]  # convenience services -> convenience-service items (not "issues" -> the verb "issue")
        return re.escape(w) + "(?:e?s)?"

    return r"[\s-]+".join(word(w) for w in words)


@lru_cache(maxsize=1)
def glossary_words() -> frozenset[str]:
    """Every word of the glossary's English terms (lower case): English the product reads as a topic."""
    return frozenset(w for en, _ in _glossary_rows() for w in re.findall(r"[a-z]+", en))


def english_keywords(question: str) -> list[str]:
    """Chinese keywords for the English domain terms of a question, read left to right, the longest term at
    each place: "food safety inspections" is food safety + inspections, not safety inspections (which would
    leave "food" unread and answer with the work-safety checks)."""
    lower = question.lower()
    found = []
    for start, en, zh in _glossary():
        if start not in lower:
            continue
        found += [(m.start(), -(m.end() - m.start()), m.end(), zh) for m in _glossary_pattern(en).finditer(question)]
    # a gloss in brackets right after a term names the same thing: "epidemic prevention (COVID-19)", "grid-based
    # management (网格化)", one keyword of both
    glosses = [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"[(（]([^()（）]{2,40})[)）]", question)]
    out: list[str] = []
    ends: list[int] = []  # where each term of ``out`` ends in the question
    at = 0
    last_end = -1
    for begin, _, end, zh in sorted(found):
        if begin < at:
            continue  # inside a term already read
        at = end
        if ENGLISH_COUNT_ONLY.fullmatch(question[begin:end]) and re.search(r"(?:how many|number of)\s+$", lower[:begin]):
            continue  # "how many cases came through the hotline": what is counted in, not what about
        gloss = next((g for g in glosses if g[0] <= begin < g[1] and not question[last_end:g[0]].strip()), None)
        if gloss and out:
            out[-1] = "|".join(dict.fromkeys([*out[-1].split("|"), *zh.split("|")]))
        elif zh not in out:
            out.append(zh)
            ends.append(end)
        last_end = end
    for opens, _, inside in glosses:  # a Chinese gloss: grid-based (网格化)
        chinese = re.sub(r"[^\u4e00-\u9fff]", "", inside)
        term = next((i for i, e in enumerate(ends) if not question[e:opens].strip()), None)
        if len(chinese) >= 2 and term is not None:
            out[term] = "|".join(dict.fromkeys([chinese, *out[term].split("|")]))
    return out


def section_cues(question: str) -> set[str]:
    """The kinds of section a question is about (rag.lexicon.kind_cues), an English one's also by the Chinese
    the glossary gives its terms: "weak" is 不强|薄弱, a shortcoming."""
    found = kind_cues(compact(question)) | kind_cues(normalize(question))  # (English cues of two words: "short of")
    return found | kind_cues(" ".join(english_keywords(question))) if has_english(question) else found


def has_english(question: str) -> bool:
    return len(re.findall(r"[A-Za-z]{3,}", question)) >= 2




def keywords(question: str, drop: list[str] | None = None, synonyms: bool = True,
             places: Collection[str] = ()) -> list[str]:
    """Topic words of a question, normalized: scope words (places, years) and question words removed.

    English domain terms are translated through a small glossary, so that an English question is
    matched on the reports' own Chinese wording. With ``synonyms``, a word is matched by any word of its
    synonym group (执法人员 also by 执法力量). ``places``: the corpus's place names of three characters or
    more, kept whole when the question names one (丁河村, which the tokenizer cuts into 丁 + 河村).
    """
    extra = english_keywords(question) if has_english(question) else []
    q = compact(question)
    for d in sorted(drop or [], key=len, reverse=True):
        q = q.replace(compact(d), " ")
    for pattern, short in ABBREVIATIONS:
        q = pattern.sub(short, q)
    q = re.sub(r"[A-Za-z]+-?\d+|\d+-?[A-Za-z]+", " ", q)  # COVID-19, G20: the digits are no figure to match
    q = re.sub(r"(19|20)\d{2}\s*年?度?", " ", q)
    q = SHORT_YEAR.sub(" ", q)  # 23年: the year, said short
    q = re.sub(r"(?:^|(?<=\s))度", " ", q)  # what the planner's year removal leaves of 2023年度
    title = asked_title(q)
    if title:  # "指挥长由谁担任": the title is one keyword, its frame none
        q = TITLE_FRAME.sub(" ", q.replace(title, " "))
    q = ANSWER_KIND.sub(" ", q)  # 获得了什么荣誉称号: the kind of answer, which no report writes
    q = REPORT_FRAME.sub(" ", q)  # 在报告中写了: where the reports say it, not what
    q = SECTION_FRAME.sub(" ", q)  # 在问题部分提到: which section says it (a kind cue), not what
    q = SELF_REFERENCE.sub(" ", q)  # 本单位: the township itself
    q = ABSENCE_FRAME.sub(" ", q)  # 没有发生: which had none of the topic (rag.decide.Asked.absent)
    q = TOTAL_ADVERB.sub(" ", q)  # 一共建了几个: the total, not a word 共建
    q = FIGURE_FORM.sub(" ", q)  # 百分比形式的: the form of the figure asked
    q = VALUE_COMPARED.sub(" ", q)  # 超过了98%: a comparison (rag.decide.Asked.at_least), no word to find
    q = COUNT_ASKED_AT.sub(" ", q)  # 超过50份: likewise (rag.decide.Asked.count_at_least)
    # the 有 of "哪些乡镇有…" and the question word 哪 are glued on by the tokenizer (有村, 个村)
    q = re.sub(r"(哪些|哪几个|哪个|哪几)(" + PLACE_WORDS + r"|地方|单位)有", r"\1\2 ", q)
    q = re.sub(r"(?:是|由)?哪[一几]?[个些位家所条项]?(?:" + PLACE_WORDS + r"|地方|单位)?", " ", q)
    q = re.sub(r"(?:是|由|达到了?|达|为|约为?|大约|大概)(?:谁|什么|多少|哪|几)", " ", q)  # so that jieba never glues 是 to a topic word: 指挥长是谁 -> 长是
    # (with the 有 before it, which the tokenizer would glue to the word before: 代办员有多少 -> 员有)
    q = re.sub(r"有?(多少|几)[" + MEASURE_WORDS + r"]?", " ", q)
    if HOW_MUCH.search(q):  # 面积多大, 多长时间: the ask and the dimension asked, which a report says by its unit
        q = HOW_MUCH_DIMENSION.sub(" ", HOW_MUCH.sub(" ", q))
    # 或 and the 有 of "哪些乡镇有…" are no part of a word, but the tokenizer glues them on (民事或, 有村)
    q = EITHER.sub(" ", q)
    words: list[str] = []
    for name in sorted(names_in(q, places), key=len, reverse=True):
        if name in q:
            words.append(name)
            q = q.replace(name, " ")
    tokens = list(_tokenizer().cut(q))
    for at, w in enumerate(tokens):
        w = w.strip()
        if not w or w in STOP_WORDS or COUNT_WORD.match(w) or COUNT_NOUN.match(w) \
                or not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", w):
            continue
        if len(w) == 1 and not w.isdigit():
            continue
        if is_function_word(w) and w not in synonym_index() and tokens[at + 1: at + 2] != ["了"]:
            continue  # 通过, 借着, 之类, 这种, 各级: the question's frame, which no report need write (通过了: a verb)
        if re.search(r"[A-Za-z]{2,}", w):
            continue  # English words (glued by compact(): "20thPartyCongress") never match Chinese text
        if len(w) > 1 and w.endswith("了"):
            w = w[:-1]  # 学习了 -> 学习: the aspect particle is no part of the word a report writes
            if len(w) < 2:
                continue
        genre = _GENRE_TAIL.match(w)
        if genre:  # 信访工作 -> 信访: a report says 信访 as often as 信访工作
            w = genre.group(1)
        tail = SHORTCOMING_TAIL.match(w)
        # (经费紧张: short of money, said in any word of lack)
        parts = [tail.group(1), "不足" if tail.group(2) == "紧张" else tail.group(2)] if tail else [w]
        for part in parts:
            if part not in words and part not in STOP_WORDS:
                words.append(part)
    if title and title not in words:
        words.insert(0, title)
    # (an English unit, "sessions" -> 场次, is the measure of the count asked, no topic: as a Chinese 场次 is not)
    # (a Chinese gloss the glossary's term holds is that term: "model villages (民主法治示范村)")
    words = [w for w in words if not any(w in e.split("|") for e in extra)]
    words += [e for e in extra if e not in words and e.split("|", 1)[0] not in STOP_WORDS]
    if not synonyms:
        return words
    words = _split_compounds(_glued(words, q))
    # two words of one synonym group are one keyword: 素质 and 能力 both mean the staff's ability
    out: dict[frozenset[str], str] = {}
    for w in words:
        term = expand(w)
        out.setdefault(frozenset(term.split("|")), term)
    return _without_leftovers(list(out.values()), q)


def names_in(text: str, names: Collection[str], shortest: int = 3, longest: int = 12) -> set[str]:
    """The words of ``names`` (a set: a corpus's place names) that ``text`` holds, looked up by the text's
    own substrings (a few hundred) rather than by every name (thousands in a large corpus)."""
    return {text[i:j] for i in range(len(text)) for j in range(i + shortest, min(len(text), i + longest) + 1)
            if text[i:j] in names}


def _glued(words: list[str], q: str) -> list[str]:
    """Two words side by side in the question that together are a word of a synonym group, as that word:
    the tokenizer cuts 法治观念 into 法治 + 观念, and only the whole finds 法律意识, 法治意识 in a report. Not
    when a piece has synonyms of its own (普法 + 志愿者): the pieces already find the variants, and a piece
    may be shared with another phrase of the question (普法志愿者或法治工作志愿者). The cost: a sentence holding
    only the head (宣传方式单一 for 法治宣传方式单一) no longer matches it; on tests/eval/questions.jsonl the
    two changed one list answer each way."""
    groups = synonym_index()
    out: list[str] = []
    for w in words:
        if out and out[-1] + w in groups and out[-1] + w in q and out[-1] not in groups and w not in groups:
            out[-1] += w
        else:
            out.append(w)
    return out


def _split_compounds(words: list[str]) -> list[str]:
    """A word of no synonym group that is two words of synonym groups side by side, as those two: jieba keeps
    化解矛盾 whole, and only 化解 + 矛盾 find 调处矛盾纠纷 (their synonyms). (The question's compounds still weigh
    as phrases, rag.decide.compounds.)"""
    groups = synonym_index()
    out: list[str] = []
    for w in words:
        cut = next((i for i in range(2, len(w) - 1) if w not in groups and w[:i] in groups and w[i:] in groups), None)
        parts = [w[:cut], w[cut:]] if cut else [w]
        out.extend(p for p in parts if p not in out)
    return out


def rejoined(terms: list[str], question: str, table: EvidenceTable) -> list[str]:
    """The keywords, each made whole again where the tokenizer cut single characters off it and the corpus
    writes the whole (会前学法 -> 会 + 前 + 学法): the longest such word with two more characters on either side,
    each a character the tokenizer left alone and no stop word."""
    q = compact(to_simplified(question))
    heads = [head(t) for t in terms]
    # the characters the tokenizer left alone, which keywords() drops (会, 前 of 会前学法), no stop word
    single = [False] * len(q)
    at = 0
    for w in _tokenizer().cut(q):
        if len(w) == 1 and "\u4e00" <= w <= "\u9fff" and w not in STOP_WORDS:
            single[at] = True
        at += len(w)
    for h in heads:
        for m in re.finditer(re.escape(h), q):
            single[m.start():m.end()] = [False] * (m.end() - m.start())

    def free(i: int) -> bool:
        return 0 <= i < len(q) and single[i]
    # characters free on both sides of a run go to the word after them, whose modifier they are (会前 of
    # 领导干部会前学法 is 会前学法, not 干部会前 too)
    before_word = {m.start() - k for h in heads for m in re.finditer(re.escape(h), q) for k in (1, 2)}
    out = []
    for t, h in zip(terms, heads, strict=True):
        best = t
        for m in re.finditer(re.escape(h), q):
            s, e = m.span()
            # two characters at least: one alone is most often a word's own suffix or prefix (网格+长, 新+时代),
            # which the keyword's synonyms already find
            a = s - 2 if all(free(i) for i in range(s - 2, s)) else s
            b = e + 2 if all(free(i) and i not in before_word for i in range(e, e + 2)) else e
            if b == e and free(e) and q[e] in NOUN_SUFFIXES:
                b = e + 1  # a day, week or month named for a cause (宣传月, 宪法日), a room or an office (调解室, 司法所)
            whole = q[a:b]
            if whole == h:  # said alone too (划了多少个网格、配了多少名网格员): the word stays as it is
                best = t
                break
            if len(whole) > len(head(best)) and table.document_frequency(whole):
                best = whole
        out.append(best)
    return out


def _without_leftovers(terms: list[str], q: str) -> list[str]:
    """The keywords less the pieces of a phrase the question says as one word of a synonym group:
    "严重精神障碍患者" is one keyword (精神障碍|严重精神障碍患者|…), not that one and 严重 and 患者; "新冠肺炎疫情"
    leaves no 肺炎 to be found beside a report's 疫情防控."""
    spans = [m.span() for t in terms if "|" in t for member in t.split("|") if len(member) >= 2
             for m in re.finditer(re.escape(member), q)]
    if not spans:
        return terms

    def inside(word: str) -> bool:
        places = [m.span() for m in re.finditer(re.escape(word), q)]
        return bool(places) and all(any(s <= a and b <= e and (a, b) != (s, e) for s, e in spans) for a, b in places)

    return [t for t in terms if "|" in t or not inside(t)]


def uninvented(terms: list[str], table: EvidenceTable) -> list[str]:
    """The keywords less each two-character word the tokenizer made up rather than found in its dictionary,
    when no sentence of the corpus holds it: its statistical model glued two characters across a word
    boundary (律师代理费上花多少钱 -> 上花, 几个人考到了 -> 人考, 司法所审核 -> 所审), and the made-up word would
    sink every report. Cut by the dictionary, such a word is two single characters, which keywords() drops
    too. Only when one of them is a function character (上, 人, 要; rag.lexicon.FUNCTION_CHARS): a word of two
    content characters the dictionary lacks (酒驾, 醉驾) is most often a real one, and the question's topic.
    Not a place name (浔中镇 -> 中镇): that is what a question asks about; nor a longer word (河长制), more
    often a term the dictionary lacks than a slip."""
    tk = _tokenizer()
    return [t for t in terms if "|" in t or tk.FREQ.get(head(t)) or not re.fullmatch(r"[\u4e00-\u9fff]{2}", head(t))
            or not any(c in FUNCTION_CHARS for c in head(t))
            or re.search(PLACE_WORDS + "$", head(t)) or table.document_frequency(t)]


def unheld_compounds(terms: list[str], table: EvidenceTable) -> list[str]:
    """The keywords with each four-character word no sentence of the corpus holds cut in two: where its second
    half is a word of a synonym group (业务水平, the tokenizer's one word, is 业务 + 能力|素质|水平…, so that a
    report's 业务能力不强 answers it), or where both halves are the tokenizer's words (执法装备 -> 执法 + 装备).
    Whole, it would sink every report alike."""
    words = _tokenizer().FREQ
    out: list[str] = []
    for t in terms:
        h = head(t)
        if "|" not in t and len(h) == 4 and (h[2:] in synonym_index() or (words.get(h[:2]) and words.get(h[2:]))) \
                and not table.document_frequency(t):
            out += [w for w in (h[:2], expand(h[2:])) if w not in out]
        elif t not in out:
            out.append(t)
    return out


def unheld_abbreviations(terms: list[str], table: EvidenceTable) -> list[str]:
    """The keywords with each two-character word no sentence of the corpus holds read as the abbreviation of
    the four-character words it may stand for (抽检 -> 抽检|抽样检查, 调成 -> 调成|调解成功): whole, it would sink
    every report alike."""
    out: list[str] = []
    for t in terms:
        if "|" not in t and not table.document_frequency(t) and (longer := table.spelled_out(head(t))):
            t = "|".join([t, *longer])
        out.append(t)
    return out


# a word that ends in one of the genre's words (工作, 建设, 情况): its head is the topic
_GENRE_TAIL = re.compile(r"^(.{2,}?)(?:" + "|".join(sorted(GENRE_WORDS, key=len, reverse=True)) + r")$")


def unheld_predicates(terms: list[str], question: str, table: EvidenceTable,
                      units: list[int] | None = None) -> list[str]:
    """The keywords less the question's own verbs that no report in scope uses: the word that says what was
    done (交代了, 拿到了, 写进过; the verb right after 哪些乡镇, or the one that ends the question) when no
    sentence among ``units`` (default: the whole corpus) holds it. It says how the asker puts it, not what to
    find, and its weight would sink every report in scope alike. In scope, not in the corpus: a verb one other township happens to write
    (出台了几件规范性文件, where the township asked about writes 未制定规范性文件) says no more of this one."""
    q = compact(to_simplified(question))
    words = segment(q)
    verbs = {w for w, after in zip(words, [*words[1:], ""], strict=True) if after in ("了", "过")}
    content = [w for w in words if re.search(r"[\u4e00-\u9fff]", w) and w not in STOP_WORDS]
    if content and verbal(content[-1]):
        verbs.add(content[-1])  # the verb that ends it (多少张民情联系卡发下去): what befell the thing asked
    subject = _ASKED_TOWNS.match(q)
    if subject:
        rest = segment(q[subject.end():])
        if rest and is_verb(rest[0]):
            verbs.add(rest[0])
    tags = word_tags()
    # a verb that describes the thing asked (拆掉的违法建筑) or has a complement of result (考取, 拿到): the
    # asker's word for what was done
    verbs |= {w for w, after in zip(words, [*words[1:], ""], strict=True)
              if (tags.get(w) == "v" and (after == "的" or _RESULT_END.search(w))) or verbal(w)}  # (查出来)
    # 至少, 究竟, 一个: how it is asked (not 第三方)
    asker = {w for w in words if tags.get(w) == "d" or re.fullmatch(r"[一两二三四五六七八九十几]个", w)}
    # (however the tokenizer cut it: 新评 of 新评上了, where the question alone is cut 新 + 评上; 办 of 办完了)
    done = [t for t in terms if re.search(re.escape(head(t)) + "[" + RESULT_CHARS + "]?[了过]", q)]
    return [t for t in terms if (head(t) not in verbs and head(t) not in asker and t not in done)
            or table.holds(t, units)]


def unheld_context(terms: list[str], question: str, table: EvidenceTable,
                   units: list[int] | None = None) -> list[str]:
    """The keywords less the words of the clauses said before the one that asks (县里要汇总各乡镇矛盾纠纷化解工作的
    数据，请问哪些乡镇…: 县里, 汇总) that no sentence among ``units`` (default: the whole corpus) holds and the asking
    clause does not repeat. They say why the question is asked, and their weight would sink every report alike.
    When the asking clause names a thing of its own, the clauses before it are dropped whole (为了做好明年的普法规划，
    想了解…); when it does not, what they name that a report holds (关于法律顾问，哪些乡镇聘请了) stays the topic."""
    clauses = [c for c in re.split(r"(?<=[，,。；;：:！!？?])", compact(to_simplified(question))) if c]
    at = next((i for i, c in enumerate(clauses) if ASKING_CLAUSE.search(c)), 0)
    if at == 0:
        return terms
    before, asking = "".join(clauses[:at]), "".join(clauses[at:])

    def context_only(t: str) -> bool:
        alts = t.split("|")
        return any(a in before for a in alts) and not any(a in asking for a in alts)

    # an asking clause that names a thing of its own (…，想了解哪些乡镇提到群众法治意识不强) is the whole question
    own = any((is_noun(head(t)) or is_verbal_noun(head(t))) and not context_only(t) for t in terms)
    return [t for t in terms if not context_only(t) or (not own and table.holds(t, units))]


_RESULT_END = re.compile(r".+(?:掉|取|走|住|成|好|到)$")
# the subject of a list question and what may stand before its verb: 哪些乡镇的报告都, 有哪些镇街
_ASKED_TOWNS = re.compile(ASKED_PLACES + r"(?:的报告|在报告[中里]|报告[中里]?)?"
                          r"(?:都|也|还|曾经?|已经?)?")


def expand(word: str) -> str:
    """A keyword as alternatives of its synonyms (rag.lexicon.SYNONYMS): 不足 -> 不足|不够|短缺|…, and each
    compound of 法治 also as the older 法制 and back (民主法制示范村 for 民主法治示范村; not the genre's own
    words, 法治政府, which name the kind of report)."""
    out: list[str] = []
    for w in synonym_index().get(word, (word,)):
        variants = () if len(w) < 3 or w in GENRE_WORDS else (w.replace(a, b) for a, b in _LAW_SPELLINGS if a in w)
        for v in (w, *variants):
            if v not in out:
                out.append(v)
    return "|".join(out)


_LAW_SPELLINGS = (("法治", "法制"), ("法制", "法治"))


def head(term: str) -> str:
    """The word a keyword was asked as (the first of its alternatives), for display."""
    return term.split("|", 1)[0]


# a phrase in quotes or title marks: “三项制度”, 《民法典》
QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,20})[”\"」』》]")
_OR = re.compile(r"以及?或|" + EITHER.pattern)


def quoted_phrases(question: str) -> list[str]:
    """Phrases the question puts in quotes or title marks: “三项制度”, 《民法典》 (normalized), each a phrase a
    report must hold. Phrases listed as alternatives or examples ("“执法+监管”平台、“粤执法”平台", “A”或“B”)
    are one requirement, any of them ("a|b")."""
    out: list[str] = []
    q = compact(question)
    last_end = -1
    # the phrases said as one example (比如“综合查一次”) or as one side of 或 (“综合查一次”或多部门联合检查)
    optional: set[int] = set()
    for m in QUOTED.finditer(q):
        phrase = m.group(1)
        if not phrase or re.search(r"[A-Za-z]{3,}", phrase):
            continue  # (an English question's quoted words, "two platforms": its glossary terms read them)
        named = _DAY_NAME.match(q, m.end())
        if named and not re.search(r"[\u4e00-\u9fff]", phrase):
            # a quoted date with the day's name after it (“6·26”国际禁毒日): a report may give either
            phrase = f"{phrase}|{named.group(0)}"
        if out and _LISTED.fullmatch(q[last_end:m.start()]):
            out[-1] += "|" + phrase
            optional.discard(len(out) - 1)
        else:
            if EXAMPLE_BEFORE.search(q, 0, m.start()) or _OR_AFTER.match(q, m.end()) or _OR_BEFORE.search(q, 0, m.start()):
                optional.add(len(out))
            out.append(phrase)
        last_end = m.end()
    # one example of the thing asked is one report's name for it, and one side of 或 is one way to say it: not a
    # requirement; several listed are the names the asker knows it by ((如“执法+监管”平台、“粤执法”平台))
    return [p for i, p in enumerate(out) if i not in optional]


# 或 right after a quoted phrase, or right before it (two characters between at most): the phrase is one side of
# an alternative (not 给企业或合作社做“法治体检”, where 或 joins two others)
_OR_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}?(?:" + OR_WORDS + ")")
_OR_BEFORE = re.compile(r"(?:" + OR_WORDS + r")[\u4e00-\u9fff]{0,2}$")


# between two quoted phrases of one list: the first one's noun and a list mark (“A”平台、“B”平台; “A”或“B”)
_LISTED = re.compile(r"[\u4e00-\u9fff]{0,4}(?:、|或者|或|/|以及?)")
# right before a quoted phrase: it is an example (比如“综合查一次”, 如“法律明白人”)
EXAMPLE_BEFORE = re.compile(r"(?:比如|例如|譬如|诸如|諸如|像是?|如)[:：]?$")


# the name of a day, week or month after its quoted date: “6·26”国际禁毒日, “12·4”国家宪法日
_DAY_NAME = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:日|节|周|月)")  # not 当日, 次日


def alternative_sides(topic: str) -> list[list[str]]:
    """The readings of an "A或B" question, as keyword lists.

    - word level: the words next to 或 are the alternatives, the rest is shared
      ("法治理论或学法考试": 考试 belongs to both sides);
    - phrase level: when both sides name one word (普法志愿者或法治工作志愿者), each side with the rest;
    - clause level: when both sides are clauses of three or more words
      ("宣传方式单一或群众参与积极性不高"), each side alone.
    """
    parts = [p for p in _OR.split(topic) if p.strip()]
    if len(parts) < 2:
        return listed_shortcomings(topic) or example_sides(topic)
    sides_kw = [keywords(p) for p in parts]
    whole = keywords(topic)
    readings: list[list[str]] = []
    for i in range(len(parts) - 1):
        left, right = sides_kw[i], sides_kw[i + 1]
        shared = _shared_head(left, right)
        modifier = None if shared else _shared_modifier(left, right)
        if modifier is not None:
            # "开展禁毒宣传或禁毒工作": the word the right side begins with modifies both
            rest = [w for w in whole if not _same_word([w], left) and not _same_word([w], right)]
            readings += [left + rest, left[:modifier] + right + rest]
        elif shared:
            # "普法志愿者或法治工作志愿者": two phrases with one head; each side is a reading, with the words
            # the question says besides, and the words around the pair that both share: in "执法人员业务能力或
            # 专业素质不足" 执法人员 (before the left modifier) and 不足 (after the right head) belong to both
            i, j = shared
            before, after = left[: max(0, i - 1)], right[j + 1:]
            rest = [w for w in whole if not _same_word([w], left) and not _same_word([w], right)]
            readings += [left + [w for w in after if not _same_word([w], left)] + rest,
                         [w for w in before if not _same_word([w], right)] + right + rest]
        elif left and right:
            readings.append([w for w in whole if w != right[0]])
            readings.append([w for w in whole if w != left[-1]])
    if len(sides_kw[0]) >= 2 and all(len(side) >= 3 for side in sides_kw[1:]) and not any(
            _shared_head(a, b) for a, b in zip(sides_kw, sides_kw[1:], strict=False)):
        readings += sides_kw  # (not when the sides share a head: they share their subject too)
    # one word is too little to stand for a question, unless the question is only its two alternatives
    # ("行政复议或行政诉讼的情况": a sentence on 行政诉讼 alone answers it)
    least = 1 if len(whole) == 2 else 2
    return [r for r in readings if len(r) >= least] + example_sides(topic)


def listed_shortcomings(topic: str) -> list[list[str]]:
    """The readings of a question that lists shortcomings with 、 ("普法形式单一、针对性不强", "调解员能力不足、
    年龄偏大"): each clause is one, as with 或; a report states one of them as often as all. Only when every
    item states a shortcoming and holds two words or more: "执法人员、网格员不足" lists people, not clauses."""
    items = re.split(r"、(?![^（(“「]*[）)”」])", topic)
    if len(items) < 2 or not all(SHORTCOMING.search(to_simplified(item)) for item in items):
        return []
    whole = keywords(topic)
    sides = [[w for w in keywords(item) if w in whole] for item in items]
    return sides if all(len(side) >= 2 for side in sides) else []


def _shared_head(left: list[str], right: list[str]) -> tuple[int, int] | None:
    """The places of the head two sides of 或 share: the left side's last word, said on the right too
    (志愿者 in 普法志愿者或法治工作志愿者, 能力|素质 in 业务能力或专业素质不足). A word the left side begins
    with is no head: 普法 of "普法宣传方式单一或群众参与普法积极性不高" is said in two clauses."""
    if not left or not right:
        return None
    found = _same_word(left[-1:], right)
    return (len(left) - 1, found[1]) if found else None


def _shared_modifier(left: list[str], right: list[str]) -> int | None:
    """Where in ``left`` the word the right side of 或 begins with stands, when it is not the left side's
    head: 禁毒 of "开展禁毒宣传或禁毒工作" says what both sides are about."""
    if not left or not right:
        return None
    found = _same_word(right[:1], left)
    return found[1] if found and found[1] < len(left) - 1 else None


def either_modifier(topic: str) -> str | None:
    """The keyword both sides of an "A或B" question are about: the word both begin with (禁毒 of 禁毒宣传或禁毒工作)
    or the head both end on (演练 of 应急演练或者消防演练), else None."""
    parts = [keywords(p) for p in _OR.split(topic) if p.strip()]
    for left, right in zip(parts, parts[1:], strict=False):
        i = _shared_modifier(left, right)
        if i is None and not re.search(r"[、（(]", topic) and (shared := _shared_head(left, right)) and all(
                SHORTCOMING.fullmatch(head(w)) for w in right[shared[1] + 1:]):
            i = shared[0]  # (the head of both: not 服务 of 便民服务或政务服务事项, whose head is 事项)
        if i is not None and head(left[i]) not in GENRE_WORDS:  # (法治 of 法治书屋或法治文化广场 names no thing)
            return left[i]
    return None


def _same_word(left: list[str], right: list[str]) -> tuple[int, int] | None:
    """The places of the first keyword of ``left`` that ``right`` holds too (as any word of its synonym group:
    能力|素质 and 素质|能力 are one), or None."""
    groups = [frozenset(w.split("|")) for w in right]
    for i, w in enumerate(left):
        g = frozenset(w.split("|"))
        for j, other in enumerate(groups):
            if g == other:
                return i, j
    return None


# "A、B等C", "A之类的C": A and B are examples of the kind C (not 平等, 同等, 等级, 等待, 等等)
_EXAMPLES = re.compile(r"(?<![平同均对何相等])等(?![等级待候同于])|之类的?|这类|此类|这一类的?")


def example_sides(topic: str) -> list[list[str]]:
    """The readings of a question that names a kind by its examples ("对社区矫正对象、吸毒人员等重点人员的
    管控"): the kind with the words after it, and each example with those words. A report may name the kind
    only, or one example only."""
    m = _EXAMPLES.search(topic)
    if not m:
        return _parenthesis_sides(topic)
    after = keywords(topic[m.end():])
    if not after:  # "…等" at the end: et cetera, the examples are the topic itself (or a bracket's, 方式单一之类）)
        return _parenthesis_sides(topic)
    rest = after[1:]
    clause = re.split(r"[，,；;。：:（(]", topic[: m.start()])[-1]
    readings = [after]
    for item in re.split(r"[、/]|和|及|与", clause):
        words = [w for w in keywords(item) if w not in rest]
        if words:
            readings.append(words + rest)
    readings = [r for r in readings if len(r) >= 2]  # one word alone is too little to stand for the question
    return readings if len(readings) >= 2 else []


# "X（如A、B、C）", "X（比如A和B）": a kind, and examples of it in brackets
_BRACKET_EXAMPLES = re.compile(r"[（(](?:如|比如|例如|诸如|包括|含)([^（）()]{2,60})[）)]"
                               r"|[，,：:](?:比如|例如|诸如|譬如)([^，,。；;？?！!（）()]{2,60})")  # or after a comma


def _parenthesis_sides(topic: str) -> list[list[str]]:
    """The readings of a question that gives examples in brackets ("给出了某项工作的百分比（如办结率、合格率、
    满意率）"): the words outside the brackets (the kind), and each example with them. An example alone is a
    reading when those words name no topic of their own (百分比 asks for a figure, it names none)."""
    m = _BRACKET_EXAMPLES.search(topic)
    if not m:
        return _aside_dropped(topic)
    outside = keywords(topic[: m.start()] + " " + topic[m.end():])
    readings = []
    for item in re.split(r"[、/，,]|或者?", m.group(1) or m.group(2)):  # (not 与, 及: inside words, 参与, 涉及)
        words = [w for w in keywords(item) if w not in outside]
        if words:
            readings.append(words + outside)
    least = 1 if not outside else 2
    readings = [r for r in readings if len(r) >= least]
    if len(outside) >= 2:  # the kind alone, as a report may name it
        readings.insert(0, outside)
    return readings if len(readings) >= 2 else []


def _aside_dropped(topic: str) -> list[list[str]]:
    """The reading of a question without its aside in brackets ("组织了民法典主题的普法宣传（面向群众或企业）",
    "调解（化解）成功率"): what the aside adds narrows or glosses the question, and a report that says the rest
    answers it as often; the question's words with the aside's stay the other reading. Not when the rest is
    one word, too little to stand for the question; nor in English, whose aside gives the reports' own words
    ("the 'law into six places' (六进) campaign")."""
    m = _ASIDE_IN_QUESTION.search(topic)
    if not m or has_english(topic):
        return []
    rest = keywords(topic[: m.start()] + " " + topic[m.end():])
    return [rest] if len(rest) >= 2 and [w for w in keywords(m.group(0)) if w not in rest] else []


_ASIDE_IN_QUESTION = re.compile(r"[（(][^（）()]{1,20}[）)]")


# 多少件, 几名, 几个人 (the unit is 人, 个 only counts them): one figure asked, and its measure word
COUNT_ASK = re.compile(r"(?:多少|(?<!哪)几(?![月号日]))(?:个(?=人(?![民员才大口])))?([" + MEASURE_WORDS + r"]?)")
# 几个 / 多少个 before a noun of people: the count is of people (几个干部 -> 名, answered by 8名)
# (a few words may stand between: 几个行政执法人员, 多少个村级调解员; the noun ends the phrase asked)
_PEOPLE = "(?:" + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True)) + ")"
_ASK_PEOPLE = re.compile(r"(?:多少|几)个[“\"「『]?(?:" + _PEOPLE + r"|[\u4e00-\u9fff]{1,4}?" + _PEOPLE
                         + r"(?![\u4e00-\u9fff])|[\u4e00-\u9fff]{1,4}?" + _PEOPLE + r"(?=[有是参接被在受获经负担]))")


# ... and after a bare 多少 that ends its clause: 接待了多少游客, 有多少患者 (people, not 6起 of 游客消费纠纷)
# (or before the verb of what they did: 组织了多少镇村干部去法院旁听, not 1次 of the hearings)
_BARE_PEOPLE = re.compile(r"(?:多少|几)[“\"「『]?(?:(?:" + _PEOPLE + r"|[\u4e00-\u9fff]{0,3}?[" + PERSON_HEADS
                          + r"])[”\"」』]?(?![\u4e00-\u9fff])|[\u4e00-\u9fff]{0,3}?" + _PEOPLE
                          + r"(?=[去到参出接被在受获经负担来进]))")
# a noun of people just before the count asked of them: 工作人员有几个, 调解员一共多少个
_PEOPLE_BEFORE = re.compile(_PEOPLE + r"[”\"」』]?" + ASKED_HOW + r"有?$")  # (“法律明白人”有多少个)
# ... and before a bare 多少, with what may stand between (的数量是, 一共有)
_PEOPLE_COUNTED = re.compile(_PEOPLE + r"[”\"」』]?的?(?:数量|人数|总数|总人数)?" + ASKED_HOW + r"(?:是|为|有|达到?)?$")


def asks_quantity(question: str) -> str | None:
    """The measure word a question asks a number of ('多少件' -> '件'), '' for a bare 多少, else None."""
    q = TIME_FEW.sub("", compact(question))  # (那几天, 这几年: when, no count asked)
    if MONEY_ASKED.search(q) or ENGLISH_MONEY.search(question):  # 罚了多少钱: a sum, in 元 or 万元
        return "元"
    m = COUNT_ASK.search(q)
    if m:  # 几个人: the unit is 人, 个 only counts them
        if _ASK_PEOPLE.match(q, m.start()) or (m.group(1) == "个" and _PEOPLE_BEFORE.search(q[: m.start()])):
            return "人"  # (工作人员有几个: people, counted in 名 or 人)
        if not m.group(1) and (_PEOPLE_COUNTED.search(q[: m.start()]) or _BARE_PEOPLE.match(q, m.start())):
            return "人"  # 法律明白人有多少, 调解员的数量是多少: people (not 9个 villages they are chosen in)
        return m.group(1)
    english = ENGLISH_COUNT.search(re.sub(r"\([^()]*\)", " ", question))  # (community): an aside
    if english:  # "how many people", "how many staff training sessions": the counted noun that names a unit
        words = re.split(r"[\s-]+", english.group(1).lower())
        # the counted noun phrase ends at the verb (did, were, attended) or a determiner; its head comes last
        end = next((i for i, w in enumerate(words) if ENGLISH_PHRASE_END.fullmatch(w) or w.endswith("ed")), len(words))
        for word in reversed(words[:end]):
            unit = next((u for u, pattern in ENGLISH_UNITS if pattern.fullmatch(word)), None)
            if unit:
                return unit
    if re.search(r"how many|how much|number of|what percentage|\brate\b"
                 r"|what (?:is|was|were|are)\b.*\b(?:budget|amount|cost|spending|funding)\b", question, re.I) or re.search(
        r"比例|百分之|率是|率为|率达|率有", q
    ):
        return ""
    for pattern, unit in HOW_MUCH_UNIT:  # 多大面积 -> 平方米, 用了多久 -> 天
        if pattern.search(q):
            return unit
    if FIGURE_QUESTION.search(q) or HOW_MUCH.search(q):  # 件数更多, 数量: a figure, its unit unsaid
        return ""
    return None


# A clause: the span a figure and the words it counts share ("…及…" joins two counted things).
CLAUSE = re.compile(r"[^，,；;。：:、！!？?及]+")


def asked_unit(question: str) -> str | None:
    """The measure word a question counts in: 多少件 / 件数 -> 件, 场次 -> 场 (the first 多少 / 几 when it has
    one); else None when it names none, or counts things of more than one family (执法检查的次数或查出的问题数量)."""
    unit = asks_quantity(question)
    if unit:
        return unit
    q = compact(question)
    units = [next(g for g in m.groups() if g) for m in re.finditer(r"([件次场人个户起宗项])数|(场)次|(人)次", q)]
    families = {measure_family(u) for u in units}
    if len(families) != 1 or re.search(r"数量|具体数|数字|数据", q):
        return None
    return units[0]


def figure_share(text: str, weights: dict[str, float], rate: bool = False, unit: str | None = None) -> float:
    """How much of the question's topic (IDF-weighted share of ``weights``) a figure of ``text`` shares a
    clause with: the best over its figures (percentages for a rate; of the asked unit's family for a count).
    "审核合同5份" counts contracts; "发放宣传手册2500份" counts no 宣传活动."""
    total = sum(weights.values())
    if not total:
        return 0.0
    starts = [start for start, _, fig in _figures_of(text)
              if (is_percent(fig) if rate else not unit or counts_as(to_simplified(fig), unit))]
    if not starts:
        return 0.0
    best = 0.0
    for m in CLAUSE.finditer(text):
        if any(m.start() <= s < m.end() for s in starts):
            clause = m.group(0)
            best = max(best, sum(w for k, w in weights.items() if contains(clause, k)) / total)
    return best


# a clause of a sentence: between commas, semicolons and stops (CLAUSE also ends at 、 and 及)
COMMA_PART = re.compile(r"[^，,；;。！!？?]+")


@lru_cache(maxsize=512)
def _negated(keywords: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(alt) for k in keywords for alt in k.split("|"))
    return re.compile(rf"(?:{'|'.join(NEGATIONS)})[^，,。；;！!？?]{{0,24}}?(?:{alts})")


# "未发生一起", "没有出现一件", "无一例": not one, which is none, not a count of one
_NOT_ONE = re.compile("((?:" + "|".join(sorted({*NEGATIONS, "没"}, key=len, reverse=True)) + r")[^，,。；;一]{0,4})一(?=[起件宗例个次项])")


def without_not_one(text: str) -> str:
    """``text`` less the 一 of "未发生一起" (not one): no figure of one is left to count."""
    return _NOT_ONE.sub(r"\1", text)


def _blank(m: re.Match[str]) -> str:
    return "_" * len(m.group(0))


def denies(text: str, keywords: list[str]) -> bool:
    """Whether a clause of ``text`` says a keyword's thing was not done: 未制定规范性文件, 全年未发生行政诉讼案件
    (a negation before the keyword in its clause; a clause with a figure counts something instead:
    开展未成年人法治讲座12场, 提供无偿法律咨询120次, but not "未发生一起": not one), or that there were none:
    行政诉讼案件均为零, 0件."""
    if not keywords:
        return False
    negated = _negated(tuple(keywords))
    for m in COMMA_PART.finditer(text):
        clause = m.group(0)
        if negated.search(NOT_NEGATIONS.sub(_blank, clause)) and not figures(without_not_one(clause)):
            return True
        if any(ZERO_AFTER.match(clause, w.end()) for k in keywords for w in _alternatives(k).finditer(clause)):
            return True  # 行政诉讼案件均为零
    return False


def states_shortcoming(text: str) -> bool:
    """Whether ``text`` states a shortcoming (执法力量薄弱, 存在问题): a shortcoming word that is not the object
    of work in its clause (研究解决法治建设中的难点问题 and 补齐短板 report work done)."""
    for part in COMMA_PART.finditer(text):
        clause = part.group(0)
        for m in SHORTCOMING.finditer(clause):
            if m.group(0) in SHORTCOMING_NOUNS and SOLVING.search(clause, 0, m.start()):
                continue
            if _OVERCOME.search(clause, 0, m.start()) and _STATE_OF.match(clause, m.end()):
                continue  # 改变了以往普法形式单一的局面: a state overcome
            return True
    return False


_OVERCOME = re.compile(r"改变|扭转|破除|摆脱|打破|告别|" + SOLVING.pattern)
_STATE_OF = re.compile(r"的?(?:局面|状况|现象|状态|问题|情况|格局)")


def _clauses_of(text: str, keywords: list[str]) -> list[str]:
    """The clauses of ``text`` that speak of one of the keywords' things: not those that name it only in a rate
    (镇长出庭应诉率保持100% states a target, no lawsuit)."""
    return [m.group(0) for m in COMMA_PART.finditer(text)
            if any(contains(_RATE_OF.sub("", m.group(0)), k) for k in keywords)]


_RATE_OF = re.compile(r"[\u4e00-\u9fff]{1,4}率")


def only_denies(text: str, keywords: list[str]) -> bool:
    """Whether every clause of ``text`` that holds one of the keywords says it was not done (全年未发生行政复议、
    行政诉讼案件): the sentence reports no such thing."""
    clauses = _clauses_of(text, keywords)
    return bool(clauses) and all(denies(c, keywords) for c in clauses)


def says_none(text: str, keywords: list[str]) -> bool:
    """Whether ``text`` says there was none of a keyword's thing (未制发行政规范性文件, 均为零) and counts none of it
    in another clause (not 未发生行政复议案件，发生行政诉讼案件1件; but 认真执行规范性文件管理规定，全年未制发规范性
    文件 does say none)."""
    clauses = _clauses_of(text, keywords)
    denied = [denies(c, keywords) for c in clauses]
    return any(denied) and not any(figures(c) for c, d in zip(clauses, denied, strict=True) if not d)


def count_values(text: str, unit: str) -> list[float]:
    """The values of the figures of ``text`` in the family of the measure word ``unit`` (2.3万人次 -> 23000)."""
    values = []
    for _, _, fig in _figures_of(text):
        fig = to_simplified(fig)
        if not counts_as(fig, unit):
            continue
        m = re.match(r"(\d+(?:\.\d+)?)\s*(?:余|多)?\s*(万|亿)?", normalize(fig))
        spelled = re.match(rf"[{CN_NUMERAL_CHARS}]+", fig)
        if m:
            values.append(float(m.group(1)) * {"万": 1e4, "亿": 1e8}.get(m.group(2) or "", 1))
        elif spelled and (n := cn_to_int(spelled.group(0))) is not None:  # 五十七份
            values.append(float(n))
    return values


def counts_in(text: str, unit: str) -> bool:
    """Whether ``text`` holds a figure in the family of the measure word ``unit`` (件 also by 宗, 起, 个):
    a question that asks 场次 is no question about 2500份 brochures."""
    return any(counts_as(to_simplified(fig), unit) for _, _, fig in _figures_of(text))


@lru_cache(maxsize=65536)
def _figures_of(text: str) -> tuple[tuple[int, int, str], ...]:
    """figures(), kept for the sentences a list question weighs again and again."""
    return tuple(figures(text))


def ask_parts(question: str) -> list[tuple[str, str]]:
    """Every figure a question asks for, in order, with the words of the question it belongs to (the text
    since the ask before): the measure word of each 多少 / 几 ('' when bare), and '%' for a rate asked besides
    a count ("受理纠纷多少件，满意率是多少" -> [('件', '受理纠纷多少件'), ('%', '，满意率是多少')]). One ask or
    none: []."""
    q = TIME_FEW.sub("", compact(question))  # (a time, 这几年, 那几天, is no count asked)
    found = list(COUNT_ASK.finditer(q))
    parts = [q[(found[i - 1].end() if i else 0):m.end()] for i, m in enumerate(found)]
    ends = [m.start() for m in found[1:]] + [len(q)]
    counted = [_COUNTED_NOUN.match(q, m.end(), end) for m, end in zip(found, ends, strict=True)] if found else []
    if len(found) >= 2 and all(c and is_noun(segment(c.group(1))[0]) for c in counted):
        # "几名行政执法人员、几名法治审核人员": each ask counts the noun after it, not the one before
        parts = [q[m.start():c.end()] for m, c in zip(found, counted, strict=True) if c]
    # an ask whose own words name a rate asks for one (成功的百分比是多少)
    asks = ["%" if RATE_QUESTION.search(part) else "人" if _ASK_PEOPLE.match(q, m.start()) else m.group(1)
            for part, m in zip(parts, found, strict=True)]
    tail = q[found[-1].end():] if found else ""
    if asks and "%" not in asks and RATE_QUESTION.search(tail):  # 办理多少件，满意率达到了
        asks.append("%")
        parts.append(tail)
    each = _EACH_OF_TWO.search(q) if len(asks) == 1 else None
    if each:  # "党委文件和政府文件各有多少个": one ask for each of two things
        asks, parts = [asks[0], asks[0]], [each.group(1), each.group(2)]
    english = re.search(r"how many|how much", question, re.I)
    if not asks and english and re.search(r"\b(?:and|,)\b.*\b(?:rate|percentage)\b", question[english.end():], re.I):
        asks, parts = ["", "%"], [q, q]
    return list(zip(asks, parts, strict=True)) if len(asks) >= 2 else []


# the noun an ask counts when it follows the ask in its clause (几名行政执法人员): up to the next comma or ask
_COUNTED_NOUN = re.compile(r"([\u4e00-\u9fff]{2,}?)(?=[和与及、，,。；;？?！!]|$)")
# two things joined by 和/与/及/、 and asked one count each (各有多少个, 分别是几个)
_EACH_OF_TWO = re.compile(r"([^，,。；;和与及、]{2,12}?)(?:和|与|及|、)([^，,。；;和与及、]{2,12}?)(?:各|分别)(?:有|是|为|达到?)?"
                          r"(?:多少|几)")


def has_figure(text: str) -> bool:
    return bool(figures(text))


_SCHEME_SIGN = frozenset({"+", "＋"})
_QUOTED_NAME = re.compile(r"[“「『\"]([^“”「」『』\"]{1,12})[”」』\"]")
_ENUMERATION = re.compile(r"^\s*[(（]?\d{1,2}\s*[.、．)）]")
_NOT_A_FIGURE = re.compile(r"^(?:19|20)\d{2}$")


def figures(text: str) -> list[tuple[int, int, str]]:
    """(start, end, figure) of the numbers with their measure words in a text.

    Not figures: list numbering ("8." at the start), bare years, bare Chinese numeral words (一是), and the
    numbers of a short name in quotation marks (“三项制度”, “两个维护”, “12345”热线), which count nothing.
    """
    out = []
    skip = _ENUMERATION.match(text)
    names = [m.span(1) for m in _QUOTED_NAME.finditer(text)] if any(q in text for q in "“「『\"") else []
    for m in _NUMBER.finditer(text):
        num, unit = m.group(1), m.group(2).strip()
        if skip and m.start() < skip.end():
            continue
        if any(a <= m.start() and m.end() <= b for a, b in names):
            continue
        if not re.search(r"\d", num) and not unit:
            continue
        if re.fullmatch(r"[百千万萬]+", num) and not re.match(r"\s*(?:余|餘|多)", m.group(2)):
            continue  # a magnitude alone counts nothing: 千家万户, 万人助万企 (百余人 does)
        if _NOT_A_FIGURE.match(num) and (not unit or text[m.end(1):m.end(1) + 1] == "年"):
            continue
        if text[m.end():m.end() + 1] in "年月日" and not unit:
            continue
        if not unit and _SCHEME_SIGN & {text[m.start() - 1: m.start()], text[m.end(1): m.end(1) + 1]}:
            continue  # the name of a scheme, “1+11+35”, counts nothing
        end = m.end(1) + len(m.group(2).rstrip())
        out.append((m.start(), end, text[m.start():end]))
    for m in _CN_PERCENT.finditer(text):  # 百分之九十八, 百分之十二点五: a rate in words
        if not any(a < m.end() and m.start() < b for a, b, _ in out):
            out.append((m.start(), m.end(), m.group(0)))
    return sorted(out)


_CN_PERCENT = re.compile(f"百分之[{CN_NUMERAL_CHARS}]+(?:点[{CN_NUMERAL_CHARS}]+)?")


def is_percent(figure: str) -> bool:
    """Whether a figure of figures() is a rate: 98%, 98％, 百分之九十八."""
    return figure.endswith(("%", "％")) or figure.startswith("百分之")
