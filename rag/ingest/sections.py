"""Find the structure of a cleaned report: front matter (title, addressee), body sections with their
heading hierarchy (一、 / （一） / 1. / （1）) and the signature block at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.lexicon import SIGNING_BODY, heading_kind
from rag.text import to_simplified

# (level, pattern) in order of precedence; the number is group 1.
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    # 第一部分 stands above 一、 where a report has both: the parts hold the numbered sections
    (0, re.compile(r"^第([一二三四五六七八九十]{1,3})部分")),
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]")),
    (2, re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")),
    (3, re.compile(r"^(\d{1,2})\s*[.．、](?![\d%％])")),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]")),
)
_SENTENCE_END = re.compile(r"[。；！？;!?]")
_HEADING_MAX = 60  # a whole line up to this length, with no sentence inside, is a heading

_ACHIEVEMENT_HINT = re.compile(r"成效|成绩|完成情况|主要工作|工作情况|举措")


def classify_heading(heading: str) -> str | None:
    """The section kind a heading names by itself, or None if it names none."""
    return heading_kind(to_simplified(heading))


@dataclass
class Heading:
    level: int
    number: int | None
    text: str  # the heading as shown in the section path (display script)
    line_start: int  # offset of the line that starts with the heading
    line_end: int
    inline: bool  # the heading is the first sentence of a paragraph that goes on


@dataclass
class Section:
    """A node of the heading tree. path holds the headings from the top down."""

    path: tuple[str, ...]
    kind: str
    level: int
    spans: list[tuple[int, int]] = field(default_factory=list)  # paragraphs directly under it
    heading_span: tuple[int, int] | None = None  # the line holding the heading

    @property
    def label(self) -> str:
        return " > ".join(self.path)


@dataclass
class Layout:
    front: tuple[int, int]  # title, addressee: in no chunk
    body: tuple[int, int]
    back: tuple[int, int]  # signature, date, 印发 line: in no chunk
    sections: list[Section]
    title_lines: list[str]


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def match_heading(line: str) -> tuple[int, int | None, str, bool] | None:
    """(level, number, heading text, inline) if the line starts with a heading, else None."""
    from rag.text import cn_to_int

    for level, pattern in HEADING_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        rest = line[m.end():].strip()
        if not rest or not re.search(r"[\u4e00-\u9fff“\"《]", rest[:6]):
            return None
        number = cn_to_int(m.group(1))
        body = line.rstrip("。；;.")
        if len(line) <= _HEADING_MAX and not _SENTENCE_END.search(body):
            return level, number, body, False
        # a heading sentence that starts a paragraph: "（一）狠抓…学习贯彻。习近平法治思想是…"
        end = _SENTENCE_END.search(line)
        colon = re.search(r"[:：]", line)
        cut = end.start() if end else len(line)
        if colon and colon.start() < cut and colon.start() <= 30:
            cut = colon.start()
        head = line[:cut]
        if len(head) > 80:  # a long list item, not a heading: keep a readable prefix
            head = head[:40] + "…"
        return level, number, head, True
    return None


_SIGNATURE = re.compile(
    SIGNING_BODY + "|"
    r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^[〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$|"
    r"印发$|^(抄送|抄报|主送)[:：]"
)


def _is_signature_line(line: str) -> bool:
    simple = to_simplified(line.strip())
    return len(simple) <= 45 and not re.search("[。；，,]", simple) and bool(_SIGNATURE.search(simple))


# markup a plain-text copy of a web page may carry (<img src="http://…">): no words of the line
_TAG = re.compile(r"<[^<>]{0,500}>")


def _is_front_line(line: str) -> bool:
    """A title, sub-title or addressee line before the report body (its length counted without markup: a
    title with an <img> tag is still a title)."""
    s = line.strip()
    if match_heading(s):
        return False
    words = _TAG.sub("", s)
    if len(words) > 60 or re.search("[。；！？，,]", words):
        return False
    return True


# a paragraph that opens by naming its kind, in a report without headings
_OPENS_PROBLEMS = re.compile(r"(?:存在|还有|仍有|面临)(?:着)?(?:一些|以下|不少|的)?(?:主要|突出|明显)?的?"
                             r"(?:问题|不足|短板|差距|困难|薄弱环节|弱项)|问题(?:和|与)不足")
_OPENS_PLANS = re.compile(r"下一步|下步|今后|明年|新的一年|来年|(?:19|20)\d{2}年[，,]?(?:我们?|全)?[镇乡街道]{0,2}将")


def _opening_kind(paragraph: str) -> str | None:
    """The kind a paragraph's opening sentence names: 存在一些不足 (problems), 下一步 / 2025年我镇将 (plans)."""
    first = to_simplified(_SENTENCE_END.split(paragraph, 1)[0])
    aspect = _ASPECT.match(first)  # "在2023年工作打算方面，一是…": the aspect its lead clause names
    if aspect and classify_heading(aspect.group(1)) in ("problems", "plans"):
        return classify_heading(aspect.group(1))
    return "problems" if _OPENS_PROBLEMS.search(first) else "plans" if _OPENS_PLANS.search(first) else None


