"""Report metadata, in simplified Chinese: township, county, province, the year reported on, the
signing date and the title. Also place_names(), the place names a text mentions, for the index's
user dictionary.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.lexicon import ETHNIC, ETHNIC_GROUPS, SIGNING_BODY
from rag.text import cn_to_int, to_simplified

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区",
    "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
_PROVINCE_SHORT = {re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", p): p for p in PROVINCES}

_BAD_STEMS = {"城", "法治", "农村", "集", "市场", "城镇", "社区", "示范", "乡村", "小", "大", "新", "老", "上", "下"}
_ETHNIC = ETHNIC + "+"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, dict[str, list[str]]]:
    """Prefecture- and county-level names -> the provinces that have one by that name (GB/T 2260)."""
    data = json.loads((DATA_DIR / "gazetteer.json").read_text(encoding="utf-8"))
    return {"counties": data["counties"], "prefectures": data["prefectures"]}


def county_table() -> dict[str, list[str]]:
    """County-level names (县, 自治县, 区, 县级市, 旗) -> the provinces that have one by that name."""
    return gazetteer()["counties"]


# 苏木: Inner Mongolia's township, often named in Mongolian at up to six characters (额尔敦宝力格苏木)
# ... as a 民族乡 names them, without 族 (阿克塔木哈萨克民族乡, 萨尔布拉克蒙古民族乡, 纳达齐牛录锡伯民族乡)
ETHNIC_SHORT = "(?:" + "|".join(sorted((n[:-1] for n in ETHNIC_GROUPS if len(n) > 2), key=len,
                                       reverse=True)) + ")"
_TOWN_RE = re.compile(rf"([\u4e00-\u9fff]{{2,6}}?)((?:{_ETHNIC}|{ETHNIC_SHORT}民族)?(?:街道|镇|乡|苏木))")

@lru_cache(maxsize=1)
def _higher_names() -> tuple[frozenset[str], frozenset[str]]:
    """Province and prefecture names, and the last characters of every county-level or higher name."""
    higher = frozenset(PROVINCES) | frozenset(gazetteer()["prefectures"])
    return higher, frozenset(name[-1] for name in (*higher, *county_table()) if name)


def find_counties(simple: str) -> Counter[str]:
    """County-level names in a simplified text, by count, matched longest first against the gazetteer.

    A two-character name (和县, 城区) counts only after a boundary or a province or prefecture name,
    since it is also an everyday word pair.
    """
    table = county_table()
    higher, last_chars = _higher_names()
    found: Counter[str] = Counter()
    for m in re.finditer(r"[\u4e00-\u9fff]{2,}", simple):
        run = m.group(0)
        i = 0
        while i < len(run):
            hit = None
            for n in range(min(12, len(run) - i), 1, -1):
                if run[i + n - 1] not in last_chars:
                    continue  # no name ends so: not worth a slice and two lookups
                cand = run[i:i + n]
                if cand in table or cand in higher:
                    hit = cand
                    break
            if hit is None:
                i += 1
                continue
            if hit in table and (len(hit) > 2 or i == 0 or any(run[:i].endswith(h) for h in higher)) \
                    and _belongs(hit, run[:i]):
                found[hit] += 1
            i += len(hit)
    return found


def _belongs(county: str, before: str) -> bool:
    """A county name right after a province's or prefecture's name is one of theirs: in "贵州省和县委" the
    words are 贵州省 + 和 + 县委 (the province and the county committee), not Anhui's 和县."""
    gaz = gazetteer()
    above = next((h for h in sorted((*PROVINCES, *gaz["prefectures"]), key=len, reverse=True)
                  if len(h) > 1 and before.endswith(h)), None)
    if above is None:
        return True
    provinces = {above} if above in PROVINCES else set(gaz["prefectures"][above])
    return bool(provinces & set(gaz["counties"][county]))


