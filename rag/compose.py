"""Composing the extractive answer: score every sentence in scope, decide, quote exactly."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from rag.candidates import score_sentences
from rag.coverage import coverage, coverage_question, missing_reports
from rag.decide import (
    Asked,
    Candidate,
    Scope,
    compounds,
    decide,
    fact_min_lexical,
    question_features,
    report_candidates,
)
from rag.evidence import (
    CLAUSE,
    COMMA_PART,
    COUNT_ASK,
    QUOTED,
    Scored,
    ask_parts,
    asks_quantity,
    contains,
    counts_in,
    denies,
    figures,
    has_english,
    has_figure,
    head,
    is_percent,
    keywords,
    names_in,
    states_shortcoming,
    uninvented,
    without_not_one,
)
from rag.ingest.metadata import CN_DATE, DATE
from rag.lexicon import (
    BARE_FIGURE_WORDS,
    CHANGE_FROM,
    CHANGE_TO,
    CONTINUATION,
    EACH_ONE,
    EACH_YEAR,
    GENRE_WORDS,
    IDENTITY_QUESTION,
    LESS_QUESTION,
    MEASURE_WORDS,
    MORE_QUESTION,
    NAME_ASKED,
    NEW_ONES,
    NOT_MENTIONED,
    ORDINAL,
    PLACE_TITLE,
    RATE_QUESTION,
    SPECIFIC_SHORTCOMINGS,
    SURNAMES,
    THING_NAME_QUESTION,
    TITLE_TAILS,
    TOTAL_ADVERB,
    WHEN_QUESTION,
    YESNO_QUESTION,
    asks_person,
    counts_as,
    entity_asked,
    ordinal,
    synonym_index,
    title_forms,
)
from rag.metadata_answers import existence_answer, metadata_answer
from rag.models import Answer, Citation, Report, report_label, town_label, year_label
from rag.plan import Plan, is_cue_word, kind_cues, reports_in_scope
from rag.query import GENERIC_PLACES
from rag.store import get_store
from rag.text import compact, is_manner_word, is_time_word, is_verb, is_when_or_how, to_simplified, verbal

log = logging.getLogger(__name__)

QUOTE_MAX = 160
LIST_QUOTE_MAX = 90  # a list names many townships: each gets a short quote
LLM_SOURCES = 8  # at most this many numbered sources go to the LLM
ELIDED_CLAUSES = 3  # a figure's clause may leave out what it counts: the clauses before it (as many) say it


def _kinds(plan: Plan) -> set[str] | None:
    """The section kinds the question's filters allow (None: all)."""
    kinds = plan.filters.kind
    return set(kinds if isinstance(kinds, list) else [kinds]) if kinds else None


def _kind_filter(plan: Plan, index: Any, table: Any) -> Callable[[int], bool] | None:
    kind_set = _kinds(plan)
    if kind_set is None:
        return None
    return lambda i: index.chunks[table.units[i].chunk].chunk.kind in kind_set


def _score(plan: Plan, index: Any, reports: list[Report], allow_section: bool = True
           ) -> tuple[list[Scored], list[str], Any]:
    table = get_store(index).table()
    kind_set = _kinds(plan)
    topic = plan.topic or plan.effective
    # ("第三个问题": the ordinal picks a point, it is no topic word)
    kw = keywords(ORDINAL.sub(" ", topic), places=getattr(index, "place_names", ()))
    cues = kind_cues(plan.effective)
    plan.section_mode = False
    if cues and kind_set is None and allow_section and not [k for k in kw if not is_cue_word(k) and k not in GENRE_WORDS]:
        # "下一步有什么打算" / "存在哪些问题": the kind of section is the whole topic.
        kind_set, kw = set(cues), []
        plan.section_mode = True
    sources = {r.source for r in reports}
    units = [
        i
        for s in sources
        for i in table.by_source.get(s, [])
        if kind_set is None or index.chunks[table.units[i].chunk].chunk.kind in kind_set
    ]
    scored, kw, table = score_sentences(index, topic, plan.effective, units, kw)
    _boost_kind(plan, index, table, scored)
    if plan.qtype == "list" and "problems" in cues:
        # A question about shortcomings is answered only by sentences that state one.
        scored = [
            s for s in scored
            if states_shortcoming(table.units[s.unit].norm) or states_shortcoming(table.units[s.unit].context)
            or index.chunks[table.units[s.unit].chunk].chunk.kind == "problems"
        ]
    return scored, kw, table


def _boost_kind(plan: Plan, index: Any, table: Any, scored: list[Scored]) -> None:
    wanted = kind_cues(plan.effective)
    if not wanted:
        return
    for s in scored:
        if index.chunks[table.units[s.unit].chunk].chunk.kind in wanted:
            s.score *= 1.15
    scored.sort(key=lambda x: -x.score)




def compose_extractive(plan: Plan, index: Any) -> Answer:
    exists = existence_answer(plan.effective, plan.townships, plan.years, list(index.reports.values()), plan.topic)
    if exists is not None:  # "有没有桑柘镇2023年的报告？" asks about the library, for one township
        return exists
    year = coverage_question(plan.effective)
    if year is not None:  # "哪些乡镇还没有2024年的报告？" asks about the corpus itself
        gap = missing_reports(coverage(index.reports.values()), year)
        return Answer(question=plan.question, text=gap.text, found=bool(gap.missing or gap.present),
                      considered=len(index.reports))
    reports, reason = reports_in_scope(plan, index)
    if reason:
        return Answer(question=plan.question, text=reason, found=False, considered=len(reports))
    try:
        meta = metadata_answer(plan.effective, reports, plan.topic, list(index.reports.values()))
    except Exception:  # a shortcut from metadata; on a report it cannot read, the content path answers
        log.exception("metadata answer failed for %r", plan.effective)
        meta = None
    if meta is not None:
        return meta
    if plan.qtype == "list" and NOT_MENTIONED.search(to_simplified(plan.effective)):
        return _compose_unmentioned(plan, index, reports)
    scored, kw, table = _score(plan, index, reports)
    if plan.section_mode and not scored:  # no such section in these reports: read them all
        scored, kw, table = _score(plan, index, reports, allow_section=False)
    # What an LLM may draw on besides the extractive choice: the next best relevant sentences.
    plan.extra = [
        _citation(0, index, table, s, kw) for s in scored[:LLM_SOURCES] if plan.qtype != "list" and _relevant(s, kw)
    ]
    if plan.section_mode:
        return _compose_section(plan, index, reports, scored, table)
    if plan.qtype == "list":
        return _compose_list(plan, index, reports, scored, kw, table)
    if plan.qtype != "list" and YESNO_QUESTION.search(to_simplified(plan.effective)) \
            and asks_quantity(plan.effective) is None:
        return _compose_yesno(plan, index, reports, scored, kw, table)
    if plan.qtype == "fact" and len(plan.townships) >= 2:
        return _compose_each(plan, index, reports, scored, kw, table)
    if plan.qtype == "fact" and _each_year(plan, reports):
        return _compose_each_year(plan, index, reports, scored, kw, table)
    if plan.qtype == "fact" and (years_differ := _compose_years_differ(plan, index, reports, scored, kw, table)):
        return years_differ
    if plan.qtype == "fact":
        return _compose_fact(plan, index, reports, scored, kw, table)
    return _compose_general(plan, index, reports, scored, kw, table)


