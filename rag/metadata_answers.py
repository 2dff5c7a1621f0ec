"""Questions about the reports themselves rather than their content: which reports the corpus holds,
when a report was signed, which county or province a township belongs to.

They are answered from the report metadata, and cited where the report's own text states it.
"""

from __future__ import annotations

import re

from rag.models import Answer, Citation, Report, town_label, year_label
from rag.text import compact, to_simplified

_CORPUS = re.compile(r"(有哪些|有几份|多少份|几份|哪几份)(年度)?报告|报告库|收录了|哪些乡镇的报告|哪些乡镇有报告")
_DATE = re.compile(
    r"(报告|落款|成文|印发|签发|发布)\S{0,8}?(日期|时间|哪天|哪一天|什么时候|何时)"
    r"|(什么时候|何时|哪天|哪一天)\S{0,6}?(印发|签发|发布|落款|成文)"
)
_PLACE = re.compile(r"(属于|位于|隶属)(哪个|哪一个|什么|哪)(省|市|县|区|地方)|(哪个|哪一个)(省|市|县|区)的")


def metadata_answer(question: str, reports: list[Report]) -> Answer | None:
    """An answer from metadata when the question asks for it, else None (a content question)."""
    q = compact(question)
    if _CORPUS.search(q):
        return _corpus(question, reports)
    if len(reports) != 1:
        return None
    report = reports[0]
    if _DATE.search(q) and report.date:
        return _signed(question, report)
    if _PLACE.search(q) and report.county:
        return _place(question, report)
    return None


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


def _corpus(question: str, reports: list[Report]) -> Answer:
    reports = sorted(reports, key=lambda r: (r.township or "", r.year or 0))
    citations: list[Citation] = []
    lines = [f"报告库共有{len(reports)}份报告："]
    for r in reports:
        where = "".join(x for x in (r.province, r.county) if x)
        line = f"- {town_label(r.township, r.source)}" + (f"（{where}）" if where else "") + f"{year_label(r.year, '年度')}：{r.title or r.source}"
        pos = to_simplified(r.text).find(to_simplified(r.title)) if r.title else -1
        if pos >= 0:
            citations.append(_citation(len(citations) + 1, r, pos, pos + len(r.title)))
            line += f"[{len(citations)}]"
        lines.append(line)
    return Answer(question=question, text="\n".join(lines), found=True, citations=citations, considered=len(reports))


def _signed(question: str, report: Report) -> Answer | None:
    y, m, d = (int(x) for x in str(report.date).split("-"))
    stamp = f"{y}年{m}月{d}日"
    pos = report.text.rfind(stamp)
    if pos < 0:
        return None
    text = f"{town_label(report.township, report.source)}{year_label(report.year, '年度')}报告的落款日期是{stamp}[1]。"
    return Answer(question=question, text=text, found=True, citations=[_citation(1, report, pos, pos + len(stamp))],
                  considered=1)


def _place(question: str, report: Report) -> Answer | None:
    simple = to_simplified(report.text)
    assert report.county is not None
    pos = simple.find(report.county)
    where = "".join(x for x in (report.province, report.county) if x)
    if pos < 0:
        return None
    lo, hi = _line_around(report.text, pos, pos + len(report.county))
    text = f"{town_label(report.township, report.source)}属于{where}[1]。"
    return Answer(question=question, text=text, found=True, citations=[_citation(1, report, lo, hi)], considered=1)
