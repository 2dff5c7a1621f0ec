"""The corpus as users see it: the reports listed with their metadata, a cited span shown in its
section, and new reports added (checked first, then indexed incrementally).

The chat UI and the HTTP API both call these; neither holds this logic itself.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from rag.config import Settings
from rag.models import Report

logger = logging.getLogger(__name__)

UPLOADS_DIR = "uploads"  # uploaded reports go to corpus_dir/uploads/
PASSAGE_MAX_CHARS = 3000


class ReportSummary(BaseModel):
    source: str
    township: str | None
    county: str | None
    province: str | None
    year: int | None
    date: str | None
    title: str
    chunks: int


class ReportList(BaseModel):
    built_at: str | None = Field(description="when the index was built (ISO 8601)")
    count: int
    reports: list[ReportSummary]


class Passage(BaseModel):
    """A quoted span shown in its section: `text[mark_start:mark_end]` is the quote."""

    source: str
    township: str | None
    year: int | None
    section: str
    start: int = Field(description="offset of `text` in the report's cleaned text")
    end: int
    text: str
    mark_start: int
    mark_end: int


def list_reports() -> ReportList:
    """Every indexed report with its metadata and number of chunks, and when the index was built."""
    from rag.index import get_index

    index = get_index()
    reports = sorted(index.reports.values(), key=lambda r: (r.township or "", r.year or 0, r.source))
    return ReportList(
        built_at=getattr(index.manifest, "built_at", None),
        count=len(reports),
        reports=[_summary(r) for r in reports],
    )


def _summary(r: Report) -> ReportSummary:
    return ReportSummary(
        source=r.source, township=r.township, county=r.county, province=r.province, year=r.year,
        date=r.date, title=r.title, chunks=len(r.chunks),
    )


def find_passage(source: str, start: int, end: int) -> Passage | None:
    """The chunks of the section that holds `report.text[start:end]`, capped around the quote."""
    from rag.index import get_index

    report = get_index().reports.get(source)
    if report is None or not 0 <= start < end <= len(report.text):
        return None
    return section_passage(report, start, end)


def section_passage(report: Report, start: int, end: int) -> Passage:
    """Pure helper of find_passage: the contiguous run of chunks sharing the quote's section."""
    chunks = sorted(report.chunks, key=lambda c: c.start)
    hit = next((i for i, c in enumerate(chunks) if c.start < end and start < c.end), None)
    if hit is None:
        section, lo, hi = "", start, end
    else:
        section = chunks[hit].section
        first = last = hit
        while first > 0 and chunks[first - 1].section == section:
            first -= 1
        while last + 1 < len(chunks) and chunks[last + 1].section == section:
            last += 1
        lo, hi = min(chunks[first].start, start), max(chunks[last].end, end)
    # A very long section is cut to a window around the quote, so the passage stays readable.
    room = max(PASSAGE_MAX_CHARS - (end - start), 0) // 2
    lo, hi = max(lo, start - room), min(hi, end + room)
    return Passage(
        source=report.source, township=report.township, year=report.year, section=section,
        start=lo, end=hi, text=report.text[lo:hi], mark_start=start - lo, mark_end=end - lo,
    )


def upload_allowed(settings: Settings, given: str | None) -> bool:
    """True when no upload password is set, or `given` is it."""
    expected = settings.upload_password
    return not expected or secrets.compare_digest((given or "").encode(), expected.encode())