def _compose_unmentioned(plan: Plan, index: Any, reports: list[Report]) -> Answer:
    """"哪些乡镇没有提到法律顾问": the reports in scope that the question without its negation does not cite.
    Nothing in them can be quoted for an absence: each is cited by its opening sentence, for the reader to open
    it, and the answer says so."""
    from rag.plan import make_plan

    positive = make_plan(NOT_MENTIONED.sub("提到", to_simplified(plan.effective)), plan.filters, [], index)
    said = compose_extractive(positive, index)
    mentioned = {c.source for c in said.citations}
    missing = [r for r in reports if r.source not in mentioned]
    n = len(reports)
    if not missing:
        return Answer(question=plan.question, text=f"所考察的{n}份报告都提到了相关内容。\n{said.text}", found=False,
                      citations=said.citations, considered=n)
    table = get_store(index).table()
    citations: list[Citation] = []
    for r in missing:
        units = table.by_source.get(r.source, ())
        opening = next((i for i in units if not table.units[i].heading and len(table.units[i].norm) >= 12),
                       units[0] if units else None)
        if opening is not None:
            u = table.units[opening]
            text = index.reports[r.source].text
            # the opening's first clauses, up to a clause mark within the quote limit (an exact span)
            marks = [m.end() for m in re.finditer(r"[，,；;]", text[u.start: u.start + LIST_QUOTE_MAX])]
            end = u.end if u.end - u.start <= LIST_QUOTE_MAX else u.start + (marks[-1] if marks else LIST_QUOTE_MAX)
            c = _citation(len(citations) + 1, index, table, Scored(opening, 0.0, 0.0, 0.0, []), [],
                          span=(u.start, end), limit=LIST_QUOTE_MAX)
            citations.append(c)
    names = "、".join(f"{town_label(r.township, r.source)}（{year_label(r.year)}）" for r in missing)
    lines = [f"共考察{n}份报告，其中{len(missing)}份未见相关表述：{names}。"
             + ("以下引用各报告的开头，以便打开核对（未见相关表述，无原文可引）：" if citations else "")]
    lines += [f"- {report_label(c.township, c.county, c.year, c.source)}：“{c.quote}”[{c.n}]" for c in citations]
    if mentioned:
        towns = "、".join(dict.fromkeys(town_label(c.township, c.source) for c in said.citations))
        lines.append(f"提到的有：{towns}。")
    return Answer(question=plan.question, text="\n".join(lines), found=True, citations=citations, considered=n)


def _compose_list(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                  table: Any) -> Answer:
    chosen = [(c.source, c.scored) for c in decide(*list_candidates(plan, index, reports, scored, kw, table),
                                                    embedder=index.manifest.embedder_spec)] if kw else []
    n = len(reports)
    if not chosen:
        return _not_found(plan, reports, kw, f"（共考察{n}份报告）", scored)
    citations = [_citation(i + 1, index, table, s, kw, limit=LIST_QUOTE_MAX) for i, (_, s) in enumerate(chosen)]
    # a township with several reports in scope (2022 and 2023) is named once, with the years that mention it
    years: dict[str, list[str]] = {}
    for c in citations:
        years.setdefault(town_label(c.township, c.source), []).append(year_label(c.year))
    several = Counter(town_label(r.township, r.source) for r in reports)
    towns = [f"{t}（{'、'.join(ys)}）" if several[t] > 1 else t for t, ys in years.items()]
    rest = f"，{n - len(chosen)}份未提到" if n > len(chosen) else ""
    who = f"{len(chosen)}个乡镇" if len(years) == len(chosen) else f"{len(chosen)}份报告（{len(years)}个乡镇）"
    lines = [f"共考察{n}份报告，其中{who}提到相关内容{rest}。提到的有：{'、'.join(towns)}。"]
    for c in citations:
        lines.append(f"- {report_label(c.township, c.county, c.year, c.source)}：“{c.quote}”[{c.n}]")
    cited = {src for src, _ in chosen}

    def named(r: Report) -> str:
        town = town_label(r.township, r.source)
        return f"{town}（{year_label(r.year)}）" if several[town] > 1 else town

    others = [named(r) for r in reports if r.source not in cited]
    if others:
        lines.append("其余报告（" + "、".join(others) + "）未见相关表述。")
    return Answer(question=plan.question, text="\n".join(lines), found=True, citations=citations, considered=n)


def list_candidates(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str], table: Any
                    ) -> tuple[list[Candidate], np.ndarray]:
    """Every report's candidate sentences for a list question, with the decision's features, and the
    question's own features for the coverage gate."""
    # the words a supporting sentence must name itself: not 不足 or 下一步 (its kind of statement), but 述法,
    # 第一责任人 (a leadership section's words are what a list question about them asks)
    topic = {k: table.idf(k) for k in kw
             if not is_cue_word(k, topical=("leadership",)) or head(k) in SPECIFIC_SHORTCOMINGS}
    qvec = index.embedder.embed_queries([plan.topic or plan.effective])[0]
    scope = Scope.of(table, [r.source for r in reports], qvec, _kind_filter(plan, index, table),
                     vectors=get_store(index).vectors)
    cands = report_candidates(Asked.of(plan.effective), scored, table,
                              lambda i: index.chunks[table.units[i].chunk].chunk.kind, table.weights(kw), topic, scope,
                              compounds(kw, to_simplified(compact(plan.topic or plan.effective))))
    return cands, question_features(scored, topic)


