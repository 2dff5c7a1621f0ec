"""Ingestion: the five seeds end to end, files the tests build (docx, pdf, html, GBK text) and bad files."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from pathlib import Path

import pytest

from rag.ingest import IngestError, ingest_paths, load_report
from rag.ingest.metadata import place_names
from rag.ingest.sections import match_heading, parse_layout
from rag.models import Report
from rag.text import PINYIN_ANNOTATION, iter_sentence_spans, to_simplified

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# source prefix -> (township, county, province, year, date, title)
EXPECTED = {
    "000": ("大歇镇", "石柱土家族自治县", "重庆市", 2024, "2024-12-20", "大歇镇人民政府关于2024年法治政府建设情况的报告"),
    "001": ("高观镇", "城口县", "重庆市", 2022, None, "城口县高观镇2022年法治政府建设情况报告"),
    "002": ("岳溪镇", "开州区", "重庆市", 2020, "2021-01-31",
            "重庆市开州区岳溪镇人民政府关于2020年度法治政府建设情况的报告"),
    "003": ("大铭乡", "德化县", "福建省", 2023, "2024-02-27", "大铭乡2023年法治政府建设年度报告"),
    "004": ("共和镇", "鹤山市", "广东省", 2022, "2022-12-09", "鹤山市共和镇2022年法治政府建设情况报告"),
}

# (source prefix, top-level heading prefix) -> kind of every chunk under it
EXPECTED_KINDS = [
    ("000", "二、", "leadership"),
    ("000", "四、", "problems"),
    ("000", "五、", "plans"),
    ("001", "二、存在的问题", "problems"),
    ("001", "三、下一步打算", "plans"),
    ("002", "二、", "leadership"),
    ("002", "三、", "problems"),
    ("002", "四、", "plans"),
    ("003", "二、存在问题及短板", "problems"),
    ("003", "三、更好推进贯彻落实的意见建议", "plans"),
    ("004", "四、", "leadership"),
    ("004", "七、", "plans"),
]

CHROME = ["bookmark", "_GoBack", "索引号", "发布机构", "您当前的位置", "扫一扫", "部门街镇", "无障碍", "市政府部门网站",
          "区县政府网站", "新闻媒体网站", "体裁分类"]


@pytest.fixture(scope="module")
def seeds() -> dict[str, Report]:
    result = ingest_paths([SEEDS])
    assert not result.skipped
    return {r.source[:3]: r for r in result.reports}


def test_seeds_are_all_ingested_sorted_by_source(seeds: dict[str, Report]) -> None:
    sources = [r.source for r in seeds.values()]
    assert sources == sorted(sources) and len(sources) == 5
    assert all("/" not in s and s.endswith(".txt") for s in sources)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_metadata(seeds: dict[str, Report], key: str) -> None:
    r = seeds[key]
    assert (r.township, r.county, r.province, r.year, r.date, r.title) == EXPECTED[key]


def test_seed_script_and_hash(seeds: dict[str, Report]) -> None:
    assert seeds["004"].script == "traditional"
    assert all(seeds[k].script == "simplified" for k in ("000", "001", "002", "003"))
    for r in seeds.values():
        assert r.sha256 == hashlib.sha256((SEEDS / r.source).read_bytes()).hexdigest()


def test_chunks_are_exact_unique_spans(seeds: dict[str, Report]) -> None:
    ids: set[str] = set()
    for r in seeds.values():
        assert 6 <= len(r.chunks) <= 30
        for c in r.chunks:
            assert r.text[c.start:c.end] == c.text and c.text.strip() == c.text and c.text
            assert c.id not in ids
            ids.add(c.id)


def test_chunk_sizes(seeds: dict[str, Report]) -> None:
    for r in seeds.values():
        for c in r.chunks:
            sentences = list(iter_sentence_spans(r.text, c.start, c.end))
            assert len(c.text) <= 600 or len(sentences) == 1, (r.source, c.section)
        body = [c for c in r.chunks if c.section]
        assert sum(len(c.text) for c in body) / len(body) >= 150


def test_no_artefact_survives(seeds: dict[str, Report]) -> None:
    for r in seeds.values():
        for c in r.chunks:
            assert not PINYIN_ANNOTATION.search(c.text), c.text
            assert not re.search(r"\((zh|sh|ch)?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,5}\)", c.text)
            for bad in CHROME:
                assert bad not in c.text, (r.source, bad)
            assert c.text not in ("微博", "微信")
            assert "ぷ" not in c.text and "\ufffd" not in c.text
        for bad in CHROME:
            assert bad not in r.text, (r.source, bad)


def test_web_page_chrome_is_gone_and_the_article_stays(seeds: dict[str, Report]) -> None:
    text = seeds["002"].text
    assert text.startswith("重庆市开州区岳溪镇人民政府关于2020年度法治政府建设情况的报告")
    assert text.endswith("2021年1月31日")
    assert "\n微博\n" not in text and "\n微信\n" not in text


def test_bookmark_and_repeated_title_are_dropped(seeds: dict[str, Report]) -> None:
    text = seeds["001"].text
    assert text.count("城口县高观镇2022年法治政府建设情况报告") == 1
    assert "\n2022年度，我镇坚持" in text
    assert not re.search(r"^\d+$", text, re.M)  # the stray page number


def test_pinyin_removed_real_parentheses_kept(seeds: dict[str, Report]) -> None:
    text = seeds["004"].text
    assert "鎮(zhèn)" not in text and "我鎮以習近平" in text
    assert "村(社區)" in text and "(2022-2025年)" in text
    assert "中歐合作區(江門)" in text


def test_mojibake_repaired(seeds: dict[str, Report]) -> None:
    assert "公正嚴謹的工作人員擔任行政執法監督員" in seeds["004"].text


def test_page_break_paragraphs_rejoined(seeds: dict[str, Report]) -> None:
    text = seeds["003"].text
    for joined in ("一是坚持优化政府组织结构与促进政府职能转变", "二是提升单位职工、执法人员、党员干部的相关法治水平",
                   "坚持依法履职、廉洁履职、勤勉履职", "合法性审查和集体讨论决定", "促使政府及时整改", "大铭乡村居公共法律服务工作站"):
        assert joined in text
    assert "相关\n" not in text


@pytest.mark.parametrize(("key", "heading", "kind"), EXPECTED_KINDS)
def test_section_kinds(seeds: dict[str, Report], key: str, heading: str, kind: str) -> None:
    chunks = [c for c in seeds[key].chunks if c.section.startswith(heading)]
    assert chunks and all(c.kind == kind for c in chunks)


def test_problems_only_in_problem_sections(seeds: dict[str, Report]) -> None:
    problem_headings = {"000": "四、", "001": "二、", "002": "三、", "003": "二、"}
    for key, r in seeds.items():
        for c in r.chunks:
            if c.kind == "problems":
                assert c.section.startswith(problem_headings[key]), (key, c.section)
    assert not any(c.kind == "problems" for c in seeds["004"].chunks)


def test_heading_paths(seeds: dict[str, Report]) -> None:
    sections = {c.section for c in seeds["000"].chunks}
    assert "四、2024年推进法治政府建设存在的不足和原因 > (一)创新执法监管方式方面存在问题" in sections
    sections_001 = {c.section for c in seeds["001"].chunks}
    # a heading sentence that starts a paragraph: the path holds just the heading sentence
    assert "一、2022年法治政府建设工作情况 > （一）狠抓习近平法治思想的学习贯彻" in sections_001
    first = next(c for c in seeds["001"].chunks if c.section.endswith("学习贯彻"))
    assert first.text.startswith("（一）狠抓习近平法治思想的学习贯彻。习近平法治思想是")
    # tiny sections merged under their parent keep the headings the path no longer names
    merged = next(c for c in seeds["000"].chunks if "贵和”工作法运用" in c.text)
    assert merged.section == "三、全面开展依法行政,落实法治政府建设"
    assert merged.text.startswith("(二)“贵和”工作法运用化解矛盾纠纷情况\n1.借鉴推广先进经验")
    # 004 numbers 一…五 then 七
    tops = {c.section.split(" > ")[0][:2] for c in seeds["004"].chunks if c.section}
    assert tops == {"一、", "二、", "三、", "四、", "五、", "七、"}


def test_front_and_back_matter_in_no_chunk(seeds: dict[str, Report]) -> None:
    r = seeds["000"]
    assert not any("印发" in c.text for c in r.chunks)
    assert not any(c.text.startswith("大歇镇人民政府关于") for c in r.chunks)
    assert not any(c.text.endswith("2022年12月9日") for c in seeds["004"].chunks)


def test_every_body_sentence_is_in_a_chunk(seeds: dict[str, Report]) -> None:
    for r in seeds.values():
        layout = parse_layout(r.text)
        spans = [(c.start, c.end) for c in r.chunks]
        for line_start, line_end in _lines(r.text, *layout.body):
            line = r.text[line_start:line_end]
            h = match_heading(line)
            if h and not h[3]:
                continue  # a heading line: it lives in the section path
            for s, e in iter_sentence_spans(r.text, line_start, line_end):
                assert any(a <= s and e <= b for a, b in spans), (r.source, r.text[s:e])


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for line in text[start:end].split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def test_place_names_are_precise(seeds: dict[str, Report]) -> None:
    names = set().union(*(place_names(r.text) for r in seeds.values()))
    for expected in ("大歇镇", "石柱土家族自治县", "高观镇", "城口县", "双竹村", "岳溪镇", "开州区", "重庆市",
                     "大铭乡", "德化县", "共和镇", "鹤山市"):
        assert expected in names
    for junk in ("各村", "全镇", "我镇", "本乡", "现将大歇镇", "责任到村", "加强镇", "乡镇", "村社区"):
        assert junk not in names
    assert all(n == to_simplified(n) for n in names)


def test_place_names_examples() -> None:
    text = "2023年，城口县高观镇双竹村、新华社区开展普法。各村（社区）全镇干部参加。结合大歇镇实际，我镇…"
    names = place_names(text)
    assert {"城口县", "高观镇", "双竹村", "新华社区"} <= names
    assert not names & {"各村", "全镇", "我镇", "合大歇镇", "结合大歇镇"}


VARIANTS = [
    (  # a sub-district office, Chinese-numeral date, county and province in the signature
        "朝阳区建外街道办事处2023年法治政府建设工作报告\n2023年，建外街道在区委、区政府的领导下，深入推进法治政府建设。\n"
        "一、主要成效\n（一）加强学习。组织学习12次。\n二、存在的问题\n人员不足。\n三、下一步工作计划\n继续加强。\n"
        "北京市朝阳区建外街道办事处\n二〇二三年十二月二十日",
        ("建外街道", "朝阳区", "北京市", 2023, "2023-12-20"),
    ),
    (  # the county only in the body, the province only in a document name
        "关于桃源镇2021年度法治政府建设情况的报告\n县法治办：\n2021年，桃源镇在宁乡市委、市政府的坚强领导下，认真贯彻落实"
        "《湖南省法治政府建设实施纲要》，现将有关情况报告如下。\n一、工作开展情况\n我镇全年开展普法活动20余场。\n"
        "二、存在的不足\n执法力量薄弱。\n桃源镇人民政府\n2022年1月10日",
        ("桃源镇", "宁乡市", "湖南省", 2021, "2022-01-10"),
    ),
    (  # no title, no year in the opening words, signed early the next year
        "一年来，在县委县政府的领导下，我乡以习近平法治思想为指导，2021年以来共开展学法12次。现将情况报告如下：\n"
        "一、主要做法\n略。\n二、下一步打算\n继续努力。\n中共永和县芝河乡委员会\n永和县芝河乡人民政府\n2022年1月5日",
        ("芝河乡", "永和县", "山西省", 2021, "2022-01-05"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), VARIANTS)
def test_metadata_variants(tmp_path: Path, text: str, expected: tuple[object, ...]) -> None:
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    r = load_report(path)
    assert (r.township, r.county, r.province, r.year, r.date) == expected


# ---------------------------------------------------------------- files the tests build

REPORT_LINES = [
    "大铭乡2023年法治政府建设年度报告",
    "现将我乡2023年度法治政府建设情况报告如下：",
    "一、主要工作完成情况",
    "（一）加强组织领导。成立法治建设工作领导小组，制定工作计划，明确责任分工。全年化解矛盾纠纷52件。",
    "二、存在问题及短板",
    "行政执法人员配备不足，部分执法人员法律和业务能力不足，执法水平不高。",
    "三、下一步打算",
    "一是继续落实领导班子集体学法制度。二是加强社会面普法工作。",
    "大铭乡人民政府",
    "2024年2月27日",
]


def _check_built(report: Report) -> None:
    assert report.township == "大铭乡" and report.year == 2023 and report.date == "2024-02-27"
    kinds = {c.kind for c in report.chunks}
    assert {"achievements", "problems", "plans"} <= kinds
    assert any("执法人员配备不足" in c.text and c.kind == "problems" for c in report.chunks)
    for c in report.chunks:
        assert report.text[c.start:c.end] == c.text


def test_docx(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in REPORT_LINES:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "附表"
    path = tmp_path / "report.docx"
    doc.save(str(path))
    report = load_report(path)
    _check_built(report)
    assert report.source == "report.docx"


def _docx_with_member(path: Path, member: str, mb: int) -> Path:
    """A real .docx (python-docx) plus one member of `mb` MiB of blanks: a few KB on disk."""
    import zipfile

    from docx import Document

    doc = Document()
    for line in REPORT_LINES:
        doc.add_paragraph(line)
    doc.save(str(path))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open(member, "w") as f:
        block = b" " * 2**20
        for _ in range(mb):
            f.write(block)
    return path


@pytest.mark.parametrize(("mb", "max_mb", "reason"), [
    # the reviewer's bomb, scaled down: over the default 50 MB limit once unpacked
    (60, None, r"^unpacks to 6\d MB, over the 50 MB limit$"),
    # under the limit, but at a zip bomb's compression ratio
    (20, None, r"^unpacks to 2\d MB from 0\.\d+ MB \(\d+:1 compression\), over the 100:1 a Word file can have"),
    # a lowered limit applies to the unpacked size too
    (2, 1, r"^unpacks to \d\.\d MB, over the 1\.0 MB limit$"),
])
def test_docx_zip_bomb_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mb: int, max_mb: int | None, reason: str
) -> None:
    from rag.config import get_settings

    if max_mb is not None:
        monkeypatch.setenv("RAG_MAX_FILE_MB", str(max_mb))
        get_settings.cache_clear()
    path = _docx_with_member(tmp_path / "bomb.docx", "word/media/padding.xml", mb)
    assert path.stat().st_size < 200_000
    with pytest.raises(IngestError) as err:
        load_report(path)
    assert str(err.value).startswith("bomb.docx: ")
    assert re.search(reason, err.value.reason), err.value.reason


def test_docx_with_a_small_compressible_member_still_loads(tmp_path: Path) -> None:
    _check_built(load_report(_docx_with_member(tmp_path / "ok.docx", "word/media/padding.xml", 1)))


@pytest.mark.parametrize(("content", "reason"), [
    (b"PK\x03\x04 this is no zip", r"^not a valid \.docx file: not a zip archive \(damaged or renamed\?\)$"),
    (b"just text, saved as .docx", r"^not a valid \.docx file: not a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"^not a valid \.docx file: an old Word \.doc file"),
    ("zip", r"^not a valid \.docx file: a zip archive without word/document\.xml$"),
])
def test_docx_that_is_no_word_package_gets_one_line(tmp_path: Path, content: bytes | str, reason: str) -> None:
    import zipfile

    path = tmp_path / "x.docx"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("notes.txt", "大铭乡")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        load_report(path)
    assert re.search(reason, err.value.reason), err.value.reason
    assert "\n" not in str(err.value)


def _pdf_bytes(lines: list[str], per_page: int = 45) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 10)
    for n, line in enumerate(lines):
        if n and n % per_page == 0:
            c.drawString(280, 30, str(n // per_page))  # page number
            c.showPage()
            c.setFont("STSong-Light", 10)
        c.drawString(40, 800 - (n % per_page) * 15, line)
    c.save()
    return buf.getvalue()


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf_bytes(REPORT_LINES))
    _check_built(load_report(path))


def test_pdf_with_wrapped_lines_and_pages(tmp_path: Path) -> None:
    """A real report laid out as a PDF: lines wrapped at the page width, page numbers, page breaks."""
    paragraphs = [p.strip() for p in (SEEDS / "003_82ca6d383a15eea9.txt").read_text(encoding="utf-8").split("\n")]
    lines: list[str] = []
    for p in filter(None, paragraphs):
        lines += [p[i:i + 34] for i in range(0, len(p), 34)]
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(_pdf_bytes(lines, per_page=50))
    report = load_report(path)
    seed = load_report(SEEDS / "003_82ca6d383a15eea9.txt")
    assert (report.township, report.county, report.year, report.date) == ("大铭乡", "德化县", 2023, "2024-02-27")
    # the same paragraphs as the text file (pypdf drops a space at a line end, nothing else)
    assert report.text.replace(" ", "").split("\n") == seed.text.replace(" ", "").split("\n")
    assert [c.section for c in report.chunks] == [c.section for c in seed.chunks]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)  # an image-only page has no text either
    c.save()
    with pytest.raises(IngestError) as err:
        load_report(path)
    assert str(err.value) == "scan.pdf: PDF has no text layer (scanned?)"


HTML = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>岳溪镇</title>
<script>var x = "脚本";</script><style>.a{{color:red}}</style></head><body>
<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<div class="nav"><ul><li>政府信息公开目录</li><li>法治政府建设年度报告</li></ul></div>
<div class="position">您当前的位置: 首页 &gt; 政务公开</div>
<div class="main"><div class="article-content">{body}</div>
<div class="share">扫一扫在手机打开当前页 <a>微博</a> <a>微信</a></div></div>
<div class="footer"><p>部门街镇</p><p>无障碍</p><p>版权所有：重庆市开州区人民政府</p></div>
</body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_html_keeps_article_drops_chrome(tmp_path: Path, charset: str) -> None:
    body = "".join(f"<p>{line}</p>" for line in REPORT_LINES)
    path = tmp_path / "page.html"
    path.write_bytes(HTML.format(charset=charset, body=body).encode(charset))
    report = load_report(path)
    _check_built(report)
    for chrome in ("首页", "政务公开", "您当前的位置", "扫一扫", "微博", "微信", "部门街镇", "无障碍", "版权所有", "脚本"):
        assert chrome not in report.text
    assert report.text.startswith("大铭乡2023年法治政府建设年度报告")


GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>重庆市开州区岳溪镇人民政府关于2020年度法治政府建设情况的报告_重庆市开州区人民政府</title></head>
<body>
<div class="top"><div class="wza">无障碍</div><a>长者模式</a></div>
<div class="head-nav"><ul><li><a>首页</a></li><li><a>新闻动态</a></li><li><a>政务公开</a></li><li><a>政务服务</a></li></ul></div>
<div class="location">您当前的位置：<a>首页</a> &gt; <a>政务公开</a> &gt; <a>法治政府建设年度报告</a></div>
<div class="xxgk-detail">
 <table class="zwxl-table"><tbody>
  <tr><td>[ 索引号 ]</td><td>1150023400864787X1/2022-00007</td><td>[ 发文字号 ]</td><td></td></tr>
  <tr><td>[ 发布机构 ]</td><td>开州区岳溪镇</td><td>[ 主题分类 ]</td><td>其他</td></tr>
  <tr><td>[ 成文日期 ]</td><td>2021-05-27</td><td>[ 发布日期 ]</td><td>2021-05-27</td></tr>
 </tbody></table>
 <div class="zwxl-article">
  <h2 class="title">重庆市开州区岳溪镇人民政府关于2020年度法治政府建设情况的报告</h2>
  <div class="view TRS_UEDITOR">
   <p style="text-align:center">重庆市开州区岳溪镇人民政府</p>
   <p style="text-align:center">关于2020年度法治政府建设情况的报告</p>
   <p>按照有关规定，现将岳溪镇2020年法治政府建设情况报告如下：</p>
   <p><strong>一、2020年推进法治政府建设的主要举措和成效</strong></p>
   <p>（一）依法全面履行政府职能情况</p>
   <p>大力推行权力清单、责任清单、负面清单制度并实行动态管理。打造实行民事全程代办，打通服务群众“最后一公里”，落实政府服务事项设立25个村（社区）民事全程代办服务站。</p>
   <p><strong>二、2020年推进法治政府建设存在的不足和原因</strong></p>
   <p>一是法治政府建设部门之间配合还有差距。二是岳溪镇部分群众参与普法的积极性不高。</p>
   <p><strong>三、2021年推进法治政府建设的工作思路</strong></p>
   <p>一是深入抓好全面履行政府职能。二是深入开展普法宣传工作。</p>
   <p style="text-align:right">重庆市开州区岳溪镇人民政府</p>
   <p style="text-align:right">2021年1月31日</p>
  </div>
 </div>
 <div class="zwxl-bottom"><div class="ewm">扫一扫在手机打开当前页</div>
  <div class="bshare-custom"><a class="bshare-sinaminiblog">微博</a><a class="bshare-weixin">微信</a></div>
  <a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer-links"><select><option>部门街镇</option><option>市政府部门网站</option><option>区县政府网站</option></select>
<ul><li>开州区部门镇街网站</li><li>新闻媒体网站</li></ul></div>
<div class="footer"><p>主办：重庆市开州区人民政府办公室 版权所有</p><p>渝ICP备12345678号</p></div>
<script>var _hmt=1;</script>
</body></html>
"""


