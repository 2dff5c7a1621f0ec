"""The chunker's invariants, as properties: spans are exact, every sentence is in some chunk, and no
chunk starts or ends inside a sentence. Plus the section rules on small hand-made reports."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.chunking import CHUNKER_VERSION, MAX_CHARS, chunk_text, merge_sections, split_spans
from rag.ingest.sections import classify_heading, match_heading, parse_layout
from rag.text import iter_sentence_spans

HAN = st.text(alphabet=st.sampled_from("法治政府建设乡镇村社区执法人员普法宣传工作推进落实加强完善"), min_size=1, max_size=60)
END = st.sampled_from(["。", "；", "！", "？", "", "，"])
SENTENCE = st.builds(lambda body, end: body + end, HAN, END)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=12).map("".join)
NUMERALS = "一二三四五六七八"


@st.composite
def reports(draw: st.DrawFn) -> str:
    """A report: an optional title, a preamble, headings of three levels, paragraphs, a signature."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("某某镇2023年法治政府建设情况报告")
    lines.append(draw(PARAGRAPH))
    for i in range(draw(st.integers(0, 4))):
        lines.append(f"{NUMERALS[i]}、{draw(HAN)}")
        for j in range(draw(st.integers(0, 3))):
            heading = f"（{NUMERALS[j]}）{draw(HAN)}"
            if draw(st.booleans()):
                lines.append(heading + "。" + draw(PARAGRAPH))  # a heading sentence that starts a paragraph
            else:
                lines.append(heading)
            for k in range(draw(st.integers(0, 3))):
                lines.append(f"{k + 1}.{draw(PARAGRAPH)}" if draw(st.booleans()) else draw(PARAGRAPH))
    if draw(st.booleans()):
        lines += ["某某镇人民政府", "2024年1月5日"]
    return "\n".join(lines)