def _compose_fact(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                  table: Any, compares: bool = False) -> Answer:
    unit_word = asks_quantity(plan.effective)
    if unit_word is None and compares:  # "哪个化解的纠纷多": a figure, its unit unsaid
        unit_word = ""
    rate = bool(RATE_QUESTION.search(plan.effective))
    if kw and all(head(k) in BARE_FIGURE_WORDS for k in kw):
        # the question's only word is a bare 率 or 数 (an English "GDP growth rate": the glossary knows only
        # "rate"): no topic to find, and any rate of any report would do
        return _not_found(plan, reports, [], "")
    good = [s for s in scored if _relevant(s, kw)]
    if unit_word is not None and not good:
        good = _with_their_figures(table, scored, kw, rate)
    counted = _counted(plan.topic or plan.effective, table) if unit_word is not None and not has_english(plan.effective) else None
    if counted and good and not any(contains(table.units[s.unit].norm, counted) for s in scored):
        # the thing counted is named nowhere in scope (香菇产业总产值是多少: the report has 香菇产业, no 产值)
        return _not_found(plan, reports, [counted], "")
    kind_of_counted = _modifier(kw, counted, plan.topic or plan.effective) if counted else None
    if kind_of_counted and good:
        # the kind of the thing counted, said with it (宪法读本): a sentence that counts another kind (民法典读本
        # 950余本) does not answer
        good = [s for s in good if contains(table.units[s.unit].norm, kind_of_counted)
                or contains(table.units[s.unit].context, kind_of_counted)]
        if not good:
            return _not_found(plan, reports, [kind_of_counted + head(counted or "")], "")
    if counted and not good:
        good = _relevant_without_describers(plan.topic or plan.effective, scored, kw, counted, table)
    if not good:
        good = _relevant_without_manner(scored, kw, table)
    if (good and not plan.townships and IDENTITY_QUESTION.search(to_simplified(plan.effective))
            and not compares and not MORE_QUESTION.search(plan.effective) and not LESS_QUESTION.search(plan.effective)):
        # "…的那份报告是哪个乡的？": the report whose sentence answers best, by its township
        c = _citation(1, index, table, good[0], kw)
        report = index.reports[c.source]
        return Answer(question=plan.question, text=f"{town_label(report.township, report.source)}"
                      f"（{year_label(report.year)}报告）。据该报告：“{c.quote}”[1]", found=True, citations=[c],
                      considered=len(reports))
    spans = [(s, *_fact_span(table, s, unit_word, rate)) for s in good[:30]]
    spans = [(s, a, b) for s, a, b in spans if a is not None and b is not None]
    if good and not spans and unit_word is not None and not has_english(plan.effective):
        # the topic is there without its figure ("执法人员配备不足"): the figure may stand where the question's
        # verb does not (目前配备了几名执法人员: 现有行政执法人员3名)
        spans = [(s, a, b) for s in _relevant_without_verbs(scored, kw, table)[:30]
                 for a, b in [_fact_span(table, s, unit_word, rate)] if a is not None and b is not None]
    if "plans" not in kind_cues(plan.effective):
        # what was done, not next year's target (力争调处成功率保持在95%以上 in the plans): a plans sentence
        # answers only when no other does
        spans.sort(key=lambda sp: index.chunks[table.units[sp[0].unit].chunk].chunk.kind == "plans")
    denial = _denial(good[:30], kw, table) if unit_word is not None and not rate else None
    if denial is not None and spans and denial.unit == spans[0][0].unit and _counts_asked(
            table.units[denial.unit].norm, unit_word):
        denial = None  # the sentence also gives the count (主动公开信息413条，…未收到公开申请): the count answers
    if denial is not None and (not spans or denial.unit == spans[0][0].unit or denial.lexical > spans[0][0].lexical):
        # "制定了几件规范性文件" answered by "未制定规范性文件": a count of none, stated in words
        c = _citation(1, index, table, denial, kw)
        none = f"（0{unit_word}）" if unit_word else ""
        return Answer(question=plan.question, text=f"没有{none}。据{_by(c)}报告：“{c.quote}”[1]", found=True,
                      citations=[c], considered=len(reports))
    if not spans:
        if good:  # the topic is there, the figure is not: say so, and show what the report does say
            c = _citation(1, index, table, good[0], kw)
            text = (f"所提供的报告中没有找到这一数字。{_by(c)}报告只提到："
                    f"“{c.quote}”[1]")
            return Answer(question=plan.question, text=text, found=False, citations=[c], considered=len(reports))
        return _not_found(plan, reports, kw, "", scored)
    if unit_word is None:  # a name, a date: the best sentence is the answer
        picked = _naming(plan, table, spans, kw)
        if picked is None:
            c = _citation(1, index, table, spans[0][0], kw)
            text = f"所提供的报告中没有写明这一姓名。{_by(c)}报告只提到：“{c.quote}”[1]"
            return Answer(question=plan.question, text=text, found=False, citations=[c], considered=len(reports))
        s, start, end = picked
        assert start is not None and end is not None
        c = _citation(1, index, table, s, kw, span=(start, end))
        person = asks_person(to_simplified(plan.effective)) and bool(kw)
        titles = _titles(plan, kw) if person else ""
        name = _person(to_simplified(c.quote), titles, compact(plan.effective)) if person else None
        if person and not name and _names_the_rest(table, s, kw, titles):
            # "组长是谁" answered by a role: 以党委书记为组长 -> 党委书记 (of the body asked about: 防汛指挥部's
            # commander is not the 普法 command post's)
            name = _role_holder(to_simplified(c.quote), titles)
        if not name and WHEN_QUESTION.search(to_simplified(plan.effective)):
            name = _day(c.quote)
        if not name and not person and THING_NAME_QUESTION.search(to_simplified(plan.effective)):
            name = _quoted_name(c.quote, kw, compact(plan.effective))
        asked = entity_asked(to_simplified(plan.effective)) if not name else None
        if asked:  # "哪个村…", "哪家律师事务所…": led by the name the quote gives
            name = _entity_name(c.quote, asked, compact(plan.effective), getattr(index, "place_names", ()))
        text = (f"{name}。" if name else "") + f"据{_by(c)}报告：“{c.quote}”[1]"
        return Answer(question=plan.question, text=text, found=True, citations=[c], considered=len(reports))
    two_parts = len(ask_parts(plan.effective)) >= 2
    for s, start, end in spans[:5]:
        assert start is not None and end is not None
        first = table.units[s.unit]
        if two_parts and first.norm.startswith(CONTINUATION) and s.unit > 0:
            # "录入了多少宗，其中行政处罚多少宗" answered by "…录入案件516宗。其中录入行政处罚案件18宗": the sentence
            # that 其中 continues holds the first figure
            before = table.units[s.unit - 1]
            if before.source == first.source and before.end <= first.start <= before.end + 2:
                start = before.start
        c = _citation(1, index, table, s, kw, unit_word=unit_word, span=(start, end))
        fig = _pick_figure(c.quote, kw, unit_word, rate, table.idf, plan.effective)
        if not fig and c.end > first.end:
            # The topic sentence has no figure and the next one has: its figure is the topic's
            # ("…参加法治理论考试。2022年，辖区累计参考79人").
            rest = index.reports[c.source].text[first.end : c.end]
            figs = [f for f in figures(rest) if not unit_word or unit_word in f[2]]
            fig = figs[0][2].strip() if figs else None
        if fig:
            lead = to_simplified(fig)
            parts = ask_parts(plan.effective)
            if parts:  # "检查多少次，车辆多少辆": each figure asked, by the words of its own part, in order
                asks = [ask for ask, _ in parts]
                picked_figs: list[tuple[str, int]] = []
                percents = {f[0] for f in figures(c.quote) if is_percent(f[2])}
                for ask, words in parts:
                    # a count asked besides a rate is no percentage
                    taken = {at for _, at in picked_figs} | (percents if ask != "%" and "%" in asks else set())
                    own = [k for k in kw if any(alt in words for alt in k.split("|"))] or kw
                    f = _pick_figure_at(c.quote, own, "" if ask == "%" else ask, ask == "%", table.idf, plan.effective,
                                        frozenset(taken))
                    if f:
                        # the noun an ask counts after it (几名行政执法人员) names its figure: 行政执法人员3 名
                        after = COUNT_ASK.match(words)
                        label = re.sub(r"[，,。；;？?！!、和与及]+$", "", words[after.end():]) if after else ""
                        picked_figs.append((label + f[0], f[1]))
                if len(picked_figs) >= 2:
                    lead = "，".join(to_simplified(f) for f, _ in picked_figs)
            text = f"{lead}。据{_by(c)}报告：“{c.quote}”[1]"
            return Answer(question=plan.question, text=text, found=True, citations=[c], considered=len(reports))
    # The topic is there but no figure belongs to it: say so, and show what the report does say.
    c = _citation(1, index, table, spans[0][0], kw)
    text = f"所提供的报告中没有找到这一数字。{_by(c)}报告只提到：“{c.quote}”[1]"
    return Answer(question=plan.question, text=text, found=False, citations=[c], considered=len(reports))




def _compose_yesno(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                   table: Any) -> Answer:
    """A yes/no question ("大铭乡是否聘请了法律顾问？") is the list decision over the reports in scope: "有" with
    the sentences of the reports that support it, else that the reports do not state it, with the closest
    sentence they do have."""
    if not kw:
        return _not_found(plan, reports, kw, "")
    chosen = decide(*list_candidates(plan, index, reports, scored, kw, table), embedder=index.manifest.embedder_spec)
    if chosen:
        # a relevant sentence of the first report that says the thing was not done: 未制定规范性文件
        first = chosen[0].source
        denial = _denial([s for s in scored if table.units[s.unit].source == first], kw, table)
        picked = [denial] if denial else [c.scored for c in chosen[:5]]
        citations = [_citation(i + 1, index, table, sc, kw) for i, sc in enumerate(picked)]
        verdict = "没有" if denial else "有"
        lines = [f"{verdict + '。据' if i == 0 else '另据'}{_by(c)}报告：“{c.quote}”[{c.n}]"
                 for i, c in enumerate(citations)]
        return Answer(question=plan.question, text="\n".join(lines), found=True, citations=citations,
                      considered=len(reports))
    near = [s for s in scored if _relevant(s, kw)]
    if near and len(reports) == 1:
        # one report asked about: the list decision's relative features say nothing of a single report, and a
        # sentence holding the question's words as a fact answer would (涉及行政诉讼案件6宗) answers it
        denial = _denial(near[:30], kw, table)
        c = _citation(1, index, table, denial or near[0], kw)
        return Answer(question=plan.question, text=f"{'没有' if denial else '有'}。据{_by(c)}报告：“{c.quote}”[1]",
                      found=True, citations=[c], considered=1)
    topic = "、".join(head(k) for k in kw[:4])
    text = f"所提供的{_where(reports)}报告中没有写明“{topic}”。"
    if not near:
        return Answer(question=plan.question, text=text, found=False, considered=len(reports))
    c = _citation(1, index, table, near[0], kw)
    return Answer(question=plan.question, text=text + f"最接近的表述是{_by(c)}报告的：“{c.quote}”[1]", found=False,
                  citations=[c], considered=len(reports))


