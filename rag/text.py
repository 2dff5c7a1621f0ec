"""Chinese text handling, in one place: script, width, punctuation, pinyin, mojibake, sentences, numerals.

Display text keeps the report's own script; the *normalized* form (simplified, half-width, unified
punctuation, no whitespace runs) is what indexing and matching use.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

# ---------------------------------------------------------------- script


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # opencc-python-reimplemented

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=1)
def _t2s_triggers() -> frozenset[str]:
    """Every character that some key of the t2s dictionaries holds, when a key needs one: a text without any
    is left unchanged by the conversion (most reports are simplified already, and the pure-Python converter
    is the slowest step of ingestion). Empty (check nothing) when the dictionaries cannot be read."""
    from pathlib import Path

    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    try:
        singles = {line.split("\t", 1)[0] for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines()}
        phrases = [line.split("\t", 1)[0] for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines()]
    except OSError:
        return frozenset()
    chars = set("".join(singles))
    # a phrase made only of characters that are simplified already (沈默 -> 沉默) triggers by its own
    chars.update(c for key in phrases if chars.isdisjoint(key) for c in key)
    return frozenset(chars)


@lru_cache(maxsize=16384)
def _t2s_line(line: str) -> str:
    triggers = _t2s_triggers()
    if triggers and triggers.isdisjoint(line):
        return line
    return str(_t2s().convert(line))


def to_simplified(text: str) -> str:
    """Traditional to simplified, character by character (length is preserved for CJK text).

    Line by line, each line converted once (no dictionary key spans a line break, so this is the same
    conversion): a report's lines are converted again by each stage that normalises them, and boilerplate
    lines recur across reports."""
    if not text:
        return text
    triggers = _t2s_triggers()
    if triggers and triggers.isdisjoint(text):
        return text
    if "\n" not in text:
        return _simplified_line(text)
    return "\n".join(_simplified_line(line) for line in text.split("\n"))


def _simplified_line(line: str) -> str:
    """One line, cached unless it is long (a cache of long lines would hold megabytes)."""
    if len(line) <= _CACHED_LINE:
        return _t2s_line(line)
    triggers = _t2s_triggers()
    return line if triggers and triggers.isdisjoint(line) else str(_t2s().convert(line))


_CACHED_LINE = 1000  # characters


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text)) if text else text


def traditional_ratio(text: str) -> float:
    """Share of CJK characters that change when converted to simplified."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    sample = "".join(han[:4000])
    simp = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simp, strict=False) if a != b)
    return changed / len(sample)


def is_traditional(text: str) -> bool:
    return traditional_ratio(text) > 0.04


# ---------------------------------------------------------------- width and punctuation

_PUNCT_MAP = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "，": ",",
        "：": ":",
        "；": ";",
        "！": "!",
        "？": "?",
        "｛": "{",
        "｝": "}",
        "［": "[",
        "］": "]",
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "「": "“",
        "」": "”",
        "『": "“",
        "』": "”",
        "\u3000": " ",
        "．": ".",
        "－": "-",
        "—": "-",
        "–": "-",
        "～": "~",
        "﹐": ",",
        "﹔": ";",
        "﹕": ":",
    }
)


def to_halfwidth(text: str) -> str:
    """Full-width ASCII letters, digits and symbols to their half-width forms."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def unify_punct(text: str) -> str:
    """Map the many forms of brackets, commas and colons onto one each (half-width)."""
    return text.translate(_PUNCT_MAP)


_WS = re.compile(r"\s+")


# a dot between digits, in any of its forms: 3·15, 3・15, 3.15 are one day
_DIGIT_DOT = re.compile(r"(?<=\d)[·・•‧･∙⋅](?=\d)")


def normalize(text: str) -> str:
    """The indexing form: NFKC-safe, simplified, half-width, unified punctuation, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = to_halfwidth(text)
    text = unify_punct(text)
    text = _DIGIT_DOT.sub(".", text)
    text = to_simplified(text)
    return _WS.sub(" ", text).strip()


def compact(text: str) -> str:
    """normalize() without any whitespace: for substring matching across line breaks and spacing."""
    return _WS.sub("", normalize(text))


