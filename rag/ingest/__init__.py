"""Ingestion: report files (txt/md in any common encoding, docx, pdf, saved web pages) -> cleaned text,
township metadata and section-aware chunks.

    from rag.ingest import ingest_paths, load_report
    result = ingest_paths(["seeds"])          # IngestResult(reports=[...], skipped=[...])
    report = load_report(Path("seeds/000_54a0059709fa12ff.txt"))
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError

from rag.chunking import chunk_text
from rag.ingest.clean import clean_text, web_header_lines
from rag.ingest.loaders import SUPPORTED, IngestError, load_text, max_file_bytes, read_raw
from rag.ingest.metadata import Metadata, infer_metadata, page_date, place_names, read_sidecar
from rag.ingest.sections import parse_layout
from rag.models import IngestResult, Report, Skipped
from rag.text import is_traditional, to_simplified

__all__ = ["SUPPORTED", "IngestError", "ingest_paths", "load_report", "place_names"]

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
_OVERRIDABLE = ("township", "county", "province", "year", "date", "title")


def _source(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def load_report(path: Path, root: Path | None = None) -> Report:
    """Read, clean, describe and chunk one report file.

    Args:
        path: a .txt, .md, .docx, .pdf, .html or .htm file.
        root: the corpus folder; ``source`` is the path relative to it (default: the file's folder).

    Returns:
        A Report whose chunks are exact spans of ``report.text``.

    Raises:
        IngestError: the file is empty, binary, undecodable, unsupported, too large, or a PDF without
            a text layer. ``str(err)`` is a one-line "name: reason".
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    raw = read_raw(path, max_file_bytes())
    loaded = load_text(path, raw)
    text = clean_text(loaded)
    if sum(1 for c in text if "\u4e00" <= c <= "\u9fff") < 10:
        raise IngestError(path, "no Chinese text found, not a report")
    source = _source(path, root)
    layout = parse_layout(text)
    back = text[layout.back[0]:layout.back[1]]
    header = web_header_lines(loaded)
    meta = infer_metadata(text, layout.title_lines, back, header)
    try:
        values = _merge(meta, read_sidecar(path))
    except (ValueError, OSError) as e:
        raise IngestError(path, f"bad sidecar metadata ({e})") from None
    chunks = chunk_text(text, source, layout)
    try:
        return Report(
            source=source,
            script="traditional" if is_traditional(text) else "simplified",
            sha256=hashlib.sha256(raw).hexdigest(),
            text=text,
            chunks=chunks,
            published=page_date(header, text),
            **values,  # type: ignore[arg-type]
        )
    except ValidationError as e:
        raise IngestError(path, f"bad metadata ({e.errors()[0]['msg']})") from None


def _merge(meta: Metadata, overrides: dict[str, object]) -> dict[str, object]:
    values: dict[str, object] = {k: getattr(meta, k) for k in _OVERRIDABLE}
    if not values["title"] and meta.township:
        # no title line (e.g. a report that starts with its first paragraph): describe it instead
        year = f"{meta.year}年" if meta.year else ""
        values["title"] = f"{meta.county or ''}{meta.township}{year}法治政府建设情况报告"
    for key, value in overrides.items():
        if key not in _OVERRIDABLE:
            raise ValueError(f"unknown key {key!r} (allowed: {', '.join(_OVERRIDABLE)})")
        values[key] = to_simplified(value) if isinstance(value, str) and key != "date" else value
    return values


def iter_files(paths: Sequence[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the given files or folders, skipping hidden files and sidecars."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel) and not f.name.endswith(SIDECAR_SUFFIX):
                    yield f, p
        elif not p.name.endswith(SIDECAR_SUFFIX):  # a sidecar passed by a shell glob is not a report
            yield p, p.parent


def ingest_paths(paths: Sequence[str | Path], root: Path | None = None) -> IngestResult:
    """Ingest report files and folders (recursively). A bad file is skipped with a reason, never raised.

    Args:
        paths: files or folders. Hidden files and ``*.meta.json`` sidecars are ignored.
        root: the corpus root for ``source`` paths (default: each folder given, or each file's folder).

    Returns:
        IngestResult with reports sorted by source and the skipped files with one-line reasons.
    """
    reports: dict[str, Report] = {}
    skipped: list[Skipped] = []
    for f, base in iter_files(paths):
        base = Path(root) if root is not None else base
        source = _source(f, base)
        if not f.exists():
            reason = "no such file or folder"
            log.error("%s: %s", source, reason)
            skipped.append(Skipped(source=source, reason=reason))
            continue
        try:
            report = load_report(f, base)
        except IngestError as e:
            log.error("%s: %s", source, e.reason)
            skipped.append(Skipped(source=source, reason=e.reason))
            continue
        except Exception as e:  # a loader bug must not stop the other files
            reason = f"unexpected error ({type(e).__name__}: {e})"
            log.error("%s: %s", source, reason)
            log.debug("traceback for %s", source, exc_info=True)
            skipped.append(Skipped(source=source, reason=reason))
            continue
        reports[report.source] = report
    return IngestResult(
        reports=[reports[k] for k in sorted(reports)],
        skipped=sorted(skipped, key=lambda s: s.source),
    )
