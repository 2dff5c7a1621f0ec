"""Chinese text handling, in one place: script, width, punctuation, pinyin, mojibake, sentences, numerals.

Display text keeps the report's own script; the *normalized* form (simplified, half-width, unified
punctuation, no whitespace runs) is what indexing and matching use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# ---------------------------------------------------------------- script


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # opencc-python-reimplemented

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=4096)
def _t2s_cached(text: str) -> str:
    return str(_t2s().convert(text))


def to_simplified(text: str) -> str:
    """Traditional to simplified, character by character (length is preserved for CJK text)."""
    if not text:
        return text
    if len(text) < 200:
        return _t2s_cached(text)
    return str(_t2s().convert(text))


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


def normalize(text: str) -> str:
    """The indexing form: NFKC-safe, simplified, half-width, unified punctuation, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = to_halfwidth(text)
    text = unify_punct(text)
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


def strip_pinyin(text: str) -> str:
    return PINYIN_ANNOTATION.sub("", text)


# ---------------------------------------------------------------- mojibake

_MOJIBAKE_HINT = re.compile(r"[锟斤拷烫屯]{2,}|[鍛鏂鐨鍙浣滀汉銆嗘]{2,}|[\ue000-\uf8ff]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as GBK (e.g. 鐨勫伐浣滀汉鍛 for 的工作人员), run by run.

    Only a run that round-trips to valid UTF-8 CJK text is replaced; everything else is kept.
    """

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        for enc in ("gb18030", "gbk"):
            try:
                raw = run.encode(enc)
            except UnicodeEncodeError:
                continue
            fixed = raw.decode("utf-8", errors="ignore")
            han = sum(1 for c in fixed if "\u4e00" <= c <= "\u9fff")
            if fixed and han >= max(1, len(fixed) * 0.6) and len(fixed) < len(run):
                return fixed
        return run

    # candidate runs: CJK characters that are rare in real text but common in GBK-decoded UTF-8
    return _MOJIBAKE_RUN.sub(fix, text)


_MOJIBAKE_RUN = re.compile(r"[\u4e00-\u9fff\ue000-\uf8ff?]{4,}")


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
