"""Questions about the reports themselves rather than their content: which reports the corpus holds,
when a report was signed, which county or province a township belongs to.

They are answered from the report metadata, and cited where the report's own text states it.
"""

from __future__ import annotations

import re
from functools import partial

from rag.lexicon import (
    CORPUS_REST,
    ETHNIC,
    EXISTS_FRAME,
    GENRE_WORDS,
    META_ADDRESSEE,
    META_CORPUS,
    META_COUNTY,
    META_DATE,
    META_EXISTS,
    META_PROVINCE,
    META_SCRIPT,
    META_YEAR,
    META_YEARS,
    PAGE_DATE_ASKED,
    PLACE_NAME,
    REPORT_NOUN,
    REPORT_WORD,
    SCRIPT_FRAME,
    WHICH_PLACES_ASKED,
    YEAR_WORD,
)
from rag.models import Answer, Citation, Report, town_label, year_label
from rag.text import compact, to_simplified


def metadata_answer(question: str, reports: list[Report], topic: str | None = None,
                    library: list[Report] | None = None) -> Answer | None:
    """An answer from metadata when the question asks for it, else None (a content question).

    In either script or English: which reports there are (in the scope the question names: "哪些乡镇属于重庆市");
    for one township, its county (district) or province, the year its report covers, and the signing date.
    ``topic`` is the question without its place and year words (rag.plan), to tell "城口县有哪些报告" (the
    library) from "哪些乡镇的报告提到法律顾问" (their content).
    """
    q = compact(question)
    spaced = to_simplified(question).lower()
    script = META_SCRIPT.search(to_simplified(q)) or META_SCRIPT.search(spaced)
    if script and not _asks_about_content(META_CORPUS.sub(" ", SCRIPT_FRAME.sub(
            " ", to_simplified(topic).lower() if topic else spaced))):
        return _corpus(question, [r for r in reports if r.script == "traditional"], "繁体字")
    bare = _LIBRARY_NOISE.sub("", to_simplified(q))  # 哪些乡镇有2022年的报告, 库里有哪些…报告
    if META_CORPUS.search(q) or META_CORPUS.search(spaced) or META_CORPUS.search(bare):
        # what is left once the places and years (``topic``) and the library words are taken out
        rest = META_CORPUS.sub(" ", to_simplified(topic).lower() if topic else spaced)
        if not _asks_about_content(rest):
            return _corpus(question, reports)
    elif WHICH_PLACES_ASKED.search(spaced) and REPORT_NOUN.search(spaced) and not _asks_about_content(
            to_simplified(topic).lower() if topic else spaced):
        # any other wording that asks which reports (or places) there are and names nothing else: "库里有哪几个乡镇
        # 报了2022年度的报告", "2022年度的报告是哪几个乡镇的", "Which townships have a 2022 report?"
        return _corpus(question, reports)
    towns = {r.township for r in reports}
    if len(towns) > 1 and (META_YEARS.search(q) or META_YEARS.search(spaced)) and (
            REPORT_WORD.search(q) or REPORT_WORD.search(spaced)):
        rest = META_YEARS.sub(" ", META_CORPUS.sub(" ", to_simplified(topic).lower() if topic else spaced))
        if not _asks_about_content(rest):
            return _library_years(question, reports)
    if len(towns) != 1 or reports[0].township is None:
        return None
    report = max(reports, key=lambda r: r.year or 0)
    if META_ADDRESSEE.search(q) or META_ADDRESSEE.search(spaced):
        return _addressee(question, report) if len(reports) == 1 else None
    if META_DATE.search(q) or META_DATE.search(spaced):
        return _signed(question, report) if len(reports) == 1 else None
    # (the newest report that states it: a township's province or county holds for each of its years, also for a
    # year asked whose report does not state it)
    others = [r for r in library or [] if r.township == report.township and r not in reports]
    # (not of a count: in "How many mediators does Xizhu subdistrict in Wuhua district have?" the district is a scope)
    counts = bool(_COUNT_ASKED.search(spaced))
    answers: list[Answer] = []  # each part asked: "那份报告是哪一年度的？共和乡归哪个区管？" asks two
    if not counts and (META_PROVINCE.search(q) or META_PROVINCE.search(spaced)):
        answers.append(_province(question, _newest_with(reports, "province") or _newest_with(others, "province")
                                 or report))  # (with its county)
    elif not counts and (META_COUNTY.search(q) or META_COUNTY.search(spaced)):
        answers.append(_place(question, _newest_with(reports, "county") or _newest_with(others, "county") or report))
    if (META_YEAR.search(q) or META_YEAR.search(spaced) or META_YEARS.search(q) or META_YEARS.search(spaced)) and (
            REPORT_WORD.search(q) or REPORT_WORD.search(spaced)):
        answers.append(_years(question, reports))
    return _together(question, answers) if answers else None


