"""Report metadata on reports nobody has read: one test per rule, on texts written here, and the
targets on the development corpus in ../shared/corpus-dev (read at run time, never copied)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rag.ingest import load_report
from rag.ingest.metadata import find_title, find_townships, place_names
from rag.models import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DEV = ROOT.parent / "shared" / "corpus-dev"


def _ingest(tmp_path: Path, text: str, name: str = "r.txt", encoding: str = "utf-8") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return load_report(path)


# ---------------------------------------------------------------- one rule each


def test_township_only_in_the_first_sentence(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "2024年，青禾镇在县委、县政府的坚强领导下，坚持以习近平法治思想为指导，扎实推进依法行政。"
                          "现将有关情况报告如下：\n一、主要工作\n（一）加强组织领导。全年召开专题会议4次。")
    assert (r.township, r.year) == ("青禾镇", 2024)


@pytest.mark.parametrize("opening", [
    "一年来，青禾镇在县委的领导下推进法治建设。",
    "2023年度，青禾镇以习近平法治思想为指导，推进法治建设。",
    "2023年，在县委、县政府的坚强领导下，青禾镇深入学习贯彻习近平法治思想。",
    "根据县委部署，青禾镇党委、政府认真履行法治建设职责。",
    "2022年，留下街道在区委、区政府的正确领导下推进法治建设。",  # a verb as a name, after the year
])
def test_township_as_the_subject_of_an_opening_clause(tmp_path: Path, opening: str) -> None:
    r = _ingest(tmp_path, opening + "\n一、主要工作\n全镇开展普法活动12场。")
    assert r.township is not None and r.township in opening


def test_the_province_of_a_prefecture_named_in_full(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "2023年，青禾镇在恩施土家族苗族自治州州委的领导下，扎实推进依法行政。\n一、主要工作\n"
                          "全镇开展普法活动12场。")
    assert (r.township, r.province) == ("青禾镇", "湖北省")


def test_the_page_date_of_a_report_copied_from_the_web(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "发布机构：石溪乡人民政府 发布日期：2024年03月01日\n石溪乡2023年度法治政府建设情况报告\n"
                          "2023年，石溪乡扎实推进依法行政。全乡开展普法活动12场。")
    assert r.published == "2024-03-01" and r.date is None


def test_township_only_in_a_publisher_line(tmp_path: Path) -> None:
    # the cleaner drops the page fields from the text; metadata still reads them
    r = _ingest(tmp_path, "发布机构：石溪乡人民政府\n发布日期：2024年03月01日\n2023年度法治政府建设情况报告\n"
                          "2023年，我乡坚持依法行政，全年开展普法活动12场。\n一、主要做法\n全乡化解矛盾纠纷30件。")
    assert (r.township, r.year) == ("石溪乡", 2023)
    assert "发布机构" not in r.text


def test_township_in_a_page_table_title(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "| 索引号:000000001/2024-00001 | |\n| 发文字号: | 发文时间:2024-01-20 |\n"
                          "| 标题:中共石溪镇委员会 石溪镇人民政府关于2023年度法治政府建设情况的报告 | |\n"
                          "2023年，在县委的领导下，我镇推进法治建设。\n一、主要举措\n全镇开展普法活动12场。")
    assert (r.township, r.year) == ("石溪镇", 2023)
    assert r.title == "中共石溪镇委员会石溪镇人民政府关于2023年度法治政府建设情况的报告"


def test_county_only_in_a_publisher_line(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "发布机构：德化县石溪镇人民政府\n2023年，我镇坚持依法行政。\n一、主要做法\n全镇开展普法活动12场。")
    assert (r.township, r.county, r.province) == ("石溪镇", "德化县", "福建省")


def test_township_only_in_the_signature_county_in_the_addressee(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "德化县人民政府：\n2023年，我街道在县委、县政府的领导下，推进法治建设。现将有关情况报告如下：\n"
                          "一、主要成效\n全年开展普法活动8场。\n二、存在的问题\n执法力量薄弱。\n柳湾街道办事处\n2024年1月15日")
    assert (r.township, r.county, r.province, r.year, r.date) == ("柳湾街道", "德化县", "福建省", 2023, "2024-01-15")


@pytest.mark.parametrize("opening", [
    "现将测试镇2023年法治政府建设情况报告如下：",
    "2023年，测试镇推进法治建设。现将测试镇2023年法治政府建设情况报告如下：",
])
def test_xianjiang_opening_names_the_township_after_it(tmp_path: Path, opening: str) -> None:
    r = _ingest(tmp_path, opening + "\n一、主要工作\n全镇开展普法宣传10次。")
    assert (r.township, r.year) == ("测试镇", 2023)
    assert "现将测试镇" not in r.title


def test_xianjiang_without_a_name_gives_none(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "2024年，在区委的领导下推进法治建设。现将街道2024年度法治政府建设工作情况报告如下：\n"
                          "一、主要工作\n街道开展普法宣传10次。")
    assert r.township is None and r.year == 2024


def test_page_chrome_date_is_not_the_year_reported_on(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "青禾镇法治政府建设年度报告\n发布时间：2024年02月10日 来源：青禾镇\n"
                          "一年来，在县委的领导下，我镇推进法治政府建设。\n一、主要工作\n2023年共开展普法活动12场，"
                          "2023年化解纠纷20件。")
    assert (r.township, r.year, r.date) == ("青禾镇", 2023, None)


def test_title_year_typo_and_body_heading(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "青禾街道办事处2025度法治政府建设年度报告\n一、上半年法治政府建设基本情况\n"
                          "2024年底制定的计划全部完成。")
    assert (r.township, r.year) == ("青禾街道", 2025)


@pytest.mark.parametrize(("text", "year", "date"), [
    # the title's first year, not the plans' year
    ("青禾镇2024年法治政府建设工作总结及2025年工作计划\n一、主要工作\n全年开展普法12场。", 2024, None),
    # no year in the title or the opening: the body's year, not the signing year early in the next
    ("青禾镇法治政府建设情况报告\n一年来，我镇推进法治建设。\n一、主要工作\n2023年开展普法12场，2023年化解纠纷20件。\n"
     "二、下一步打算\n2024年继续加强。\n青禾镇人民政府\n2024年1月20日", 2023, "2024-01-20"),
    # signed late in the year reported on, plans for the next year in the body
    ("一年来，青禾镇在县委的领导下推进法治建设。\n一、主要工作\n开展普法12场。\n二、下一步打算\n2025年继续加强。\n"
     "青禾镇人民政府\n2024年12月20日", 2024, "2024-12-20"),
    # a 上半年 heading does not make the opening's year wrong
    ("2020年，青禾镇推进法治建设。现将青禾镇2020年度法治政府建设情况报告如下：\n一、上半年推进法治政府建设的主要举措\n略。",
     2020, None),
])
def test_year_reported_on(tmp_path: Path, text: str, year: int, date: str | None) -> None:
    r = _ingest(tmp_path, text)
    assert (r.township, r.year, r.date) == ("青禾镇", year, date)


def test_traditional_script_opening(tmp_path: Path) -> None:
    r = _ingest(tmp_path, "2023年，青禾鎮在縣委、縣政府的堅強領導下，深入學習貫徹習近平法治思想。現將有關情況報告如下：\n"
                          "一、主要工作\n全鎮開展普法活動12場。")
    assert (r.township, r.year, r.script) == ("青禾镇", 2023, "traditional")


def test_traditional_street_shortened_to_jie(tmp_path: Path) -> None:
    # "聯和街積極行動": a 街道 named 街 in the opening, the report speaking of 街道 elsewhere
    r = _ingest(tmp_path, "為貫徹落實黨的十九大精神，按照市、區的部署要求，柳灣街積極行動，把依法治街工作做實，"
                          "現就工作開展情況報告如下：\n一、主要措施\n街道成立法治政府建設工作領導小組。")
    assert (r.township, r.year) == ("柳湾街道", None)


@pytest.mark.parametrize(("title", "township", "county"), [
    ("石溪街街道办事处2024年法治政府建设年度报告", "石溪街街道", None),
    ("德化县人民政府石溪街道办事处关于2024年度法治政府建设情况的报告", "石溪街道", "德化县"),
    ("青禾瑶族乡人民政府关于2024年度法治政府建设", "青禾瑶族乡", None),
    ("留下街道2024年度法治政府建设工作报告", "留下街道", None),  # a verb as a name, in the title
    # a 民族乡 names its people without 族, and a transliterated name is long
    ("伊宁县克什托喀哈萨克民族乡2024年法治政府建设工作报告", "克什托喀哈萨克民族乡", "伊宁县"),
    ("萨尔布拉克蒙古民族乡2024年法治政府建设情况报告", "萨尔布拉克蒙古民族乡", None),
    ("喀拉托别柯尔克孜族乡2024年法治政府建设情况报告", "喀拉托别柯尔克孜族乡", None),
])
def test_name_forms_in_the_title(tmp_path: Path, title: str, township: str, county: str | None) -> None:
    r = _ingest(tmp_path, title + "\n2024年，在上级的领导下推进法治建设，全年开展普法活动12场。\n一、主要工作\n略。")
    assert (r.township, r.county, r.year) == (township, county, 2024)


def test_split_title_is_joined() -> None:
    assert find_title(["青禾瑶族乡人民政府关于2023年度法治政府建设", "工作的报告"]) == \
        "青禾瑶族乡人民政府关于2023年度法治政府建设工作的报告"
    assert find_title(["首页 > 政务公开 > 年度法治政府建设情况报告", "青禾镇2024年法治政府建设年度报告"]) == \
        "青禾镇2024年法治政府建设年度报告"


def test_township_never_named_gives_none_and_no_garbage(tmp_path: Path) -> None:
    text = ("一、工作开展情况\n乡党委坚持将学习习近平法治思想列入2022年度学习计划，组织全乡干部职工学习6次。"
            "部分乡镇在执法中存在不足，加强乡村治理，推进街道综合执法改革，结合石溪镇经验，全镇各村开展普法。")
    r = _ingest(tmp_path, text)
    assert r.township is None and r.year == 2022
    assert "None" not in r.title
    names = place_names(text)
    assert not names & {"乡党委", "全乡", "部分乡", "加强乡", "推进街道", "结合石溪镇", "合石溪镇", "全镇", "各村"}


@pytest.mark.parametrize("sentence", [
    "2023年，推进街道综合执法改革。",
    "2023年，加强乡村治理，部分乡镇在执法中存在不足。",
    "2023年，相关街道在执法中存在不足。",
    "2023年，城市街道环境整治有序推进。",
    "2023年，法治街道建设取得新成效。",
    "2023年，推进街道综合执法改革在全区率先完成。",
    "为推进平安街道建设，街道党工委高度重视。",
    "今年以来，街道党工委高度重视法治政府建设。",
])
def test_running_text_is_no_township(sentence: str) -> None:
    assert not find_townships(sentence + "\n一、主要工作\n略。")


# ---------------------------------------------------------------- a whole report nobody has read

UNSEEN_REPORT = """一年来，云栖镇在县委、县政府的坚强领导下，深入学习贯彻习近平法治思想，全面推进依法行政。现将有关情况报告如下：
一、主要做法和成效
（一）健全领导机制。镇党委召开专题会议研究法治建设4次，制定年度工作要点。
（二）化解矛盾纠纷。2023年共排查矛盾纠纷86件，化解84件，化解率97.7%。
二、工作中的短板弱项
一是执法力量薄弱，全镇持证执法人员仅3名。二是部分村干部依法办事意识不强。
三、下一步打算
继续加强执法队伍建设，开展普法宣传。
"""


def test_unseen_report_township_year_sections(tmp_path: Path) -> None:
    r = _ingest(tmp_path, UNSEEN_REPORT)
    assert (r.township, r.year) == ("云栖镇", 2023)
    assert r.title == "云栖镇2023年法治政府建设情况报告"
    kinds = {c.section.split(" > ")[0]: c.kind for c in r.chunks if c.section}
    assert kinds["二、工作中的短板弱项"] == "problems"
    assert kinds["三、下一步打算"] == "plans"
    problems = " ".join(c.text for c in r.chunks if c.kind == "problems")
    assert "执法力量薄弱" in problems and "化解率" not in problems


@pytest.mark.parametrize("heading", ["二、有待改进的方面", "二、面临的困难和挑战", "二、需要改进的地方"])
def test_unseen_report_problems_in_plainer_words(tmp_path: Path, heading: str) -> None:
    r = _ingest(tmp_path, UNSEEN_REPORT.replace("二、工作中的短板弱项", heading))
    assert r.township == "云栖镇"
    assert any(c.kind == "problems" and "执法力量薄弱" in c.text for c in r.chunks)


@pytest.mark.parametrize(("text", "county", "province"), [
    # 贵州省 + 和 + 县委: the province and the county committee, not Anhui's 和县
    ("2022年，枫岭乡在中共贵州省和县委的坚强领导下，推进法治建设。\n一、主要成效\n全年开展普法活动8场。",
     None, "贵州省"),
    ("2023年，槐川镇在梓阳县委、县政府的坚强领导下，扎实推进法治政府建设。\n一、主要成效\n开展普法活动8场。",
     "梓阳县", None),
    ("四川省梓阳县人民政府：\n2023年，槐川镇坚持依法行政。\n一、主要成效\n开展普法活动8场。", "梓阳县", "四川省"),
    ("2023年，我镇在坚强领导和县委的部署下推进法治建设。\n一、主要成效\n开展普法活动8场。", None, None),
])
def test_a_county_stated_with_its_committee_and_one_the_province_does_not_hold(
        tmp_path: Path, text: str, county: str | None, province: str | None) -> None:
    """A county the gazetteer does not know is named by its committee or government (梓阳县委); a county
    name right after a province is one of that province's, or no county at all."""
    r = _ingest(tmp_path, text)
    assert (r.county, r.province) == (county, province)