@dataclass
class UploadResult:
    ok: bool
    message: str
    added: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def add_reports(
    files: list[Path], settings: Settings, on_progress: Callable[[int, int, str], None] | None = None
) -> UploadResult:
    """Check every file with load_report(); only if all pass, copy them under the corpus and update the
    index incrementally. A rejected batch changes nothing."""
    from rag.index import build_index
    from rag.ingest import IngestError, load_report

    if not files:
        return UploadResult(False, "请先选择要上传的报告文件。")
    target = settings.corpus_dir / UPLOADS_DIR
    total = sum(p.stat().st_size for p in files if p.is_file())
    if total > settings.upload_batch_mb * 2**20:
        return UploadResult(False, f"本次上传共 {total / 2**20:.1f} MB，超过每批上限 {settings.upload_batch_mb:g} MB"
                                   "（RAG_UPLOAD_BATCH_MB），未做任何更改。")
    rejected: list[tuple[str, str]] = []
    for path in files:
        odd = name_problem(path.name)
        if odd:
            rejected.append((path.name, odd))
            continue
        dest = target / path.name
        if dest.exists() and dest.read_bytes() != path.read_bytes():
            rejected.append((path.name, "报告库中已有同名文件，请改名后再上传"))
            continue
        try:
            load_report(path)
        except IngestError as e:
            rejected.append((path.name, reason_zh(e.reason)))
    if rejected:
        lines = "\n".join(f"- {md_escape(name)}：{md_escape(reason)}" for name, reason in rejected)
        return UploadResult(False, f"以下文件未通过检查，本次上传未做任何更改：\n{lines}", rejected=rejected)

    target.mkdir(parents=True, exist_ok=True)
    copied = [p for p in files if not (target / p.name).exists()]
    for path in copied:
        shutil.copy2(path, target / path.name)
    try:
        stats = build_index([settings.corpus_dir], index_dir=settings.index_dir, embedder=settings.embedder,
                            progress=False, on_progress=on_progress)
    except Exception as e:
        for path in copied:  # keep the corpus as it was
            (target / path.name).unlink(missing_ok=True)
        logger.exception("indexing the uploads failed")
        return UploadResult(False, f"建立索引失败，本次上传未做任何更改：{md_escape(str(e))}")
    new_names = {p.name for p in copied}
    skipped = [s for s in stats.skipped if Path(s.source).name in new_names]
    for s in skipped:  # e.g. the same report already indexed under another name: don't keep the copy
        (target / Path(s.source).name).unlink(missing_ok=True)
    added = [p.name for p in copied if p.name not in {Path(s.source).name for s in skipped}]
    notes = [f"已加入 {len(added)} 份报告：{'、'.join(md_escape(n) for n in added) or '无'}。"]
    notes += [f"- 已在报告库中（内容相同）：{md_escape(p.name)}" for p in files if p.name not in new_names]
    notes += [f"- 未加入 {md_escape(Path(s.source).name)}：{md_escape(reason_zh(s.reason))}" for s in skipped]
    notes.append(md_escape(stats.summary().splitlines()[0]))
    return UploadResult(not skipped, "\n\n".join(notes), added=added,
                        rejected=[(Path(s.source).name, reason_zh(s.reason)) for s in skipped])





def name_problem(name: str) -> str | None:
    """Why a file name cannot join the corpus (the index skips hidden files; others are unsafe or unreadable)."""
    if name.startswith((".", "~")):
        return "隐藏文件或临时文件（文件名以 . 或 ~ 开头），不会被索引，请改名后再上传"
    if any(ord(c) < 32 or c in '/\\:*?"<>|' or ord(c) == 127 for c in name):
        return "文件名含有控制字符或 / \\ : * ? \" < > | 等字符，请改名后再上传"
    if len(name) > 120:
        return f"文件名过长（{len(name)} 个字符，最多 120 个），请改名后再上传"
    return None


def md_escape(text: str) -> str:
    """Report text and file names as literal Markdown text: no emphasis, no HTML tag (``<img>``), no link or
    image (``[x](javascript:…)``), no bare-URL link, no table, no LaTeX; each such character is backslash-escaped."""
    text = re.sub(r"([\\`*_<>\[\]~|$])", r"\\\1", text)
    # no bare-URL autolinks either (http://…, www.…): a link from a report is still a link an attacker wrote
    return re.sub(r"(?<=\w):(?=//)|(?<=www)\.", lambda m: "\\" + m.group(0), text, flags=re.I)


# Ingestion states its reasons in English (logs, CLI); the chat shows them in Chinese first.
_REASONS_ZH = [
    (r"^empty file", "空文件"),
    (r"^binary file", "二进制文件，不是报告"),
    (r"^no Chinese text found", "没有中文内容，不是报告"),
    (r"^no text found", "没有文字内容"),
    (r"^unsupported extension", "不支持的文件类型"),
    (r"^undecodable text", "无法识别文本编码"),
    (r"^PDF has no text layer", "PDF 没有文字层（可能是扫描件）"),
    (r"^encrypted PDF", "PDF 已加密"),
    (r"^not a readable PDF", "无法读取的 PDF 文件"),
    (r"^not a valid \.docx", "不是有效的 .docx 文件"),
    (r"^unpacks to", "解压后超过大小上限"),
    (r"^file too large", "文件超过大小上限"),
    (r"^cannot read file", "无法读取文件"),
    (r"^bad sidecar metadata|^bad metadata", "附带的元数据有误"),
]


def reason_zh(reason: str) -> str:
    """'PDF has no text layer (scanned?)' -> 'PDF 没有文字层（可能是扫描件）（PDF has no text layer (scanned?)）'."""
    for pattern, zh in _REASONS_ZH:
        if re.search(pattern, reason):
            return f"{zh}（{reason}）"
    return reason