def _body_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of every body line that is not a heading by itself."""
    layout = parse_layout(text)
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip() or start < layout.body[0] or end > layout.body[1]:
            continue
        h = match_heading(line)
        if h and not h[3]:
            continue
        out.extend(iter_sentence_spans(text, start, end))
    return out


@settings(max_examples=150, deadline=None)
@given(reports())
def test_chunks_are_exact_cover_every_sentence_and_split_none(text: str) -> None:
    chunks = chunk_text(text, "r.txt")
    sentences = _body_sentences(text)
    starts = {s for s, _ in iter_sentence_spans(text)}
    ends = {e for _, e in iter_sentence_spans(text)}
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.start < c.end
        assert c.start in starts and c.end in ends  # never mid-sentence
    for s, e in sentences:
        assert any(c.start <= s and e <= c.end for c in chunks), text[s:e]
    assert len({c.id for c in chunks}) == len(chunks)


@settings(max_examples=200, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=8), st.integers(40, 700))
def test_split_spans_properties(paragraphs: list[str], max_chars: int) -> None:
    text = "\n".join(paragraphs)
    spans, pos = [], 0
    for p in paragraphs:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 1
    pieces = split_spans(text, spans, max_chars=max_chars, target_chars=max(20, max_chars * 3 // 4))
    sentences = list(iter_sentence_spans(text))
    starts, ends = {s for s, _ in sentences}, {e for _, e in sentences}
    assert pieces
    for a, b in pieces:
        assert a in starts and b in ends
        inside = [s for s in sentences if a <= s[0] and s[1] <= b]
        assert b - a <= max_chars or len(inside) == 1  # only a single long sentence may exceed the limit
    for s, e in sentences:
        assert any(a <= s and e <= b for a, b in pieces)
    # in order, overlapping by at most one sentence
    for (a1, b1), (a2, b2) in zip(pieces, pieces[1:], strict=False):
        assert a1 < a2 and b1 < b2
        shared = [s for s in sentences if a2 <= s[0] and s[1] <= b1]
        assert len(shared) <= 1


def test_long_section_splits_with_one_sentence_overlap() -> None:
    sentences = [f"第{i}句话讲的是法治政府建设工作的具体做法和成效情况说明。" for i in range(40)]
    text = "一、主要工作\n" + "".join(sentences)
    chunks = chunk_text(text, "r.txt")
    assert len(chunks) >= 3
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    for a, b in zip(chunks, chunks[1:], strict=False):
        last = a.text.split("。")[-2] + "。"
        assert b.text.startswith(last)  # one sentence of overlap
        assert a.section == b.section == "一、主要工作"


def test_tiny_sections_merge_with_siblings_not_across_top_level() -> None:
    text = "\n".join([
        "一、主要成效",
        "（一）短的一节。只有一句。",
        "（二）也很短。",
        "二、存在的问题",
        "（一）问题很短。",
        "三、下一步打算",
        "继续加强。",
    ])
    chunks = chunk_text(text, "r.txt")
    assert [(c.section, c.kind) for c in chunks] == [
        ("一、主要成效", "achievements"),
        ("二、存在的问题 > （一）问题很短", "problems"),
        ("三、下一步打算", "plans"),
    ]
    assert chunks[0].text == "（一）短的一节。只有一句。\n（二）也很短。"


def test_child_inherits_kind_unless_its_heading_says_otherwise() -> None:
    text = "\n".join([
        "一、2022年法治政府建设工作情况",
        "（一）加强组织领导",
        "镇党委履行第一责任人职责，多次召开会议研究部署法治政府建设工作，并在全年开展学法活动十余次。" * 3,
        "（二）存在的短板",
        "执法力量薄弱，人员配备不足，部分执法人员业务能力不强，执法水平有待进一步提高和加强。" * 3,
    ])
    kinds = {c.section: c.kind for c in chunk_text(text)}
    assert kinds["一、2022年法治政府建设工作情况 > （一）加强组织领导"] == "achievements"
    assert kinds["一、2022年法治政府建设工作情况 > （二）存在的短板"] == "problems"


def test_classify_heading() -> None:
    assert classify_heading("四、2024年推进法治政府建设存在的不足和原因") == "problems"
    assert classify_heading("二、存在问题及短板") == "problems"
    assert classify_heading("三、下一步打算") == "plans"
    assert classify_heading("五、2025年推进法治政府建设的工作思路目标举措") == "plans"
    assert classify_heading("七、下一年度推進法治政府建設的主要安排") == "plans"
    assert classify_heading("三、更好推进贯彻落实的意见建议") == "plans"
    assert classify_heading("四、黨政主要負責人履行推進法治建設第一責任人職責") == "leadership"
    assert classify_heading("二、主要负责人与其他负责人履职情况") == "leadership"
    assert classify_heading("一、2020年推进法治政府建设的主要举措和成效") is None
    assert classify_heading("（一）加强组织领导，落实法治建设职责") is None
    # a shortcoming as the object of the work that mends it names no problems section
    assert classify_heading("1.补齐执法队伍短板") is None
    assert classify_heading("（三）着力解決基層執法力量不足問題") is None
    assert classify_heading("2.落实“四议两公开”，全年未发现违规决策问题") is None
    assert classify_heading("二、存在的问题及整改措施") == "problems"
    assert classify_heading("三、下一步补齐短板的举措") == "plans"


def test_a_point_of_work_that_mends_a_shortcoming_stays_in_the_work_section() -> None:
    text = "\n".join(["一、主要工作开展情况", "（二）充实执法力量", "1.补齐执法队伍短板",
                     "执法人员由6名增至11名。", "二、存在的问题", "（一）执法队伍短板仍然存在。"])
    kinds = {s.path[-1]: s.kind for s in parse_layout(text).sections if s.spans}
    assert kinds["1.补齐执法队伍短板"] == "achievements", kinds
    assert kinds["（一）执法队伍短板仍然存在"] == "problems", kinds


def test_match_heading_forms() -> None:
    assert match_heading("一、主要工作完成情况")[:3] == (1, 1, "一、主要工作完成情况")  # type: ignore[index]
    assert match_heading("(一)强化理论武装")[:2] == (2, 1)  # type: ignore[index]
    assert match_heading("（十二）其他工作")[:2] == (2, 12)  # type: ignore[index]
    assert match_heading("3.分级分层培训体系构建。通过组织丰富多样的执法人员业务培训会议，形成了分级分层的培训体系。")[2:] == (
        "3.分级分层培训体系构建", True)  # type: ignore[index]
    assert match_heading("1、加强学习")[:2] == (3, 1)  # type: ignore[index]
    assert match_heading("（1）加强学习")[:2] == (4, 1)  # type: ignore[index]
    assert match_heading("2022年，我镇坚持…") is None
    assert match_heading("3.8万元用于普法") is None


def test_merge_sections_keeps_order() -> None:
    layout = parse_layout("前言一句。\n一、甲\n内容一。\n（一）乙\n内容二。")
    groups = merge_sections(layout.sections)
    assert [g.spans[0][0] for g in groups] == sorted(g.spans[0][0] for g in groups)


def test_version_is_a_string() -> None:
    assert isinstance(CHUNKER_VERSION, str) and CHUNKER_VERSION


def test_a_problems_heading_without_a_number_starts_a_section_and_plans_may_follow_without_one() -> None:
    """A report that numbers its achievements only: "存在的困难和挑战：" on a line of its own, then "2025年，我们将…"."""
    text = "\n".join([
        "（一）推进依法决策",
        "全年作出重大行政决策3项，均经合法性审查。",
        "存在的困难和挑战：",
        "一是执法力量紧缺。二是群众法治意识不强。",
        "2025年，我们将增加执法编制。",
    ])
    kinds = [(s.kind, s.path) for s in parse_layout(text).sections if s.spans]
    assert kinds[-2:] == [("problems", ("存在的困难和挑战",)), ("plans", ())], kinds


@pytest.mark.parametrize(("lead", "kind"), [
    ("在下一步工作安排方面，", "plans"), ("关于明年的工作打算方面：", "plans"), ("在存在的不足方面，", "problems"),
    ("在薄弱環節方面，", "problems"), ("在法治宣传方面，", "other")])
def test_a_paragraph_without_heading_is_of_the_kind_its_lead_aspect_names(lead: str, kind: str) -> None:
    """A report of paragraphs only: "在2023年工作打算方面，一是…" opens its plans."""
    text = "\n".join(["2022年，某乡认真开展法治建设工作，全年调解纠纷12件。",
                     f"{lead}一是充实执法力量；二是培养法律明白人3名以上。"])
    kinds = [s.kind for s in parse_layout(text).sections if s.spans]
    assert kinds[-1] == kind, kinds


def test_a_lead_in_line_under_a_problems_heading_is_no_heading_of_its_own() -> None:
    text = "\n".join(["二、存在的不足和原因", "主要存在以下问题：", "（一）法治意识不强。", "（二）执法力量薄弱。"])
    paths = [s.path for s in parse_layout(text).sections if s.spans]
    assert all(p and p[0] == "二、存在的不足和原因" for p in paths), paths


def test_parts_stand_above_the_numbered_sections() -> None:
    """第一部分 … 第二部分 hold 一、二、 of their own: 一、存在的不足 under 第二部分 is no sibling of 第一部分's 一、."""
    text = "\n".join([
        "第一部分 主要工作",
        "一、加强组织领导", "镇党委每季度研究法治建设。",
        "二、规范行政执法", "全镇12名执法人员持证上岗。",
        "第二部分 存在的不足和下一步打算",
        "一、存在的不足", "（一）执法力量薄弱。全镇仅有3名执法人员。",
        "二、下一步打算", "（一）充实执法力量。争取增加执法编制。",
    ])
    sections = {s.path[-1]: s for s in parse_layout(text).sections if s.path}
    assert sections["（一）执法力量薄弱"].path[:2] == ("第二部分 存在的不足和下一步打算", "一、存在的不足")
    assert sections["（一）执法力量薄弱"].kind == "problems"
    assert sections["（一）充实执法力量"].kind == "plans"
    assert sections["二、规范行政执法"].path[0] == "第一部分 主要工作"