# what stands after the ask of a count, in its clause: 多少件合同, 几名行政执法监督员, 多少 (then nothing)
_REST_OF_CLAUSE = re.compile(r"[^，,。；;？?！!]*")


def _counted(question: str, table: Any) -> str | None:
    """The keyword of the thing a count question counts: the last word of what follows the ask (审查了多少件
    合同 -> 合同), else of what comes before it (香菇产业总产值是多少 -> 总产值); None when there is none. A word
    the tokenizer made up is cut again (rag.evidence.uninvented: 代理费上花多少钱 -> 代理费)."""
    q = compact(question)
    m = COUNT_ASK.search(q)
    if not m:
        return None
    rest = _REST_OF_CLAUSE.match(q, m.end())
    after = uninvented(keywords(rest.group(0)), table) if rest and rest.group(0).strip() else []
    after = [w for w in after if not verbal(head(w))]  # 发了多少份出去: 出去 says where it went, not what
    before = re.split(r"[，,。；;]", q[: m.start()])[-1]
    words = after or uninvented(keywords(re.sub(r"(?:一共|总共|共计|合计|共有|有|是|为|达到|达|了)+$", "", before)),
                                table)  # 代办员有 -> 代办员
    # the last noun: a verb after the thing counted says what befell it (多少张民情联系卡发下去: 联系卡); a word of
    # when or how (扑火队后来组建了几支: 后来) is none
    words = [w for w in words if not is_when_or_how(head(w))] or words
    nouns = [w for w in words if not verbal(head(w))]
    return (nouns or words)[-1] if words else None


def _modifier(kw: list[str], counted: str, question: str) -> str | None:
    """The keyword the question writes right before the thing counted, as one word with it (宪法 of 宪法读本)."""
    q = to_simplified(compact(question))
    for before, after in zip(kw, kw[1:], strict=False):
        if after == counted and head(before) + head(counted) in q and not is_when_or_how(head(before)):
            return before
    return None


def _relevant_without_describers(question: str, scored: list[Scored], kw: list[str], counted: str,
                                 table: Any) -> list[Scored]:
    """The relevant sentences when the words of a clause that only describes the thing counted are left out,
    those no sentence in scope holds ("帮群众跑腿办事的代办员有多少人": 跑腿 describes 代办员, no report writes
    it), once some sentence names the thing counted. Words of the thing itself stay (查处的食品安全案件有多少起:
    食品安全 is what is counted), and so does every word when nothing describes it."""
    q = compact(question)
    m = COUNT_ASK.search(q)
    before = q[: m.start()] if m else q
    if "的" not in before or not any(contains(table.units[s.unit].norm, counted) for s in scored):
        return []
    describing = set(keywords(before[: before.rindex("的")]))
    held = set().union(*(s.matched for s in scored)) if scored else set()
    return _relevant_less(scored, kw, {k for k in kw if k in describing and k not in held and k != counted}, table)


def _relevant_less(scored: list[Scored], kw: list[str], dropped: set[str], table: Any) -> list[Scored]:
    """The sentences relevant to the question less the keywords ``dropped`` (their weight out of the share a
    sentence must hold); none when nothing is dropped or nothing is left."""
    weights = table.weights(kw)
    total = sum(weights.values())
    kept = total - sum(weights[k] for k in dropped)
    if not dropped or kept <= 0:
        return []
    return [s for s in scored if s.lexical * total / kept >= fact_min_lexical()]


def _relevant_without_manner(scored: list[Scored], kw: list[str], table: Any) -> list[Scored]:
    """The relevant sentences when the words that only say how a thing was done (成功化解, 有效化解: an
    adjective or adverb) are left out, those no sentence in scope holds: the report writes 化解一百五十八件."""
    held = set().union(*(s.matched for s in scored)) if scored else set()
    return _relevant_less(scored, kw, {k for k in kw if k not in held and (
        is_manner_word(head(k)) or is_time_word(head(k)))}, table)  # (and when: 后来组建)


def _relevant_without_verbs(scored: list[Scored], kw: list[str], table: Any) -> list[Scored]:
    """The sentences that hold enough of the question's words other than its verbs (配备, 开展)."""
    kept = [k for k in kw if not is_verb(head(k))]
    if not kept or len(kept) == len(kw):
        return []
    weights = table.weights(kept)
    total = sum(weights.values())
    return [s for s in scored if total > 0 and sum(weights.get(k, 0.0) for k in s.matched) / total >= fact_min_lexical()]


def _counts_asked(text: str, unit_word: str | None) -> bool:
    """Whether a sentence holds a figure of the asked unit's family (any figure for a bare 多少)."""
    text = without_not_one(text)  # 未发生一起行政诉讼案件 counts none
    return counts_in(text, unit_word) if unit_word else bool(figures(text))


def _denial(scored: list[Scored], kw: list[str], table: Any) -> Scored | None:
    """The best relevant sentence that says the thing asked about was not done: 未制定规范性文件; 无行政复议
    变更…和行政诉讼败诉类案件的发生 (a negation earlier in the same clause as a keyword)."""
    if not kw:
        return None
    return next((s for s in scored if _relevant(s, kw) and denies(table.units[s.unit].norm, kw)), None)


def _each_year(plan: Plan, reports: list[Report]) -> bool:
    """A fact asked of one township's several years: the question names two years or more, or asks for each
    (这几年…分别, 每年), and the scope holds more than one of its reports."""
    towns = {r.township for r in reports}
    years = {r.year for r in reports if r.year}
    if len(towns) != 1 or None in towns or len(years) < 2:
        return False
    return len(plan.years) >= 2 or bool(EACH_YEAR.search(to_simplified(plan.effective).lower()))


def _compose_years_differ(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                          table: Any) -> Answer | None:
    """A figure asked of one township without a year, whose reports of several years give different figures
    ("青枫镇执法人员有多少名": 14名 in 2021, 19人 in 2022, 21名 in 2023): the latest year's answer, then the other
    years' figures. None when the question names a year, when one report answers, or when all give one figure."""
    towns = {r.township for r in reports}
    if plan.years or len(towns) != 1 or None in towns or asks_quantity(plan.effective) is None:
        return None
    dated = sorted((r for r in reports if r.year), key=lambda r: r.year or 0, reverse=True)
    if len({r.year for r in dated}) < 2:
        return None
    found: list[tuple[Report, Answer, str]] = []
    for report in dated:
        one = _compose_fact(plan, index, [report], [s for s in scored if table.units[s.unit].source == report.source],
                            kw, table)
        lead = one.text.split("。据", 1)[0] if one.found and "。据" in one.text else ""
        if lead and not lead.startswith("没有"):
            found.append((report, one, lead))
    if len(found) < 2 or len({lead for _, _, lead in found}) < 2:
        return None
    citations: list[Citation] = []
    text = _renumbered(found[0][1], citations)
    others = []
    for report, one, lead in found[1:]:
        _renumbered(one, citations)
        others.append(f"{year_label(report.year)}{lead}[{citations[-1].n}]")
    text += f"\n其他年份的报告：{'；'.join(others)}。"
    return Answer(question=plan.question, text=text, found=True, citations=citations, considered=len(reports))


