"""The corpus as users see it: the reports listed with their metadata, a cited span shown in its
section, and new reports added (checked first, then indexed incrementally).

The chat UI and the HTTP API both call these; neither holds this logic itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from rag.config import Settings
from rag.models import Report

if TYPE_CHECKING:
    from rag.index import BuildStats

logger = logging.getLogger(__name__)

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
    own: bool = Field(default=False, description="in the data dir: may be deleted, replaced or edited (not a demo report)")


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
    from rag.config import get_settings
    from rag.index import get_index

    index = get_index()
    data_dir = get_settings().data_dir.resolve()
    files = getattr(index.manifest, "files", {})
    own = {src for src, e in files.items() if Path(e.path).resolve().is_relative_to(data_dir)}
    reports = sorted(index.reports.values(), key=lambda r: (r.township or "", r.year or 0, r.source))
    return ReportList(
        built_at=getattr(index.manifest, "built_at", None),
        count=len(reports),
        reports=[_summary(r, r.source in own) for r in reports],
    )


def _summary(r: Report, own: bool = False) -> ReportSummary:
    return ReportSummary(
        source=r.source, township=r.township, county=r.county, province=r.province, year=r.year,
        date=r.date, title=r.title, chunks=len(r.chunks), own=own,
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


class CorpusError(Exception):
    """A corpus action refused or failed; nothing was changed. `code` is for the API, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ActionResult:
    message: str
    sources: list[str] = field(default_factory=list)


_ACTION_LOCK = threading.Lock()  # one corpus change at a time in this process (the index has its own lock)


def add_reports(
    files: list[Path], settings: Settings, on_progress: Callable[[int, int, str], None] | None = None
) -> UploadResult:
    """Check every file with load_report(); only if all pass, copy them into the data dir and update the
    index incrementally. A rejected batch changes nothing. A file whose content is already in the index
    (under any name) is named as the duplicate of that report and not copied."""
    from rag.ingest import IngestError, load_report

    if not files:
        return UploadResult(False, "请先选择要上传的报告文件。")
    target = settings.data_dir
    known = _indexed_by_sha(settings)
    total = sum(p.stat().st_size for p in files if p.is_file())
    if total > settings.upload_batch_mb * 2**20:
        return UploadResult(False, f"本次上传共 {total / 2**20:.1f} MB，超过每批上限 {settings.upload_batch_mb:g} MB"
                                   "（RAG_UPLOAD_BATCH_MB），未做任何更改。")
    rejected: list[tuple[str, str]] = []
    duplicates: list[tuple[Path, str]] = []
    for path in files:
        odd = name_problem(path.name)
        if odd:
            rejected.append((path.name, odd))
            continue
        dest = target / path.name
        if dest.exists() and dest.read_bytes() != path.read_bytes():
            rejected.append((path.name, "报告库中已有同名文件，请改名后再上传"))
            continue
        twin = known.get(_sha256(path))
        if twin is not None:
            duplicates.append((path, twin))
            continue
        try:
            load_report(path)
        except IngestError as e:
            rejected.append((path.name, reason_zh(e.reason)))
    if rejected:
        lines = "\n".join(f"- {md_escape(name)}：{md_escape(reason)}" for name, reason in rejected)
        return UploadResult(False, f"以下文件未通过检查，本次上传未做任何更改：\n{lines}", rejected=rejected)

    dup_names = {p.name for p, _ in duplicates}
    copied = [p for p in files if p.name not in dup_names and not (target / p.name).exists()]
    with _ACTION_LOCK:
        target.mkdir(parents=True, exist_ok=True)
        for path in copied:
            shutil.copy2(path, target / path.name)
        try:
            stats = _reindex(settings, on_progress)
        except Exception as e:
            for path in copied:  # keep the corpus as it was
                (target / path.name).unlink(missing_ok=True)
            logger.exception("indexing the uploads failed")
            return UploadResult(False, f"建立索引失败，本次上传未做任何更改：{md_escape(_error_text(e))}")
    new_names = {p.name for p in copied}
    skipped = [s for s in stats.skipped if Path(s.source).name in new_names]
    for s in skipped:  # e.g. two files of one batch with the same content: don't keep the copy
        (target / Path(s.source).name).unlink(missing_ok=True)
    added = [p.name for p in copied if p.name not in {Path(s.source).name for s in skipped}]
    notes = [f"已加入 {len(added)} 份报告：{'、'.join(md_escape(a) for a in added) or '无'}。"]
    notes += [f"- 未加入 {md_escape(p.name)}：与报告库中的 {md_escape(twin)} 内容相同" for p, twin in duplicates]
    notes += [f"- 已在报告库中（内容相同）：{md_escape(p.name)}" for p in files
              if p.name not in new_names and p.name not in dup_names]
    notes += [f"- 未加入 {md_escape(Path(s.source).name)}：{md_escape(reason_zh(s.reason))}" for s in skipped]
    notes.append(f"报告库现有 {stats.reports} 份报告。")
    return UploadResult(not skipped, "\n\n".join(notes), added=added,
                        rejected=[(Path(s.source).name, reason_zh(s.reason)) for s in skipped])


