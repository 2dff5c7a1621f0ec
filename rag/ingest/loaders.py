"""Read a report file into raw text: plain text in any common encoding, .docx, .pdf and saved web pages.

Each loader returns the text with one paragraph per line. Cleaning happens later, in rag.ingest.clean.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rag.text import common_share

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


class IngestError(Exception):
    """A file that cannot be ingested. str(err) is the one-line message "name: reason"."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


# ---------------------------------------------------------------- plain text

def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 BOM: text, not binary
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return control > len(head) * 0.05


def _cjk_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f") / len(visible)


def decode_text(raw: bytes, path: Path) -> str:
    """Decode bytes in UTF-8 (with or without BOM), GB18030/GBK, UTF-16, or whatever is detected."""
    if _looks_binary(raw):
        raise IngestError(path, "binary file, not a report")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(path, f"undecodable text ({e.reason})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # GB18030 (a superset of GBK and GB2312) or Big5: both decode each other's bytes into junk, so keep
    # the reading made of common characters
    readings = []
    for enc in ("gb18030", "big5"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _cjk_share(text) > 0.2:
            readings.append((common_share(text[:5000]), text))
    if readings:
        return max(readings, key=lambda r: r[0])[1]
    # a few damaged bytes in an otherwise clean file: keep the text, mark the damage with U+FFFD
    for enc in ("utf-8", "gb18030"):
        text = raw.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(3, len(text) // 200) and _cjk_share(text) > 0.3:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "undecodable text (encoding not recognised)")
    text = str(best)
    if _cjk_share(text) < 0.05 and sum(1 for c in text if c.isalpha()) < len(text) * 0.3:
        raise IngestError(path, f"undecodable text (best guess {best.encoding} gives no readable text)")
    return text


def load_plain(path: Path, raw: bytes) -> str:
    return decode_text(raw, path)


# Markdown's marks, not the report's words: "## 一、工作开展情况", "**瑞川县委…：**", "- 一是…", "> …", links
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(.*?)[ \t]*#*[ \t]*$", re.M)
_MD_BULLET = re.compile(r"^([ \t]*)(?:[-*+]|>+)[ \t]+", re.M)
_MD_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def load_markdown(path: Path, raw: bytes) -> str:
    """A Markdown report as its text: headings, bullets, rules, bold marks and links without their marks
    (the heading "## 一、工作开展情况" is the report's heading 一、工作开展情况)."""
    text = decode_text(raw, path)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_BULLET.sub(r"\1", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text)


# ---------------------------------------------------------------- docx


# Real Word files compress 3-30x (a very repetitive table ~200x, but only over a few hundred KB); a zip bomb
# ~1000x. Past 8 MB unpacked, over 100x is refused even under the size limit: python-docx parses every XML
# part in memory (a 187 MB document.xml took 6 GB).
DOCX_MAX_RATIO = 100
DOCX_RATIO_FLOOR = 8 * 2**20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_file_bytes() -> int | None:
    """settings.max_file_mb in bytes (None when the settings cannot be read: they fail elsewhere)."""
    try:
        from rag.config import get_settings

        return int(get_settings().max_file_mb * 2**20)
    except Exception:
        return None


def _setting(name: str, default: float) -> float:
    """A numeric setting (the default when the settings cannot be read: they fail elsewhere)."""
    try:
        from rag.config import get_settings

        return float(getattr(get_settings(), name))
    except Exception:
        return default


# ---------------------------------------------------------------- the time budget of one file

_budget = threading.local()


def check_budget(path: Path) -> None:
    """Raise IngestError once the file being read has used up RAG_PARSE_SECONDS (loaders call it in their loops)."""
    deadline: float | None = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        limit = getattr(_budget, "seconds", 0.0)
        raise IngestError(path, f"took longer than the {limit:g} s parse budget (RAG_PARSE_SECONDS)")


def _mb(n: float) -> str:
    mb = n / 2**20
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.1f} MB" if mb >= 0.1 else f"{mb:.2f} MB"


def check_docx_package(path: Path, raw: bytes, max_bytes: int | None) -> None:
    """Refuse a .docx that is no zip archive, or whose members unpack past the size limit or at a zip
    bomb's compression ratio, before anything is decompressed. (zipfile never yields more than a member's
    declared size, so the declared sizes bound what python-docx will unpack.)"""
    import io
    import zipfile

    if raw.startswith(_OLE_MAGIC):
        raise IngestError(path, "not a valid .docx file: an old Word .doc file; save it as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise IngestError(path, "not a valid .docx file: not a zip archive (damaged or renamed?)") from None
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if max_bytes is not None and unpacked > max_bytes:
        raise IngestError(path, f"unpacks to {_mb(unpacked)}, over the {_mb(max_bytes)} limit")
    if unpacked > DOCX_RATIO_FLOOR and unpacked / packed > DOCX_MAX_RATIO:
        raise IngestError(
            path, f"unpacks to {_mb(unpacked)} from {_mb(packed)} ({unpacked / packed:.0f}:1 compression), "
            f"over the {DOCX_MAX_RATIO}:1 a Word file can have: a zip bomb?"
        )
    if not any(m.filename == "word/document.xml" for m in members):
        raise IngestError(path, "not a valid .docx file: a zip archive without word/document.xml")


def load_docx(path: Path, raw: bytes) -> str:
    import io
    import zipfile

    try:
        from docx import Document
    except ImportError as e:  # pragma: no cover - python-docx is a declared dependency
        raise IngestError(path, "python-docx is not installed (pip install python-docx)") from e
    check_docx_package(path, raw, max_file_bytes())
    try:
        doc = Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise IngestError(path, f"not a valid .docx file ({type(e).__name__}: {e})") from None
    except Exception as e:  # python-docx raises many kinds for a damaged package
        raise IngestError(path, f"not a valid .docx file ({type(e).__name__}: {e})") from None
    lines: list[str] = []
    body = doc.element.body
    # paragraphs and tables in document order
    for child in body.iterchildren():
        check_budget(path)
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            rows = []
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip())
                    rows.append(cells)
            lines += table_lines(rows)
    return "\n".join(lines)


_UNIT_HEADER = re.compile(r"^(?:单位|單位|计量单位|計量單位)$")
_NUMBER_CELL = re.compile(r"^\d+(?:\.\d+)?\s*(?:余|多)?$")


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines of text. A table of figures whose header names the unit column (指标 | 单位 | 数量) gives
    each row as a report writes it: the item, then the figure with its unit (法治宣传活动35场), so that a count
    read from the text counts in its unit; any other row is its cells joined by spaces."""
    header = rows[0] if rows else []
    unit = next((i for i, c in enumerate(header) if _UNIT_HEADER.match(c)), None)
    out = [" ".join(c for c in header if c)] if header else []
    for row in rows[1:]:
        if unit is not None and unit < len(row) and row[unit]:
            numbers = [i for i, c in enumerate(row) if i != unit and _NUMBER_CELL.match(c)]
            if len(numbers) == 1:
                words = "".join(c for i, c in enumerate(row) if c and i not in (unit, numbers[0]))
                out.append(f"{words}{row[numbers[0]]}{row[unit]}")
                continue
        out.append(" ".join(c for c in row if c))
    return out


# ---------------------------------------------------------------- pdf


def load_pdf(path: Path, raw: bytes) -> str:
    import io
    import logging

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as e:  # pragma: no cover - pypdf is a declared dependency
        raise IngestError(path, "pypdf is not installed (pip install pypdf)") from e
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise IngestError(path, "encrypted PDF") from None
        pages = []
        for page in reader.pages:
            check_budget(path)
            pages.append(page.extract_text() or "")
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise IngestError(path, f"not a readable PDF ({type(e).__name__})") from None
    text = "\n".join(_unwrap_pdf_lines(page) for page in pages)
    if sum(1 for c in text if not c.isspace()) < 20:
        raise IngestError(path, "PDF has no text layer (scanned?)")
    return text


def _visual_width(line: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in line.strip())


_PDF_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、](?!\d))")


def _unwrap_pdf_lines(page: str) -> str:
    """Join a PDF's wrapped lines: a line that fills the page width goes on in the next line, even when
    it happens to end with 。. (Lines that end mid-sentence are rejoined later by the cleaner.)"""
    lines = page.split("\n")
    widths = sorted(_visual_width(ln) for ln in lines if ln.strip())
    if len(widths) < 4:
        return page
    full = widths[int(len(widths) * 0.9) - 1] * 0.92
    out: list[str] = []
    for ln in lines:
        signature = not re.search("[，,。；、：]", ln) and _visual_width(ln) < full * 0.6
        if out and out[-1] and ln.strip() and not _PDF_HEADING.match(ln) and not signature \
                and out[-1].endswith(tuple("。；！？”")) and _visual_width(out[-1]) >= full and full >= 15:
            out[-1] += ln.strip()
            continue
        out.append(ln)
    return "\n".join(out)


# ---------------------------------------------------------------- html

# Site chrome of government web pages: navigation, breadcrumbs, share bars, footers.
_CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button")
_CHROME_HINT = re.compile(
    r"nav|menu|footer|header|breadcrumb|crumb|share|bshare|position|location|sidebar|toolbar|"
    r"friend|links|copyright|qrcode|ewm|top-bar|topbar|search|related|print|close|bottom|fenxiang|dayin|wza",
    re.I,
)
_ARTICLE_HINT = re.compile(r"article|content|main|detail|zoom|textbox|text-box|view|con_|TRS_Editor|xxgk", re.I)
_META_FIELDS = ("索引号", "发文字号", "发布机构", "主题分类", "成文日期", "发布日期", "体裁分类", "有效性", "信息来源")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "blockquote", "pre", "ul", "ol", "dd", "dt", "td", "th",
}


def _html_text(node) -> str:  # type: ignore[no-untyped-def]
    """Text of a node with a line break at every block element."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []

    def walk(n) -> None:  # type: ignore[no-untyped-def]
        for child in n.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                parts.append(re.sub(r"[ \t\r\n]+", " ", str(child)))
            elif isinstance(child, Tag):
                block = child.name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(node)
    return "".join(parts)


def _attrs(tag) -> str:  # type: ignore[no-untyped-def]
    classes = tag.get("class") or []
    return " ".join([tag.get("id") or "", *(classes if isinstance(classes, list) else [classes])])


def load_html(path: Path, raw: bytes) -> str:
    from bs4 import BeautifulSoup

    if _looks_binary(raw):
        raise IngestError(path, "binary file, not a report")
    text = _decode_html(raw, path)
    soup = BeautifulSoup(text, "lxml")
    check_budget(path)
    depth = _max_depth(soup)
    if depth > HTML_MAX_DEPTH:
        raise IngestError(path, f"HTML nested {depth} levels deep, over the {HTML_MAX_DEPTH} a web page can have")
    fields = _site_field(soup)
    for tag in soup(_CHROME_TAGS):
        tag.decompose()
    # elements whose id/class says they are chrome (but never one that holds the article)
    for tag in soup.find_all(True):
        check_budget(path)
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        attrs = _attrs(tag)
        if attrs.strip() and _CHROME_HINT.search(attrs) and not _ARTICLE_HINT.search(attrs):
            tag.decompose()
    # the metadata table of a government page (索引号, 发布机构, 成文日期…), wherever it sits
    for tag in soup.find_all(["table", "div", "ul", "dl"]):
        check_budget(path)
        if tag.decomposed:
            continue
        text = tag.get_text(" ", strip=True)
        if len(text) < 600 and "。" not in text and sum(1 for f in _META_FIELDS if f in text) >= 3:
            fields += _field_lines(text)
            tag.decompose()
    body = soup.body or soup
    article = _find_article(body, path)
    # the page's fields as the header lines of a text copy (发布机构：…): the cleaner drops them from the text,
    # and metadata reads the publisher, the site and the dates from them
    return "\n".join([*fields, _html_text(article)])


_FIELD = re.compile("(" + "|".join(_META_FIELDS) + r")\s*[:：]?\s*")
# the site that publishes a page, after its title: "石莲镇2021年…报告_湄潭县人民政府", "… - 湄潭县人民政府网"
_SITE = re.compile(r"[\u4e00-\u9fff]{2,20}(?:人民政府|政府|人民政府网|政府网|门户网站)$")


def _site_field(soup) -> list[str]:  # type: ignore[no-untyped-def]
    """The publishing site named in the page's <title>, as a 信息来源 line (one line, or none)."""
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    parts = [p.strip() for p in re.split(r"[_｜|—–-]", title) if p.strip()]  # (the site after any dash)
    site = next((p for p in reversed(parts[1:]) if _SITE.search(p) and len(p) <= 30), None)
    return [f"信息来源：{site}"] if site else []


def _field_lines(text: str) -> list[str]:
    """A government page's metadata table as "label：value" lines (索引号 …, 发布机构 …, 成文日期 …)."""
    marks = list(_FIELD.finditer(text))
    out = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        value = text[m.end(): nxt.start() if nxt else len(text)].strip()
        if value and len(value) < 50:
            out.append(f"{m.group(1)}：{value}")
    return out


# Government pages nest some 20-40 levels; the code below walks the tree recursively and compares every
# block with its ancestors, which costs depth x size. (libxml2 itself stops at 256 without its "huge" option.)
HTML_MAX_DEPTH = 256


def _max_depth(soup) -> int:  # type: ignore[no-untyped-def]
    """The deepest element nesting, counted without recursion (O(elements))."""
    deepest = 0
    stack = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > HTML_MAX_DEPTH:
            return deepest
        stack.extend((c, depth + 1) for c in getattr(node, "contents", ()) if hasattr(c, "contents"))
    return deepest


def _find_article(body, path: Path):  # type: ignore[no-untyped-def]
    """The element holding the article: the densest block of Chinese text, by paragraph count."""
    from bs4 import Tag

    for name in ("article", "main"):
        found = body.find(name)
        if isinstance(found, Tag) and _cjk_count(found.get_text()) > 200:
            return found
    best, best_score = body, 0.0
    total = _cjk_count(body.get_text()) or 1
    for tag in body.find_all(["div", "td", "section"]):
        check_budget(path)
        text = tag.get_text()
        n = _cjk_count(text)
        if n < 200:
            continue
        # prefer the smallest element that still holds most of the page's Chinese text
        score = n / total - len(text) / (len(body.get_text()) + 1) * 0.1
        if _ARTICLE_HINT.search(_attrs(tag)):
            score += 0.2
        if n > total * 0.6 and score >= best_score:
            best, best_score = tag, score
    return best


def _cjk_count(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def _decode_html(raw: bytes, path: Path) -> str:
    head = raw[:4096].decode("ascii", errors="ignore")
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", head, re.I)
    if m:
        enc = m.group(1).lower()
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw, path)


# ---------------------------------------------------------------- dispatch

LOADERS: dict[str, Callable[[Path, bytes], str]] = {
    ".txt": load_plain,
    ".md": load_markdown,
    ".docx": load_docx,
    ".pdf": load_pdf,
    ".html": load_html,
    ".htm": load_html,
}


TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def read_raw(path: Path, max_bytes: int | None = None) -> bytes:
    """Read a file's bytes, rejecting unsupported extensions, empty files and files over the limit."""
    ext = path.suffix.lower()
    if ext not in LOADERS:
        shown = ext or "(none)"
        raise IngestError(path, f"unsupported extension {shown} (supported: {' '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise IngestError(path, f"cannot read file ({e.strerror})") from None
    if max_bytes is not None and size > max_bytes:
        raise IngestError(path, f"file too large ({_mb(size)}, over the {_mb(max_bytes)} limit, RAG_MAX_FILE_MB)")
    text_limit = int(_setting("max_text_mb", 5.0) * 2**20)
    if ext in TEXT_SUFFIXES and size > text_limit:
        # a report is some 10-100 KB of text: a larger text file is refused before it is read
        raise IngestError(path, f"file too large ({_mb(size)} of text, over the {_mb(text_limit)} limit, RAG_MAX_TEXT_MB)")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(path, f"cannot read file ({e.strerror})") from None
    if not raw.strip():
        raise IngestError(path, "empty file")
    return raw


def load_text(path: Path, raw: bytes) -> str:
    """Raw text of a report file, by extension, within the RAG_PARSE_SECONDS budget. Raises IngestError."""
    seconds = _setting("parse_seconds", 20.0)
    _budget.deadline, _budget.seconds = time.monotonic() + seconds, seconds
    try:
        text = LOADERS[path.suffix.lower()](path, raw)
        check_budget(path)
    finally:
        _budget.deadline = None
    if not text.strip():
        raise IngestError(path, "no text found")
    return text