def _renumbered(one: Answer, citations: list[Citation]) -> str:
    """One part's answer text with its citations numbered after ``citations``, to which they are added."""
    text = one.text
    for c in one.citations:
        n = len(citations) + 1
        text = text.replace(f"[{c.n}]", f"[{n}]")
        citations.append(c.model_copy(update={"n": n}))
    return text


def _compose_each_year(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                       table: Any) -> Answer:
    """Each report's answer, oldest first ("青枫镇这几年的法律明白人分别有多少名": 2022年…；2023年…)."""
    lines: list[str] = []
    citations: list[Citation] = []
    found = False
    for report in sorted(reports, key=lambda r: r.year or 0):
        one = _compose_fact(plan, index, [report], [s for s in scored if table.units[s.unit].source == report.source],
                            kw, table)
        lines.append(f"{year_label(report.year)}：{_renumbered(one, citations)}")
        found = found or one.found
    return Answer(question=plan.question, text="\n".join(lines), found=found, citations=citations,
                  considered=len(reports))


def _compose_each(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                  table: Any) -> Answer:
    """A fact asked of several townships ("大铭乡和高观镇，哪个化解的纠纷更多？"): each township's answer, and
    which figure is larger when the question compares and both figures have one unit."""
    lines: list[str] = []
    citations: list[Citation] = []
    figures_of: list[tuple[str, float, str]] = []
    q = to_simplified(plan.effective).lower()
    more, less = bool(MORE_QUESTION.search(q)), bool(LESS_QUESTION.search(q))
    compares = more or less
    found = False
    for town in plan.townships:
        mine = [r for r in reports if r.township == town]
        sources = {r.source for r in mine}
        if not mine:
            continue
        one = _compose_fact(plan, index, mine, [s for s in scored if table.units[s.unit].source in sources], kw,
                            table, compares)
        text = _renumbered(one, citations)
        lines.append(f"{town}：{text}")
        found = found or one.found
        lead = re.match(r"(\d+(?:\.\d+)?)\s*(余|多)?\s*(\S?)", text) if one.found else None
        if lead:
            figures_of.append((town, float(lead.group(1)), lead.group(3)))
    if len(figures_of) >= 2 and len({u for _, _, u in figures_of}) == 1 and compares:
        ranked = sorted(figures_of, key=lambda f: -f[1])
        pick = ranked[0] if more else ranked[-1]
        if len({f[1] for f in figures_of}) > 1:
            word = ("更多" if more else "更少") if len(figures_of) == 2 else ("最多" if more else "最少")
            lines.insert(0, f"{pick[0]}{word}（" + "，".join(f"{t}{v:g}{u}" for t, v, u in figures_of) + "）。")
    if not lines:
        return _not_found(plan, reports, kw, "")
    return Answer(question=plan.question, text="\n".join(lines), found=found, citations=citations,
                  considered=len(reports))


def _naming(plan: Plan, table: Any, spans: list[tuple[Scored, int | None, int | None]], kw: list[str]
            ) -> tuple[Scored, int | None, int | None] | None:
    """The span that answers a question asking for a name.

    - "哪个村…": the best span that names a village (a 村 not in the question), not only the topic
      ("创建“市级民主法治示范村”");
    - "党委书记叫什么名字": the best span where a title the question names is followed by a name
      (镇党委书记李太平于…), not 副镇长 for 镇长; None when no span has one (the report does not say);
      "组长是谁" may be answered by a role (以党委书记为组长): the best span.
    Other questions: the best span.
    """
    q = to_simplified(plan.effective)
    asked = entity_asked(q)
    if asked:
        question = compact(plan.effective)
        named = re.compile(r"[\u4e00-\u9fff]{1,8}?" + re.escape(asked))
        for span in spans:
            text = to_simplified(table.units[span[0].unit].norm)
            if any(not _in_question(m.group(0), question) and _may_be_name(m.group(0))
                   for m in named.finditer(text)):
                return span  # (a village's name, not the title 民主法治示范村)
    elif asks_person(q) and kw:
        titles = _titles(plan, kw)
        # (叫什么名字 asks a name: words after the title that are none, 乡长具体抓, name no holder)
        wants_name = bool(NAME_ASKED.search(q))
        holder = next((span for span in spans
                       if (p := _person(to_simplified(table.units[span[0].unit].norm), titles, "")) is not None
                       and (p or not wants_name)), None)
        if holder is None and not wants_name:
            # "组长是谁": a role answers it too (以党委书记为组长), in the clause that states it; "叫什么名字" needs a name
            return _role_clause(table, spans[0], titles)
        return holder
    return spans[0]


# what stands before a name in running text: a verb of choosing or making, a function word (聘请广东汉铎律师事务所,
# 在双竹村, 由红岩村)
_BEFORE_NAME = re.compile(r".*(?:聘请|聘任|委托|选聘|创建|创成|建成|打造|推荐|评为|获评|命名|确定|依托|联合|通过|组织|指导"
                          r"|推广|学习|借鉴|参照|走访|前往|赴"
                          r"|[的在了是由和与及将对为把被从向到于以、])")


def _may_be_name(words: str) -> bool:
    """Whether words ending in a place word may be a place's name: not a title (民主法治示范村) nor a generic
    place word (推进农村, 各村)."""
    return not PLACE_TITLE.search(words) and words[-2:] not in GENERIC_PLACES and words[-3:] not in GENERIC_PLACES


def _entity_name(quote: str, asked: str, question: str, places: Collection[str]) -> str | None:
    """The name of the place or body a "哪个村 / 哪家律师事务所" question asks for, as the quote gives it: a
    place of the corpus ending so (双竹村), else the words before the kind word back to a verb or function
    word (聘请广东汉铎律师事务所 -> 广东汉铎律师事务所); None when the quote names none the question does not."""
    whole = to_simplified(quote)
    kw = keywords(question)
    # the clause that says what the question asks first (以何湾村、杨岗村为重点…，杨岗村被命名为…: 杨岗村)
    clauses = sorted(COMMA_PART.findall(whole), key=lambda c: -sum(1 for k in kw if contains(c, k)))
    kinds = "|".join(re.escape(k) for k in synonym_index().get(asked, (asked,)))  # 律所: 律师事务所 too
    longest = 4 if asked in ("村", "社区", "居委会", "乡", "镇") else 8  # a place's name is short
    for text in clauses:
        known = sorted((p for p in names_in(text, places, shortest=len(asked) + 1)
                        if p.endswith(asked) and p not in question), key=lambda p: text.index(p))
        if known:
            return known[0]
        for m in re.finditer(r"([\u4e00-\u9fff]{1,10}?)(" + kinds + ")", text):
            stem = _BEFORE_NAME.sub("", m.group(1))
            name = stem + m.group(2)
            if (2 <= len(stem) <= longest and name not in question and not re.search(r"[乡镇街道县区市省]$", stem)
                    and _may_be_name(name)):
                return name
    return None


# a day as reports write it: 2020年3月25日, 二〇二四年十二月二十日 (rag.ingest.metadata's dates), or without its
# year (3月25日), or 2021-05-27
_DAY = re.compile(DATE.pattern + "|" + CN_DATE.pattern + r"|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"
                  r"|(?<![\d.])\d{1,2}\s*月(?:份|上旬|中旬|下旬|初|底)?")  # (9月，组织…: the month alone)