def test_government_web_page(tmp_path: Path) -> None:
    """A page saved from a government site: metadata table, breadcrumbs, share bar, footer link lists."""
    path = tmp_path / "yuexi.htm"
    path.write_bytes(GOV_PAGE.encode("gb18030").replace(b"charset=utf-8", b"charset=gb2312"))
    r = load_report(path)
    assert (r.township, r.county, r.province, r.year, r.date) == ("岳溪镇", "开州区", "重庆市", 2020, "2021-01-31")
    assert r.text.startswith("重庆市开州区岳溪镇人民政府关于2020年度法治政府建设情况的报告\n")
    assert r.text.endswith("重庆市开州区岳溪镇人民政府\n2021年1月31日")
    for chrome in ("索引号", "1150023400864787X1", "您当前的位置", "首页", "扫一扫", "微博", "微信", "打印", "关闭",
                   "部门街镇", "无障碍", "长者模式", "版权所有", "ICP", "新闻媒体网站", "_hmt"):
        assert chrome not in r.text, chrome
    assert [(c.kind, c.section[:2]) for c in r.chunks] == [
        ("other", ""), ("achievements", "一、"), ("problems", "二、"), ("plans", "三、")]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes("\r\n".join(REPORT_LINES).encode(encoding))
    report = load_report(path)
    _check_built(report)
    assert "\r" not in report.text and not report.text.startswith("\ufeff")