# a county-level name stated with its party committee or government: 梓阳县委, 临沅县人民政府 (a name of two
# characters, as most are, after a boundary: 在临沅县委、县政府…, 贵州省梓阳县委, 中共瑞川县委; not 坚强领导和县委)
_COUNTY_BODY = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[在由经和与及共省市州盟]))([\u4e00-\u9fff]{2}(?:县|区|旗))"
                          r"(?=委(?!员)|人民政府|政府|人大|政协)", re.M)


# ... or right before one of its townships: 沂阳县杏林镇以…, 中共皖溪县芦湾镇委员会, 攸河县桃坪镇2022年…报告
_COUNTY_NAME = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[在由经和与及共省市州盟]))([\u4e00-\u9fff]{2}(?:县|区|旗))", re.M)


def _before_township(simple: str) -> list[re.Match[str]]:
    out = []
    for m in _COUNTY_NAME.finditer(simple):
        t = _TOWN_RE.match(simple, m.end())
        if t and _town_ok(t.group(1), t.group(2)) and not _compound_follows(t.group(2), simple[t.end():t.end() + 1]):
            out.append(m)
    return out


def stated_counties(simple: str) -> Counter[str]:
    """County-level names the gazetteer does not hold, as a report states them with their committee or
    government (梓阳县委、县政府) or right before a township's name (楚塘县三岔乡): a newer or renamed county is
    named so too."""
    gaz = gazetteer()
    higher, _ = _higher_names()
    found: Counter[str] = Counter()
    for m in [*_COUNTY_BODY.finditer(simple), *_before_township(simple)]:
        name = m.group(1)
        if name in higher or name in gaz["counties"] or re.search(r"[乡镇村街道省市县区委各全本我该每此这其]", name[:2]):
            continue
        if _everyday(name[:2]):
            continue  # "，按照县委、县政府…", "通过县政府网站": a verb or a preposition before 县委, no county's name
        found[name] += 1
    return found


def find_prefectures(simple: str) -> set[str]:
    """Prefecture-level cities and regions (江门市, 恩施土家族苗族自治州) named in full."""
    return {name for name in gazetteer()["prefectures"] if len(name) > 2 and name in simple}