# ---------------------------------------------------------------- pinyin annotations

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# 鎮(zhèn), 區(qū): a single Han character followed by a bracketed pinyin syllable. A real
# parenthesis such as 村(社區) holds Han characters, so it never matches.
PINYIN_ANNOTATION = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（]\s*[a-zA-Z" + _TONED + r"]{1,7}[1-5]?\s*[)）]"
)
_TONE_MARK = re.compile("[" + _TONED + "]")
# a pinyin-annotated page damaged by garbling can lose the opening bracket: 謹?shù)
_BROKEN_ANNOTATION = re.compile(r"(?<=[\u4e00-\u9fff])[?\ufffd][a-z" + _TONED + r"]{1,6}[)）]")


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations (鎮(zhèn) -> 鎮), keeping real parentheses such as 村(社區).

    An annotation with a tone mark always goes. Toneless ones (的(de), 微信(WeChat)) go only in a text
    that is annotated throughout (three or more toned annotations), so an English gloss survives elsewhere.
    """
    toned = sum(1 for m in PINYIN_ANNOTATION.finditer(text) if _TONE_MARK.search(m.group(0)))
    if toned >= 3:
        text = PINYIN_ANNOTATION.sub("", text)
        return _BROKEN_ANNOTATION.sub("", text)
    return PINYIN_ANNOTATION.sub(lambda m: "" if _TONE_MARK.search(m.group(0)) else m.group(0), text)


# ---------------------------------------------------------------- mojibake


@lru_cache(maxsize=1)
def _common_chars() -> dict[str, int]:
    """Frequency rank of the 2,500 most common (simplified) characters."""
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "common_chars.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    chars = "".join(ln.strip() for ln in lines if not ln.startswith("#"))
    return {c: i for i, c in enumerate(chars)}


def common_share(text: str) -> float:
    """Share of the Chinese characters in text that are among the 2,500 most common (0.0 if none)."""
    han = [c for c in text if _is_han(c)]
    common = _common_chars()
    if not han or not common:
        return 0.0
    return sum(1 for c in to_simplified("".join(han)) if c in common) / len(han)


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


_KANA_OR_PUA = re.compile(r"[\u3040-\u30ff\ue000-\uf8ff\ufffd]")
_PLAIN_PUNCT = set("，。、；：！？“”‘’（）《》—…·")


def _readable(text: str, min_common: float = 0.8) -> bool:
    """Chinese text made of common characters (compared in simplified form), no kana or private use."""
    if not text or _KANA_OR_PUA.search(text):
        return False
    han = [c for c in text if _is_han(c)]
    if len(han) < len(text) - sum(1 for c in text if c in _PLAIN_PUNCT):
        return False
    common = _common_chars()
    if not common:
        return True
    simple = to_simplified("".join(han))
    return sum(1 for c in simple if c in common) >= min_common * len(han)


def _utf8_as_gbk(text: str) -> str:
    """Undo UTF-8 bytes decoded as GBK (的工作人员 -> 鐨勫伐浣滀汉鍛), run by run.

    A window is replaced only when its GBK bytes are valid UTF-8 that decodes to readable Chinese: GBK
    bytes of real text almost never are.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        best_j, best = 0, ""
        c = text[i]
        if _is_han(c) or _KANA_OR_PUA.match(c):
            lead = c.encode("gb18030", errors="ignore")[:1]
            if lead and 0xE4 <= lead[0] <= 0xE9:
                for j in range(i + 2, min(n, i + 60) + 1):
                    try:
                        fixed = text[i:j].encode("gb18030").decode("utf-8")
                    except (UnicodeEncodeError, UnicodeDecodeError):
                        continue
                    if len(fixed) >= 2 and _readable(fixed, 0.6):
                        best_j, best = j, fixed
        if best_j:
            out.append(best)
            i = best_j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _realign_gbk(text: str) -> str:
    """Repair GBK text that lost one byte and was decoded out of step (的工作人員 -> 墓ぷ魅藛T).

    The damage starts where the byte was lost and ends where an ASCII character (a GBK trail byte read
    on its own) brings the decoder back in step. Kana or private-use characters inside Chinese text
    mark it. The lost byte is guessed as the one that makes the most common character.
    """
    for m in list(_KANA_OR_PUA.finditer(text))[::-1]:
        k = m.start()
        if k >= len(text) or not _KANA_OR_PUA.match(text[k]):
            continue  # already repaired as part of a later run
        lo = k
        while lo > 0 and k - lo < 12 and (_is_han(text[lo - 1]) or _KANA_OR_PUA.match(text[lo - 1])):
            lo -= 1
        hi = k + 1
        while hi < len(text) and hi - k < 24 and (_is_han(text[hi]) or _KANA_OR_PUA.match(text[hi])):
            hi += 1
        if hi < len(text) and 0x40 <= ord(text[hi]) <= 0x7E:
            hi += 1  # the ASCII character that resynchronised the decoder
        # where was the byte lost? try each start and keep the most readable window
        best: tuple[float, int, str] | None = None
        for s in range(lo, k + 1):
            try:
                raw = text[s:hi].encode("gbk")
                dropped = raw[1:].decode("gbk")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if not _readable(dropped, 1.0):
                continue
            score = _commonness(text[lo:s] + dropped)
            if best is None or score > best[0]:
                best = (score, s, _guess_lost_lead(raw[0]) + dropped)
        if best is not None:
            _, s, repaired = best
            text = text[:s] + repaired + text[hi:]
    return text


def _commonness(text: str) -> float:
    common = _common_chars()
    score = 0.0
    for c in to_simplified(text):
        rank = common.get(c)
        score += -2.0 if rank is None else 1.0 if rank < 1000 else 0.5
    return score