@pytest.mark.parametrize(("text", "township", "county", "province"), [
    # a county the gazetteer does not know, right before the township: in the title, the opening, the signature
    ("柘岭县槐川镇2022年法治政府建设工作报告\n2022年，槐川镇扎实推进法治政府建设。\n一、主要成效\n开展普法活动8场。",
     "槐川镇", "柘岭县", None),
    ("2023年法治政府建设工作情况报告\n2023年，柘岭县槐川乡党委、政府坚持依法行政，按照《湖北省法治政府建设实施方案》"
     "的要求推进各项工作。\n一、主要成效\n开展普法活动8场。", "槐川乡", "柘岭县", "湖北省"),
    ("关于槐川镇2022年度法治政府建设情况的报告\n2022年，槐川镇在县委、县政府的领导下，认真落实山西省委的部署。\n"
     "一、主要成效\n开展普法活动8场，会同县农业综合执法大队查处非法捕捞案件3起。\n中共柘岭县槐川镇委员会\n"
     "柘岭县槐川镇人民政府\n2023年1月16日", "槐川镇", "柘岭县", "山西省"),
])
def test_a_county_named_right_before_its_township(
        tmp_path: Path, text: str, township: str, county: str, province: str | None) -> None:
    """柘岭县槐川镇: a county the gazetteer does not know, named before its township. 会同县 of "会同县农业综合执法
    大队" (会同: together with) is a county of 湖南省, which a report of 山西省 does not name as its own."""
    r = _ingest(tmp_path, text)
    assert (r.township, r.county, r.province) == (township, county, province)