def _quoted_name(quote: str, kw: list[str], question: str) -> str | None:
    """What a thing is called, for a question asking its name: the quoted term of the sentence that names one of
    the question's words right after it (“1+3+N”学习机制, “湾事芜优”诉源治理工作站), not one the question itself
    says; None when no quoted term stands so (a lead then would be a guess)."""
    text = to_simplified(quote)
    places = [m.start() for k in kw for alt in k.split("|") for m in re.finditer(re.escape(alt), text)]
    best: tuple[int, str] | None = None
    for m in QUOTED.finditer(text):
        name = m.group(1)
        if compact(name) in question:
            continue
        gap = min((p - m.end() for p in places if p >= m.end()), default=None)
        if gap is not None and gap <= 2 and (best is None or gap < best[0]):
            best = (gap, f"“{name}”")
    return best[1] if best else None


def _day(quote: str) -> str | None:
    """The day a sentence names (the first), for a question that asks when; None when it names none."""
    m = _DAY.search(to_simplified(quote))
    return re.sub(r"\s+", "", m.group(0)) if m else None


def _titles(plan: Plan, kw: list[str]) -> str:
    """The asked title's forms as alternatives of a pattern (党委书记|委书记|书记), else the keywords'."""
    forms = title_forms(to_simplified(compact(plan.topic or plan.effective)))
    return "|".join(re.escape(t) for t in forms) or "|".join(re.escape(alt) for k in kw for alt in k.split("|"))


# words that begin or make up no name after a title: 任组长, 和镇长, 为副主任 (任 and 和 are surnames too)
_NOT_A_NAME = re.compile(r"^[任为和于兼及与并等在对向从把被将由]|" + TITLE_TAILS + r"|组|副|党|委|镇|乡|街|村|县|区")


def _person(text: str, titles: str, question: str) -> str | None:
    """The name of the holder of a title in a sentence: after the title (镇党委书记李太平于…) or before it
    (律师林建辉作为乡政府常年法律顾问, 由张明担任组长); "" when some holder is named but the words are no name
    by their surname (书记多次带队); None when the sentence names no holder. Never a deputy (副组长)."""
    after = rf"(?<!副)(?:{titles})([\u4e00-\u9fff]{{2,3}}?)(?:同志|于|主持|带领|带头|亲自|作为|任|为|[、，,。；;（(])"
    before = (rf"(?:由|律师|同志|聘请了?|聘任|选聘|任命)([\u4e00-\u9fff]{{2,3}}?)(?:同志)?(?:作为|担任|出任|任|为)"
              rf"[\u4e00-\u9fff]{{0,10}}?(?<!副)(?:{titles})")
    named = [m.group(1) for pattern in (after, before) for m in re.finditer(pattern, text)]
    if not named:
        return None
    return next((n for n in named if (n[0] in SURNAMES or n[:2] in SURNAMES) and n not in question
                 and not _NOT_A_NAME.search(n)), "")


# a part of a sentence between commas (a list joined by 、 stays whole: 以党工委书记、办事处主任为指挥长)


def _role_clause(table: Any, span: tuple[Scored, int | None, int | None], titles: str
                 ) -> tuple[Scored, int | None, int | None]:
    """The clause of a span that gives the asked title its holder (以街道党工委书记、办事处主任为指挥长), so that
    the quote keeps it however long the sentence; the span itself when no clause does."""
    s, start, end = span
    u = table.units[s.unit]
    if start is None or end is None or not (u.start <= start and end <= u.end):
        return span
    text = to_simplified(u.text)  # same length, character for character
    role = re.compile(rf"(?:为|任|担任|是)(?:{titles})|(?<!副)(?:{titles})(?:由|是|为)")  # not 副组长为… for 组长
    for m in COMMA_PART.finditer(text, start - u.start, end - u.start):
        if role.search(m.group(0)):
            return s, u.start + m.start(), u.start + m.end()
    return span


def _names_the_rest(table: Any, s: Scored, kw: list[str], titles: str) -> bool:
    """Whether a sentence (with its heading and the sentence before it in its passage, which a list of roles
    continues: 成立了以书记为组长，镇长为副组长…的领导小组) holds every keyword of the question that is not the
    asked title."""
    u = table.units[s.unit]
    before = table.units[s.unit - 1] if s.unit > 0 else None
    near = u.norm + u.context + (before.norm if before is not None and before.chunk == u.chunk else "")
    title = re.compile(titles) if titles else None
    rest = [k for k in kw if not (title and any(title.fullmatch(alt) for alt in k.split("|")))]
    return all(contains(near, k) for k in rest)


def _role_holder(text: str, titles: str) -> str | None:
    """Who holds the asked title by office, when no name is given: 以街道党工委书记、办事处主任为指挥长 ->
    街道党工委书记、办事处主任; 由镇长担任副组长 -> 镇长 (for 副组长 only). None when the sentence says neither."""
    for pattern in (rf"以([^，,；;。以为]{{2,24}}?)为(?:{titles})", rf"由([^，,；;。由]{{2,24}}?)(?:担任|任|出任)(?:{titles})",
                    rf"(?<!副)(?:{titles})(?:由|为)([^，,；;。]{{2,24}}?)(?:担任|出任|[，,；;。]|$)",
                    rf"(?:^|[，,；;。:：”“])([^，,；;。:：”“以由]{{2,24}}?)(?:为|任|担任)(?:{titles})"):  # 镇长为副组长
        m = re.search(pattern, text)
        if m:
            return m.group(1)
    return None


def _in_question(name: str, question: str) -> bool:
    """A name the question itself holds (its tail of three or more characters: 示范村 in 民主法治示范村)."""
    return any(name[i:] in question for i in range(max(1, len(name) - 2)))


def _relevant(s: Scored, kw: list[str]) -> bool:
    """Relevant means: the sentence holds enough of the question's words (the share fitted by
    bench/calibrate_fact.py, rag.decide.fact_min_lexical). A question with no
    recognisable words ("asdf", or English outside the glossary) is never answered by closeness of
    embeddings alone: they are close for anything."""
    return bool(kw) and s.lexical >= fact_min_lexical()


def _with_their_figures(table: Any, scored: list[Scored], kw: list[str], rate: bool) -> list[Scored]:
    """Sentences that name what a figure question asks without its figure, read with the next sentence of their
    paragraph that gives it ("组织干部参加法治理论考试。2022年，辖区累计参考79人，参考合格率达到100％。"): the
    two hold the question's words between them. Each as its topic sentence with the pair's coverage, when that
    is enough (rag.decide.fact_min_lexical); _fact_span then quotes the two."""
    weights = table.weights(kw)
    total = sum(weights.values())
    by_unit = {s.unit: s for s in scored}
    out = []
    for s in scored[:30]:
        nxt = by_unit.get(s.unit + 1)
        if nxt is None or total <= 0.0:
            continue
        u, v = table.units[s.unit], table.units[s.unit + 1]
        if v.source != u.source or v.start != u.end or has_figure(u.text) or _fact_span(table, s, "", rate)[0] is None:
            continue
        matched = list(dict.fromkeys(s.matched + nxt.matched))
        lexical = sum(weights.get(k, 0.0) for k in matched) / total
        if lexical >= fact_min_lexical():
            out.append(Scored(s.unit, lexical, s.dense, s.score, matched))
    return sorted(out, key=lambda s: -s.lexical)


def _fact_span(table: Any, s: Scored, unit_word: str | None, rate: bool = False) -> tuple[int | None, int | None]:
    """The span that answers: the sentence itself, or, when a number is asked for and the sentence
    names the topic but not the figure, the sentence with the next one of its paragraph."""
    u = table.units[s.unit]

    def ok(text: str) -> bool:
        figs = figures(text)
        return bool([f for f in figs if is_percent(f[2])] if rate else figs)

    if unit_word is None or ok(u.text):
        return u.start, u.end
    nxt = s.unit + 1
    if nxt < len(table.units):
        v = table.units[nxt]
        # (same paragraph, and not the next point of a list, 二是…, whose figure counts its own thing)
        if v.source == u.source and v.start == u.end and ok(v.text) and not _ENUMERATED.match(v.text):
            return u.start, v.end
    return None, None


