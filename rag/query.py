"""What a question is about: the townships, counties and years it names, and places we do not know.

    scope = parse_scope("共和鎮2022年調處了多少宗糾紛？", get_index())
    scope.townships == ["共和镇"]; scope.years == [2022]

Townships and counties are the corpus's own (from the index), recognised in simplified or
traditional script, by their bare name (高观 for 高观镇, when the name lines up with word boundaries
and is unambiguous), and in pinyin / English ("Gaoguan town", "Da Ming Township", "Gonghe").
Years: 2022, 2022年, 二〇二二年, and ranges such as 2020-2022 or 2020至2022年.

``Scope.text`` is the normalised question with the recognised place and year words *removed*
(what the question asks about); ``Scope.question`` is the normalised question with them kept.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rag.evidence import section_cues
from rag.index.bm25 import _jieba, bare_place
from rag.lexicon import (
    DOMAIN_TERMS,
    ETHNIC,
    GENRE_WORDS,
    KIND_CUES,
    PLACE_TITLE,
    SHORT_YEAR,
    synonym_index,
)
from rag.text import normalize, strip_pinyin, word_tags

if TYPE_CHECKING:
    from rag.index.loaded import ChunkRef, Index

__all__ = ["Places", "Scope", "parse_scope", "parse_years", "places_of"]

# words that end like a place name but name no particular place
GENERIC_PLACES = frozenset(
    """社区 地区 辖区 城区 园区 山区 乡镇 各乡镇 全镇 本镇 我镇 全乡 本乡 我乡 该镇 该乡 全县 本县 我县 该县 全市 本市 我市
    该市 全区 本区 我区 该区 全省 本省 我省 市区 郊区 景区 街区 小区 片区 新区 老区 矿区 库区 牧区 林区 灾区 农村 乡村
    城乡 城镇 集镇 村镇 重镇 名镇 强镇 小镇 古镇 各村 全村 本村 该村 行政村 自然村 示范村 先进村 文明村 美丽乡村 城市 县市
    省市 地市 都市 超市 县区 区县 开发区 示范区 保护区 试点区 行政区 服务区 功能区 各区 各县 各市 各镇 各乡 村社区 各村社区
    全国 中国 中华人民共和国 国家 各地 外地 本地 当地 基层 街道 各街道 全街道 本街道 乡村振兴 镇村 村居 村组 边远山区 偏远地区
    少数民族地区 民族地区 贫困地区 全域""".split()
)
_PLACE_END = re.compile(r"(省|市|区|县|镇|乡|村|街道)$")
# a title a place earns, not its name: 民主法治示范村, 省级文明村, 平安乡镇
_PLACE_START = re.compile(r"省|市|区|县|镇|乡|村|街道|社区")
_SINGLE_SUFFIX = frozenset("省市区县镇乡村")
_BAD_FIRST = frozenset("各全本我该每此这其等和与及或的了在是为对向从把被并也都个所年月日哪那几多")
_ENGLISH_SUFFIX = r"(?:\s*-?\s*(?:zhen|xiang|town(?:ship)?|county|district|city|xian|qu|shi))?"

# the English or pinyin words for a place name's last character(s), when a bare name is shared
_SUFFIX_WORDS: tuple[tuple[str, str], ...] = (
    ("街道", r"(?:jiedao|sub-?district|street)"), ("镇", r"(?:zhen|town(?!ship))"), ("乡", r"(?:xiang|township)"),
    ("县", r"(?:xian|county)"), ("区", r"(?:qu|district)"), ("市", r"(?:shi|city)"),
)


def _suffix_words(name: str) -> str | None:
    """The required English suffix of a place name: 共和镇 -> "\\s*-?\\s*(?:zhen|town)"."""
    for tail, words in _SUFFIX_WORDS:
        if name.endswith(tail):
            return r"\s*-?\s*" + words
    return None


_ALIAS_SUFFIXES: dict[str, tuple[str, ...]] = {"township": (), "county": ("县", "区", "市")}

_CN_DIGIT = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
             "七": "7", "八": "8", "九": "9"}
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:-|~|至|到|—)\s*((?:19|20)\d{2})(?!\d)")
# a four-digit year, unless a measure word shows it is a count (2000份, 2022人)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)(?!\s*[份件人名个项次元万户宗起场家条处余多%])")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")


@dataclass
class Scope:
    """The scope a question names. Lists are in order of first mention, without duplicates."""

    townships: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    text: str = ""
    question: str = ""

    @property
    def has_place(self) -> bool:
        return bool(self.townships or self.counties)

    def matches_place(self, ref: ChunkRef, places: Places) -> bool:
        """Whether a chunk's report is one of the places named (a township, or any township of a county)."""
        if ref.township in self.townships:
            # a township name shared by several counties: a named county picks one
            named = [c for c in self.counties if c in places.counties_of_township.get(ref.township, ())]
            return not named or ref.county in named
        return ref.county in self.counties and not any(
            t in self.townships for t in places.townships_of_county.get(ref.county or "", ())
        )