def _guess_lost_lead(trail: int) -> str:
    """The most common character whose GBK second byte is trail (b5 c4 -> 的), or "" if none is common."""
    common = _common_chars()
    best_rank, best = 300, ""
    for lead in range(0x81, 0xFF):
        try:
            ch = bytes([lead, trail]).decode("gbk")
        except UnicodeDecodeError:
            continue
        rank = common.get(to_simplified(ch), 10**6) if _is_han(ch) else 10**6
        if rank < best_rank:
            best_rank, best = rank, ch
    return best


def repair_mojibake(text: str) -> str:
    """Repair mojibake where it can be repaired: UTF-8 read as GBK (鐨勫伐浣滀汉 -> 的工作人), and GBK
    read one byte out of step after a lost byte (墓ぷ魅藛T -> 的工作人員). Anything else is kept as is.
    """
    if not text:
        return text
    return _realign_gbk(_utf8_as_gbk(text))


# ---------------------------------------------------------------- sentences

SENTENCE_END = "。；！？;!?"
_SENT = re.compile(r"[^。；！？;!?\n]*(?:[。；！？;!?]+[”’」』)）]*|\n|$)")


def iter_sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of sentences in text[start:end], ending at 。；！？ (or a line end), whitespace trimmed."""
    end = len(text) if end is None else end
    for m in _SENT.finditer(text, start, end):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in iter_sentence_spans(text)]


# ---------------------------------------------------------------- numerals

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "萬": 10000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)  # what cn_to_int reads


def cn_to_int(s: str) -> int | None:
    """Chinese numerals to int: 七 -> 7, 十二 -> 12, 二十三 -> 23; digits pass through."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        return None
    total, num = 0, 0
    for c in s:
        if c in _CN_DIGITS:
            num = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            total += (num or 1) * unit
            num = 0
    return total + num


# ------------------------------------------------------------------ parts of speech


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Part of speech of jieba's 2-3 character dictionary words: tells 渝中区 from 误区, a name stem
    新华 from 提到. Parsing the dictionary takes a second, so the table is cached in the temp folder."""
    import marshal
    import tempfile

    import jieba

    cache = Path(tempfile.gettempdir()) / f"rag-jieba-tags-{jieba.__version__}.marshal"
    try:
        table = marshal.loads(cache.read_bytes())
        if isinstance(table, dict) and table:
            return table
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tags: dict[str, str] = {}
    with jieba.get_dict_file() as f:
        for line in f.read().decode("utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3 and 2 <= len(parts[0]) <= 3:
                tags[parts[0]] = parts[2]
    try:
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(tags))
        os.replace(tmp, cache)
    except OSError:
        pass
    return tags


def is_noun(word: str) -> bool:
    """Whether jieba's dictionary tags a word as a noun (not a verbal noun), or does not know it (the genre's
    compounds: 禁毒日, 律师事务所, 法律明白人)."""
    tag = word_tags().get(word)
    return tag is None or (tag.startswith("n") and tag != "vn")


def is_verbal_noun(word: str) -> bool:
    """Whether jieba's dictionary tags a word as a verbal noun (演练, 培训, 考试)."""
    return word_tags().get(word) == "vn"



# Parts of speech that name nothing: prepositions, conjunctions, particles, pronouns, interjections, locatives
# (通过, 借着, 之类, 这种, 当中): a question's frame, never its topic.
FUNCTION_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz", "e", "y", "o", "f"})


def is_function_word(word: str) -> bool:
    """Whether jieba's dictionary tags a word as a function word (FUNCTION_TAGS)."""
    return word_tags().get(word) in FUNCTION_TAGS


# Parts of speech that say how a thing was done (成功, 有效, 积极, 顺利): adjectives and adverbs
MANNER_TAGS = frozenset({"a", "ad", "d"})


def is_manner_word(word: str) -> bool:
    """Whether jieba's dictionary tags a word as an adjective or adverb (MANNER_TAGS): 成功化解 says how."""
    return word_tags().get(word) in MANNER_TAGS


def is_time_word(word: str) -> bool:
    """Whether jieba's dictionary tags a word as one of time: 后来, 当年 (when, not what)."""
    return word_tags().get(word) == "t"


def is_when_or_how(word: str) -> bool:
    """Whether a word says when or how (后来增加, 已经增加, 之后组建): jieba's adjective, adverb, time or locative
    tags."""
    return word_tags().get(word) in MANNER_TAGS | {"t", "f"}


def is_verb(word: str) -> bool:
    """Whether jieba's dictionary tags a word as a verb (not a verbal noun): 配备, 开展, 组织."""
    return word_tags().get(word) in ("v", "vd", "vg")


def verbal(word: str) -> bool:
    """A verb with its complement (发下去, 办完, 调下来): what befell a thing, never the thing. (Not any word the
    tagger calls a verb: it calls 身高 and 在编 verbs too.)"""
    return bool(_COMPLEMENT_END.search(word))


_COMPLEMENT_END = re.compile(r"(?:下去|出去|下来|出来|上去|过去|回来|到手|完)$")
