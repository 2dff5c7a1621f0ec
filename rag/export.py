"""An answer taken away as a document: Excel (.xlsx, openpyxl) or Word (.docx, python-docx).

Each holds the question, the answer text, and every citation with its township, county, year, section,
quote, file and signing date. Report text is written as plain text: never as a formula or markup.

    data = export_answer(answer, "xlsx")          # bytes of the workbook
    Path("回答.docx").write_bytes(export_answer(answer, "docx"))
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from rag.models import Answer, Citation

Format = Literal["xlsx", "docx"]
FORMATS: tuple[str, ...] = ("xlsx", "docx")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
HEADERS = ["序号", "乡镇", "区县", "年度", "章节", "原文", "文件", "成文日期"]


def export_answer(answer: Answer, fmt: str, dates: Mapping[str, str | None] | None = None) -> bytes:
    """The answer as an .xlsx or .docx file's bytes.

    Args:
        answer: the Answer to export.
        fmt: "xlsx" or "docx".
        dates: report source -> signing date (default: looked up in the index, when there is one).

    Raises:
        ValueError: an unknown format (the message names the known ones).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: unknown {fmt!r}; use one of {', '.join(FORMATS)}")
    if dates is None:
        dates = report_dates(answer)
    rows = [[_xml_safe(v) if isinstance(v, str) else v for v in citation_row(c, dates.get(c.source))]
            for c in answer.citations]
    return _xlsx(answer, rows) if fmt == "xlsx" else _docx(answer, rows)


def citation_row(c: Citation, date: str | None) -> list[str | int]:
    return [c.n, c.township or "", c.county or "", c.year or "", c.section, c.quote, c.source, date or ""]


def report_dates(answer: Answer) -> dict[str, str | None]:
    """The signing date of each cited report, from the index (empty if it cannot be read)."""
    try:
        from rag.index import get_index

        reports = get_index().reports
    except Exception:  # an export without dates is still an export
        return {}
    return {c.source: reports[c.source].date for c in answer.citations if c.source in reports}


def plain_text(markdown: str) -> str:
    """The answer text without Markdown's bold markers and backslash escapes."""
    return re.sub(r"\\([\\`*_<~\[\]])", r"\1", markdown.replace("**", ""))


def export_name(answer: Answer, fmt: str) -> str:
    """A file name from the question's first characters, e.g. '哪些乡镇提到执法人员不足.xlsx'."""
    stem = re.sub(r'[\\/:*?"<>|\s？?。，,！!]+', "", answer.question)[:30] or "回答"
    return f"{stem}.{fmt}"


def _xlsx(answer: Answer, rows: list[list[str | int]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "回答"
    summary = [("问题", _xml_safe(answer.question)), ("回答", _xml_safe(plain_text(answer.text))),
               *(("注", _xml_safe(note)) for note in answer.notes),
               ("来源数", len(rows)), ("导出时间", datetime.now().strftime("%Y-%m-%d %H:%M"))]
    for label, value in summary:
        ws.append([label, value])
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    sources = wb.create_sheet("来源")
    sources.append(HEADERS)
    for cell in sources[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sources.append(r)
    for width, col in zip([6, 12, 12, 8, 30, 80, 30, 12], "ABCDEFGH", strict=True):
        sources.column_dimensions[col].width = width
    for sheet in (ws, sources):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a quote that starts with "=" is text, never a formula
        sheet.freeze_panes = "A2" if sheet is sources else None
    for row in sources.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    sources.auto_filter.ref = sources.dimensions  # sortable and filterable in Excel
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx(answer: Answer, rows: list[list[str | int]]) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.add_heading("法治报告问答", level=1)
    doc.add_heading("问题", level=2)
    doc.add_paragraph(_xml_safe(answer.question))
    doc.add_heading("回答", level=2)
    for para in plain_text(answer.text).split("\n"):
        if para.strip():
            doc.add_paragraph(_xml_safe(para))
    for note in answer.notes:
        doc.add_paragraph(_xml_safe(f"注：{note}"))
    doc.add_heading(f"来源（{len(rows)} 条）", level=2)
    if rows:
        table = doc.add_table(rows=1, cols=len(HEADERS))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, HEADERS, strict=True):
            cell.text = title
        for r in rows:
            for cell, value in zip(table.add_row().cells, r, strict=True):
                cell.text = _xml_safe(str(value))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xml_safe(text: str) -> str:
    """Drop the control characters XML cannot hold (python-docx would refuse them)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