def find_provinces(simple: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for p in PROVINCES:
        n = simple.count(p)
        if n:
            found[p] += n
    return found


_INSTITUTION = ("人民政府", "党委", "委员会", "政府", "党政", "人大", "街道办事处", "办事处", "关于", "综合行政执法")
_WEAK_FIRST = set("各全本我该每此这其")
_LEFT_OPEN = set("《“\"(（[【「『 \t")
# quantifiers and pronouns that can stand before 乡镇/街道 in running text: 部分街道, 相关乡
_QUANTIFIER_STEMS = {"部分", "有些", "有的", "一些", "多数", "少数", "个别", "所有", "其他", "相关", "有关", "周边",
                     "辖区", "全体", "各个", "广大", "基层", "城市", "农村", "偏远", "重点", "试点", "示范"}
# the words of the report formula that can come before the township: 现将测试镇2023年…, 关于大歇镇…
_OPENERS = ("现将", "现就", "现把", "兹将", "特将", "关于")
# 乡镇, 乡村, 镇街: the suffix starts a common compound, it does not end a name
_COMPOUND_AFTER = {"乡": "镇村", "镇": "街"}


def _town_ok(stem: str, suffix: str = "镇") -> bool:
    """A stem that can name a township: no pronoun first, no admin-level character inside
    (a 街 may end the stem of a 街道: 北城街街道, 坡子街街道)."""
    core = stem[:-1] if suffix.endswith("街道") and stem.endswith("街") else stem
    return (
        (len(stem) <= 4 or suffix == "苏木" or "族" in suffix)  # (a 民族乡 of a transliterated name: 萨尔布拉克)
        and stem[0] not in _WEAK_FIRST
        and not (set(core) & set("镇乡村县区市省旗街我其"))
        and not stem.isdigit()
        and stem not in _QUANTIFIER_STEMS
        and not _ENUMERATOR.match(stem)
        and not stem.startswith(_OPENERS)
    )


def _compound_follows(suffix: str, after: str) -> bool:
    """乡 + 镇/村 is 乡镇/乡村, not the end of a name."""
    chars = _COMPOUND_AFTER.get(suffix[-1:], "")
    return bool(after[:1]) and after[0] in chars


def _strip_opener(run: str, st: int) -> int:
    for w in _OPENERS:
        if run.startswith(w, st):
            return st + len(w)
    return st


# ---------------------------------------------------------------- township evidence
# Each place in a report where a township can be named, with the weight its word carries. A name is
# taken only from such a place; running text alone never makes one.
W_TITLE = 4  # the title or another front-matter line: 大歇镇2024年…报告, 中共黎侯镇委员会
W_LABEL = 4  # a publisher or source field: 发布机构：古镛镇人民政府, 来源：留下街道
W_SIGNATURE = 4  # the signature block: 大歇镇人民政府
W_PREFIXED = 3  # after a county, prefecture or province: 城口县高观镇, 中共鹤山市共和镇委员会
W_SUBJECT = 3  # the subject of an opening sentence: 2024年，兴江乡在县委…
W_LINE = 1  # a line start followed by an institution or a year, in the body

_LABEL = re.compile(r"(发布机构|发文机关|发文单位|成文单位|信息来源|来源|标\s*题|名\s*称)\s*[:：]\s*([^|\n]*)")
_PREDICATE_WORDS = ("在", "以", "把", "将", "对", "按", "依", "于", "从", "向", "为", "是", "紧", "全", "始终", "依法",
                    "党委", "党工委", "党政", "法治", "人民政府", "政府", "办事处", "委员会", "牢牢", "认真", "坚持")
# what follows the subject of a report's first sentence: 在区委…领导下, 坚持…, 党工委…
_SUBJECT_MARKERS = ("在", "坚持", "始终", "以", "深入", "认真", "积极", "全面", "紧紧", "紧扣", "围绕", "党委", "党工委",
                    "党政", "人民政府", "办事处")
_PREDICATE_TAGS = ("v", "d", "p", "a", "c")


def _predicate_follows(after: str) -> bool:
    """The words after a sentence's subject start its predicate: 在区委…, 坚持…, 深入学习…, 党委…"""
    if after.startswith(_PREDICATE_WORDS):
        return True
    words = _dictionary()
    for n in (3, 2):
        entry = words.get(after[:n])
        if entry and entry[1].startswith(_PREDICATE_TAGS):
            return True
    return False


def _subject_stem_ok(stem: str, suffix: str) -> bool:
    """A sentence-initial stem must not read as a verb, adverb or function word (推进街道, 加强乡…)."""
    if not _town_ok(stem, suffix) or stem in _BAD_STEMS:
        return False
    for w in (stem[:2], stem):
        entry = _dictionary().get(w)
        if entry and entry[1] not in _NAME_TAGS and entry[1].startswith(("v", "d", "p", "c", "u", "ad", "m", "q", "f")):
            return False
    return True


def _match_town(run: str, st: int) -> re.Match[str] | None:
    m = _TOWN_RE.match(run, st)
    if m and _town_ok(m.group(1), m.group(2)) and not _compound_follows(m.group(2), run[m.end():]):
        return m
    return None


@lru_cache(maxsize=64)
def _prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the names, longest first (as they are given): the longest name at a position wins."""
    return re.compile("|".join(map(re.escape, prefixes))) if prefixes else re.compile(r"(?!)")


def _prefix_ends(run: str, prefixes: list[str]) -> list[int]:
    """Offsets in run just after a chain of county, prefecture or province names at its start."""
    pattern = _prefix_pattern(tuple(prefixes))
    ends, pos = [], 0
    while m := pattern.match(run, pos):
        pos = m.end()
        ends.append(pos)
        # 鲤城区人民政府金龙街道办事处: a 街道 office is the district government's own
        if run.startswith("人民政府", pos):
            pos += 4
            ends.append(pos)
    return ends


def _names_in_lines(lines: list[str], prefixes: list[str]) -> list[str]:
    """Townships that start a line, a space-separated part or a field value, or follow its prefixes
    (front matter, signatures, publisher fields: short lines made of names)."""
    found: list[str] = []
    for line in lines:
        for m in re.finditer(r"[\u4e00-\u9fff]+", line):
            run = m.group(0)
            for st in sorted({_strip_opener(run, 0), *_prefix_ends(run, prefixes)}, reverse=True):
                tm = _match_town(run, st)
                if tm:
                    found.append(tm.group(0))
                    break
    return found


def _opening_subjects(simple: str, body_start: int, street_level: bool) -> list[str]:
    """Townships that are the subject of a clause in the first paragraphs: "2024年，XX镇在县委…",
    "…的领导下，XX街道深入…", "现将XX镇2023年…". A 街道 may be shortened to 街 (联和街积极…)."""
    found: list[str] = []
    paragraphs = [ln for ln in simple[body_start:].split("\n") if re.search("[。；，,：:]", ln)][:2]
    for para in paragraphs:
        para = para[:600]
        for m in re.finditer(r"(?:^|(?<=[，,。；;：:]))\s*([\u4e00-\u9fff]+)", para):
            run = m.group(1)
            st = _strip_opener(run, 0)
            tm = _match_town(run, st)
            after = para[m.start(1) + (tm.end() if tm else 0):]
            # after 现将 comes what is reported on: 现将测试镇2023年…; a name needs no dictionary check there
            if tm and st > 0 and re.match(r"\s*(\d{4}|法治|年度|全年|上半年|工作|的)", after):
                found.append(tm.group(0))
                continue
            # "2022年，留下街道在区委…": right after the time phrase that opens a report even a stem
            # that reads as a verb is the subject
            after_time = re.search(r"(\d{4}\s*年度?|以来|年来)\s*[，,]\s*$", para[:m.start(1)]) is not None
            stem_ok = tm is not None and (
                _subject_stem_ok(tm.group(1), tm.group(2))
                or (after_time and tm.group(1) not in _BAD_STEMS and after.startswith(_SUBJECT_MARKERS))
            )
            # 法治街道建设, 平安乡镇创建: a noun phrase the clause is about, not its subject
            if tm and stem_ok and not after.startswith(("建设", "创建", "治理")):
                if _predicate_follows(after) or not run[tm.end():]:
                    found.append(tm.group(0))
                continue
            sm = re.match(r"([\u4e00-\u9fff]{2,3}?)街(?!道)", run[st:])
            if street_level and sm and _subject_stem_ok(sm.group(1), "街道") and _predicate_follows(run[st + sm.end():]):
                found.append(sm.group(1) + "街道")
    return found


def find_townships(
    simple: str,
    counties: set[str] | None = None,
    *,
    front: list[str] | None = None,
    back: str = "",
    fields: list[str] | None = None,
) -> Counter[str]:
    """Township names (X镇, X乡, X街道, X瑶族乡) marked as names by where they stand, scored by it.

    Args:
        simple: the simplified report text.
        counties: county-level names found in it (default: looked up).
        front: its front-matter lines (title, page fields); back: its signature block; fields: page
            header lines that the cleaner dropped (发布机构：…, 来源：…). All simplified.

    A name counts in the title or front matter, in a publisher or source field, in the signature,
    after a county, prefecture or province name (城口县高观镇), as the subject of an opening sentence
    (2024年，XX镇在县委…), or at a body line's start before an institution or a year. Running text
    alone never makes a name; every further mention of a name found so adds to its score.
    """
    counties = counties if counties is not None else set(find_counties(simple))
    prefixes = sorted(counties | set(PROVINCES) | set(gazetteer()["prefectures"]) | {"中共"}, key=len, reverse=True)
    scores: Counter[str] = Counter()
    front = front or []
    for name in _names_in_lines(front, prefixes):
        scores[name] += W_TITLE
    for name in _names_in_lines(back.split("\n"), prefixes):
        scores[name] += W_SIGNATURE
    labelled = [lm.group(2) for ln in [*(fields or []), *front, *simple.split("\n")[:15]] for lm in _LABEL.finditer(ln)]
    for name in _names_in_lines(labelled, prefixes):
        scores[name] += W_LABEL
    body_start = 0
    if front:
        k = simple.find(front[-1])
        body_start = k + len(front[-1]) if k >= 0 else 0
    for name in _opening_subjects(simple, body_start, "街道" in simple):
        scores[name] += W_SUBJECT
    for m in re.finditer(r"[\u4e00-\u9fff]+", simple):
        run, base = m.group(0), m.start()
        strong_starts = set(_prefix_ends(run, prefixes))
        for county in counties:
            k = run.find(county)
            while k > 0:
                strong_starts.add(k + len(county))
                k = run.find(county, k + 1)
        for st in strong_starts:
            tm = _match_town(run, st)
            if tm:
                after = simple[base + tm.end():base + tm.end() + 6]
                marked = after.startswith(_INSTITUTION) or re.match(r"\s*(\d{4}|[”》）)])", after) is not None
                scores[tm.group(0)] += W_PREFIXED + (1 if marked else 0)
        prev = simple[base - 1] if base > 0 else "\n"
        if prev == "\n" or prev in _LEFT_OPEN or prev.isdigit() or prev in ".、，,:：；;。":
            tm = _match_town(run, _strip_opener(run, 0))
            if not tm:
                continue
            after = simple[base + tm.end():base + tm.end() + 6]
            marked = after.startswith(_INSTITUTION) or re.match(r"\s*(\d{4}|[”》）)])", after) is not None
            # in running text only a two-character stem is safe (结合大歇镇 is not 合大歇镇)
            long_ok = len(tm.group(1)) == 2 or prev == "\n"
            if marked and long_ok and _name_stem_ok(tm.group(1)):
                scores[tm.group(0)] += W_LINE
    # every further mention of a name found above adds to its score
    for name in list(scores):
        scores[name] += simple.count(name)
    return scores


_VILLAGE_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(村|社区)")
_NAME_TAGS = {"ns", "nr", "nrt", "nrfg", "nz", "nt"}
_ENUMERATOR = re.compile(r"^[一二三四五六七八九十]是")


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[int, str]]:
    """Two- and three-character words of jieba's dictionary: word -> (frequency, part of speech)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return {}
    words: dict[str, tuple[int, str]] = {}
    try:
        with (Path(spec.origin).parent / "dict.txt").open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and 2 <= len(parts[0]) <= 3:
                    words[parts[0]] = (int(parts[1]), parts[2])
    except OSError:
        return {}
    return words


def _everyday(word: str) -> bool:
    """An everyday word (加强, 发挥, 责任, 农业), as opposed to a possible name (双竹, 共和, 红星)."""
    entry = _dictionary().get(word)
    if entry is None:
        return False
    freq, tag = entry
    return tag not in _NAME_TAGS and (freq > 2000 or tag[:1] in ("v", "d", "p", "c", "r", "m", "q", "u", "f", "t"))


def _name_stem_ok(stem: str) -> bool:
    """A stem that can name a place: no pronoun or quantifier first, no everyday word at its start."""
    if not _town_ok(stem) or _ENUMERATOR.match(stem) or stem in _BAD_STEMS:
        return False
    return not _everyday(stem[:2]) and not (len(stem) == 3 and _everyday(stem))


def find_villages(simple: str, towns: set[str]) -> set[str]:
    """Villages and communities (双竹村, 新华社区) named after a boundary or after their township."""
    names: set[str] = set()
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=[^\u4e00-\u9fff]))[\u4e00-\u9fff]", simple, re.M)]
    for town in towns:
        starts += [m.end() for m in re.finditer(re.escape(town), simple)]
    for st in starts:
        m = _VILLAGE_RE.match(simple, st)
        if m and _name_stem_ok(m.group(1)):
            names.add(m.group(0))
    return names