def test_big5_traditional_text(tmp_path: Path) -> None:
    from rag.text import to_traditional

    path = tmp_path / "big5.txt"
    path.write_bytes("\n".join(to_traditional(line) for line in REPORT_LINES).encode("big5"))
    report = load_report(path)
    assert report.script == "traditional" and "組織領導" in report.text and report.township == "大铭乡"


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("\n\n".join(REPORT_LINES), encoding="utf-8")
    _check_built(load_report(path))


def test_a_docx_table_of_figures_reads_as_figures_with_their_units(tmp_path: Path) -> None:
    """指标 | 单位 | 数量: each row as a report writes it (法治宣传活动35场), so that its count counts in 场."""
    from docx import Document

    doc = Document()
    for line in REPORT_LINES:
        doc.add_paragraph(line)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("指标", "单位", "数量"), ("法治宣传活动", "场", "35"), ("法律咨询服务", "人次", "860")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "table.docx"
    doc.save(str(path))
    report = load_report(path)
    assert "法治宣传活动35场" in report.text and "法律咨询服务860人次" in report.text
    assert "指标 单位 数量" in report.text


def test_a_web_pages_site_and_fields_give_its_county_and_stay_out_of_the_text(tmp_path: Path) -> None:
    """The county named only in the page's <title> (…_湄潭县人民政府) and its metadata table is read from them,
    as from a text copy's header lines; neither becomes the report's words."""
    page = ("<html><head><title>石莲镇2021年法治政府建设年度报告_湄潭县人民政府</title></head><body>"
            "<table><tr><td>索引号</td><td>0001</td><td>发布机构</td><td>石莲镇人民政府</td></tr>"
            "<tr><td>成文日期</td><td>2021-12-28</td><td>发布日期</td><td>2022-01-06</td></tr></table>"
            "<div class='article'><p>石莲镇2021年法治政府建设年度报告</p>"
            "<p>2021年，石莲镇在县委、县政府的坚强领导下，深入推进依法行政，现将有关情况报告如下。</p>"
            "<p>一、主要成效</p><p>全年开展普法宣传活动33场次，调处矛盾纠纷137件。</p></div></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = load_report(path)
    assert (report.township, report.county, report.province, report.year) == ("石莲镇", "湄潭县", "贵州省", 2021)
    assert report.published == "2022-01-06"
    assert "信息来源" not in report.text and "索引号" not in report.text


@pytest.mark.parametrize("title", ["白溪乡2024年度法治政府建设工作报告-南华县人民政府",
                                   "白溪乡2024年度法治政府建设工作报告 - 南华县人民政府"])
def test_the_site_after_a_plain_dash_in_the_page_title(tmp_path: Path, title: str) -> None:
    page = (f"<html><head><title>{title}</title></head><body><div class='article'><p>{title.split('-')[0]}</p>"
            "<p>2024年，白溪乡深入推进依法行政，全年调处矛盾纠纷37件，现将有关情况报告如下。</p></div></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = load_report(path)
    assert (report.township, report.county, report.province) == ("白溪乡", "南华县", "云南省")


def test_markdown_marks_are_not_the_reports_words(tmp_path: Path) -> None:
    """## headings are the report's headings, **bold** and - bullets leave no marks in a quote."""
    path = tmp_path / "report.md"
    path.write_text("# 柳湾镇2023年法治政府建设情况报告\n\n**德化县人民政府：**\n\n2023年，柳湾镇推进法治建设。\n\n"
                    "## 一、主要成效\n\n- 全年开展**普法活动**12场。\n\n## 二、存在的问题\n\n执法力量薄弱。\n\n---\n\n"
                    "## 三、下一步打算\n\n加强[执法队伍](http://example.com)建设。\n", encoding="utf-8")
    report = load_report(path)
    assert "#" not in report.text and "**" not in report.text and "](" not in report.text
    kinds = {c.section: c.kind for c in report.chunks if c.section}
    assert kinds == {"一、主要成效": "achievements", "二、存在的问题": "problems", "三、下一步打算": "plans"}
    assert (report.township, report.county) == ("柳湾镇", "德化县")
    assert any("全年开展普法活动12场" in c.text for c in report.chunks)


def test_traditional_text_is_kept_traditional(tmp_path: Path) -> None:
    from rag.text import to_traditional

    path = tmp_path / "trad.txt"
    path.write_text("\n".join(to_traditional(line) for line in REPORT_LINES), encoding="utf-8")
    report = load_report(path)
    assert report.script == "traditional" and "組織領導" in report.text
    assert report.township == "大铭乡"  # metadata in simplified Chinese


def test_sidecar_overrides_inferred_metadata(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("\n".join(REPORT_LINES), encoding="utf-8")
    (tmp_path / "report.meta.json").write_text(
        json.dumps({"county": "德化縣", "province": "福建省", "year": 2022, "title": "大铭乡年度报告"}), encoding="utf-8"
    )
    report = load_report(path)
    assert (report.county, report.province, report.year, report.title) == ("德化县", "福建省", 2022, "大铭乡年度报告")
    assert report.township == "大铭乡"


def test_bad_sidecar_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("\n".join(REPORT_LINES), encoding="utf-8")
    (tmp_path / "report.meta.json").write_text('{"town": "x"}', encoding="utf-8")
    with pytest.raises(IngestError, match=r"report.txt: bad sidecar metadata .*unknown key 'town'"):
        load_report(path)


# ---------------------------------------------------------------- bad input


def _bad_files(folder: Path) -> dict[str, str]:
    """file name -> expected reason (a regex)."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("  \n\n\t\n", encoding="utf-8")
    (folder / "x.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "a.xlsx").write_bytes(b"PK\x03\x04 not really")
    (folder / "noext").write_text("大铭乡", encoding="utf-8")
    (folder / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is no zip")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (folder / "english.txt").write_text("Just some English notes, not a report at all.\n" * 5, encoding="utf-8")
    return {
        "empty.txt": r"^empty file$",
        "blank.md": r"^empty file$",
        "x.txt": r"^binary file, not a report$",
        "a.xlsx": r"^unsupported extension \.xlsx \(supported: \.txt \.md \.docx \.pdf \.html \.htm\)$",
        "noext": r"^unsupported extension \(none\)",
        "garbled.txt": r"^undecodable text",
        "broken.docx": r"^not a valid \.docx file",
        "broken.pdf": r"^not a readable PDF|^PDF has no text layer",
        "english.txt": r"^no Chinese text found",
    }


def test_bad_files_are_skipped_with_reasons(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = _bad_files(tmp_path)
    (tmp_path / "good.txt").write_text("\n".join(REPORT_LINES), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="rag.ingest"):
        result = ingest_paths([tmp_path])
    assert [r.source for r in result.reports] == ["good.txt"]
    reasons = {s.source: s.reason for s in result.skipped}
    assert set(reasons) == set(expected)
    for name, pattern in expected.items():
        assert re.search(pattern, reasons[name]), (name, reasons[name])
        assert "\n" not in reasons[name]
    logged = [r.getMessage() for r in caplog.records]
    for name in expected:
        assert sum(1 for m in logged if m.startswith(f"{name}: ")) == 1


@pytest.mark.parametrize("name", ["empty.txt", "x.txt", "a.xlsx", "garbled.txt"])
def test_load_report_raises(tmp_path: Path, name: str) -> None:
    _bad_files(tmp_path)
    with pytest.raises(IngestError) as err:
        load_report(tmp_path / name)
    assert str(err.value).startswith(f"{name}: ")
    assert err.value.path == tmp_path / name


def test_file_over_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.config import get_settings

    monkeypatch.setenv("RAG_MAX_FILE_MB", "0.001")
    get_settings.cache_clear()
    path = tmp_path / "big.txt"
    path.write_text("\n".join(REPORT_LINES * 20), encoding="utf-8")
    result = ingest_paths([path])
    assert not result.reports
    assert result.skipped[0].source == "big.txt" and result.skipped[0].reason.startswith("file too large")


def test_a_damaged_byte_does_not_lose_the_file(tmp_path: Path) -> None:
    raw = "\n".join(REPORT_LINES).encode("gbk")
    path = tmp_path / "damaged.txt"
    path.write_bytes(raw[:60] + b"\xff" + raw[60:])
    report = load_report(path)
    assert report.township == "大铭乡"


def test_folders_recursive_hidden_and_sidecars_ignored(tmp_path: Path) -> None:
    (tmp_path / "2023" / "fujian").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    text = "\n".join(REPORT_LINES)
    (tmp_path / "2023" / "fujian" / "b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(text, encoding="utf-8")
    (tmp_path / ".cache" / "c.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"year": 2023}', encoding="utf-8")
    result = ingest_paths([tmp_path])
    assert [r.source for r in result.reports] == ["2023/fujian/b.txt", "a.txt"]
    assert not result.skipped
    # a file given directly: source relative to its folder, or to an explicit root
    assert ingest_paths([tmp_path / "2023" / "fujian" / "b.txt"]).reports[0].source == "b.txt"
    assert ingest_paths([tmp_path / "2023"], root=tmp_path).reports[0].source == "2023/fujian/b.txt"
    # a shell glob hands over sidecars too: they are not reports
    globbed = ingest_paths([tmp_path / "a.meta.json", tmp_path / "a.txt"])
    assert [r.source for r in globbed.reports] == ["a.txt"] and not globbed.skipped
    missing = ingest_paths([tmp_path / "nope.txt"])
    assert missing.skipped[0].source == "nope.txt" and not missing.reports


def test_cli_ingest_json(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rag.cli import cli

    (tmp_path / "good.txt").write_text("\n".join(REPORT_LINES), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    out = result.stdout if hasattr(result, "stdout") else result.output
    data = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert set(data) == {"reports", "skipped"}
    report = data["reports"][0]
    for key in ("source", "township", "county", "province", "year", "date", "title", "chunks"):
        assert key in report
    assert "text" not in report
    assert set(report["chunks"][0]) >= {"id", "section", "kind", "start", "end", "text"}
    assert data["skipped"] == [{"source": "empty.txt", "reason": "empty file"}]


# ---------------------------------------------------------------- cleaning rules


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # a page break inside a sentence
        ("（二）推进职能优化。一是坚持优化政府\n\n组织结构与促进政府职能转变。", "（二）推进职能优化。一是坚持优化政府组织结构与促进政府职能转变。"),
        # a line that starts with a comma never starts a paragraph
        ("群众办事“一次也不跑”\n，切实做到民生服务前置。", "群众办事“一次也不跑”，切实做到民生服务前置。"),
        # a heading cut after its comma
        ("二、主要负责人履行第一责任人职责，\n加强法治政府建设的有关情况\n正文。",
         "二、主要负责人履行第一责任人职责，加强法治政府建设的有关情况\n正文。"),
        # headings, enumerations and signatures are never glued to the line before
        ("一、主要工作\n（一）加强学习\n学习十二次，形成制度\n二是加强宣传。", "一、主要工作\n（一）加强学习\n学习十二次，形成制度\n二是加强宣传。"),
        ("……营造良好的法治氛围，为行政执法创造环境\n大铭乡人民政府\n2024年2月27日",
         "……营造良好的法治氛围，为行政执法创造环境\n大铭乡人民政府\n2024年2月27日"),
        # chrome rows and page numbers
        ("正文。\n【打印本页】【关闭窗口】\n- 2 -\n分享到：微博 微信", "正文。"),
        ("[bookmark: _GoBack]2022年度，我镇坚持依法行政。", "2022年度，我镇坚持依法行政。"),
    ],
)
def test_cleaning_rules(raw: str, clean: str) -> None:
    from rag.ingest.clean import clean_text

    assert clean_text(raw) == clean


def test_part_headings() -> None:
    from rag.chunking import chunk_text

    chunks = chunk_text("第一部分 主要成效\n我镇全年开展普法活动二十余场。\n第二部分 存在问题\n执法力量薄弱。")
    assert [(c.section, c.kind) for c in chunks] == [("第一部分 主要成效", "achievements"), ("第二部分 存在问题", "problems")]
