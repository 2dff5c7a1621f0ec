"""The question's scope: townships, counties and years named in any script or in pinyin, unknown places."""

from __future__ import annotations

import pytest

from rag.index import Index, index_from_reports
from rag.models import Chunk, Report
from rag.query import parse_scope, parse_years

PLACES = [
    # (source, township, county, province, year)
    ("a.txt", "高观镇", "城口县", "重庆市", 2022),
    ("b.txt", "大铭乡", "德化县", "福建省", 2023),
    ("c.txt", "共和镇", "鹤山市", "广东省", 2022),
    ("d.txt", "岳溪镇", "开州区", "重庆市", 2020),
    ("e.txt", "大歇镇", "石柱土家族自治县", "重庆市", 2024),
]


def report(source: str, township: str, county: str, province: str, year: int) -> Report:
    text = f"{county}{township}{year}年法治政府建设情况报告\n全镇开展普法宣传，双竹村设立法律明白人。"
    return Report(
        source=source, township=township, county=county, province=province, year=year, text=text,
        chunks=[Chunk(id=f"{source}#0", section="一、工作情况", kind="achievements", start=0, end=len(text), text=text)],
    )


@pytest.fixture(scope="module")
def index() -> Index:
    return index_from_reports([report(*p) for p in PLACES])


@pytest.mark.parametrize(
    ("question", "townships"),
    [
        ("高观镇2022年发放了多少份宣传手册？", ["高观镇"]),
        ("共和鎮人民調解委員會調處了多少宗糾紛？", ["共和镇"]),  # traditional script
        ("大銘鄉設立了幾個服務站？", ["大铭乡"]),
        ("How many hazards did Gaoguan town find?", ["高观镇"]),
        ("How many hazards did Gaoguan Town find?", ["高观镇"]),
        ("What did Daming Township report?", ["大铭乡"]),
        ("What did da ming township report?", ["大铭乡"]),
        ("Gonghe: how many mediation cases?", ["共和镇"]),
        ("gaoguanzhen and Yuexi", ["高观镇", "岳溪镇"]),
        ("高观有多少人参加考试？", ["高观镇"]),  # bare name
        ("共和的法律顾问审查了多少件合同？", ["共和镇"]),
        ("岳溪镇和大歇镇有什么不同？", ["岳溪镇", "大歇镇"]),
        ("中华人民共和国宪法宣传周", []),  # 共和 inside a longer word is not 共和镇
        ("共和乡的法律顾问", []),  # another place with the same name
        ("石柱镇的普法", []),
        ("哪些乡镇提到矛盾纠纷？", []),
        ("Which towns mention holiday and weekend duty?", []),  # no "dayan"/"daxie" across word boundaries
    ],
)
def test_townships(index: Index, question: str, townships: list[str]) -> None:
    assert parse_scope(question, index).townships == townships


@pytest.fixture(scope="module")
def twins() -> Index:
    """Two places that share a bare name: 共和镇 and 共和乡."""
    return index_from_reports([report(*PLACES[2]), report("f.txt", "共和乡", "沐川县", "四川省", 2022),
                               report("g.txt", "新华街道", "某某区", "某省", 2022)])


@pytest.mark.parametrize(
    ("question", "townships"),
    [
        ("How many disputes did Gonghe town mediate?", ["共和镇"]),
        ("When was the Gonghe Town report signed?", ["共和镇"]),
        ("Gonghe zhen: how many cases?", ["共和镇"]),
        ("How many disputes did Gonghe Township mediate?", ["共和乡"]),
        ("gonghe xiang", ["共和乡"]),
        ("Gonghe: how many cases?", []),  # which one is not said
        ("Xinhua Subdistrict", ["新华街道"]),
    ],
)
def test_a_shared_name_in_pinyin_is_told_apart_by_its_english_suffix(twins: Index, question: str,
                                                                       townships: list[str]) -> None:
    assert parse_scope(question, twins).townships == townships