def _compose_general(plan: Plan, index: Any, reports: list[Report], scored: list[Scored], kw: list[str],
                     table: Any) -> Answer:
    good = [s for s in scored if _relevant(s, kw)]
    if not good:
        return _not_found(plan, reports, kw, "", scored)
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
        lines.append(f"{report_label(cs[0].township, None, cs[0].year, cs[0].source)}：" + "".join(f"“{c.quote}”[{c.n}]" for c in cs))
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
    nth = ordinal(to_simplified(plan.effective))
    for r in reports:
        units = sorted(by_source.get(r.source, []), key=lambda i: table.units[i].start)
        # the section's points, not its bare sub-headings ("（一）法治队伍建设上有差距。"), when it has both; never
        # a lead-in ("主要存在以下问题：") when the points follow it
        units = [i for i in units if not table.units[i].text.rstrip().endswith((":", "："))] or units
        body = [i for i in units if not table.units[i].heading] or units
        enumerated = [i for i in body if _ENUMERATED.match(table.units[i].text)]
        numbered_heads = [i for i in units if table.units[i].heading and _ENUMERATED.match(table.units[i].text)]
        # a report whose points are one-line numbered headings with nothing under them (小龙门乡: "(一)法治意识
        # 不强…" line after line); headings with a body under them are sub-headings, and the body holds the points
        following: list[int | None] = [*numbered_heads[1:], None] if numbered_heads else []
        bare_heads = [h for h, nxt in zip(numbered_heads, following, strict=True)
                      if not any(table.units[h].start < table.units[i].start
                                 and (nxt is None or table.units[i].start < table.units[nxt].start)
                                 for i in body if not table.units[i].heading)]
        heads_are_points = len(numbered_heads) >= 2 and len(bare_heads) * 2 > len(numbered_heads)
        points = enumerated if len(enumerated) >= 2 else numbered_heads if heads_are_points else body
        top: list[int] = []
        if nth is not None:  # "第三个问题": the section's third point, at its top level of numbering
            top = _top_points(table, units)
            points = top[nth - 1 : nth]
        cs = []
        for i in points[: 4 if len(reports) == 1 else 3]:
            c = _citation(len(citations) + 1, index, table, score_of[i], [])
            citations.append(c)
            cs.append(c)
        if cs:
            lines.append(f"{report_label(r.township, None, r.year, r.source)}：" + "".join(f"“{c.quote}”[{c.n}]" for c in cs))
        elif nth is not None and r.source in by_source:
            lines.append(f"{report_label(r.township, None, r.year, r.source)}：这一部分只列出{len(top)}点，没有第{nth}点。")
    if len(reports) > 1:
        lines.insert(0, f"共考察{len(reports)}份报告，各报告的相关部分如下：")
        missing = [town_label(r.township, r.source) for r in reports if r.source not in by_source]
        if missing:
            lines.append("其余报告（" + "、".join(missing) + "）没有这一部分。")
    return Answer(question=plan.question, text="\n".join(lines), found=bool(citations), citations=citations,
                  considered=len(reports))


def _numbering(text: str) -> str | None:
    """The numbering style of a point: "（一）", "一是", "1."; None when it is not numbered."""
    m = _ENUMERATED.match(text)
    if not m:
        return None
    mark = m.group(0).strip()
    return "是" if mark.endswith("是") else "paren" if mark[0] in "(（" else "dot"


def _top_points(table: Any, units: list[int]) -> list[int]:
    """The numbered points of a section at the numbering style met first (its top level)."""
    styles = [(i, _numbering(table.units[i].text)) for i in units]
    first = next((st for _, st in styles if st), None)
    return [i for i, st in styles if st is not None and st == first]


def _by(r: Citation | Report) -> str:
    """大歇镇2024年 / 乡镇未识别（x.txt）年份未知: who a report is, in running text."""
    return town_label(r.township, r.source) + year_label(r.year)


def _where(reports: list[Report]) -> str:
    """The reports a not-found answer names ("大歇镇2024年、高观镇2022年"), when there are few of them."""
    return "、".join(dict.fromkeys(_by(r) for r in reports)) if len(reports) <= 3 else ""


def _not_found(plan: Plan, reports: list[Report], kw: list[str], suffix: str,
               scored: list[Scored] | None = None) -> Answer:
    """The reports do not cover the question. With the scored sentences: the words no sentence in scope
    holds are named (关于“燃气”的内容), or, when each word is somewhere, that none says them together."""
    where = _where(reports)
    held = set().union(*(s.matched for s in scored)) if scored else set()
    absent = [k for k in kw if k not in held]
    together = bool(scored) and bool(kw) and not absent
    topic = "、".join(head(k) for k in (absent if scored and absent else kw)[:4])
    about = (f"同时涉及“{topic}”的内容" if together else f"关于“{topic}”的内容") if topic else "相关内容"
    text = f"所提供的{where}报告中没有找到{about}。{suffix}".replace("所提供的报告", "所提供的报告")
    return Answer(question=plan.question, text=text, found=False, considered=len(reports))


def _citation(n: int, index: Any, table: Any, s: Scored, kw: list[str], unit_word: str | None = None,
              span: tuple[int, int] | None = None, limit: int = QUOTE_MAX) -> Citation:
    u = table.units[s.unit]
    ref = index.chunks[u.chunk]
    report = index.reports[u.source]
    lo, hi = span or (u.start, u.end)
    start, end = _clip(report.text, lo, hi, {k: table.idf(k) for k in kw}, unit_word, limit)
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


def _clip(text: str, start: int, end: int, kw: dict[str, float], unit_word: str | None,
          limit: int = QUOTE_MAX) -> tuple[int, int]:
    """Narrow a long sentence to the clauses around its matched keywords (still an exact span). A clause
    weighs the rarity (IDF) of the keywords it holds: the clause with the rare word asked for (志愿者) beats
    one with a common word of a long synonym group (普法|法治宣传|…)."""
    if end - start <= limit:
        return start, end
    clauses = [(start + m.start(), start + m.end()) for m in _CLAUSE.finditer(text[start:end]) if m.group().strip()]
    if not clauses:
        return start, min(end, start + limit)

    def weight(span: tuple[int, int]) -> float:
        c = compact(text[span[0] : span[1]])
        w = sum(idf for k, idf in kw.items() if contains(c, k))
        if unit_word is not None and has_figure(c):
            w += 2
        return w

    # a figure asked for: around the clause that gives one of its kind (the count's clause of a long pair,
    # not the clause of the context that names the most words)
    counting = [i for i, (a, b) in enumerate(clauses) if unit_word is not None and _counts_asked(text[a:b], unit_word)]
    best = max(counting or range(len(clauses)), key=lambda i: weight(clauses[i]))
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




def _leading_number(figure: str) -> str:
    m = re.match(r"\d+(?:,\d{3})*(?:\.\d+)?", figure)
    return m.group(0).replace(",", "") if m else ""


# a number of three or more digits used as a name, not followed by a measure word or a date word (12345热线)
_NAME_NUMBER = re.compile(r"(?<![\d.])(\d{3,})(?![\d.,]|\s*[" + MEASURE_WORDS + r"年月日号%])")


def _pick_figure(quote: str, kw: list[str], unit_word: str | None, rate: bool,
                 idf: Callable[[str], float], question: str = "") -> str | None:
    """The figure the question asks for: the one that shares a clause with the question's words and
    sits closest to its rarest ones ("1个镇级网格，11个村级网格": 村级 picks 11个). None when no figure
    shares a clause with any of them: the sentence then names the topic but not its number."""
    picked = _pick_figure_at(quote, kw, unit_word, rate, idf, question)
    return picked[0] if picked else None