_ASPECT = re.compile(r"(?:在|关于|对于)?([^。；！？;!?，,：:]{2,20}?)方面[，,：:]")


# a line that names a section's kind without a number: "存在的困难和挑战：", "下一步工作打算"
_UNNUMBERED_MAX = 24


def _unnumbered_heading(line: str) -> tuple[int, int | None, str, bool] | None:
    """A short line without a sentence in it that names the problems or the plans (a report that numbers its
    achievements only, then writes "存在的困难和挑战："), as a top-level heading without a number."""
    body = line.strip().rstrip("：:")
    lead = re.match(r"([^。；！？;!?，,：:]{2,16})[：:]\s*\S", body)
    if lead and classify_heading(lead.group(1)) in ("problems", "plans"):
        # "存在的主要问题：一是…": the heading leads its paragraph
        return 1, None, lead.group(1), True
    if not body or len(body) > _UNNUMBERED_MAX or re.search(r"[。；！？;!?，,]", body):
        return None
    return (1, None, body, False) if classify_heading(body) in ("problems", "plans") else None


def _paragraph_sections(text: str, spans: list[tuple[int, int]]) -> list[Section]:
    """The paragraphs of a report without headings as sections: consecutive paragraphs of one kind together,
    the kind read from a paragraph's opening sentence (other when it names none)."""
    out: list[Section] = []
    for s, e in spans:
        kind = _opening_kind(text[s:e]) or "other"
        if out and out[-1].kind == kind:
            out[-1].spans.append((s, e))
        else:
            out.append(Section(path=(), kind=kind, level=0, spans=[(s, e)]))
    return out


def parse_layout(text: str) -> Layout:
    """Split the cleaned text into front matter, body sections and the signature block."""
    lines = line_spans(text)
    if not lines:
        return Layout((0, 0), (0, 0), (0, 0), [], [])
    # front matter: leading short lines without a sentence, up to the first paragraph or heading
    i = 0
    while i < len(lines) - 1 and _is_front_line(text[lines[i][0]:lines[i][1]]):
        i += 1
    # back matter: trailing signature lines
    j = len(lines)
    while j > i + 1 and _is_signature_line(text[lines[j - 1][0]:lines[j - 1][1]]):
        j -= 1
    front = (0, lines[i][0])
    body_lines = lines[i:j]
    back = (lines[j][0] if j < len(lines) else len(text), len(text))
    title_lines = [text[s:e] for s, e in lines[:i]]

    sections: list[Section] = []
    preamble = Section(path=(), kind="other", level=0)
    sections.append(preamble)
    stack: list[tuple[int, str, str]] = []  # (level, heading, kind)
    current = preamble
    unnumbered = False  # the current section's heading is a line that names its kind without a number
    for s, e in body_lines:
        line = text[s:e]
        h = match_heading(line)
        if h is None:
            h = _unnumbered_heading(line)
            if h is not None and classify_heading(h[2]) == current.kind:
                h = None  # "主要存在以下问题：" under 二、存在的不足: a lead-in, the section goes on
        if h is None:
            opens = _opening_kind(text[s:e]) if unnumbered else None
            if opens is not None and opens != current.kind:
                # "2025年，我们将…" after "存在的困难和挑战：": the plans begin without a heading of their own
                stack = []
                current = Section(path=(), kind=opens, level=0)
                sections.append(current)
            current.spans.append((s, e))
            continue
        unnumbered = h[1] is None
        level, _number, heading, inline = h
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent_kind = stack[-1][2] if stack else None
        own = classify_heading(heading)
        if own == "problems" and parent_kind == "plans":
            own = None  # a plan's point names the shortcoming it mends: 三、2024年工作打算 > 1. 补齐执法力量短板
        if own is not None:
            kind = own
        elif parent_kind is not None:
            kind = parent_kind
        else:
            kind = "achievements"
        stack.append((level, heading, kind))
        current = Section(path=tuple(x[1] for x in stack), kind=kind, level=level, heading_span=(s, e))
        sections.append(current)
        if inline:
            current.spans.append((s, e))
    if len(sections) == 1 and len(preamble.spans) > 1:
        # no heading at all: each paragraph is a section of the kind its opening sentence names
        # ("工作中也存在一些不足。一是…", "2025年，我镇将重点抓好以下工作。一是…")
        sections = _paragraph_sections(text, preamble.spans)
    # a heading with neither text nor sub-sections under it is its own content ("（二）也很短。")
    for k, sec in enumerate(sections):
        nxt = sections[k + 1] if k + 1 < len(sections) else None
        has_child = nxt is not None and nxt.path[:len(sec.path)] == sec.path and len(nxt.path) > len(sec.path)
        if not sec.spans and sec.heading_span and not has_child:
            sec.spans.append(sec.heading_span)
    return Layout(front, (body_lines[0][0], body_lines[-1][1]) if body_lines else (0, 0), back,
                  [sec for sec in sections if sec.spans or sec.path], title_lines)