@pytest.mark.parametrize("lead", ["存在的主要问题", "存在的突出问题", "工作中存在的主要不足", "下一步工作打算"])
def test_a_kind_named_before_a_colon_leads_its_paragraph(lead: str) -> None:
    """A report without numbered headings: "存在的主要问题：一是…" opens the problems (and "下一步工作打算：" the plans)
    in the paragraph it leads."""
    text = "\n".join(["一年来，镇党委高度重视法治建设。", "一是全年调解纠纷58件。二是培育法律明白人40名。",
                      f"{lead}：一是普法形式单一。二是执法力量不足。"])
    last = [s for s in parse_layout(text).sections if s.spans][-1]
    assert last.path == (lead,) and last.kind == classify_heading(lead), (last.path, last.kind)


def test_a_sentence_under_a_numbered_point_keeps_the_point_above_it() -> None:
    """A chunk of small sections is labelled by their parent only: the sentences of "1.宣传方式比较单一。" keep
    "（二）法律法规宣传教育方面存在不足" in their context, which names the topic (普法, 宣传)."""
    from types import SimpleNamespace

    from rag.chunking import chunk_text
    from rag.evidence import build_units

    text = "\n".join([
        "四、存在的不足", "（一）执法方面存在问题", "部分执法人员思维转变较慢。",
        "（二）法律法规宣传教育方面存在不足", "1.宣传方式比较单一。主要依赖张贴海报、发放手册等传统手段。",
        "2.宣传内容不够深入。多为条文罗列。",
    ])
    chunks = chunk_text(text)
    units = build_units({"r": SimpleNamespace(text=text)}, [SimpleNamespace(source="r", chunk=c) for c in chunks])
    unit = next(u for u in units if u.norm.startswith("主要依赖"))
    assert "(二)法律法规宣传教育方面存在不足" in unit.context.replace("（", "(").replace("）", ")"), unit.context
    assert "1.宣传方式比较单一" in unit.context
