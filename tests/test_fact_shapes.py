"""Fact answers of several shapes on small reports written here (fast: an in-memory index with the hash
embedder; the figures and quotes come from the keyword path, which the embedder does not decide): counts
stated as none, numbers the question itself says, two-part questions, and who holds a title."""

from __future__ import annotations

import pytest

from rag.compose import compose_extractive
from rag.index.loaded import Index, index_from_reports
from rag.models import Answer, Chunk, Filters, Report
from rag.plan import make_plan

# Invented: no such townships exist in the seeds or in ../shared/corpus-dev.
BODIES = {
    "青石镇": "全年开展未成年人法治讲座12场，覆盖学生3000人次。全镇提供无偿法律咨询服务120次。"
              "全年调解矛盾纠纷45件。全镇未发生因矛盾纠纷调解不当引发的群体性事件。"
              "1至6月，全镇共受理信访事项6件。全镇设立3个调解室，共配备调解员3名。"
              "全年受理劳动纠纷12件，调解成功12件，其中欠薪纠纷5件。",
    "白石乡": "成立法治建设领导小组，由乡党委书记张三任组长，乡长李四任副组长，各站所负责人为成员。"
              "成立普法专项行动指挥部，分管副乡长王五为副指挥长，乡党委书记张三为指挥长。"
              "2023年1月以来，全乡共受理矛盾纠纷1,200件，调解成功的比例为95.6%。"
              "全年受理矛盾纠纷45件，调解成功43件。",
}


def _report(township: str, body: str) -> Report:
    head = f"{township}2023年法治政府建设情况报告\n"
    text = head + body
    chunk = Chunk(id=f"{township}#0", section="一、工作情况", kind="achievements", start=len(head), end=len(text),
                  text=body)
    return Report(source=f"{township}.txt", township=township, county="某县", province="重庆市", year=2023, text=text,
                  chunks=[chunk])


@pytest.fixture(scope="module")
def index() -> Index:
    return index_from_reports([_report(t, b) for t, b in BODIES.items()])


def ask(index: Index, question: str) -> Answer:
    a = compose_extractive(make_plan(question, Filters(), [], index), index)
    for c in a.citations:  # every quote is exact
        assert index.reports[c.source].text[c.start:c.end] == c.quote
    return a


@pytest.mark.parametrize(("question", "lead"), [
    ("青石镇开展了多少场法治讲座？", "12场"),  # 未成年人 is no negation
    ("青石镇提供了多少次法律咨询服务？", "120次"),  # nor 无偿
    ("青石镇调解了多少件矛盾纠纷？", "45件"),  # a denial of something else does not beat the figure
])
def test_a_negation_inside_a_word_or_about_another_thing_is_no_count_of_none(index: Index, question: str,
                                                                               lead: str) -> None:
    assert ask(index, question).text.startswith(lead)


@pytest.mark.parametrize(("question", "lead"), [
    ("青石镇1至6月受理了多少件信访事项？", "6件"),
    ("青石镇3个调解室配备了多少名调解员？", "3名"),
    ("白石乡1月以来受理了多少件矛盾纠纷？", "1,200件"),
])
def test_a_count_or_date_the_question_says_may_be_the_answer(index: Index, question: str, lead: str) -> None:
    assert ask(index, question).text.startswith(lead)


@pytest.mark.parametrize(("question", "lead"), [
    ("青石镇受理劳动纠纷多少件，调解成功多少件？", "12件，12件"),  # the same figure twice
    ("白石乡1月以来受理矛盾纠纷多少件，调解成功的比例是多少？", "1,200件，95.6%"),
])
def test_each_part_of_a_two_part_question_gets_its_figure(index: Index, question: str, lead: str) -> None:
    assert ask(index, question).text.startswith(lead)


@pytest.mark.parametrize(("question", "holder"), [
    ("白石乡法治建设领导小组组长是谁？", "张三任组长"),
    ("白石乡法治建设领导小组副组长是谁？", "李四任副组长"),
    ("白石乡普法专项行动指挥部的指挥长由谁担任？", "张三为指挥长"),
    ("白石乡普法专项行动指挥部的副指挥长是谁？", "王五为副指挥长"),
])
def test_the_holder_of_the_asked_title_not_of_its_deputy(index: Index, question: str, holder: str) -> None:
    a = ask(index, question)
    assert a.found and holder in a.citations[0].quote