def delete_report(source: str, settings: Settings, on_progress: ProgressFn | None = None) -> ActionResult:
    """Remove one of the office's reports (its file and sidecar) from the data dir and the index.

    Raises:
        CorpusError: no such report, a demo report (outside the data dir), or the re-index failed.
    """
    path = _managed_path(source, settings, "删除")
    with _ACTION_LOCK, _staged(settings) as stage:
        for p in [path, *_sidecars(path)]:
            stage.remove(p)
        _reindex(settings, on_progress)
    return ActionResult(f"已删除报告 {source}。", [source])


def replace_report(source: str, new_file: Path, settings: Settings, on_progress: ProgressFn | None = None) -> ActionResult:
    """Replace one of the office's reports with a new file (checked first); its sidecar metadata is kept.

    Raises:
        CorpusError: no such report, a demo report, a bad file, the same content as another report, or
            the re-index failed. Nothing is changed then.
    """
    from rag.ingest import IngestError, load_report

    path = _managed_path(source, settings, "替换")
    twin = _indexed_by_sha(settings, exclude=source).get(_sha256(new_file))
    if twin is not None:
        raise CorpusError("duplicate", f"新文件与报告库中的 {twin} 内容相同，未做任何更改。")
    try:
        load_report(new_file)
    except IngestError as e:
        raise CorpusError("bad_file", f"新文件未通过检查，未做任何更改：{reason_zh(e.reason)}") from None
    dest = path.with_suffix(new_file.suffix.lower())
    if dest != path and dest.exists():
        raise CorpusError("conflict", f"报告库中已有同名文件 {dest.name}，未做任何更改。")
    with _ACTION_LOCK, _staged(settings) as stage:
        stage.remove(path)
        for side in _sidecars(path):
            stage.move(side, dest.with_name(dest.name + SIDECAR_SUFFIX))
        stage.put(new_file, dest)
        _reindex(settings, on_progress)
    new_source = _source_of(dest, settings)
    return ActionResult(f"已用新文件替换报告 {source}。", [new_source])


class MetaEdit(BaseModel):
    """New values for a report's metadata; a field left None is kept, an empty string clears it."""

    model_config = ConfigDict(extra="forbid")

    township: str | None = Field(default=None, max_length=40)
    county: str | None = Field(default=None, max_length=40)
    year: int | None = Field(default=None, ge=1990, le=2100)