_WHOLE_OF_PART = re.compile(r"(\d+)\s*[" + MEASURE_WORDS + r"][\u4e00-\u9fff]{0,4}?(?:之中|当中|中|里)(?:有|的)?(?:多少|几)")
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到了?|达|占|有|提高到|增长)?")


def _respectively(text: str, figs: list[tuple[int, int, str]]) -> dict[int, str]:
    """The item each figure of "A、B分别为X和Y" counts (its offset -> the item's words), where the items and the
    figures after 分别 are as many."""
    paired: dict[int, str] = {}
    for m in _RESPECTIVELY.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in "，,；;。：:") + 1
        ends = [i for c in "，,；;。" if (i := text.find(c, m.end())) >= 0]
        end = min(ends) if ends else len(text)
        items = [x for x in re.split(r"、|以及|和|与|及", text[start:m.start()]) if x]
        after = [f for f in figs if m.end() <= f[0] < end]
        if len(items) == len(after) >= 2:
            # the first item carries what all of them share (学法考试参考率、合格率): as long as the longest other
            items[0] = items[0][-max(len(x) for x in items[1:]):]
            paired.update({f[0]: item for item, f in zip(items, after, strict=True)})
    return paired


def _pick_figure_at(quote: str, kw: list[str], unit_word: str | None, rate: bool, idf: Callable[[str], float],
                    question: str = "", taken: frozenset[int] = frozenset()) -> tuple[str, int] | None:
    """_pick_figure() with the figure's offset in the quote; figures at the offsets ``taken`` (given for
    another part of the question) are passed over."""
    # a number the question itself names a thing by is no answer (the 12345 hotline); a count or date it says
    # (1至6月, 3个调解室) may be one
    asked_numbers = {m.group(1).replace(",", "") for m in _NAME_NUMBER.finditer(compact(question))}
    # ... nor the whole it asks a part of (18个村中有几个: 18)
    asked_numbers |= {m.group(1) for m in _WHOLE_OF_PART.finditer(to_simplified(compact(question)))}
    figs = [f for f in figures(quote) if _leading_number(f[2]) not in asked_numbers and f[0] not in taken]
    # the figure a change starts from (由7人增至12人) is not the one now, unless the question asks for it
    if not re.search(r"原来|原先|原有|以前|此前|之前|增加前|调整前", question):
        figs = [f for f in figs if not (CHANGE_FROM.search(to_simplified(quote[max(0, f[0] - 10):f[0]]))
                                        and CHANGE_TO.match(to_simplified(quote[f[1]:f[1] + 8])))]
    if rate:
        figs = [f for f in figs if is_percent(f[2])]
    elif unit_word:  # the unit asked for, else one of its family (件 ~ 宗), else a bare number; never 3人 for 几个
        # (of the family, not the asked word alone: 审了多少份合同 is answered by 合同二十三件, not 意见书7份)
        figs = [f for f in figs if counts_as(to_simplified(f[2]), unit_word)] \
            or [f for f in figs if f[2].strip().replace(".", "").replace(",", "").isdigit()]
    simple = to_simplified(quote)  # same length, character for character
    clauses = [(m.start(), m.end()) for m in CLAUSE.finditer(simple)]
    asked = compact(question)
    # two keywords the question writes side by side (政府+文件): a clause that writes them so too counts them again
    pairs = [(a, b) for a, b in zip(kw, kw[1:], strict=False)
             if a.split("|", 1)[0] + b.split("|", 1)[0] in asked]
    # the action the count is asked of (化解了多少件: 化解), so that 排查…380件 does not answer for 化解…372件
    action = next((k for k in kw if any(re.search(re.escape(alt) + r"(?:了|过)?(?:多少|几)", asked)
                                        for alt in k.split("|"))), None)

    def weight(k: str) -> float:
        return idf(k) * (2.0 if k == action else 1.0)

    # the character the question names right after its ask (几个村: 村)
    ask_then = re.search(r"(?:多少|几)[" + MEASURE_WORDS + r"]?([\u4e00-\u9fff])", to_simplified(asked))
    counted_after = ask_then.group(1) if ask_then else None

    best: tuple[str, int] | None = None
    best_score = 0.0
    wholes: list[frozenset[str]] = []  # the keywords each figure before a 其中 holds in its clause
    paired = _respectively(simple, figs)
    for f_start, f_end, f_text in figs:
        if f_start in paired:  # 解决率、满意率分别为93.6%和97.2%: a figure counts its own item
            held_by = [k for k in kw if any(alt in paired[f_start] for alt in k.split("|"))]
            score = sum(weight(k) for k in held_by)
            if score > best_score:
                best, best_score = (f_text.strip(), f_start), score
            continue
        at = next((i for i, (a, b) in enumerate(clauses) if a <= f_start < b), None)
        lo, hi = clauses[at] if at is not None else (0, len(simple))
        clause = simple[lo:hi]
        # (a bare number, the last resort when no figure has the asked unit, borrows nothing)
        bare = f_text.strip().replace(".", "").replace(",", "").isdigit()
        before = simple[clauses[max(0, at - ELIDED_CLAUSES)][0]:lo] if at and not bare else ""
        # a figure whose clause names none of the question's words but the thing it counts, as the question does
        # right after its ask (有几个村修订了村规民约: 指导全镇12个村…，全面修订了村规民约): the clause after it says
        # what befell them
        alone = at is not None and at + 1 < len(clauses) and not bare and counted_after is not None \
            and simple.startswith(counted_after, f_end) and not any(alt in clause for k in kw for alt in k.split("|"))
        after = simple[clauses[at + 1][0]:clauses[at + 1][1]] if alone and at is not None else ""
        score = 0.0
        held: set[str] = set()
        for k in kw:
            gaps = [
                max(f_start - (lo + m.end()), (lo + m.start()) - f_end, 0)
                for alt in k.split("|")
                for m in re.finditer(re.escape(alt), clause)
            ]
            if gaps:  # held in the figure's clause; the nearer the figure, the more
                score += weight(k) * (0.5 + 0.5 / (1 + min(gaps)))
                held.add(k)
            elif before and any(alt in before for alt in k.split("|")):
                # a clause that leaves out what it counts (排查纠纷380件，成功化解372件; 整治违法行为147起，其中…处罚68起):
                # the words of the clauses before it stand for it, at half weight
                score += 0.5 * weight(k)
            elif after and any(alt in after for alt in k.split("|")):
                score += 0.5 * weight(k)
        for a, b in pairs:
            if any(x + y in clause for x in a.split("|") for y in b.split("|")):
                score += 0.5 * (idf(a) + idf(b))
            elif before and any(x + y in before for x in a.split("|") for y in b.split("|")):
                score += 0.25 * (idf(a) + idf(b))
        # a part counted after 其中 (调处矛盾纠纷64起…其中调处林权纠纷9起) answers only when the question asks
        # for more than the whole's clause holds
        sub = "其中" in clause[: f_start - lo] and "其中" not in asked
        if sub and any(whole >= held for whole in wholes):
            continue
        if not sub:
            wholes.append(frozenset(held))
        if EACH_ONE.search(clause[: f_start - lo]) and not EACH_ONE.search(asked):
            score *= 0.5  # 每村选举1名代表…，累计参训人员11名: a figure for each one is not the total asked
        if TOTAL_ADVERB.search(asked):  # 累计建成几个: the total (累计达到5个), not this year's new ones (新增2个)
            if TOTAL_ADVERB.search(clause[: f_start - lo]):
                score *= 1.5
            elif NEW_ONES.search(clause[: f_start - lo]):
                score *= 0.5
        if unit_word and not rate and unit_word in f_text:
            score *= 1.25  # the very word asked (件 for 多少件) over another of its family
        if score > best_score:
            best, best_score = (f_text.strip(), f_start), score
    return best