@dataclass
class Places:
    """The corpus's gazetteer, built once per index."""

    townships: list[str]
    counties: list[str]
    known: frozenset[str]
    counties_of_township: dict[str, set[str]]
    townships_of_county: dict[str, set[str]]
    exact: list[tuple[str, str, str]]  # (surface form, kind, canonical), longest first
    bare: dict[str, tuple[str, str]]  # bare name -> (kind, canonical), unambiguous ones only
    romanised: list[tuple[re.Pattern[str], str, str]]

    @cached_property
    def bare_longest_first(self) -> list[str]:
        """The bare names, longest first (ties in their order in ``bare``), sorted once."""
        return sorted(self.bare, key=len, reverse=True)

    @classmethod
    def build(cls, townships: Iterable[str], counties: Iterable[str], known: Iterable[str],
              pairs: Iterable[tuple[str, str | None]]) -> Places:
        towns = sorted({normalize(t) for t in townships if t})
        counts = sorted({normalize(c) for c in counties if c})
        c_of_t: dict[str, set[str]] = {}
        t_of_c: dict[str, set[str]] = {}
        for t, c in pairs:
            if t and c:
                c_of_t.setdefault(t, set()).add(c)
                t_of_c.setdefault(c, set()).add(t)
        bare_all: dict[str, set[tuple[str, str]]] = {}
        for kind, names in (("township", towns), ("county", counts)):
            for name in names:
                for b in _bare_forms(name):
                    bare_all.setdefault(b, set()).add((kind, name))
        bare = {b: next(iter(v)) for b, v in bare_all.items() if len(v) == 1 and b not in GENERIC_PLACES}
        # full names, then the usual variants of unambiguous county names: 石柱县 for 石柱土家族自治县
        exact = [(t, "township", t) for t in towns] + [(c, "county", c) for c in counts]
        surfaces = {e[0] for e in exact}
        for b, (kind, name) in bare.items():
            for suffix in _ALIAS_SUFFIXES[kind]:
                if b + suffix not in surfaces:
                    exact.append((b + suffix, kind, name))
                    surfaces.add(b + suffix)
        romanised: list[tuple[re.Pattern[str], str, str]] = []
        seen: dict[str, set[tuple[str, str]]] = {}
        for b, (kind, name) in bare.items():
            for syllables in _readings(b):
                seen.setdefault("".join(syllables), set()).add((kind, name))
        for b, (kind, name) in bare.items():
            # every reading of the name's characters that no other place shares: 三都 is "Sandu" and "Sandou"
            bodies = [r"[\s\-']*".join(map(re.escape, syllables)) for syllables in _readings(b)
                      if len(seen["".join(syllables)]) == 1]
            if bodies:
                body = "(?:" + "|".join(bodies) + ")"
                romanised.append((re.compile(rf"(?<![a-z]){body}{_ENGLISH_SUFFIX}(?![a-z])"), kind, name))
        # 共和乡 and 共和镇 share "Gonghe": "Gonghe town" is the 镇, "Gonghe township" the 乡
        by_suffixed: dict[str, set[tuple[str, str]]] = {}
        for b, pairs in bare_all.items():
            syllables = _pinyin(b)
            for place_kind, place in pairs:
                words = _suffix_words(place)
                if syllables and words and len(seen.get("".join(syllables), pairs)) > 1:
                    by_suffixed.setdefault(r"[\s\-']*".join(map(re.escape, syllables)) + words,
                                           set()).add((place_kind, place))
        for pattern, found in by_suffixed.items():
            if len(found) == 1:
                place_kind, place = next(iter(found))
                romanised.append((re.compile(rf"(?<![a-z]){pattern}(?![a-z])"), place_kind, place))
        exact.sort(key=lambda e: -len(e[0]))
        return cls(towns, counts, frozenset(normalize(k) for k in known if k) | set(towns) | set(counts),
                   c_of_t, t_of_c, exact, bare, romanised)


