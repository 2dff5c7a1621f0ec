"""Coverage of the corpus (townships x years by county), on invented report metadata."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rag.coverage import coverage, coverage_question, missing_reports


@dataclass
class R:
    source: str
    township: str | None
    county: str | None
    year: int | None


REPORTS = [
    R("a1", "青松镇", "甲县", 2022), R("a2", "青松镇", "甲县", 2024), R("b1", "白云乡", "甲县", 2023),
    R("c1", "城关镇", "乙县", 2024), R("c2", "城关镇", "甲县", 2024),  # two 城关镇 in two counties
    R("d1", "无名镇", None, 2023), R("e1", None, "乙县", 2023), R("f1", "红旗乡", "乙县", None),
]


def test_townships_by_years_grouped_by_county_with_the_gaps() -> None:
    cov = coverage(REPORTS)
    assert cov.years == [2022, 2023, 2024]
    assert [b.county for b in cov.counties] == ["甲县", "乙县", None]  # no county last, not "青松镇（）"
    jia = {r.township: r for r in cov.counties[0].townships}
    assert jia["青松镇"].reports == {2022: ["a1"], 2024: ["a2"]} and jia["青松镇"].missing == [2023]
    assert jia["白云乡"].missing == [2022, 2024] and jia["城关镇"].missing == [2022, 2023]
    assert cov.townships == 5 and cov.reports == 6 and cov.unplaced == ["e1", "f1"]
    assert cov.by_year == {2022: 1, 2023: 2, 2024: 3}
    assert cov.by_county == {"甲县": 4, "乙县": 1, "（区县不详）": 1}
    assert coverage(REPORTS, years=[2025]).counties[0].townships[0].missing == [2025]
    assert coverage([]).years == [] and coverage([]).counties == []


def test_which_townships_have_no_report_for_a_year() -> None:
    gap = missing_reports(coverage(REPORTS), 2024)
    first = gap.text.split("\n")[0]
    assert first == "报告库共有5个乡镇，其中2个还没有2024年的报告，3个已有。"
    assert gap.missing == [("甲县", "白云乡"), (None, "无名镇")]
    assert set(gap.present) == {("甲县", "青松镇"), ("甲县", "城关镇"), ("乙县", "城关镇")}
    assert "- 甲县（1个）：白云乡" in gap.text and "- （区县不详）（1个）：无名镇" in gap.text
    assert "报告库中还没有" in missing_reports(coverage([]), 2024).text


@pytest.mark.parametrize(("question", "year"), [
    ("哪些乡镇还没有2024年的报告？", 2024),
    ("哪些乡镇还没有 2024 年报告", 2024),
    ("2023年度报告缺哪些乡镇？", 2023),
    ("哪些乡镇尚未提交2022年度法治政府建设报告", 2022),
    ("哪些乡镇没有提到2024年的计划？", None),  # about what the reports say
    ("2023年哪些乡镇提到执法人员不足？", None),
    ("哪些乡镇的报告提到缺少执法人员？", None),
    ("大铭乡2023年法治政府建设存在哪些问题？", None),
])
def test_coverage_question(question: str, year: int | None) -> None:
    assert coverage_question(question) == year


def test_the_overview_html_escapes_report_values_and_marks_the_gaps() -> None:
    from rag.ui import coverage_html

    cov = coverage([*REPORTS, R("x1", "<b>镇</b>", "<i>县</i>", 2022)])
    page = coverage_html(cov)
    assert "<b>镇</b>" not in page and "&lt;b&gt;镇&lt;/b&gt;" in page and "&lt;i&gt;县&lt;/i&gt;" in page
    assert page.count('class="missing"') == sum(len(r.missing) for b in cov.counties for r in b.townships)
    assert "（区县不详）" in page and "按年度：2022年 2 份" in page
    assert "还没有" in coverage_html(coverage([]))