def place_names(text: str) -> set[str]:
    """Simplified place names in a text: provinces, counties, townships, villages and communities.

    Precise rather than complete: a name must be marked by its context (a county before it, a line
    start, an institution after it) or be in the gazetteer, so that 各村 or 全镇 never appear.
    """
    simple = to_simplified(text)
    counties = set(find_counties(simple))
    towns = set(find_townships(simple, counties))
    return counties | set(find_provinces(simple)) | find_prefectures(simple) | towns | find_villages(simple, towns)


# ---------------------------------------------------------------- year, date, title

# a date as reports write it, in figures (2024年1月15日) or in Chinese numerals (二〇二四年一月十五日)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)\s*年")
# in a title "2025度" is a typo for 2025年度
_TITLE_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)\s*[年度]")


def _cn_year(s: str) -> int:
    digits = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    return int("".join(str(digits[c]) for c in s))


def find_signing_date(simple: str, tail_start: int | None = None) -> str | None:
    """The signing date as yyyy-mm-dd: a line that is only a date near the end, else the last date."""
    lines = [ln.strip() for ln in simple.split("\n") if ln.strip()]
    for ln in reversed(lines[-8:]):
        m = DATE.fullmatch(ln) or CN_DATE.fullmatch(ln)
        if m:
            return _iso(m)
    # a date line under the signing body, with an appendix after it (附表: a table of figures, in a Word export)
    for i in range(len(lines) - 1, max(0, len(lines) - 40), -1):
        m = DATE.fullmatch(lines[i]) or CN_DATE.fullmatch(lines[i])
        if m and _SIGNING_BODY.search(lines[i - 1]) and len(lines[i - 1]) <= 30:
            return _iso(m)
    # a signature line is short ("…人民政府 2024年1月15日"); a body sentence that holds a date (a meeting on
    # 3月25日, in a report cut short) is not one
    tail = simple[tail_start:] if tail_start is not None else "\n".join(ln for ln in lines[-3:] if len(ln) <= 40)
    matches = list(DATE.finditer(tail)) + list(CN_DATE.finditer(tail))
    if matches:
        return _iso(max(matches, key=lambda m: m.start()))
    return None