def test_a_report_without_headings_has_its_kinds_by_paragraph(tmp_path: Path) -> None:
    """No 一、 or （一） anywhere: the paragraph that opens "…也存在一些不足。" is the problems section, the one
    that opens "2025年，我镇将…" the plans."""
    r = _ingest(tmp_path, "杏林镇2024年度法治政府建设情况报告\n"
                          "2024年，杏林镇坚持依法行政。一是全年开展专题学法9次。二是举办法治讲座3场。\n"
                          "在依法决策方面，一是集体研究重大事项46项。二是推行阳光议事。\n"
                          "工作中也存在一些不足。一是普法宣传形式较为单一。二是执法人员偏少。\n"
                          "2025年，我镇将重点抓好以下工作。一是创新普法形式。二是充实执法力量。\n"
                          "杏林镇人民政府\n2025年1月20日")
    kinds = {c.kind: c.text for c in r.chunks}
    assert "普法宣传形式较为单一" in kinds["problems"] and "创新普法形式" in kinds["plans"]
    assert "集体研究重大事项" not in kinds["problems"] + kinds["plans"]


def test_a_title_line_with_markup_is_still_the_title(tmp_path: Path) -> None:
    """A plain-text copy of a web page may keep a tag in its title line; its length is the words' length."""
    r = _ingest(tmp_path, '测试镇2023年法治政府建设工作报告<img src="http://127.0.0.1:45123/assets/images/title.png">\n'
                          "一、工作成效\n测试镇全面推进依法行政，开展普法宣传活动十二场。")
    assert (r.township, r.year) == ("测试镇", 2023)


