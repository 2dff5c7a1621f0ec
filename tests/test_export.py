"""Answers exported to .xlsx and .docx, opened again with openpyxl and python-docx."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from rag.export import export_answer, export_name, plain_text
from rag.models import Answer, Citation

LIST_QUESTION = "哪些乡镇提到执法人员不足？"


def _citation(n: int, township: str | None, quote: str, section: str = "四、存在的问题") -> Citation:
    return Citation(n=n, township=township, county="某县", year=2023, source=f"r{n}.txt", section=section,
                    kind="problems", quote=quote, start=0, end=len(quote), score=1.0)


ANSWER = Answer(
    question="哪些乡镇提到执法力量不足？",
    text="共考察3份报告，其中2个乡镇提到：\n- **青松镇**：执法人员少 [1]\n- 白云乡 [2]\n\\*注意",
    found=True,
    citations=[
        _citation(1, "青松镇", "执法人员仅3名，难以满足需要"),
        _citation(2, "白云乡", "=HYPERLINK(\"http://x\")执法力量\x07薄弱"),  # a formula and a control character
        _citation(3, None, "<b>不是标记</b>"),
    ],
    notes=["其余报告未见相关表述"],
)
DATES = {"r1.txt": "2024-01-05"}


def _xlsx_text(data: bytes) -> tuple[list[list[object]], list[list[object]]]:
    wb = load_workbook(io.BytesIO(data))
    rows = [[c.value for c in r] for r in wb["回答"].iter_rows()]
    sources = [[c.value for c in r] for r in wb["来源"].iter_rows()]
    for r in wb["来源"].iter_rows():
        assert all(c.data_type != "f" for c in r)  # never a formula
    return rows, sources


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_xlsx_holds_the_question_answer_and_every_citation() -> None:
    rows, sources = _xlsx_text(export_answer(ANSWER, "xlsx", DATES))
    assert rows[0] == ["问题", ANSWER.question]
    assert rows[1][1].startswith("共考察3份报告") and "**" not in rows[1][1] and "*注意" in rows[1][1]
    assert ["注", "其余报告未见相关表述"] in rows
    assert sources[0] == ["序号", "乡镇", "区县", "年度", "章节", "原文", "文件", "成文日期"]
    assert sources[1] == [1, "青松镇", "某县", 2023, "四、存在的问题", "执法人员仅3名，难以满足需要", "r1.txt", "2024-01-05"]
    assert sources[2][5] == "=HYPERLINK(\"http://x\")执法力量薄弱"
    assert sources[3][1] is None and sources[3][5] == "<b>不是标记</b>"


def test_docx_holds_the_question_answer_and_every_citation() -> None:
    text = _docx_text(export_answer(ANSWER, "docx", DATES))
    assert ANSWER.question in text and "共考察3份报告，其中2个乡镇提到：" in text and "注：其余报告未见相关表述" in text
    for c in ANSWER.citations:
        assert c.quote.replace("\x07", "") in text and c.source in text
        assert c.township is None or c.township in text
    assert "2024-01-05" in text and "来源（3 条）" in text


def test_formats_and_names() -> None:
    with pytest.raises(ValueError, match="format: unknown 'pdf'; use one of xlsx, docx"):
        export_answer(ANSWER, "pdf", {})
    assert export_name(ANSWER, "xlsx") == "哪些乡镇提到执法力量不足.xlsx"
    assert plain_text("**a** \\* b") == "a * b"
    empty = Answer(question="问", text="未找到", found=False)
    assert _xlsx_text(export_answer(empty, "xlsx", {}))[1] == [["序号", "乡镇", "区县", "年度", "章节", "原文", "文件", "成文日期"]]
    assert "来源（0 条）" in _docx_text(export_answer(empty, "docx", {}))


def _check_export(answer: dict[str, object], xlsx: bytes, docx: bytes) -> None:
    citations = answer["citations"]
    assert isinstance(citations, list) and citations
    _, sources = _xlsx_text(xlsx)
    assert [row[5] for row in sources[1:]] == [c["quote"] for c in citations]
    text = _docx_text(docx)
    for c in citations:
        assert c["quote"] in text and (c["township"] or "") in text


def test_cli_and_api_export_a_real_list_answer(use_seeds_index: Path, tmp_path: Path) -> None:
    from rag.cli import cli
    from rag.config import get_settings
    from rag.server import create_app

    xlsx, docx = tmp_path / "a.xlsx", tmp_path / "a.docx"
    r = CliRunner().invoke(cli, ["ask", LIST_QUESTION, "--json", "--xlsx", str(xlsx), "--docx", str(docx)])
    assert r.exit_code == 0, r.output
    answer = json.loads(r.stdout)
    _check_export(answer, xlsx.read_bytes(), docx.read_bytes())
    assert "已导出" in r.stderr

    client = TestClient(create_app(get_settings()))
    got = {}
    for fmt in ("xlsx", "docx"):
        resp = client.post("/api/answer/export", params={"format": fmt}, json={"question": LIST_QUESTION})
        assert resp.status_code == 200, resp.text
        assert "filename*=UTF-8''" in resp.headers["content-disposition"]
        got[fmt] = resp.content
    _check_export(answer, got["xlsx"], got["docx"])
    bad = client.post("/api/answer/export", params={"format": "pdf"}, json={"question": LIST_QUESTION})
    assert bad.status_code == 422 and bad.json()["field"] == "format"