_SIGNING_BODY = re.compile(SIGNING_BODY)


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = m.groups()
    year = int(y) if y.isdigit() else _cn_year(y)
    month = int(mo) if mo.isdigit() else cn_to_int(mo)
    day = int(d) if d.isdigit() else cn_to_int(d)
    if not month or not day or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
# the years of a plan's period (2021－2025年, 2021至2025年): no year reported on
_YEAR_RANGE = re.compile(r"(?<!\d)(?:20[0-4]\d|19[89]\d)\s*年?\s*[-－—–~～至到]\s*(?:20[0-4]\d|19[89]\d)\s*年?")


def _digit_years(text: str) -> str:
    """二〇二二年 -> 2022年: a year written in Chinese numerals, as digits."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def find_year(simple: str, title: str, date: str | None, body: str | None = None) -> int | None:
    """The year reported on, not the publishing year: from the title, the opening sentence, or the
    years the body mentions most (a report signed early in a year is about the year before). Years in
    Chinese numerals count (二〇二二年度); a plan's period (2021－2025年) and a year after the signing do not."""
    title, simple = _digit_years(title), _digit_years(simple)
    body = _digit_years(body) if body is not None else None
    m = _TITLE_YEAR.search(title)
    if m:
        return int(m.group(1))
    # "现将我镇2023年度…报告如下", "2022年,我镇…", "2022年度，我镇…"
    head = simple[:600]
    for pat in (
        r"现将.{0,20}?(20\d\d)\s*年",
        r"(20\d\d)\s*年度?\s*[,，]?\s*(我镇|我乡|我街道|本镇|本乡|全镇|全乡|我县|我区)",
        r"关于\s*(20\d\d)\s*[年度]",
        r"(20\d\d)\s*年度?法治政府建设",
    ):
        m = re.search(pat, head)
        if m:
            return int(m.group(1))
    signed = int(date[:4]) if date else None
    early = date is not None and int(date[5:7]) <= 6
    text = _YEAR_RANGE.sub(" ", body if body is not None else simple)
    years = Counter(int(y) for y in _YEAR.findall(text))
    if signed is not None:
        for y in [y for y in years if y > signed]:
            years.pop(y)  # plans for next year, targets after the signing
    if years:
        def rank(kv: tuple[int, int]) -> tuple[int, int]:
            year, count = kv
            preferred = signed - 1 if (signed and early) else signed
            return count, -abs((preferred or year) - year)

        return max(years.items(), key=rank)[0]
    if signed is not None:
        return signed - 1 if early else signed
    return None