def edit_report(source: str, edit: MetaEdit, settings: Settings, on_progress: ProgressFn | None = None) -> ActionResult:
    """Write the report's township, county and year into its sidecar NAME.meta.json and re-index it.

    Raises:
        CorpusError: no such report, a demo report, nothing to change, or the re-index failed.
    """
    path = _managed_path(source, settings, "修改")
    changes = edit.model_dump(exclude_none=True)
    if not changes:
        raise CorpusError("invalid", "没有要修改的内容：请给出乡镇、区县或年度。")
    sides = _sidecars(path)
    values: dict[str, object] = {}
    if sides:
        try:
            loaded = json.loads(sides[0].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        values = loaded if isinstance(loaded, dict) else {}
    for key, value in changes.items():
        if isinstance(value, str) and not value.strip():
            values.pop(key, None)
        else:
            values[key] = value.strip() if isinstance(value, str) else value
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    with _ACTION_LOCK, _staged(settings) as stage:
        for old in sides:
            stage.remove(old)
        stage.write(side, json.dumps(values, ensure_ascii=False, indent=2).encode())
        _reindex(settings, on_progress)
    shown = "，".join(f"{_META_LABELS[k]}：{v or '（清除）'}" for k, v in changes.items())
    return ActionResult(f"已修改报告 {source}（{shown}）。", [source])


_META_LABELS = {"township": "乡镇", "county": "区县", "year": "年度"}
SIDECAR_SUFFIX = ".meta.json"
ProgressFn = Callable[[int, int, str], None]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _indexed_by_sha(settings: Settings, exclude: str | None = None) -> dict[str, str]:
    """sha256 of each indexed report's file -> its source (empty when there is no index yet)."""
    from rag.index import IndexStoreError, get_index
    from rag.index.store import read_manifest

    if read_manifest(settings.index_dir) is None:  # nothing indexed yet: don't build an index just to compare
        return {}
    try:
        reports = get_index(settings).reports.values()
    except IndexStoreError:
        return {}
    return {r.sha256: r.source for r in reports if r.sha256 and r.source != exclude}


def _managed_path(source: str, settings: Settings, verb: str) -> Path:
    """The file of an indexed report that lives in the data dir (the office's own, which may be changed)."""
    from rag.index import get_index

    entry = get_index(settings).manifest.files.get(source)
    if entry is None:
        raise CorpusError("not_found", f"报告库中没有报告 {source}。")
    path = Path(entry.path)
    if not path.resolve().is_relative_to(settings.data_dir.resolve()):
        raise CorpusError("not_managed", f"{source} 是演示报告（不在数据目录中），不能在此{verb}；"
                                         "换成本单位的报告见 README“替换演示报告”。")
    return path


def _source_of(path: Path, settings: Settings) -> str:
    from rag.index import get_index

    for src, entry in get_index(settings).manifest.files.items():
        if Path(entry.path) == path:
            return src
    return path.name


def _sidecars(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)) if p.is_file()]


def _reindex(settings: Settings, on_progress: ProgressFn | None) -> BuildStats:
    """Update the index incrementally with the data dir (every other indexed file that still exists stays)."""
    from rag.index import build_index

    return build_index([settings.data_dir], index_dir=settings.index_dir, embedder=settings.embedder,
                       progress=False, on_progress=on_progress)


def _error_text(e: Exception) -> str:
    """What a user may see of a failure: what to do about the index, never a server path or a model id
    (the full error is in the log); otherwise only the error's type."""
    from rag.index import IndexStoreError

    if isinstance(e, IndexStoreError):
        if "rag index --rebuild" in str(e):
            return "索引需要重建，请管理员在服务器上运行 `rag index --rebuild`"
        return "索引无法读取，请管理员在服务器上运行 `rag index`"
    return type(e).__name__


class _Stage:
    """File changes made so that they can be undone: removed files are kept in a hidden folder of the data dir."""

    def __init__(self, trash: Path) -> None:
        self.trash = trash
        self.undo: list[Callable[[], None]] = []

    def remove(self, path: Path) -> None:
        kept = self.trash / f"{len(self.undo)}-{path.name}"
        os.replace(path, kept)
        self.undo.append(lambda: os.replace(kept, path))

    def move(self, src: Path, dest: Path) -> None:
        os.replace(src, dest)
        self.undo.append(lambda: os.replace(dest, src))

    def put(self, src: Path, dest: Path) -> None:
        self.write(dest, src.read_bytes())

    def write(self, dest: Path, data: bytes) -> None:
        tmp = self.trash / f"new-{dest.name}"
        tmp.write_bytes(data)
        os.replace(tmp, dest)
        self.undo.append(lambda: dest.unlink(missing_ok=True))


@contextmanager
def _staged(settings: Settings) -> Iterator[_Stage]:
    """Apply file changes; if anything in the block fails, undo them all and raise CorpusError."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    trash = Path(tempfile.mkdtemp(prefix=".change-", dir=settings.data_dir))
    stage = _Stage(trash)
    try:
        yield stage
    except Exception as e:
        for undo in reversed(stage.undo):
            try:
                undo()
            except OSError:
                logger.exception("could not undo a corpus change")
        logger.exception("corpus change failed")
        raise CorpusError("index_failed", f"更新索引失败，未做任何更改：{_error_text(e)}") from e
    finally:
        shutil.rmtree(trash, ignore_errors=True)


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
