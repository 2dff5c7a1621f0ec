"""Understanding a question: follow-ups, the scope it names (township, county, year), its type, and
which reports it may draw on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from rag.evidence import keywords
from rag.models import Citation, Filters, Report
from rag.text import compact, to_simplified

QuestionType = Literal["list", "fact", "general"]

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
    topic: str = ""  # the question without its place and year words (normalized)
    section_mode: bool = False  # the question asks for a whole kind of section (plans, problems)
    extra: list[Citation] = field(default_factory=list)  # further sources offered to an LLM


KIND_HINTS = {
    "problems": re.compile(r"问题|不足|短板|差距|困难|薄弱|有待|不够|欠缺|不平衡|参差|shortcoming|problem|weakness", re.I),
    "plans": re.compile(r"下一步|计划|打算|思路|将要|明年|今后|下一年|next year|plan", re.I),
    "leadership": re.compile(r"第一责任人|主要负责人|履职|述法"),
}
CUE_REST = frozenset({"一步", "下一步", "工作", "存在", "主要", "方面", "目标", "举措", "安排", "哪些", "什么"})


def kind_cues(question: str) -> set[str]:
    q = compact(question)
    return {k for k, rx in KIND_HINTS.items() if rx.search(q)}


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
    return Plan(
        question=question,
        effective=effective,
        qtype=classify(effective, len(scope.townships)),
        filters=flt,
        townships=list(scope.townships),
        years=list(scope.years),
        counties=list(scope.counties),
        unknown_places=list(scope.unknown_places),
        topic=scope.text,
    )


def resolve_followup(question: str, history: list[dict[str, str]], index: Any) -> str:
    """'那共和镇呢？' after a question about 大铭乡 asks the same question of 共和镇."""
    from rag.query import parse_scope

    previous = [t["content"] for t in history if t["role"] == "user" and t["content"].strip()]
    if not previous:
        return question
    scope = parse_scope(question, index)
    if not (scope.townships or scope.years or scope.counties):
        return question
    rest = _FOLLOWUP_FILLER.sub("", compact(scope.text))
    if keywords(rest) or len(rest) > 4:
        return question  # a full question of its own
    prev = parse_scope(previous[-1], index)
    # The new scope replaces the earlier one where it names it; the rest of the question is kept.
    places = list(scope.townships or prev.townships) + list(scope.counties or prev.counties)
    years = list(scope.years or prev.years)
    return "".join(places) + "".join(f"{y}年" for y in years) + compact(prev.text)


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


