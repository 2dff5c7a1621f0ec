"""Understanding a question: follow-ups, the scope it names (township, county, year), its type, and
which reports it may draw on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rag.evidence import head, keywords, section_cues
from rag.lexicon import COUNTING_ASIDE, CUE_REST, FACT_QUESTION, KIND_CUES, LIST_QUESTION, PLACE_WORDS
from rag.models import UNKNOWN_YEAR, Citation, Filters, Report, town_label
from rag.text import compact, to_simplified

QuestionType = Literal["list", "fact", "general"]

_FOLLOWUP_FILLER = re.compile(r"^(那么?|还有|再问|请问)?|(呢|怎么样|如何|又如何|情况呢|的情况|呀|啊)?[?？。!！]*$")


@dataclass
class Plan:
    """What a question asks, of which reports."""

    question: str
    effective: str  # the question after resolving a follow-up
    qtype: QuestionType
    filters: Filters
    townships: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    topic: str = ""  # the question without its place and year words (normalized)
    section_mode: bool = False  # the question asks for a whole kind of section (plans, problems)
    extra: list[Citation] = field(default_factory=list)  # further sources offered to an LLM


def is_cue_word(word: str, topical: tuple[str, ...] = ()) -> bool:
    """A word that names a kind of section (不足, 下一步, 履职) rather than a topic; with ``topical``, the cues
    of those kinds count as topic words (述法 is what "哪些乡镇组织了领导干部述法" asks about)."""
    w = head(word)
    return w in CUE_REST or any(w == c for kind, cues in KIND_CUES.items() if kind not in topical for c in cues)


def kind_cues(question: str) -> set[str]:
    return section_cues(question)


# ------------------------------------------------------------------ planning


def classify(question: str, named_townships: int = 0) -> QuestionType:
    q = to_simplified(question)
    if LIST_QUESTION.search(q) and named_townships != 1:
        return "list"
    if FACT_QUESTION.search(q):
        return "fact"
    return "general"


def make_plan(question: str, flt: Filters, history: list[dict[str, str]], index: Any) -> Plan:
    from rag.query import parse_scope

    # an aside on what counts ("（不算下一年的计划）") is no part of what is asked (rag.lexicon.COUNTING_ASIDE)
    effective = COUNTING_ASIDE.sub("", resolve_followup(question, history, index)).strip() or question
    scope = parse_scope(effective, index)
    unknown = list(scope.unknown_places)
    topic = scope.text
    provinces = []
    for full, form in _province_forms():
        if form in topic and full not in provinces:
            provinces.append(full)
            topic = topic.replace(form, " ")  # a province is a scope, not a topic word
    english = effective.lower()
    for full, pattern in _english_provinces():
        m = pattern.search(english)
        if m and full not in provinces:  # "in Chongqing", "Guangdong province"
            provinces.append(full)
            topic = pattern.sub(" ", topic)
    unknown = [p for p in unknown if not any(_province_base(p) == _province_base(full) for full in provinces)]
    if not scope.townships and not scope.counties:
        # "Chaoyang District", "Xiamen town": a place named in English that the corpus does not hold; or a
        # name in pinyin without such a word ("How many … did Wangjia hold?"): never answered from another place
        unknown += [m.group(0) for m in _ENGLISH_PLACE.finditer(effective)]
        unknown += [w for w in _pinyin_names(effective) if not any(w in u for u in unknown)
                    and not any(pattern.search(w.lower()) for _, pattern in _english_provinces())]
    return Plan(
        question=question,
        effective=effective,
        qtype=classify(effective, len(scope.townships)),
        filters=flt,
        townships=list(scope.townships),
        years=list(scope.years),
        counties=list(scope.counties),
        unknown_places=unknown,
        provinces=provinces,
        topic=topic,
    )


def _province_base(name: str) -> str:
    return re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", name)


@lru_cache(maxsize=1)
def _province_forms() -> list[tuple[str, str]]:
    """(province, form) for every province in full (重庆市) and short (重庆), longest first."""
    from rag.ingest.metadata import PROVINCES

    forms = [(p, p) for p in PROVINCES] + [(p, _province_base(p)) for p in PROVINCES if len(_province_base(p)) >= 2]
    return sorted(forms, key=lambda f: -len(f[1]))


# English names of the provinces that are not their pinyin
_PROVINCE_ENGLISH = {"陕西省": "shaanxi", "内蒙古自治区": "inner mongolia|nei ?menggu", "西藏自治区": "tibet|xizang",
                     "香港特别行政区": "hong ?kong", "澳门特别行政区": "macau|macao"}


@lru_cache(maxsize=1)
def _english_provinces() -> list[tuple[str, re.Pattern[str]]]:
    """(province, its English name as a pattern on a lower-case question): 重庆市 -> "chongqing"."""
    from pypinyin import lazy_pinyin

    from rag.ingest.metadata import PROVINCES

    out = []
    for full in PROVINCES:
        name = _PROVINCE_ENGLISH.get(full) or "".join(lazy_pinyin(_province_base(full)))
        out.append((full, re.compile(rf"\b(?:{name})(?:\s+(?:province|municipality|region))?\b")))
    return out


# one pinyin syllable (without tones)
_SYLLABLE = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
             r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ui|ao|ou|iu|ie|ve|ue|er|an|en|in|un|vn|ia|ua|uo"
             r"|a|o|e|i|u|v)")
_PINYIN_WORD = re.compile(rf"(?:{_SYLLABLE}){{2,5}}")
# a capitalised word where a question names a place: after "did/does/in/of/from/at/for" or before "'s"
_CAPITALISED = re.compile(r"\b(?i:did|does|do|in|of|from|at|for|has|have|was|were|is|are) ([A-Z][a-z]{3,})\b"
                          r"|\b([A-Z][a-z]{3,})(?='s\b)")


def _pinyin_names(question: str) -> list[str]:
    """Capitalised words of an English question, where a place is named ("did Wangjia hold", "Sandu's"), that read
    as pinyin of two to five syllables and are no word the glossary knows nor a prefecture or county of the
    gazetteer (those are places the corpus may not hold but that a user may name as a scope: Kunming)."""
    from rag.evidence import glossary_words

    known = glossary_words()
    out = []
    for m in _CAPITALISED.finditer(question):
        word = m.group(1) or m.group(2)
        low = word.lower()
        if _PINYIN_WORD.fullmatch(low) and low not in known and low not in {"china", "chinese"} \
                and low not in _gazetteer_pinyin():
            out.append(word)
    return out


@lru_cache(maxsize=1)
def _gazetteer_pinyin() -> frozenset[str]:
    """The pinyin of every prefecture and county name of the gazetteer, without its suffix (kunming, dacheng)."""
    from pypinyin import lazy_pinyin

    from rag.ingest.metadata import gazetteer

    names = [*gazetteer()["prefectures"], *gazetteer()["counties"]]
    bare = {re.sub(r"(?:市|县|区|旗|自治州|自治县|地区|盟)$", "", n) for n in names}
    return frozenset("".join(lazy_pinyin(b)) for b in bare if len(b) >= 2)


_ENGLISH_PLACE = re.compile(
    r"\b(?!(?:Which|What|Whose|Each|Every|Any|All|The|This|That|These|Those|Our|Your|Their|Its|A|An|Other|Another"
    r"|Some|Many|How|Same|One|No|Did|Does|Do|Is|Are|Was|Were|Has|Have|Had|In|At|For|From|By|With|And|Or|Of)\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s+(?:[Tt]own(?:ship)?|[Dd]istrict|[Cc]ounty|[Cc]ity|[Vv]illage|[Ss]ubdistrict)\b"
)


def resolve_followup(question: str, history: list[dict[str, str]], index: Any) -> str:
    """'那共和镇呢？' after a question about 大铭乡 asks the same question of 共和镇.

    Earlier turns are resolved in order, so a follow-up to a follow-up ('那高观镇呢？' after
    '那共和镇呢？') still carries the original question.
    """
    previous: str | None = None
    for turn in history:
        if turn["role"] == "user" and turn["content"].strip():
            previous = _resolve_one(turn["content"], previous, index)
    return _resolve_one(question, previous, index)


def _resolve_one(question: str, previous: str | None, index: Any) -> str:
    from rag.query import parse_scope

    if previous is None:
        return question
    scope = parse_scope(question, index)
    if not (scope.townships or scope.years or scope.counties):
        return question
    rest = _FOLLOWUP_FILLER.sub("", compact(scope.text))
    rest = _ENGLISH_FOLLOWUP.sub("", rest)
    if keywords(rest) or len(re.sub(r"[\W_]", "", rest)) > 4:
        return question  # a full question of its own
    prev = parse_scope(previous, index)
    # The new scope replaces the earlier one where it names it; the rest of the question is kept.
    places = list(scope.townships or prev.townships) + list(scope.counties or prev.counties)
    years = list(scope.years or prev.years)
    return "".join(places) + "".join(f"{y}年" for y in years) + compact(prev.text)


_ENGLISH_FOLLOWUP = re.compile(r"(?i)(what|how)about|andfor|andin|andthe|thesamefor|andwhatabout|what|about")


def reports_in_scope(plan: Plan, index: Any) -> tuple[list[Report], str | None]:
    """The reports the question may draw on, or a plain reason why none can.

    A year named in the question must be a year reported on (a 2023 question is not answered from a
    2022 report), except that a question about plans may name the year after the report's.
    """
    every: list[Report] = list(index.reports.values())
    reports = every
    flt = plan.filters
    towns = _resolve_names(flt.township, "township", index) or plan.townships
    counties = _resolve_names(flt.county, "county", index) or plan.counties
    unknown = plan.unknown_places
    if unknown and not towns and (not counties or any(re.search(PLACE_WORDS + "$", u) for u in unknown)):
        # (a township the library lacks, named with its county, 开州区临江镇: not the county's other reports)
        return [], "所提供的报告中没有找到关于" + "、".join(unknown) + "的报告。" + _holdings(every)
    if plan.provinces:
        reports = [r for r in reports if _placed(r, "province", plan.provinces, every, towns)]
    if towns:
        reports = [r for r in reports if r.township in towns]
    if counties:
        reports = [r for r in reports if _placed(r, "county", counties, every, towns)]
    if not reports:
        names = "、".join(towns + counties + plan.provinces)
        return [], f"所提供的报告中没有找到{names}的报告。" + _holdings(every)
    if flt.year_from is not None:
        reports = [r for r in reports if r.year is not None and r.year >= flt.year_from]
    if flt.year_to is not None:
        reports = [r for r in reports if r.year is not None and r.year <= flt.year_to]
    years = _as_list(flt.year) or plan.years
    if years:
        dated = [r for r in reports if r.year in years]
        if not dated and "plans" in kind_cues(plan.effective):
            dated = [r for r in reports if r.year is not None and r.year + 1 in years]
        if not dated:
            who = "、".join(towns + counties)
            ys = "、".join(str(y) for y in years)
            return [], f"所提供的报告中没有找到{who}{ys}年度的报告。" + _holdings(reports)
        reports = dated
    if not reports:
        return [], "所提供的报告中没有符合筛选条件的报告。" + _holdings(every)
    return reports, None


def _placed(report: Report, field: str, names: list[str], every: list[Report], towns: list[str]) -> bool:
    """Whether a report lies in the counties (provinces) ``names``: by its own statement, else, when it states
    none (青枫镇's 2024 report, addressed to 县委 only), because the question names its township too or the
    township's other reports state only such a county."""
    def within(value: str) -> bool:
        return value in names or (field == "county" and any(n in value for n in names))

    own = getattr(report, field)
    if own:
        return within(own)
    if report.township is None:
        return False
    if report.township in towns:
        return True
    stated = {getattr(r, field) for r in every if r.township == report.township and getattr(r, field)}
    return bool(stated) and all(within(v) for v in stated)


def _as_list(v: Any) -> list[Any]:
    return [] if v is None else (list(v) if isinstance(v, list) else [v])


def _resolve_names(values: Any, kind: str, index: Any) -> list[str]:
    """Filter values to the corpus's own names, as search() does: 共和鎮, 共和, Gonghe -> 共和镇."""
    if not values:
        return []
    from rag.query import places_of
    from rag.retrieve import resolve_names

    return sorted(resolve_names(values, kind, places_of(index), index))


def _holdings(reports: list[Report]) -> str:
    by_town: dict[str, list[int]] = {}
    for r in reports:
        by_town.setdefault(town_label(r.township, r.source), []).extend([r.year] if r.year else [])
    if not by_town:
        return ""
    def years_of(ys: list[int], suffix: str = "年") -> str:
        return "、".join(str(y) for y in sorted(set(ys))) + suffix if ys else UNKNOWN_YEAR

    if len(by_town) == 1:
        town, years = next(iter(by_town.items()))
        return f"{town}只有{years_of(years, '年度')}的报告。"
    parts = [f"{t}（{years_of(ys)}）" for t, ys in sorted(by_town.items())]
    return "现有报告：" + "、".join(parts) + "。"