_TITLE_LABEL = re.compile(r"^(标\s*题|名\s*称|题\s*名)\s*[:：]\s*")
_BREADCRUMB = re.compile(r"[>＞»]|位置\s*[:：]|^\d*首页")
_FIELD_LINE = re.compile(r"^[^，。；]{0,12}(时间|日期|来源|浏览|点击|索引号|文号|字号|分类|机构|机关|主题词?|大小|状态)\s*[:：]")


def _title_text(line: str) -> str:
    """A front-matter line without list bullets, table pipes and a 标题：/名称： label."""
    t = line.strip().strip("|｜").strip()
    t = re.sub(r"^[-•·*]\s*", "", t)
    t = _TITLE_LABEL.sub("", t)
    t = re.sub(r"\s*[|｜].*$", "", t)  # the next cell of a table row
    t = re.sub(r"\s+\S{1,6}[:：]\s*$", "", t)  # an empty field after it: "… 文号:"
    return t.strip()


def find_title(title_lines: list[str]) -> str:
    """The title: the first front-matter line that names a report, joined with a split second line.

    Breadcrumbs (首页 > … > 工作报告) and page fields are skipped; a 标题：/名称： label and table
    pipes are removed.
    """
    simple = [_title_text(to_simplified(t)) for t in title_lines]
    for i, t in enumerate(simple):
        if _BREADCRUMB.search(t) or _FIELD_LINE.match(t):
            continue
        if t.endswith((":", "：")):  # the addressee: the body starts here
            break
        if re.search(r"报告|情况|总结", t):
            prev = simple[i - 1] if i > 0 else ""
            prev_plain = bool(prev) and not re.search(r"报告|情况|[:：>。，]", prev)
            # "大歇镇人民政府" + "关于2024年…报告" printed on two lines
            if t.startswith("关于") and prev_plain:
                t = prev + t
            # "…关于2023年度法治政府建设" + "工作的报告": a tail that names no place and no year
            elif len(t) <= 12 and not re.search(r"镇|乡|街道|县|区|市|\d", t) and prev and re.search(r"关于|年", prev) \
                    and not re.search(r"报告|[:：>。，]", prev):
                t = prev + t
            # "大铭乡 2023 年法治…" -> "大铭乡2023年法治…": no spaces around digits in Chinese
            return re.sub(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])", "", t)
    return ""