def test_a_plans_point_that_names_a_shortcoming_is_a_plan(tmp_path: Path) -> None:
    r = _ingest(tmp_path, UNSEEN_REPORT.replace("三、下一步打算", "三、下一步打算\n1.补齐执法力量短板\n招录执法人员3名。"))
    kinds = {c.section: c.kind for c in r.chunks if c.section}
    assert all(kind == "plans" for section, kind in kinds.items() if section.startswith("三、"))


# ---------------------------------------------------------------- the development corpus


def _metadata_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("metadata_eval", ROOT / "bench" / "metadata_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (CORPUS_DEV / "metadata.jsonl").is_file(), reason=f"{CORPUS_DEV} is absent")
def test_corpus_dev_targets() -> None:
    score = _metadata_eval().evaluate(CORPUS_DEV)
    misses = "\n".join(f"{f}: {field} {have!r}, expected {want!r}" for f, field, want, have in score.misses)
    assert score.total["township"] >= 27 and score.right["township"] >= score.total["township"] - 1, misses
    assert score.right["year"] == score.total["year"], misses
    assert score.right["county"] == score.total["county"], misses
    # a report that names no township gets none, and what is found is never a fragment
    for found in score.found.values():
        town = found["township"]
        assert town is None or (isinstance(town, str) and town.endswith(("镇", "乡", "街道")) and 3 <= len(town) <= 8)
        assert not (isinstance(town, str) and town.startswith(("现将", "全", "我", "各", "本")))


@pytest.mark.skipif(not (CORPUS_DEV / "metadata.jsonl").is_file(), reason=f"{CORPUS_DEV} is absent")
def test_corpus_dev_rules_do_not_depend_on_the_names() -> None:
    """The same reports with invented township names, and with the title and fields removed."""
    result = _metadata_eval().robustness(CORPUS_DEV)
    right, total, misses = result["rename"]
    assert right >= total - 1, misses
    # without the title only the body can name the township: none found is fine, a wrong one is not
    _, _, misses = result["untitled"]
    assert all(got is None for _, got, _ in misses), misses


@pytest.mark.parametrize(("text", "date"), [
    ("正文。\n平武县松岭镇人民政府\n2024年1月15日", "2024-01-15"),
    ("正文。\n平武县松岭镇人民政府 2024年1月15日", "2024-01-15"),
    ("正文。\n二〇二四年一月十五日", "2024-01-15"),
    # a report cut short: its last line is a body sentence that holds a meeting's date, not a signature
    ("正文。\n镇党委书记李太平于2020年3月25日主持召开镇党委全面依法治镇委员会第二次会议,研究法治建设领域的重要事项", None),
])
def test_signing_date(text: str, date: str | None) -> None:
    from rag.ingest.metadata import find_signing_date

    assert find_signing_date(text) == date


@pytest.mark.parametrize("text", ["2023年，镇党委、镇政府按照县委、县政府的安排，扎实推进法治政府建设。",
                                  "通过县政府网站公开政府信息120条。", "根据县委统一部署，开展普法宣传。"])
def test_a_verb_before_xianwei_names_no_county(text: str) -> None:
    """"，按照县委、县政府…" once gave the county 按照县 (pass 24), "通过县政府网站" 通过县."""
    from rag.ingest.metadata import stated_counties
    assert not stated_counties(text)


@pytest.mark.parametrize(("question", "value"), [("杏花镇是哪个县的？", "临洮县"), ("杏花镇属于哪个省？", "甘肃省")])
def test_a_townships_county_is_read_from_its_newest_report_that_states_it(question: str, value: str) -> None:
    """Its 2020 report names no county; its 2019 report does: the county holds for both years."""
    from rag.metadata_answers import metadata_answer
    from rag.models import Report

    old = Report(source="a.txt", township="杏花镇", county="临洮县", province="甘肃省", year=2019,
                 text="2019年，杏花镇在临洮县委的领导下……")
    new = Report(source="b.txt", township="杏花镇", year=2020, text="2020年，杏花镇……")
    a = metadata_answer(question, [old, new], question)
    assert a is not None and a.found and value in a.text, a


def test_a_province_is_not_quoted_from_a_laws_title() -> None:
    """《云南省安全生产条例》 says nothing of where the township lies; the line that names its county does."""
    from rag.metadata_answers import metadata_answer
    from rag.models import Report

    text = "2024年，白溪乡认真学习《云南省安全生产条例》。\n白溪乡位于云南省南华县西部。"
    r = Report(source="a.txt", township="白溪乡", county="南华县", province="云南省", year=2024, text=text)
    a = metadata_answer("白溪乡属于哪个省？", [r], "白溪乡属于哪个省？")
    assert a is not None and a.found and "云南" in a.text and "条例" not in a.citations[0].quote, a


def test_a_year_in_chinese_numerals_and_no_plan_period() -> None:
    """二〇二二年度 in the title is the year; 2021－2025年 (a plan's period) and years after the signing are not."""
    from rag.ingest.metadata import find_year

    body = "按照《法治政府建设实施纲要（2021－2025年）》要求，全镇扎实推进依法行政。力争2025年建成法治示范镇。"
    assert find_year(body, "榆岭镇二〇二二年度法治政府建设工作报告", "2023-01-10", body) == 2022
    assert find_year(body, "法治政府建设工作报告", "2023-01-10", body) == 2022  # signed early in 2023


def test_the_signing_date_above_an_appendix_table(tmp_path: Path) -> None:
    """A Word export: the signature, then 附表 with a dozen lines of figures. The date under the signing body is
    the signing date; a date inside the table or the body is not."""
    table = "\n".join(f"指标{i} {i * 3}件" for i in range(1, 13))
    r = _ingest(tmp_path, "鸭岭镇2020年法治政府建设报告\n2020年，鸭岭镇全年召开专题会议3次，2020年3月5日启动普法月。\n"
                          "一、主要工作\n开展普法28场。\n鸭岭镇人民政府\n2021年1月20日\n附表：主要指标\n指标 数值\n" + table)
    assert (r.township, r.date) == ("鸭岭镇", "2021-01-20")