@pytest.mark.parametrize(
    ("question", "counties"),
    [
        ("城口县的乡镇有哪些做法？", ["城口县"]),
        ("石柱县各乡镇", ["石柱土家族自治县"]),
        ("石柱土家族自治县", ["石柱土家族自治县"]),
        ("Chengkou County and Kaizhou District", ["城口县", "开州区"]),
    ],
)
def test_counties(index: Index, question: str, counties: list[str]) -> None:
    assert parse_scope(question, index).counties == counties


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2022年有多少人", [2022]),
        ("in 2022?", [2022]),
        ("二〇二二年的报告", [2022]),
        ("二〇二〇年到二〇二一年", [2020, 2021]),
        ("2020-2022年", [2020, 2021, 2022]),
        ("2020至2022年", [2020, 2021, 2022]),
        ("2022~2020", [2020, 2021, 2022]),
        ("发放了2000份手册，培训2010人次", []),  # counts, not years
        ("没有年份", []),
    ],
)
def test_years(text: str, years: list[int]) -> None:
    assert parse_years(text)[0] == years


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("重庆市渝中区2021年的法治政府建设报告说了什么？", ["渝中区"]),
        ("四川省成都市武侯区有哪些做法", ["四川省", "成都市", "武侯区"]),
        ("新华镇和龙泉乡的执法情况", ["新华镇", "龙泉乡"]),
        ("哪些乡镇提到村（社区）之间法治建设发展不平衡？", []),
        ("社区、地区、辖区、城区、园区、山区、乡镇、各乡镇、全镇、本镇、我镇", []),
        ("高观镇和城口县、重庆市、双竹村", []),  # all known to the corpus
        ("大铭乡2023年的地区生产总值是多少？", []),
        ("共和乡的法律顾问", ["共和乡"]),  # not 共和镇: same name, another place
        # a title a place earns names no place
        ("哪些乡镇开展了民主法治示范村创建？", []),
        ("哪些鄉鎮創建了省級文明村、平安鄉鎮？", []),
        ("朝阳镇有没有创建民主法治示范村？", ["朝阳镇"]),
        ("文明乡开展了多少场普法活动？", ["文明乡"]),  # a name that is also a title: still a place
        # 村（社区）: the villages and communities, after a verb the tokenizer tags a noun
        ("哪些乡镇指导村（社区）修订了村规民约？", []),
        ("哪些乡镇指导村(居)完善村规民约？", []),
        # a name the tokenizer cuts before its last character (白鹤 + 滩 + 镇)
        ("白鹤滩镇2022年的法律顾问是谁？", ["白鹤滩镇"]),
        ("黄龙洞乡的报告写了什么？", ["黄龙洞乡"]),
        ("哪些乡镇组织了全镇干部学法？", []),
    ],
)
def test_unknown_places(index: Index, question: str, unknown: list[str]) -> None:
    assert parse_scope(question, index).unknown_places == unknown


def test_text_drops_scope_words_and_question_keeps_them(index: Index) -> None:
    scope = parse_scope("共和鎮2022年調處了多少宗糾紛？", index)
    assert scope.townships == ["共和镇"] and scope.years == [2022]
    assert "共和" not in scope.text and "2022" not in scope.text and "调处" in scope.text
    assert scope.question.startswith("共和镇2022年")


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("哪些乡镇提到执法人员业务能力有待提高？", ["problems"]),
        ("下一步有什么工作计划？", ["plans"]),
        ("主要负责人如何履行第一责任人职责？", ["leadership"]),
        ("共和镇选聘了几名行政执法监督员？", []),
        # 问题 handled or counted is no shortcoming of the report's own
        ("哪些乡镇报告了查出整改的隐患、问题数量？", []),
        ("哪些鄉鎮培養了能幫群眾解決法律問題的骨幹？", []),
        ("哪些乡镇解决群众反映问题的数量最多？", []),
        ("哪些乡镇提到执法不规范的问题？", ["problems"]),
        ("哪些乡镇在解决问题方面存在不足？", ["problems"]),
        ("法治政府建设存在哪些突出问题？", ["problems"]),
        ("安全隐患排查工作存在哪些问题？", ["problems"]),
        ("普法和法律服务的问题有哪些？", ["problems"]),
        ("纠纷调解中的问题", ["problems"]),
    ],
)
def test_section_kind_cues(index: Index, question: str, kinds: list[str]) -> None:
    assert parse_scope(question, index).kinds == kinds