# ---------------------------------------------------------------- report metadata


# a web page's date of its copy of a report: 发布日期:2021-03-30, [ 成文日期 ] 2021-05-27, 公文生成日期: 2025-02-07
_PAGE_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|成文时间|发文日期|发文时间|印发日期|生成日期|(?<![\u4e00-\u9fff])时间)"
                        r"\s*[\]】]?\s*[:：]?\s*"
                        r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# ... or a line that is only a date and a time, under the page's title (2026-01-23 16:25:42)
_BARE_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
PAGE_DATE_LINES = 12  # a page's date stands among the first lines of its text


def page_date(header_lines: list[str], text: str) -> str | None:
    """The date a web page gives its copy of a report (ISO), from its header lines (which cleaning drops) or
    a date line among the first lines of the text; None when the page gives none."""
    found = []
    for line in header_lines + text.split("\n")[:PAGE_DATE_LINES]:
        simple = to_simplified(line)
        for m in [*_PAGE_DATE.finditer(simple), _BARE_DATE.match(simple)]:
            iso = _iso(m) if m else None
            if m and iso and 1990 <= int(iso[:4]) <= 2100:
                found.append((not m.group(0).startswith("发布"), iso))
    # the page's own date (发布日期) before the document's (成文日期), which a page may list first
    return min(found, key=lambda f: f[0])[1] if found else None