def _bare_forms(name: str) -> set[str]:
    """高观镇 -> {高观}; 石柱土家族自治县 -> {石柱土家族, 石柱}; 阿克塔木哈萨克民族乡 -> {阿克塔木哈萨克, 阿克塔木}."""
    from rag.ingest.metadata import ETHNIC_SHORT

    forms = set()
    b = bare_place(name)
    if b:
        forms.add(b)
        # (only a known group's name: 青杠坪彝族乡 -> 青杠坪, not 青杠)
        m = re.match(rf"^(.{{2,}}?)(?:{ETHNIC})+$", b) or re.match(rf"^(.{{2,}}?){ETHNIC_SHORT}$", b)
        if m:
            forms.add(m.group(1))
    return forms


@lru_cache(maxsize=4096)
def _pinyin_cached(name: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    out = tuple(s.lower() for s in lazy_pinyin(name))
    return out if all(s.isascii() and s.isalpha() for s in out) else ()


def _pinyin(name: str) -> tuple[str, ...]:
    return _pinyin_cached(name)


# characters that place names read both ways, and the other reading (三都 is spelled Sandu and Sandou); only
# these, since every character's rare readings would match other real places (大盛 as "Dacheng", 六郎 as "Lulang")
PLACE_READINGS = {"都": "du", "长": "zhang", "重": "zhong", "乐": "yue", "行": "hang", "曾": "zeng", "会": "kuai",
                  "厦": "xia", "解": "xie", "单": "shan", "朝": "chao", "堡": "pu", "洞": "tong", "蚌": "beng"}


@lru_cache(maxsize=4096)
def _readings(name: str) -> tuple[tuple[str, ...], ...]:
    """A name's pinyin as usually read (pypinyin's phrase reading) first, then with the other reading of each
    character of PLACE_READINGS it holds."""
    from itertools import product

    usual = _pinyin(name)
    if not usual or len(usual) != len(name):
        return (usual,) if usual else ()
    per_char = [[usual[i]] + ([PLACE_READINGS[c]] if PLACE_READINGS.get(c, usual[i]) != usual[i] else [])
                for i, c in enumerate(name)]
    return tuple(product(*per_char))


_PLACES: weakref.WeakKeyDictionary[Index, Places] = weakref.WeakKeyDictionary()
_PLACES_LOCK = threading.Lock()


def places_of(index: Index) -> Places:
    """The gazetteer of an index (cached per index object)."""
    with _PLACES_LOCK:
        places = _PLACES.get(index)
        if places is None:
            reports = list(index.reports.values())
            places = Places.build(
                (r.township for r in reports if r.township),
                (r.county for r in reports if r.county),
                index.tokenizer.places,
                ((normalize(r.township), normalize(r.county)) for r in reports if r.township and r.county),
            )
            _PLACES[index] = places
        return places


_YEAR_END = re.compile(r"底|末|年底|年末|上半年|下半年")
_YEAR_UNTIL = re.compile(r"(?:到|至|截至|截止到?)$")


def _year_end(text: str, start: int, end: int) -> tuple[int, int]:
    """A year's span with its end (2024年底, 年末, 上半年) and the 到/截至 before such an end: "到2024年底" is
    the year, and what is left of it (到底) no topic word."""
    if text[end - 1 : end] != "年":
        return start, end
    m = _YEAR_END.match(text, end)
    if not m:
        return start, end
    until = _YEAR_UNTIL.search(text[max(0, start - 4) : start])
    return start - (len(until.group(0)) if until else 0), m.end()


def parse_years(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Years named in a normalised text, and the spans they occupy. Ranges expand (2020-2022 -> 3 years)."""
    years: list[int] = []
    spans: list[tuple[int, int]] = []
    taken = [False] * (len(text) + 1)

    def add(y: int, span: tuple[int, int]) -> None:
        if y not in years:
            years.append(y)
        spans.append(span)
        for i in range(*span):
            taken[i] = True

    for m in _YEAR_RANGE.finditer(text):
        lo, hi = sorted((int(m.group(1)), int(m.group(2))))
        if hi - lo <= 30:
            for y in range(lo, hi + 1):
                add(y, m.span())
    for m in _YEAR.finditer(text):
        if not taken[m.start()]:
            end = m.end() + (1 if text[m.end() : m.end() + 1] == "年" else 0)
            end += 1 if text[end - 1 : end] == "年" and text[end : end + 1] == "度" else 0  # 2020年度
            add(int(m.group(1)), _year_end(text, m.start(), end))
    for m in _CN_YEAR.finditer(text):
        y = int("".join(_CN_DIGIT[c] for c in m.group(1)))
        if 1900 <= y <= 2099:
            add(y, m.span())
    for m in SHORT_YEAR.finditer(text):  # 23年 -> 2023
        if not any(taken[m.start():m.end()]):
            add(2000 + int(m.group(1)), (m.start(), m.end() + (1 if text[m.end():m.end() + 1] == "度" else 0)))
    return years, spans


def _token_bounds(text: str) -> tuple[set[int], set[int]]:
    """Word boundaries (start and end offsets) of jieba's segmentation of a text."""
    starts, ends = set(), set()
    for _, s, e in _jieba().tokenize(text):
        starts.add(s)
        ends.add(e)
    return starts, ends


def parse_scope(question: str, index: Index) -> Scope:
    """Recognise the townships, counties and years a question names, and unknown place-like names.

    Args:
        question: in simplified or traditional script, Chinese or English.
        index: the loaded index (its reports define the known places).

    Returns:
        Scope; ``text`` is the normalised question without the recognised scope words.
    """
    places = places_of(index)
    q = normalize(strip_pinyin(question))
    scope = Scope(question=q)
    spans: list[tuple[int, int]] = []
    taken = [False] * (len(q) + 1)
    first: dict[str, int] = {}

    def claim(kind: str, name: str, s: int, e: int) -> None:
        target = scope.townships if kind == "township" else scope.counties
        if name not in target:
            target.append(name)
        first[name] = min(first.get(name, s), s)
        spans.append((s, e))
        for i in range(s, e):
            taken[i] = True

    for surface, kind, name in places.exact:  # full names first, longest first
        for s, e in _occurrences(surface, q):
            if not any(taken[s:e]):
                claim(kind, name, s, e)
    if places.bare:
        starts, ends = _token_bounds(q)
        for b in places.bare_longest_first:
            for s, e in _occurrences(b, q):
                if s not in starts or any(taken[s:e]):
                    continue
                kind, name = places.bare[b]
                # 明川乡 is 明川朝鲜族乡 said without its people (jieba reads 明川乡 as one word)
                suffix = name[len(b):]
                short = re.sub(r"^(?:[\u4e00-\u9fff]{1,4}族)+", "", suffix)
                after = e + len(short)
                # (also where jieba glued the suffix to the next character, 乡用畲语, 镇党委: not to a word of
                # the dictionary, 乡村, 乡亲)
                if kind == "township" and short != suffix and q.startswith(short, e) and (
                        after in ends or not word_tags().get(short[-1] + q[after:after + 1])):
                    claim(kind, name, s, after)
                    continue
                if e not in ends or _PLACE_START.match(q, e):
                    continue  # 共和乡 is another place than 共和镇 (the full names matched above)
                claim(kind, name, s, e)
    lower = q.lower()
    if _LATIN.search(lower):  # a romanised name is made of Latin letters
        for pattern, kind, name in places.romanised:
            for m in pattern.finditer(lower):
                if not any(taken[m.start() : m.end()]):
                    claim(kind, name, m.start(), m.end())

    years, year_spans = parse_years(q)
    scope.years = years
    spans.extend(year_spans)
    for s, e in year_spans:
        for i in range(s, e):
            taken[i] = True

    scope.unknown_places = _unknown_places(q, taken, places)
    asked = section_cues(q)
    scope.kinds = [kind for kind in KIND_CUES if kind in asked]
    scope.text = _remove_spans(q, spans)
    scope.townships.sort(key=first.__getitem__)  # order of mention
    scope.counties.sort(key=first.__getitem__)
    return scope


_LATIN = re.compile(r"[a-z]")


def _occurrences(word: str, text: str) -> list[tuple[int, int]]:
    """Spans of the non-overlapping occurrences of ``word`` in ``text``, left to right (as
    ``re.finditer(re.escape(word), text)`` finds them, without compiling a pattern per place name)."""
    if not word:
        return [m.span() for m in re.finditer("", text)]
    out: list[tuple[int, int]] = []
    at = text.find(word)
    while at >= 0:
        out.append((at, at + len(word)))
        at = text.find(word, at + len(word))
    return out


def _remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    keep = [True] * len(text)
    for s, e in spans:
        for i in range(s, e):
            keep[i] = False
    out = "".join(c if k else " " for c, k in zip(text, keep, strict=True))
    return re.sub(r"\s+", " ", out).strip()


_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt"})
# what follows 村 when it means "the villages (and communities)": 村（社区）, 村(居), 村居, 村、社区
_VILLAGES_AND = re.compile(r"[（(](?:社区|居)|居|、社区|和社区")
_SUFFIX_TOKENS = frozenset({"街道", "苏木"})  # a place suffix the tokenizer keeps as a word of its own
_EVERYDAY_TAGS = frozenset("v vd vn vg d p c r m q u f t a ad an ag b z e y o".split())


def _genre_term(candidate: str, q: str) -> bool:
    """Whether a place-like word is the genre's: its stem is one of the lexicon's words (法治 of 法治村), or a
    lexicon word the question writes holds it (民主法治村)."""
    stem = _PLACE_END.sub("", candidate)
    words = synonym_index()
    return (stem in GENRE_WORDS or stem in words or stem in DOMAIN_TERMS
            or any(candidate in w and w != candidate and w in q for w in (*words, *DOMAIN_TERMS)))


def _unknown_places(q: str, taken: list[bool], places: Places) -> list[str]:
    """Place-like words (ending in 省市区县镇乡村/街道) that the corpus does not know.

    A word is place-like when jieba knows it as a name (渝中区), or it is an unknown word with a
    place suffix, or a possible name stem (not a verb, pronoun, numeral...) followed by a suffix.
    """
    out: list[str] = []
    tags = word_tags()
    tokens = [(w, s, e) for w, s, e in _jieba().tokenize(q)]
    for i, (w, s, e) in enumerate(tokens):
        if any(taken[s:e]):
            continue
        candidate = None
        if len(w) >= 2 and w not in _SUFFIX_TOKENS and _PLACE_END.search(w) and re.fullmatch(r"[\u4e00-\u9fff]+", w):
            tag = tags.get(w)
            if tag in _NAME_TAGS or (tag is None and len(w) >= 3):
                candidate = w
            if i > 0 and len(w) == 2 and tag in ("ns", None) and w not in GENERIC_PLACES:
                # 钟 + 山镇 (a place word jieba knows), 浔 + 中镇 (a word it does not): jieba cut a one-character
                # stem off a name (not 进 + 城市)
                prev, ps, pe = tokens[i - 1]
                if (pe == s and len(prev) == 1 and re.fullmatch(r"[\u4e00-\u9fff]", prev) and not taken[ps]
                        and prev not in _BAD_FIRST and tags.get(prev, "n") not in _EVERYDAY_TAGS):
                    candidate = prev + w
        elif (w in _SINGLE_SUFFIX or w in _SUFFIX_TOKENS) and i > 0:  # (望京 + 街道: a suffix of its own)
            prev, ps, _pe = tokens[i - 1]
            if len(prev) == 1 and i > 1:
                # 白鹤 + 滩 + 镇: jieba cut a name's last character off its stem (a name it knows, 白鹤)
                before, bs, be = tokens[i - 2]
                if (be == ps and 1 <= len(before) <= 3 and tags.get(before) in _NAME_TAGS | {"n"}
                        and before[0] not in _BAD_FIRST and re.fullmatch(r"[\u4e00-\u9fff]", prev)):
                    prev, ps = before + prev, bs
            ok_stem = 2 <= len(prev) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", prev) is not None
            if ok_stem and not any(taken[ps:s]) and tags.get(prev, "n") not in _EVERYDAY_TAGS:
                candidate = prev + w
        if not candidate or candidate in GENERIC_PLACES or candidate[0] in _BAD_FIRST or PLACE_TITLE.search(candidate):
            continue
        if "的" in candidate or candidate.startswith(("乡镇", "镇街", "街镇", "各")) or not set(candidate) - set("省市区县镇乡村街道"):
            continue  # 乡镇的村, 镇乡: jieba glued the question's words, no place's name
        if _genre_term(candidate, q):
            continue  # 民主法治村, 法治村: a term of the genre, no place's name
        if candidate.endswith("村") and _VILLAGES_AND.match(q, e):
            continue  # 指导村（社区）修订村规民约: the genre's "villages (and communities)", no place's name
        if candidate in places.known or candidate in places.bare or any(candidate in k for k in places.known):
            continue
        if _PLACE_END.sub("", candidate) in GENERIC_PLACES or len(candidate) > 12:
            continue
        if candidate not in out:
            out.append(candidate)
    return out
