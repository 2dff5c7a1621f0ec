"""answer(): the core of the product. Exact, complete, traceable to the quote.

Stages: resolve a follow-up against the history -> recognise the scope the question names (township,
county, year) -> classify (list / fact / general) -> score every sentence of every report in scope ->
decide per report whether it supports the question -> compose an extractive answer with citations, or
hand the chosen sources to the LLM when one is configured (falling back to extractive on any error).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from rag.evidence import Scored, asks_quantity, contains, figures, has_figure, keywords
from rag.models import Answer, Citation, Filters, Report
from rag.text import compact, to_simplified

log = logging.getLogger(__name__)

QuestionType = Literal["list", "fact", "general"]
MAX_QUESTION_CHARS = 2000

# A report supports a list question when its best sentence holds this share of the question's
# keyword weight, and scores at least this fraction of the best report's score.
LIST_MIN_LEXICAL = 0.5
LIST_MIN_RELATIVE = 0.5
# A fact is answered only from a sentence that holds this share of the keyword weight.
FACT_MIN_LEXICAL = 0.45
QUOTE_MAX = 160
LIST_QUOTE_MAX = 90  # a list names many townships: each gets a short quote
LLM_SOURCES = 8  # at most this many numbered sources go to the LLM

_PLACE_NOUN = r"(?:乡镇|乡|镇|街道|地方|报告|单位)"
_LIST = re.compile(
    r"哪些" + _PLACE_NOUN + r"|哪几个" + _PLACE_NOUN + r"|哪几" + _PLACE_NOUN + r"|有几个" + _PLACE_NOUN
    + r"|几个" + _PLACE_NOUN + r"|各乡镇|各镇|各个乡镇|所有乡镇|哪个乡镇都|which (?:towns|townships|reports)"
    + r"|what (?:towns|townships)|list (?:the|all) (?:towns|townships)",
    re.I,
)
_FACT = re.compile(
    r"多少|几[个名件宗份项次场处人条起家户所座]|是谁|谁|哪一?个|哪位|哪家|何时|什么时候|哪一?年|哪天|名字|名称|比例|率是|率为"
    r"|how many|how much|\bwho\b|\bwhen\b|\bwhich\b"
    r"|what (?:is|was|were|are) the\b.*\b(?:number|rate|name|percentage|total|amount|figure)",
    re.I,
)
_FOLLOWUP_FILLER = re.compile(r"^(那么?|还有|再问|请问)?|(呢|怎么样|如何|又如何|情况呢|的情况|呀|啊)?[?？。!！]*$")


class QuestionError(ValueError):
    """A question or its arguments are unusable; the message names the field."""


@dataclass
class Plan:
    question: str
    effective: str
    qtype: QuestionType
    filters: Filters
    townships: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    scope_words: list[str] = field(default_factory=list)
    dense_query: str = ""
    section_mode: bool = False  # the question asks for a whole kind of section (plans, problems)
    extra: list[Citation] = field(default_factory=list)  # further sources offered to an LLM


# ------------------------------------------------------------------ public API


def answer(
    question: str,
    *,
    filters: Filters | dict[str, Any] | None = None,
    history: list[dict[str, str]] | None = None,
) -> Answer:
    """Answer a question from the indexed reports.

    Args:
        question: the question, in simplified or traditional Chinese or in English.
        filters: metadata limits (township, county, year, year_from, year_to, kind).
        history: earlier turns, [{"role": "user"|"assistant", "content": "..."}], for follow-ups.

    Returns:
        An Answer whose citations quote the reports exactly (report.text[start:end] == quote).
    """
    result: Answer | None = None
    for event in answer_stream(question, filters=filters, history=history):
        if isinstance(event, Answer):
            result = event
    assert result is not None
    return result


def answer_stream(
    question: str,
    *,
    filters: Filters | dict[str, Any] | None = None,
    history: list[dict[str, str]] | None = None,
) -> Iterator[str | Answer]:
    """Like answer(), but yields text pieces as they are ready and the full Answer last."""
    from rag.config import get_settings
    from rag.index import get_index

    t0 = time.perf_counter()
    question = _check_question(question)
    flt = _check_filters(filters)
    history = _check_history(history)
    index = get_index()
    timings: dict[str, float] = {}

    plan = make_plan(question, flt, history, index)
    timings["plan"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    draft = compose_extractive(plan, index)
    timings["retrieve"] = time.perf_counter() - t1

    settings = get_settings()
    from rag.llm import llm_enabled

    if draft.found and llm_enabled(settings):
        yield from _llm_stream(plan, draft, history, settings, timings, t0)
        return
    yield from _pieces(draft.text)
    timings["total"] = time.perf_counter() - t0
    yield draft.model_copy(update={"timings": timings})


# ------------------------------------------------------------------ input checks


def _check_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("question: must be a string")
    q = question.strip()
    if not q:
        raise QuestionError("question: must not be empty")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(f"question: too long ({len(q)} characters, at most {MAX_QUESTION_CHARS})")
    return q


def _check_filters(filters: Filters | dict[str, Any] | None) -> Filters:
    if filters is None:
        return Filters()
    if isinstance(filters, Filters):
        return filters
    if not isinstance(filters, dict):
        raise QuestionError("filters: must be an object")
    from pydantic import ValidationError

    try:
        return Filters(**{k: v for k, v in filters.items() if v not in (None, "", [])})
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise QuestionError(f"filters.{loc}: {err['msg']}") from e


def _check_history(history: object) -> list[dict[str, str]]:
    if history is None:
        return []
    if not isinstance(history, list):
        raise QuestionError("history: must be a list of {role, content}")
    out = []
    for i, turn in enumerate(history):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") or not isinstance(
            turn.get("content"), str
        ):
            raise QuestionError(f"history[{i}]: must be {{'role': 'user'|'assistant', 'content': str}}")
        out.append({"role": turn["role"], "content": turn["content"]})
    return out


# ------------------------------------------------------------------ planning


def classify(question: str, named_townships: int = 0) -> QuestionType:
    q = to_simplified(question)
    if _LIST.search(q) and named_townships != 1:
        return "list"
    if _FACT.search(q):
        return "fact"
    return "general"


def make_plan(question: str, flt: Filters, history: list[dict[str, str]], index: Any) -> Plan:
    from rag.query import parse_scope

    effective = resolve_followup(question, history, index)
    scope = parse_scope(effective, index)
    plan = Plan(
        question=question,
        effective=effective,
        qtype=classify(effective, len(scope.townships)),
        filters=flt,
        townships=list(scope.townships),
        years=list(scope.years),
        counties=list(scope.counties),
        unknown_places=list(scope.unknown_places),
    )
    plan.scope_words = _scope_words(plan, index)
    plan.dense_query = _strip_scope(effective, plan, index)
    return plan


def resolve_followup(question: str, history: list[dict[str, str]], index: Any) -> str:
    """'那共和镇呢？' after a question about 大铭乡 asks the same question of 共和镇."""
    from rag.query import parse_scope

    previous = [t["content"] for t in history if t["role"] == "user" and t["content"].strip()]
    if not previous:
        return question
    scope = parse_scope(question, index)
    if not (scope.townships or scope.years or scope.counties):
        return question
    probe = Plan(question, question, "general", Filters(), list(scope.townships), list(scope.years), list(scope.counties))
    rest = _FOLLOWUP_FILLER.sub("", compact(_strip_scope(question, probe, index)))
    if keywords(rest) or len(rest) > 4:
        return question  # a full question of its own
    prev = to_simplified(previous[-1])
    prev_scope = parse_scope(prev, index)
    prev_plan = Plan(prev, prev, "general", Filters(), list(prev_scope.townships), list(prev_scope.years),
                     list(prev_scope.counties))
    # The new scope replaces the earlier one where it names it; the rest of the question is kept.
    core = _strip_scope(prev, prev_plan, index)
    places = list(scope.townships or prev_scope.townships) + list(scope.counties)
    years = list(scope.years or prev_scope.years)
    return "".join(places) + "".join(f"{y}年" for y in years) + core


def _aliases(township: str, index: Any) -> list[str]:
    """Surface forms of a place: simplified, traditional, and the name without its suffix."""
    from rag.text import to_traditional

    forms = {township, to_traditional(township)}
    base = re.sub(r"(镇|乡|街道|县|区|市)$", "", township)
    if len(base) >= 2:
        forms |= {base, to_traditional(base)}
    return sorted(forms, key=len, reverse=True)


def _scope_words(plan: Plan, index: Any) -> list[str]:
    words: list[str] = []
    for t in plan.townships + plan.counties:
        words += _aliases(t, index)
    return words


def _strip_scope(text: str, plan: Plan, index: Any, keep_years: bool = False) -> str:
    out = text
    for w in sorted(_scope_words(plan, index), key=len, reverse=True):
        out = out.replace(w, "")
    for t in plan.townships:
        try:
            from pypinyin import lazy_pinyin

            base = re.sub(r"(镇|乡|街道)$", "", t)
            py = "".join(lazy_pinyin(base))
            out = re.sub(rf"\b{py}\s*(town(ship)?|village|subdistrict)?\b", "", out, flags=re.I)
        except ImportError:  # pragma: no cover
            pass
    if not keep_years:
        out = re.sub(r"(?:in\s+)?(?:19|20)\d{2}\s*(?:年度|年)?", "", out)
    return re.sub(r"\s{2,}", " ", out).strip(" ，,")


# ------------------------------------------------------------------ evidence


def reports_in_scope(plan: Plan, index: Any) -> tuple[list[Report], str | None]:
    """The reports the question may draw on, or a plain reason why none can."""
    reports: list[Report] = list(index.reports.values())
    flt = plan.filters

    def as_list(v: Any) -> list[Any]:
        return [] if v is None else (v if isinstance(v, list) else [v])

    towns = [to_simplified(t) for t in as_list(flt.township)] or plan.townships
    counties = [to_simplified(c) for c in as_list(flt.county)] or plan.counties
    if plan.unknown_places and not towns and not counties:
        return [], "所提供的报告中没有找到关于" + "、".join(plan.unknown_places) + "的报告。" + _holdings(reports)
    if towns:
        reports = [r for r in reports if r.township in towns]
    if counties:
        reports = [r for r in reports if r.county in counties or any(c in (r.county or "") for c in counties)]
    if not reports:
        names = "、".join(towns + counties)
        return [], f"所提供的报告中没有找到{names}的报告。" + _holdings(list(index.reports.values()))
    years = as_list(flt.year)
    if flt.year_from is not None:
        reports = [r for r in reports if r.year is not None and r.year >= flt.year_from]
    if flt.year_to is not None:
        reports = [r for r in reports if r.year is not None and r.year <= flt.year_to]
    if years:
        reports = [r for r in reports if r.year in years]
    elif plan.years:
        dated = [r for r in reports if r.year in plan.years]
        if dated:
            reports = dated
        elif not any(str(y) in compact(r.text) for r in reports for y in plan.years):
            # The year is neither a report year nor mentioned in any report in scope.
            who = "、".join(towns) if towns else ""
            ys = "、".join(str(y) for y in plan.years)
            return [], f"所提供的报告中没有找到{who}{ys}年度的报告。" + _holdings(reports)
    if not reports:
        return [], "所提供的报告中没有符合筛选条件的报告。" + _holdings(list(index.reports.values()))
    return reports, None


def _holdings(reports: list[Report]) -> str:
    by_town: dict[str, list[int]] = {}
    for r in reports:
        by_town.setdefault(r.township or r.source, []).extend([r.year] if r.year else [])
    if not by_town:
        return ""
    if len(by_town) == 1:
        town, years = next(iter(by_town.items()))
        return f"{town}只有" + "、".join(str(y) for y in sorted(set(years))) + "年度的报告。"
    parts = [f"{t}（" + "、".join(str(y) for y in sorted(set(ys))) + "年）" for t, ys in sorted(by_town.items())]
    return "现有报告：" + "、".join(parts) + "。"


def _score(plan: Plan, index: Any, reports: list[Report]) -> tuple[list[Scored], list[str], Any]:
    from rag.evidence_store import get_evidence

    table = get_evidence(index)
    kinds = plan.filters.kind
    kind_set: set[str] | None = set(kinds if isinstance(kinds, list) else [kinds]) if kinds else None
    kw = keywords(plan.effective, drop=plan.scope_words)
    cues = _kind_cues(plan.effective)
    if cues and kind_set is None:
        # "下一步有什么打算" / "存在哪些问题": the section kind is the topic; its cue words are not.
        topic = [k for k in kw if not any(_KIND_HINTS[c].search(k) for c in cues) and k not in _CUE_REST]
        if plan.qtype == "general" or not topic:
            kind_set, kw = set(cues), topic
            plan.section_mode = not topic
    sources = {r.source for r in reports}
    candidates = [
        i
        for s in sources
        for i in table.by_source.get(s, [])
        if kind_set is None or index.chunks[table.units[i].chunk].chunk.kind in kind_set
    ]
    qvec = index.embedder.embed_queries([plan.dense_query or plan.effective])[0]
    scored = table.score(kw, qvec, candidates)
    _boost_kind(plan, index, table, scored)
    if plan.qtype == "list" and "problems" in cues:
        # A question about shortcomings is answered only by sentences that state one.
        scored = [
            s for s in scored
            if _SHORTCOMING.search(table.units[s.unit].norm + table.units[s.unit].context)
            or index.chunks[table.units[s.unit].chunk].chunk.kind == "problems"
        ]
    return scored, kw, table


_KIND_HINTS = {
    "problems": re.compile(r"问题|不足|短板|差距|困难|薄弱|有待|不够|欠缺|不平衡|参差|shortcoming|problem|weakness", re.I),
    "plans": re.compile(r"下一步|计划|打算|思路|将要|明年|今后|下一年|next year|plan", re.I),
    "leadership": re.compile(r"第一责任人|主要负责人|履职|述法"),
}
_CUE_REST = frozenset({"一步", "下一步", "工作", "存在", "主要", "方面", "目标", "举措", "安排", "哪些", "什么"})


def _kind_cues(question: str) -> set[str]:
    q = compact(question)
    return {k for k, rx in _KIND_HINTS.items() if rx.search(q)}



_SHORTCOMING = re.compile(
    r"问题|不足|短板|差距|困难|薄弱|有待|不够|欠缺|不平衡|参差不齐|不高|不强|不到位|滞后|缺乏|单一|较少|较弱|较大|不健全|不完善|不充分|不明显|难以"
)


def _boost_kind(plan: Plan, index: Any, table: Any, scored: list[Scored]) -> None:
    wanted = _kind_cues(plan.effective)
    if not wanted:
        return
    for s in scored:
        if index.chunks[table.units[s.unit].chunk].chunk.kind in wanted:
            s.score *= 1.15
    scored.sort(key=lambda x: -x.score)


# ------------------------------------------------------------------ composing


def compose_extractive(plan: Plan, index: Any) -> Answer:
    reports, reason = reports_in_scope(plan, index)
    if reason:
        return Answer(question=plan.question, text=reason, found=False, considered=len(reports))
    scored, kw, table = _score(plan, index, reports)
    # What an LLM may draw on besides the extractive choice: the next best relevant sentences.
    plan.extra = [
        _citation(0, index, table, s, kw) for s in scored[:LLM_SOURCES] if plan.qtype != "list" and _relevant(s, kw)
    ]
    if plan.section_mode:
        return _compose_section(plan, index, reports, scored, table)
    if plan.qtype == "list":
        return _compose_list(plan, index, reports, scored, kw, table)
    if plan.qtype == "fact":
        return _compose_fact(plan, index, reports, scored, kw, table)
    return _compose_general(plan, index, reports, scored, kw, table)


def _supports(s: Scored, kw: list[str]) -> bool:
    return bool(kw) and s.lexical >= LIST_MIN_LEXICAL


def _compose_list(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                  table: Any) -> Answer:
    best: dict[str, Scored] = {}
    for s in scored:
        src = table.units[s.unit].source
        if src not in best:
            best[src] = s
    ranked = sorted(best.items(), key=lambda kv: -kv[1].score)
    top = max((s.lexical for _, s in ranked), default=0.0)
    chosen = [(src, s) for src, s in ranked if _supports(s, kw) and s.lexical >= LIST_MIN_RELATIVE * top]
    n = len(reports)
    if not chosen:
        return _not_found(plan, reports, kw, f"（共考察{n}份报告）")
    citations = [_citation(i + 1, index, table, s, kw, limit=LIST_QUOTE_MAX) for i, (_, s) in enumerate(chosen)]
    towns = [c.township or c.source for c in citations]
    lines = [f"共考察{n}份报告，其中{len(chosen)}个乡镇提到相关内容：{'、'.join(towns)}。"]
    for c in citations:
        lines.append(f"- {c.township}（{c.county or ''}，{c.year}年）：“{c.quote}”[{c.n}]")
    others = [r.township or r.source for r in reports if r.source not in {src for src, _ in chosen}]
    if others:
        lines.append("其余报告（" + "、".join(others) + "）未见相关表述。")
    return Answer(question=plan.question, text="\n".join(lines), found=True, citations=citations, considered=n)


def _compose_fact(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                  table: Any) -> Answer:
    unit_word = asks_quantity(plan.effective)
    rate = bool(_RATE.search(plan.effective))
    good = [s for s in scored if _relevant(s, kw)]
    spans = [(s, *_fact_span(table, s, unit_word, rate)) for s in good[:30]]
    spans = [(s, a, b) for s, a, b in spans if a is not None and b is not None]
    if not spans:
        if good:  # the topic is there, the figure is not: say so, and show what the report does say
            c = _citation(1, index, table, good[0], kw)
            text = (f"所提供的报告中没有找到这一数字。{c.township}{c.year}年报告只提到："
                    f"“{c.quote}”[1]")
            return Answer(question=plan.question, text=text, found=False, citations=[c], considered=len(reports))
        return _not_found(plan, reports, kw, "")
    s, start, end = spans[0]
    assert start is not None and end is not None
    c = _citation(1, index, table, s, kw, unit_word=unit_word, span=(start, end))
    fig = _pick_figure(c.quote, kw, unit_word, rate) if unit_word is not None else None
    lead = f"{fig}。" if fig else ""
    text = f"{lead}据{c.township}{c.year}年报告：“{c.quote}”[1]"
    return Answer(question=plan.question, text=text, found=True, citations=[c], considered=len(reports))


_RATE = re.compile(r"率|比例|百分|percentage|\brate\b", re.I)


def _relevant(s: Scored, kw: list[str]) -> bool:
    """Relevant means: the sentence holds enough of the question's words. A question with no
    recognisable words ("asdf", or English outside the glossary) is never answered by closeness of
    embeddings alone: they are close for anything."""
    return bool(kw) and s.lexical >= FACT_MIN_LEXICAL


def _fact_span(table: Any, s: Scored, unit_word: str | None, rate: bool = False) -> tuple[int | None, int | None]:
    """The span that answers: the sentence itself, or, when a number is asked for and the sentence
    names the topic but not the figure, the sentence with the next one of its paragraph."""
    u = table.units[s.unit]

    def ok(text: str) -> bool:
        figs = figures(text)
        return bool([f for f in figs if f[2].endswith(("%", "％"))] if rate else figs)

    if unit_word is None or ok(u.text):
        return u.start, u.end
    nxt = s.unit + 1
    if nxt < len(table.units):
        v = table.units[nxt]
        if v.source == u.source and v.start == u.end and ok(v.text):  # same paragraph
            return u.start, v.end
    return None, None


def _compose_general(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                     table: Any) -> Answer:
    good = [s for s in scored if _relevant(s, kw)]
    if not good:
        return _not_found(plan, reports, kw, "")
    picked: list[Scored] = []
    per_report: dict[str, int] = {}
    limit = 3 if len(reports) == 1 else 2
    for s in good:
        src = table.units[s.unit].source
        if per_report.get(src, 0) >= limit or (not plan.section_mode and s.score < 0.6 * good[0].score):
            continue
        per_report[src] = per_report.get(src, 0) + 1
        picked.append(s)
        if len(picked) >= 5:
            break
    # in reading order within each report, reports by their best sentence
    order = list(dict.fromkeys(table.units[s.unit].source for s in picked))
    picked.sort(key=lambda s: (order.index(table.units[s.unit].source), table.units[s.unit].start))
    citations = [_citation(i + 1, index, table, s, kw) for i, s in enumerate(picked)]
    lines = []
    for src in order:
        cs = [c for c in citations if c.source == src]
        lines.append(f"{cs[0].township}（{cs[0].year}年）：" + "".join(f"“{c.quote}”[{c.n}]" for c in cs))
    return Answer(question=plan.question, text="\n".join(lines), found=True, citations=citations,
                  considered=len(reports))


_ENUMERATED = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|\d+[.、．]|[(（][一二三四五六七八九十\d]+[)）])")


def _compose_section(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], table: Any) -> Answer:
    """A question about a whole kind of section ("下一步有什么打算"): its points, in reading order."""
    by_source: dict[str, list[int]] = {}
    for s in scored:
        by_source.setdefault(table.units[s.unit].source, []).append(s.unit)
    if not by_source:
        return _not_found(plan, reports, [], "")
    score_of = {s.unit: s for s in scored}
    citations: list[Citation] = []
    lines = []
    for r in reports:
        units = sorted(by_source.get(r.source, []), key=lambda i: table.units[i].start)
        points = [i for i in units if _ENUMERATED.match(table.units[i].text)] or units
        cs = []
        for i in points[: 4 if len(reports) == 1 else 3]:
            c = _citation(len(citations) + 1, index, table, score_of[i], [])
            citations.append(c)
            cs.append(c)
        if cs:
            lines.append(f"{r.township}（{r.year}年）：" + "".join(f"“{c.quote}”[{c.n}]" for c in cs))
    return Answer(question=plan.question, text="\n".join(lines), found=bool(citations), citations=citations,
                  considered=len(reports))


def _not_found(plan: Plan, reports: list[Report], kw: list[str], suffix: str) -> Answer:
    where = "、".join(dict.fromkeys(f"{r.township}{r.year}年" for r in reports)) if len(reports) <= 3 else ""
    topic = "、".join(kw[:4])
    about = f"关于“{topic}”的内容" if topic else "相关内容"
    text = f"所提供的{where}报告中没有找到{about}。{suffix}".replace("所提供的报告", "所提供的报告")
    return Answer(question=plan.question, text=text, found=False, considered=len(reports))


def _citation(n: int, index: Any, table: Any, s: Scored, kw: list[str], unit_word: str | None = None,
              span: tuple[int, int] | None = None, limit: int = QUOTE_MAX) -> Citation:
    u = table.units[s.unit]
    ref = index.chunks[u.chunk]
    report = index.reports[u.source]
    lo, hi = span or (u.start, u.end)
    start, end = _clip(report.text, lo, hi, kw, unit_word, limit)
    return Citation(
        n=n,
        township=report.township,
        county=report.county,
        year=report.year,
        source=report.source,
        section=ref.chunk.section,
        kind=ref.chunk.kind,
        quote=report.text[start:end],
        start=start,
        end=end,
        score=round(float(s.score), 4),
        chunk_id=ref.chunk.id,
    )


_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")


def _clip(text: str, start: int, end: int, kw: list[str], unit_word: str | None,
          limit: int = QUOTE_MAX) -> tuple[int, int]:
    """Narrow a long sentence to the clauses around its matched keywords (still an exact span)."""
    if end - start <= limit:
        return start, end
    clauses = [(start + m.start(), start + m.end()) for m in _CLAUSE.finditer(text[start:end]) if m.group().strip()]
    if not clauses:
        return start, min(end, start + limit)

    def weight(span: tuple[int, int]) -> float:
        c = compact(text[span[0] : span[1]])
        w = sum(len(k) for k in kw if contains(c, k))
        if unit_word is not None and has_figure(c):
            w += 2
        return w

    best = max(range(len(clauses)), key=lambda i: weight(clauses[i]))
    lo = hi = best
    while True:
        grown = False
        for cand in (lo - 1, hi + 1):
            if 0 <= cand < len(clauses):
                nlo, nhi = min(lo, cand), max(hi, cand)
                if clauses[nhi][1] - clauses[nlo][0] <= limit and weight(clauses[cand]) > 0:
                    lo, hi, grown = nlo, nhi, True
        if not grown:
            break
    s, e = clauses[lo][0], clauses[hi][1]
    while e > s and text[e - 1] in "，,；;：: ":
        e -= 1
    return s, e


def _pick_figure(quote: str, kw: list[str], unit_word: str | None, rate: bool = False) -> str | None:
    figs = figures(quote)
    if rate:
        figs = [f for f in figs if f[2].endswith(("%", "％"))] or figs
    elif unit_word:
        figs = [f for f in figs if f[2].endswith(unit_word)] or figs
    if not figs:
        return None
    c = to_simplified(quote)
    anchors = [m.end() for k in kw for m in re.finditer(re.escape(k), c)]
    if not anchors:
        return figs[0][2].strip()
    # the figure closest to a keyword, preferring one that follows it
    def dist(f: tuple[int, int, str]) -> float:
        return min((f[0] - a) if f[0] >= a else (a - f[0]) * 1.5 for a in anchors)

    return min(figs, key=dist)[2].strip()


def _pieces(text: str) -> Iterator[str]:
    """Stream an extractive answer line by line (it is ready at once; this keeps one protocol)."""
    yield from text.splitlines(keepends=True)


# ------------------------------------------------------------------ LLM mode


def _llm_sources(chosen: list[Citation], extra: list[Citation]) -> list[Citation]:
    """The extractive citations first, then further relevant passages, numbered 1..n, no repeats."""
    out = list(chosen)
    seen = {(c.source, c.start, c.end) for c in out}
    for c in extra:
        if len(out) >= LLM_SOURCES:
            break
        if (c.source, c.start, c.end) not in seen and not any(
            c.source == o.source and c.start < o.end and o.start < c.end for o in out
        ):
            seen.add((c.source, c.start, c.end))
            out.append(c)
    return [c.model_copy(update={"n": i + 1}) for i, c in enumerate(out)]


def _llm_stream(plan: Plan, draft: Answer, history: list[dict[str, str]], settings: Any,
                timings: dict[str, float], t0: float) -> Iterator[str | Answer]:
    from rag.llm import LLMError, stream_llm_answer, validate_citations

    t1 = time.perf_counter()
    sources = _llm_sources(draft.citations, plan.extra)
    parts: list[str] = []
    try:
        for delta in stream_llm_answer(plan.effective, sources, history, settings):
            parts.append(delta)
            yield delta
    except LLMError as e:
        note = f"大模型服务不可用（{e}），已改用摘录式回答。"
        log.warning("LLM failed, falling back to extractive: %s", e)
        if parts:
            yield "\n\n"
        yield f"（{note}）\n"
        yield from _pieces(draft.text)
        timings["total"] = time.perf_counter() - t0
        yield draft.model_copy(update={"timings": timings, "notes": [note]})
        return
    timings["llm"] = time.perf_counter() - t1
    check = validate_citations("".join(parts), len(sources))
    notes = []
    if check.dropped:
        notes.append("已删除不对应任何来源的引用标记：" + "、".join(f"[{k}]" for k in check.dropped))
    if check.uncited:
        notes.append("以下内容没有引用来源，请核实：" + "；".join(check.uncited[:3]))
    found = not check.text.strip().startswith("所提供的报告中没有找到")
    timings["total"] = time.perf_counter() - t0
    yield Answer(
        question=plan.question,
        text=check.text,
        found=found,
        mode="llm",
        citations=sources,
        timings=timings,
        notes=notes,
        considered=draft.considered,
    )