@dataclass
class Metadata:
    township: str | None = None
    county: str | None = None
    province: str | None = None
    year: int | None = None
    date: str | None = None
    title: str = ""


def _pick_province(simple: str, county: str | None) -> str | None:
    stated = find_provinces(simple)
    table = county_table()
    options = table.get(county, []) if county else []
    if stated:
        for p, _ in stated.most_common():
            if not options or p in options:
                return p
    if len(options) == 1:
        return options[0]
    # short forms: 广东, 福建 (e.g. "广东汉铎律师事务所")
    short = [full for s, full in _PROVINCE_SHORT.items() if s in simple and (not options or full in options)]
    if len(short) == 1:
        return short[0]
    # a prefecture named in full (韶关市, 恩施土家族苗族自治州) whose province is one
    by_prefecture = {p for name in find_prefectures(simple) for p in gazetteer()["prefectures"][name]
                     if not options or p in options}
    if len(by_prefecture) == 1:
        return by_prefecture.pop()
    return None


def infer_metadata(text: str, title_lines: list[str], back: str = "", fields: list[str] | None = None) -> Metadata:
    """Infer metadata from a cleaned report.

    Args:
        text: the cleaned report, in either script.
        title_lines: its front matter (title, page fields, addressee).
        back: its signature block.
        fields: web-page header lines the cleaner dropped (发布机构：…, 发布时间：…).
    """
    simple = to_simplified(text)
    front = [to_simplified(t) for t in title_lines]
    back_simple = to_simplified(back)
    fields_simple = [to_simplified(f) for f in fields or []]
    title = find_title(title_lines)
    # the front matter's dates are the page's (发布时间, 成文日期), not the signing date
    front_end = 0
    for line in front:
        k = simple.find(line, front_end)
        front_end = k + len(line) if k >= 0 else front_end
    main = simple[front_end:]
    date = find_signing_date(main)
    # a county named only in a page field (发布机构：德化县石溪镇人民政府) counts too
    counties = find_counties(simple) + find_counties("\n".join(fields_simple))
    stated = find_provinces(simple)
    if stated:  # (not 会同县 of "会同县农业综合执法大队查处…" in a report of 安徽省: a verb, 会同, and a 县)
        counties = Counter({c: n for c, n in counties.items() if set(county_table().get(c, [])) & set(stated)})
    if not counties:  # a county the gazetteer does not know, stated with its committee or government
        counties = stated_counties(simple + "\n" + "\n".join(fields_simple))
    towns = find_townships(simple, set(counties), front=front, back=back_simple, fields=fields_simple)
    township = towns.most_common(1)[0][0] if towns else None
    county = None
    if counties:
        strong = "\n".join([title, *front, back_simple, *fields_simple])
        ranked = Counter({c: n + 5 * strong.count(c) + (3 if township and (c + township) in simple else 0)
                          for c, n in counties.items()})
        county = ranked.most_common(1)[0][0]
    province = _pick_province(simple, county)
    body = main[: len(main) - len(back_simple)] if back_simple and main.endswith(back_simple) else main
    year = find_year(simple, title, date, body)
    return Metadata(township=township, county=county, province=province, year=year, date=date, title=title)


def read_sidecar(path: Path) -> dict[str, object]:
    """NAME.meta.json (or NAME.ext.meta.json) next to a report: values that override inference."""
    for side in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
        if side.is_file():
            data = json.loads(side.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"{side.name}: expected a JSON object")
            return data
    return {}