_CITED = re.compile(r"\[(\d+)\]")


def _renumber(offset: int, m: re.Match[str]) -> str:
    return f"[{int(m.group(1)) + offset}]"


def _together(question: str, answers: list[Answer]) -> Answer:
    """The answers to the parts of one question, in one reply, their citations numbered on."""
    if len(answers) == 1:
        return answers[0]
    texts: list[str] = []
    citations: list[Citation] = []
    for a in answers:
        offset = len(citations)
        texts.append(_CITED.sub(partial(_renumber, offset), a.text))
        citations += [c.model_copy(update={"n": c.n + offset}) for c in a.citations]
    return Answer(question=question, text="".join(texts), found=any(a.found for a in answers), citations=citations,
                  considered=max(a.considered for a in answers))


_COUNT_ASKED = re.compile(r"how many|how much|what percentage|多少|(?<!哪)几[个名件次人项场起宗份]")


def _newest_with(reports: list[Report], field: str) -> Report | None:
    """The newest of ``reports`` whose ``field`` is known, or None."""
    known = [r for r in reports if getattr(r, field)]
    return max(known, key=lambda r: r.year or 0) if known else None


def existence_answer(question: str, townships: list[str], years: list[int], library: list[Report],
                     topic: str | None = None) -> Answer | None:
    """"有没有桑柘镇2023年的报告？": yes with the reports, or no with what the library holds of that township.
    None for any other question (one that names no township, or asks what a report says)."""
    q = compact(question)
    spaced = to_simplified(question).lower()
    if not townships or not (META_EXISTS.search(q) or META_EXISTS.search(spaced)):
        return None
    # what is left of the question without its frame (有没有…报告吗): "有没有召开党委会听取法治建设报告" still names a topic
    rest = EXISTS_FRAME.sub(" ", to_simplified(topic).lower() if topic else spaced)
    if _asks_about_content(rest):
        return None
    held = [r for r in library if r.township in townships]
    found = sorted((r for r in held if not years or r.year in years), key=lambda r: (r.township or "", r.year or 0))
    asked = "、".join(townships) + ("、".join(str(y) for y in years) + "年" if years else "")
    if found:
        citations: list[Citation] = []
        lines = [f"有，共{len(found)}份：" if len(found) > 1 else "有："]
        for r in found:
            start, end = _title_span(r)
            citations.append(_citation(len(citations) + 1, r, start, end))
            lines.append(f"- {town_label(r.township, r.source)}{year_label(r.year, '年度')}：{r.title or r.source}"
                         f"[{len(citations)}]")
        return Answer(question=question, text="\n".join(lines), found=True, citations=citations,
                      considered=len(library))
    other = sorted({year_label(r.year) for r in held})
    text = f"没有{asked}的报告。" + (f"报告库中{'、'.join(townships)}的报告：{'、'.join(other)}。" if other
                                    else f"报告库中没有{'、'.join(townships)}的报告。")
    return Answer(question=question, text=text, found=False, considered=len(library))


# what a question about the library may say besides: the year, where (库里), the reports' own name
_LIBRARY_NOISE = re.compile(YEAR_WORD + r"的?|年度的?|库里|库中|里面|系统里|数据库里"
                            r"|法治政府建设(?:工作)?(?:情况)?(?:年度)?的?")


def _asks_about_content(rest: str) -> bool:
    """The rest of a question about which reports exist still names a topic: "哪些乡镇的报告提到法律顾问" asks
    what the reports say, "哪些乡镇的报告已收录" does not."""
    from rag.evidence import keywords

    return any(w not in GENRE_WORDS and not REPORT_WORD.fullmatch(w) and w not in CORPUS_REST
               and not PLACE_NAME.fullmatch(w) for w in keywords(rest, synonyms=False))


def _citation(n: int, report: Report, start: int, end: int) -> Citation:
    return Citation(
        n=n, township=report.township, county=report.county, year=report.year, source=report.source,
        section="", kind="other", quote=report.text[start:end], start=start, end=end, score=1.0,
    )


