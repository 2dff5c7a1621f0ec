"""Coverage of the corpus: which township has a report for which year, grouped by county, with the gaps.

    cov = coverage(list_reports().reports)      # townships x years, counts by year and by county
    gap = missing_reports(cov, 2024)            # "哪些乡镇还没有2024年的报告？"
    year = coverage_question("哪些乡镇还没有2024年的报告？")   # 2024, or None for another question

Pure functions over report metadata: the UI, the API, the CLI and the question path all call these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from rag.models import Answer

UNKNOWN_COUNTY = "（区县不详）"


class HasPlace(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def township(self) -> str | None: ...
    @property
    def county(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...


class TownshipRow(BaseModel):
    township: str
    county: str | None
    reports: dict[int, list[str]] = Field(description="year -> the sources of that year's reports")
    missing: list[int] = Field(description="the years of the overview with no report from this township")


class CountyBlock(BaseModel):
    county: str | None
    townships: list[TownshipRow]
    reports: int
    missing: int


class Coverage(BaseModel):
    years: list[int] = Field(description="every year from the first to the last one reported on")
    counties: list[CountyBlock]
    by_year: dict[int, int] = Field(description="year -> number of reports")
    by_county: dict[str, int] = Field(description="county (or 区县不详) -> number of reports")
    townships: int
    reports: int
    unplaced: list[str] = Field(default_factory=list, description="reports without a township or year")


def coverage(reports: Iterable[HasPlace], years: Iterable[int] | None = None) -> Coverage:
    """Townships x years over `reports` (default years: the first to the last year present).

    A township is told apart by its county, so two 城关镇 in two counties are two rows.
    """
    cells: dict[tuple[str | None, str], dict[int, list[str]]] = {}
    unplaced: list[str] = []
    for r in reports:
        if not r.township or not r.year:
            unplaced.append(r.source)
            continue
        cells.setdefault((r.county or None, r.township), {}).setdefault(r.year, []).append(r.source)
    present = sorted({y for c in cells.values() for y in c})
    span = sorted(set(years)) if years is not None else list(range(present[0], present[-1] + 1)) if present else []
    blocks: dict[str | None, list[TownshipRow]] = {}
    for (county, township), cell in sorted(cells.items(), key=lambda kv: (kv[0][0] is None, _sort_key(kv[0][0]),
                                                                          _sort_key(kv[0][1]))):
        row = TownshipRow(township=township, county=county, reports={y: sorted(s) for y, s in sorted(cell.items())},
                          missing=[y for y in span if y not in cell])
        blocks.setdefault(county, []).append(row)
    counties = [
        CountyBlock(county=county, townships=rows, reports=sum(len(s) for r in rows for s in r.reports.values()),
                    missing=sum(len(r.missing) for r in rows))
        for county, rows in blocks.items()
    ]
    by_year = {y: sum(len(c.get(y, [])) for c in cells.values()) for y in span}
    return Coverage(
        years=span,
        counties=counties,
        by_year=by_year,
        by_county={b.county or UNKNOWN_COUNTY: b.reports for b in counties},
        townships=len(cells),
        reports=sum(len(s) for c in cells.values() for s in c.values()),
        unplaced=sorted(unplaced),
    )


def _sort_key(name: str | None) -> list[str]:
    """Chinese names in pinyin order (甲县 before 乙县), as an office lists them."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(name or "")


class MissingReports(BaseModel):
    """The answer to "哪些乡镇还没有Y年的报告？": a text whose first sentence has the count, and who."""

    year: int
    text: str
    missing: list[tuple[str | None, str]] = Field(description="(county, township) without a report for the year")
    present: list[tuple[str | None, str]]


def missing_reports(cov: Coverage, year: int) -> MissingReports:
    """Which townships of the corpus have no report for `year`, grouped by county; both lists complete."""
    rows = [r for b in cov.counties for r in b.townships]
    missing = [(r.county, r.township) for r in rows if year not in r.reports]
    present = [(r.county, r.township) for r in rows if year in r.reports]
    if not rows:
        return MissingReports(year=year, text="报告库中还没有注明乡镇和年度的报告。", missing=[], present=[])
    head = f"报告库共有{len(rows)}个乡镇，其中{len(missing)}个还没有{year}年的报告，{len(present)}个已有。"
    parts = [head]
    if missing:
        parts.append(f"还没有{year}年报告的乡镇：\n" + _by_county(missing))
    if present:
        parts.append(f"已有{year}年报告的乡镇：\n" + _by_county(present))
    return MissingReports(year=year, text="\n\n".join(parts), missing=missing, present=present)


def _by_county(places: list[tuple[str | None, str]]) -> str:
    groups: dict[str, list[str]] = {}
    for county, township in places:
        groups.setdefault(county or UNKNOWN_COUNTY, []).append(township)
    return "\n".join(f"- {county}（{len(names)}个）：{'、'.join(names)}" for county, names in groups.items())


_MISSING_WORDS = r"(还?没有|尚?未(提交|上传|报送|收到)?|缺少?|缺失|没交|未交)"
_COVERAGE = re.compile(rf"{_MISSING_WORDS}.{{0,12}}?((19|20)\d{{2}})\s*年?(度)?.{{0,8}}报告"
                       rf"|((19|20)\d{{2}})\s*年?(度)?.{{0,8}}报告.{{0,8}}{_MISSING_WORDS}")


def coverage_question(question: str) -> int | None:
    """The year asked about when the question asks which townships lack a report for it, else None.

    It asks about the corpus itself ("哪些乡镇还没有2024年的报告？", "2023年度报告缺哪些乡镇"), not about
    what reports say ("哪些乡镇没有提到2024年的计划" is not one).
    """
    text = re.sub(r"\s+", "", question)
    if re.search(r"提到|提及|表述|说到|谈到", text):  # about what reports say, not whether they exist
        return None
    m = _COVERAGE.search(text)
    if not m:
        return None
    year = re.search(r"(19|20)\d{2}", m.group(0))
    return int(year.group(0)) if year else None


def index_coverage(years: Iterable[int] | None = None) -> Coverage:
    """Coverage of the reports in the current index."""
    from rag.corpus import list_reports

    return coverage(list_reports().reports, years)


def answer_coverage(question: str) -> Answer | None:
    """An Answer for "哪些乡镇还没有2024年的报告？" from the index's metadata; None for any other question.

    For the question path: call it before retrieval; when it returns an Answer, that is the answer.
    """
    from rag.models import Answer

    year = coverage_question(question)
    if year is None:
        return None
    cov = index_coverage()
    gap = missing_reports(cov, year)
    return Answer(question=question, text=gap.text, found=bool(gap.missing or gap.present),
                  considered=cov.reports + len(cov.unplaced))

