"""Clean a report's raw text: drop artefacts and web-page chrome, strip pinyin annotations, repair
mojibake and rejoin paragraphs that a page break split. The result has one paragraph per line.
"""

from __future__ import annotations

import re

from rag.text import repair_mojibake, strip_pinyin

# Word/WPS bookmarks that survive a copy: "[bookmark: _GoBack]".
_BOOKMARK = re.compile(r"\[\s*bookmark:[^\]\n]*\]", re.I)

# Header block of a government web page: "[ 索引号 ] ... [ 发文字号 ]", breadcrumbs.
_HEADER_FIELDS = (
    "索引号", "发文字号", "发布机构", "主题分类", "成文日期", "发布日期", "体裁分类", "有效性",
    "信息来源", "来源：", "来源:", "浏览次数", "访问量", "字号：", "字体：",
)
_BREADCRUMB = re.compile(r"^(您当前的位置|您现在的位置|当前位置|当前的位置|所在位置)\s*[:：]?")

# Lines that are chrome wherever they appear (share bars, accessibility, print/close buttons).
_CHROME_LINE = re.compile(
    r"^(扫一扫在手机打开当前页|扫一扫在手机上查看当前页面|扫一扫|微博|微信|QQ空间|分享到[:：]?|分享|"
    r"【?打印(本页)?】?|【?关闭(窗口)?】?|【?字体[:：]?\s*大\s*中\s*小】?|无障碍|长者模式|返回顶部|"
    r"上一篇.*|下一篇.*|相关链接|网站地图|联系我们|收藏本站|设为首页)$"
)
# Once one of these appears after the article, everything after it is footer link lists.
_TAIL_START = re.compile(r"^(扫一扫在手机打开当前页|扫一扫在手机上查看当前页面|分享到[:：]?|【?打印(本页)?】?)$")

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$|^[-—–]\s*\d{1,3}\s*[-—–]$")

_TERMINAL = "。；！？;!?：:…"
_CLOSING = "”’」』）)》"
_CONTINUATION_START = "，,。、；;：:）)》”’」』？！?!"
_ENUMERATION_START = re.compile(r"^[一二三四五六七八九十]是")
_HEADING_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、](?!\d))"
)
_SIGNATURE_LIKE = re.compile(r"(人民政府|委员会|办公室|党委|政府|委員會|辦公室|黨委)$|^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def _signature_like(line: str) -> bool:
    return len(line) <= 40 and not re.search("[，,。；]", line) and bool(_SIGNATURE_LIKE.search(line))


_HEADER_FIELD_LINE = re.compile(
    r"^[\[【]?\s*(索引号|发文字号|发布机构|主题分类|成文日期|发布日期|体裁分类|有效性|信息来源|浏览次数|访问量)\s*[\]】:：]"
)


def _is_header_line(line: str) -> bool:
    if _BREADCRUMB.match(line):
        return True
    if len(line) < 60 and _HEADER_FIELD_LINE.match(line):
        return True
    hits = sum(1 for f in _HEADER_FIELDS if f in line)
    return hits >= 2 or (hits == 1 and line.startswith("[") and len(line) < 80)


def web_header_lines(raw: str, limit: int = 40) -> list[str]:
    """The page-header lines that drop_web_chrome removes (发布机构：…, 来源：…, 发布时间：…): the
    cleaned text loses them, metadata still reads the publisher from them."""
    lines = (ln.strip(" \t\u3000") for ln in raw.replace("\r", "\n").split("\n"))
    return [ln for ln in lines if ln and _is_header_line(ln)][:limit]


def drop_web_chrome(lines: list[str]) -> list[str]:
    """Remove the header block, breadcrumbs, share bars and the trailing link lists of a web page."""
    out = [ln for ln in lines if not _is_header_line(ln)]
    # trailing chrome: from the first tail marker in the second half, drop the remaining short lines
    cut = None
    for i, ln in enumerate(out):
        if i >= len(out) // 2 and _TAIL_START.match(ln):
            cut = i
            break
    if cut is not None:
        out = out[:cut] + [ln for ln in out[cut:] if len(ln) > 40 and re.search("[。；]", ln)]
    return [ln for ln in out if not _is_chrome_line(ln)]


_CHROME_TOKEN = re.compile(
    r"扫一扫在手机打开当前页|分享到[:：]?|微博|微信|QQ空间|打印本页|打印|关闭窗口|关闭|"
    r"字体[:：]?\s*[大中小\s]+|无障碍|长者模式|返回顶部|收藏|[|｜/\s【】\[\]]"
)


def _is_chrome_line(line: str) -> bool:
    """A line of share, print and accessibility buttons: nothing left once those are removed."""
    if _CHROME_LINE.match(line):
        return True
    return len(line) <= 40 and not _CHROME_TOKEN.sub("", line) and bool(re.search(r"[\u4e00-\u9fff]", line))


def _paragraph_like(line: str) -> bool:
    """A body paragraph (not a heading or a title): a sentence inside, a comma, or simply long."""
    if _HEADING_START.match(line) and len(line) < 60 and not re.search("[。；！？]", line):
        return False
    return bool(re.search("[。；！？]", line)) or len(line) >= 60 or (len(line) >= 16 and bool(re.search("[，,、]", line)))


def _ends_paragraph(line: str) -> bool:
    last = line[-1]
    if last in _TERMINAL:
        return True
    # a closing quote or bracket ends a paragraph only right after a sentence end: 。” or ！）
    return last in _CLOSING and len(line) > 1 and line[-2] in _TERMINAL


def rejoin_broken_paragraphs(lines: list[str]) -> list[str]:
    """Rejoin a paragraph that a page break or a PDF line wrap split: "一是坚持优化政府" + "组织结构与…"."""
    out: list[str] = []
    for ln in lines:
        if out:
            prev = out[-1]
            continues = ln[0] in _CONTINUATION_START  # "，切实做到…" never starts a paragraph
            # a heading that a page break cut after a comma: "二、…第一责任人职责，" + "加强…的有关情况"
            heading_cut = (
                bool(_HEADING_START.match(prev)) and prev[-1] in "，,、" and len(prev) < 60
                and len(ln) < 40 and not _HEADING_START.match(ln) and not re.search("[。；！？]", ln)
            )
            if continues or heading_cut or (
                _paragraph_like(prev)
                and not _ends_paragraph(prev)
                and not _HEADING_START.match(ln)
                and not _signature_like(ln)
                and not _ENUMERATION_START.match(ln)
            ):
                out[-1] = prev + ln
                continue
        out.append(ln)
    return out


def _drop_repeated_title(lines: list[str]) -> list[str]:
    """Drop a title line repeated near the top (a Word cover page followed by the first page)."""
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i < 8 and len(ln) < 60 and ln in out and not re.search("[。；]", ln):
            continue
        out.append(ln)
    return out


def clean_text(raw: str) -> str:
    """The cleaned display text of a report: original script, one paragraph per line, no blank lines."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\x0c", "\n")
    text = _BOOKMARK.sub("", text)
    # repair first: the brackets of pinyin annotations bound the garbled runs
    text = repair_mojibake(text)
    text = strip_pinyin(text)
    lines = [ln.strip(" \t\u3000") for ln in text.split("\n")]
    lines = [ln for ln in lines if ln and not _PAGE_NUMBER.match(ln)]
    lines = drop_web_chrome(lines)
    lines = _drop_repeated_title(lines)
    lines = rejoin_broken_paragraphs(lines)
    return "\n".join(lines)