def _line_around(text: str, start: int, end: int, limit: int = 80) -> tuple[int, int]:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    return max(lo, start - limit // 2), min(hi, end + limit // 2)


_COUNT = re.compile(r"多少份|几份|多少个|几个|how many|number of")


def _corpus(question: str, reports: list[Report], kind: str = "") -> Answer:
    """The reports (those of ``kind``, e.g. 繁体字, when a kind is asked), each with its title cited."""
    if not reports:
        return Answer(question=question, text=f"报告库中没有{kind}报告。", found=False, considered=0)
    reports = sorted(reports, key=lambda r: (r.township or "", r.year or 0))
    if _COUNT.search(to_simplified(question).lower()):  # "一共有多少份报告": the number, then the reports in one line
        citations: list[Citation] = []
        names = []
        for r in reports:
            start, end = _title_span(r)
            citations.append(_citation(len(citations) + 1, r, start, end))
            names.append(f"{town_label(r.township, r.source)}（{year_label(r.year)}）[{len(citations)}]")
        return Answer(question=question, text=f"共{len(reports)}份{kind}报告：" + "、".join(names) + "。", found=True,
                      citations=citations, considered=len(reports))
    citations = []
    lines = [f"共{len(reports)}份{kind}报告："]
    for r in reports:
        where = "".join(x for x in (r.province, r.county) if x)
        line = f"- {town_label(r.township, r.source)}" + (f"（{where}）" if where else "") + f"{year_label(r.year, '年度')}：{r.title or r.source}"
        start, end = _title_span(r)  # its title where the text has it, else its first line
        if end > start:
            citations.append(_citation(len(citations) + 1, r, start, end))
            line += f"[{len(citations)}]"
        lines.append(line)
    return Answer(question=question, text="\n".join(lines), found=True, citations=citations, considered=len(reports))


def _page_date(question: str, report: Report, label: str) -> Answer | None:
    """The date of the web page the report was copied from (Report.published), quoted where the text keeps it,
    else at the title with a note (the page's header lines are not in the cleaned text)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", report.published or "")
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    text = f"{label}所在网页注明的日期是{y}年{mo}月{d}日[1]"
    pos = report.text.find(report.published or "", 0, 2000)
    if pos >= 0:
        span = (pos, pos + len(report.published or ""))
    else:
        span = _title_span(report)
        text += "（见网页页头，正文未保留该行）"
    text += "。" + (f"报告落款日期：{report.date}。" if report.date else "")
    return Answer(question=question, text=text, found=True, citations=[_citation(1, report, *span)], considered=1)


def _signed(question: str, report: Report) -> Answer:
    """The signing date, quoted where the report writes it (else its last line, which is the signature); the
    date of the web page the report was copied from when that is asked (发布, published) or no signing
    date is written."""
    label = f"{town_label(report.township, report.source)}{year_label(report.year, '年度')}报告"
    if PAGE_DATE_ASKED.search(to_simplified(question).lower()):
        page = _page_date(question, report, label)
        if page is not None:
            return page
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(report.date or ""))
    if not m:
        page = _page_date(question, report, label)
        if page is not None:
            page.text = f"{label}没有写明落款日期；" + page.text.removeprefix(label)
            return page
        return Answer(question=question, text=f"{label}没有写明落款日期。", found=False, considered=1)
    y, mo, d = (int(x) for x in m.groups())
    stamp = f"{y}年{mo}月{d}日"
    pos = report.text.rfind(stamp)
    if pos >= 0:
        span = (pos, pos + len(stamp))
    else:  # written another way (二〇二四年十二月二十日): quote the last line, the signature
        last = report.text.rstrip()
        start = last.rfind("\n") + 1
        span = (start, len(last))
    text = f"{label}的落款日期是{stamp}[1]。"
    return Answer(question=question, text=text, found=True, citations=[_citation(1, report, *span)], considered=1)


# the addressee line of a report: an organ, then a colon, before the body starts
_ADDRESSEE = re.compile(r"^\s*([^\s:：。，,]{2,30}?(?:委员会|办公室|人民政府|政府|党委|县委|区委|市委|司法局|局|办)"
                        r"(?:[、，,][^\s:：。]{2,30})?)\s*[:：]\s*$")


def _addressee(question: str, report: Report) -> Answer:
    """Whom the report is addressed to: its addressee line (县委全面依法治县委员会办公室：)."""
    label = f"{town_label(report.township, report.source)}{year_label(report.year, '年度')}报告"
    offset = 0
    for line in report.text.split("\n")[:15]:
        m = _ADDRESSEE.match(to_simplified(line))
        if m and not re.match(r"\s*(?:按照|根据|现将|来源|发布|主要|存在)", line):
            start = offset + m.start(1)
            end = offset + m.end(1)
            return Answer(question=question, text=f"{label}报送给“{report.text[start:end]}”[1]。", found=True,
                          citations=[_citation(1, report, start, end)], considered=1)
        offset += len(line) + 1
    return Answer(question=question, text=f"{label}没有写明报送单位。", found=False, considered=1)


def _stated(report: Report, *names: str | None) -> tuple[int, int] | None:
    """The line around the first of these names that the report's text states, else its title line."""
    simple = to_simplified(report.text)
    titles = [m.span() for m in _BOOK_TITLE.finditer(simple)]
    for name in names:
        if not name:
            continue
        # (not inside a law's title: 《云南省安全生产条例》 says nothing of where the township lies)
        pos = next((m.start() for m in re.finditer(re.escape(name), simple)
                    if not any(a <= m.start() < b for a, b in titles)), -1)
        if pos >= 0:
            return _line_around(report.text, pos, pos + len(name))
    return None


_BOOK_TITLE = re.compile(r"《[^《》]{1,60}》")


def _title_span(report: Report) -> tuple[int, int]:
    # (the title as the page spaces it out: 新田镇 2021年 法治政府建设 年度报告)
    title = re.sub(r"\s+", "", to_simplified(report.title or ""))
    m = re.search(r"\s*".join(map(re.escape, title)), to_simplified(report.text)) if title else None
    if m:
        return m.start(), m.end()
    first = report.text.strip().split("\n", 1)[0][:80]
    start = report.text.find(first)
    return start, start + len(first)


def _metadata_reply(question: str, report: Report, text: str, span: tuple[int, int] | None) -> Answer:
    """A metadata answer cited where the text states it, or, when it does not, at the report's title with a
    note that the value is the report's metadata."""
    if span is None:
        text += "（报告正文未直接写明，依据报告元数据：标题、落款或所在县区的行政区划）"
        span = _title_span(report)
    return Answer(question=question, text=text.replace("[1]", "") + "[1]", found=True,
                  citations=[_citation(1, report, *span)], considered=1)


def _place(question: str, report: Report) -> Answer:
    who = town_label(report.township, report.source)
    if not report.county:
        return Answer(question=question, text=f"所提供的报告中没有写明{who}所属的县（区）。", found=False, considered=1)
    where = "".join(x for x in (report.province, report.county) if x)
    short = re.sub(rf"(?:{ETHNIC})*(?:自治县|县|区|市|旗)$", "", report.county)
    return _metadata_reply(question, report, f"{who}属于{where}。", _stated(report, report.county, short))


def _province(question: str, report: Report) -> Answer:
    who = town_label(report.township, report.source)
    if not report.province:
        return Answer(question=question, text=f"所提供的报告中没有写明{who}所在的省份。", found=False, considered=1)
    short = re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", report.province)
    where = report.province + (f"{report.county}" if report.county else "")
    return _metadata_reply(question, report, f"{who}位于{where}。", _stated(report, report.province, short, report.county))


def _library_years(question: str, reports: list[Report]) -> Answer:
    """The years the reports in scope cover, each with its townships, their titles cited."""
    by_year: dict[int | None, list[Report]] = {}
    for r in sorted(reports, key=lambda r: (r.year or 0, r.township or "")):
        by_year.setdefault(r.year, []).append(r)
    citations: list[Citation] = []
    parts = []
    for year, held in by_year.items():
        names = []
        for r in held:
            start, end = _title_span(r)
            citations.append(_citation(len(citations) + 1, r, start, end))
            names.append(f"{town_label(r.township, r.source)}[{len(citations)}]")
        parts.append(f"{year_label(year, '年度')}：{'、'.join(names)}")
    years = "、".join(str(y) for y in by_year if y is not None)
    head = f"报告库中的{len(reports)}份报告总结的是{years}年度的工作" if years else f"报告库中的{len(reports)}份报告"
    return Answer(question=question, text=head + "。\n" + "\n".join(f"- {p}" for p in parts), found=True,
                  citations=citations, considered=len(reports))


def _years(question: str, reports: list[Report]) -> Answer:
    reports = sorted(reports, key=lambda r: r.year or 0)
    who = town_label(reports[0].township, reports[0].source)
    dated = [r for r in reports if r.year]
    if not dated:
        return Answer(question=question, text=f"所提供的报告中无法确定{who}报告所总结的年度。", found=False,
                      considered=len(reports))
    citations: list[Citation] = []
    for r in dated:
        span = _stated(r, f"{r.year}年") or _title_span(r)
        title = r.title if r.title and str(r.year) in r.title else None
        if title:
            span = _title_span(r)
        citations.append(_citation(len(citations) + 1, r, *span))
    years = "、".join(f"{r.year}年度[{c.n}]" for r, c in zip(dated, citations, strict=True))
    text = f"{who}的报告总结的是{years}的法治政府建设工作。"
    return Answer(question=question, text=text, found=True, citations=citations, considered=len(reports))
