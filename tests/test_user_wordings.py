"""How office staff word their questions, beyond the product's own vocabulary: 镇街 for towns and
subdistricts, 几回 and 几轮 for counts, a township in pinyin with another reading (三都: Sandu or Sandou),
a name the corpus does not hold, a province in English, "how many people", a figure among several in one
sentence, the holder of a role named before it, whether the library holds a named report, and when a web
page published its copy. Hand-made reports and sentences; no model."""

from __future__ import annotations

import re

import pytest

from rag.compose import _person, _pick_figure
from rag.evidence import asks_quantity, figures, head, keywords
from rag.index import Index, index_from_reports
from rag.ingest.metadata import page_date
from rag.lexicon import FACT_QUESTION, LIST_QUESTION, META_CORPUS
from rag.metadata_answers import existence_answer
from rag.models import Chunk, Filters, Report
from rag.plan import _pinyin_names, make_plan
from rag.query import Places, parse_scope

PLACES = [
    # (source, township, county, province, year)
    ("a.txt", "三都镇", "永安县", "福建省", 2024),
    ("b.txt", "长乐乡", "平和县", "福建省", 2023),
    ("c.txt", "东河街道", "城西区", "广东省", 2022),
    ("d.txt", "长乐乡", "平和县", "福建省", 2021),
]


def report(source: str, township: str, county: str, province: str, year: int, text: str = "") -> Report:
    text = text or f"{county}{township}{year}年法治政府建设情况报告\n全镇开展普法宣传活动12场次。"
    return Report(
        source=source, township=township, county=county, province=province, year=year, text=text,
        title=text.split("\n", 1)[0],
        chunks=[Chunk(id=f"{source}#0", section="一、工作情况", kind="achievements", start=0, end=len(text), text=text)],
    )


@pytest.fixture(scope="module")
def index() -> Index:
    return index_from_reports([report(*p) for p in PLACES])


@pytest.mark.parametrize("question", ["哪些镇街开展了普法宣传？", "各镇街有没有组建调解队伍？", "哪几个镇街提到了网格员？"])
def test_zhenjie_is_the_office_word_for_the_places_asked_about(question: str) -> None:
    assert LIST_QUESTION.search(question)
    assert "镇街" not in {head(k) for k in keywords(question)}


@pytest.mark.parametrize(("question", "unit"), [("永和镇开了几回党委会专题学法？", "回"), ("排查了几轮安全隐患？", "轮"),
                                                 ("下村宣讲了几趟？", "趟")])
def test_colloquial_counts_are_counts(question: str, unit: str) -> None:
    assert asks_quantity(question) == unit and FACT_QUESTION.search(question)


def test_a_figure_of_ten_thousands_keeps_what_it_counts() -> None:
    assert [f for _, _, f in figures("覆盖群众2万余人次，投入经费1.5万多元")] == ["2万余人次", "1.5万多元"]


@pytest.mark.parametrize("spelling", ["sandu town", "sandou town", "san du", "Sandu"])
def test_a_township_is_found_by_every_reading_of_its_characters(spelling: str) -> None:
    places = Places.build(["三都镇", "长乐乡"], [], [], [])
    assert any(p.search(spelling.lower()) and name == "三都镇" for p, _, name in places.romanised)


@pytest.mark.parametrize(("question", "names"), [
    ("How many mediation cases did Wangjiazhai handle?", ["Wangjiazhai"]),
    ("How many people attended Shangyuanba's law lectures?", ["Shangyuanba"]),
    ("Which subdistricts in Kunming mention legal publicity?", []),  # a prefecture of the gazetteer: a scope
    ("How did towns use WeChat and Douyin for legal publicity?", []),  # not where a place is named
    ("Which townships mention the Fengqiao experience?", []),  # a term the glossary knows
    ("How many lectures were held in China last year?", []),
    ("How many lectures did the town hold?", []),
])
def test_a_pinyin_name_the_corpus_does_not_hold_is_named(question: str, names: list[str]) -> None:
    assert _pinyin_names(question) == names


def test_a_question_about_an_unknown_place_in_pinyin_is_not_answered_from_another(index: Index) -> None:
    plan = make_plan("How many law-popularisation events did Wangjiazhai hold?", Filters(), [], index)
    assert plan.unknown_places == ["Wangjiazhai"]
    plan = make_plan("How many law-popularisation events did Sandu hold?", Filters(), [], index)
    assert plan.townships == ["三都镇"] and not plan.unknown_places


@pytest.mark.parametrize(("question", "province"), [("Which townships in Guangdong mention legal advisers?", "广东省"),
                                                    ("Which towns in Fujian province report mediation rates?", "福建省")])
def test_a_province_named_in_english_scopes_the_question(index: Index, question: str, province: str) -> None:
    plan = make_plan(question, Filters(), [], index)
    assert plan.provinces == [province] and not plan.unknown_places


@pytest.mark.parametrize(("question", "figure"), [
    ("受理了多少件网上信访？", "12件"),              # two kinds side by side: the one whose words the question writes together
    ("受理了多少件来信来访？", "45件"),
    ("整改了多少处隐患？", "58处"),                  # the second clause leaves out what it counts
    ("排查了多少处隐患？", "60处"),
    ("罚款了多少起违法行为？", "40起"),              # one item of a total
    ("查处了多少起违法行为？", "90起"),
])
def test_the_figure_asked_among_several_in_a_sentence(question: str, figure: str) -> None:
    quotes = {"受理": "全年受理来信来访45件、网上信访12件，办结率100%",
              "隐患": "共排查隐患60处，整改完成58处，整改率96.7%",
              "违法": "查处违法行为90起，其中警告50起、罚款40起"}
    quote = next(q for k, q in quotes.items() if k in question)
    kw = keywords(question)
    unit = asks_quantity(question)
    assert _pick_figure(quote, kw, unit, False, lambda k: 2.0, question) == figure


@pytest.mark.parametrize(("question", "rate", "figure"), [
    ("群众满意率是多少？", True, "97.2%"),
    ("诉求解决率达到多少？", True, "93.6%"),
    ("考试合格率是多少？", True, "98.5%"),
    ("参考率多少？", True, "100%"),
    ("审查了多少份合同？", False, "36份"),
    ("出具了几份法律意见书？", False, "12份"),
])
def test_a_figure_of_a_list_said_respectively_counts_its_own_item(question: str, rate: bool, figure: str) -> None:
    """A、B分别为X和Y: the figure is the one in the place of the item asked (not the first of the clause)."""
    quotes = {"满意率": "接诉即办诉求解决率、群众满意率分别达到93.6%和97.2%，均高于全区平均",
              "解决率": "接诉即办诉求解决率、群众满意率分别达到93.6%和97.2%，均高于全区平均",
              "率": "干部学法考试参考率、合格率分别为100%、98.5%",
              "份": "法律顾问全年审查合同和出具法律意见书分别为36份和12份"}
    quote = next(q for k, q in quotes.items() if k in question)
    assert _pick_figure(quote, keywords(question), asks_quantity(question), rate, lambda k: 2.0, question) == figure


@pytest.mark.parametrize(("sentence", "titles", "name"), [
    ("镇长王大明主持召开专题会议。", "镇长", "王大明"),
    ("聘请了某某律师事务所律师赵小红作为镇政府常年法律顾问。", "法律顾问", "赵小红"),
    ("成立了由欧阳明担任组长的领导小组。", "组长", "欧阳明"),
    ("党委书记亲自带领班子成员学法。", "党委书记|书记", ""),  # a holder is meant, but 亲自 is no name
    ("全镇开展了普法宣传。", "镇长", None),
])
def test_the_holder_of_a_role_is_named_before_or_after_it(sentence: str, titles: str, name: str | None) -> None:
    assert _person(sentence, titles, "") == name


def test_a_deputy_is_no_holder_of_the_role() -> None:
    assert _person("副组长李文同志负责日常工作。", "组长", "") is None


@pytest.mark.parametrize(("question", "found", "says"), [
    ("有没有长乐乡2023年的报告？", True, "长乐乡2023年度"),
    ("有沒有長樂鄉2021年的報告？", True, "长乐乡2021年度"),
    ("有没有长乐乡2024年的报告？", False, "没有长乐乡2024年的报告。报告库中长乐乡的报告：2021年、2023年。"),
    ("Is there a report for Sandu town from 2019?", False, "没有三都镇2019年的报告"),
])
def test_whether_the_library_holds_a_named_report(index: Index, question: str, found: bool, says: str) -> None:
    plan = make_plan(question, Filters(), [], index)
    got = existence_answer(plan.effective, plan.townships, plan.years, list(index.reports.values()), plan.topic)
    assert got is not None and got.found == found and says in got.text


def test_a_question_about_what_a_named_report_says_is_no_library_question(index: Index) -> None:
    plan = make_plan("长乐乡的报告有没有提到法律顾问？", Filters(), [], index)
    assert existence_answer(plan.effective, plan.townships, plan.years, list(index.reports.values()), plan.topic) is None


@pytest.mark.parametrize("question", ["福建省有哪些乡镇？", "有哪些福建的乡镇报告？", "哪些乡镇在福建？", "哪些报告是2023年的？"])
def test_which_reports_in_other_wordings(question: str) -> None:
    assert META_CORPUS.search(question)


@pytest.mark.parametrize("question", [
    "哪些乡镇有2023年的报告？",
    "库里有哪些2023年度的报告？",
    "库里哪几个乡镇有2023年的法治政府建设报告？",
    "二〇二三年的报告有哪些乡镇？",
])
def test_which_reports_of_a_year_in_a_clerks_wordings(index: Index, question: str) -> None:
    """The year (and 库里, the reports' own name) inside the question: still a question about the library."""
    from rag.metadata_answers import metadata_answer
    from rag.plan import reports_in_scope

    plan = make_plan(question, Filters(), [], index)
    reports, _ = reports_in_scope(plan, index)
    got = metadata_answer(plan.effective, reports, plan.topic, list(index.reports.values()))
    assert got is not None and got.found and "长乐乡" in got.text and "三都镇" not in got.text, got


def test_a_question_about_what_the_reports_of_a_year_say_is_no_library_question(index: Index) -> None:
    from rag.metadata_answers import metadata_answer
    from rag.plan import reports_in_scope

    plan = make_plan("哪些乡镇2023年的报告提到普法宣传？", Filters(), [], index)
    reports, _ = reports_in_scope(plan, index)
    assert metadata_answer(plan.effective, reports, plan.topic, list(index.reports.values())) is None


def test_a_year_asked_with_its_du_leaves_no_word(index: Index) -> None:
    scope = parse_scope("哪些乡镇的报告是2021年度的？", index)
    assert scope.years == [2021] and "度" not in scope.text


@pytest.mark.parametrize(("header", "text", "date"), [
    (["发布机构：某某镇人民政府 发布日期:2021-03-30"], "标题\n正文", "2021-03-30"),
    # the page's publication date, not the document's own (成文日期, which a page may list first)
    (["[ 成文日期 ] 2021-05-27 [ 发布日期 ] 2021-05-28"], "标题\n正文", "2021-05-28"),
    (["成文日期：2023-01-16", "发布日期：2023-01-18"], "标题\n正文", "2023-01-18"),
    ([], "某某街道2025年法治政府建设年度报告\n2026-01-23 16:25:42\n来源:本网", "2026-01-23"),
    ([], "- 公文生成日期: 2025-02-07\n某某镇报告", "2025-02-07"),
    ([], "某某镇报告\n2024年，全镇开展普法宣传。", None),
])
def test_the_date_a_web_page_gives_its_copy(header: list[str], text: str, date: str | None) -> None:
    assert page_date(header, text) == date


@pytest.mark.parametrize(("question", "word", "alternative"), [
    ("进学校开展了几场法治讲座？", "学校", "校园"),
    ("指挥部的总指挥是谁？", "总指挥", "指挥长"),
    ("群众反映的事情办了多少件？", "事情", "事项"),
])
def test_everyday_words_find_the_reports_words(question: str, word: str, alternative: str) -> None:
    term = next(k for k in keywords(question) if head(k) == word)
    assert alternative in term.split("|")


def test_an_unknown_name_cut_by_the_segmenter_is_named_whole(index: Index) -> None:
    """jieba cuts 钟山镇 into 钟 + 山镇; the unknown place is 钟山镇."""
    assert parse_scope("有没有钟山镇的报告？", index).unknown_places == ["钟山镇"]
    assert re.search("钟山镇", make_plan("有没有钟山镇的报告？", Filters(), [], index).unknown_places[0])


@pytest.mark.parametrize(("question", "framing"), [
    ("哪些镇街讲到了疫情期间的执法工作？", {"讲到", "期间"}),
    ("哪些乡镇谈及基层调解员不足？", {"谈及"}),
    ("有哪些街道说起过网格员的培训？", {"说起"}),
])
def test_verbs_that_frame_a_question_are_no_topic(question: str, framing: set[str]) -> None:
    heads = {head(k) for k in keywords(question)}
    assert heads and not heads & framing


@pytest.mark.parametrize(("sentence", "day"), [
    ("镇党委书记于2020年3月25日主持召开专题会议。", "2020年3月25日"),
    ("12月4日组织开展宪法宣传活动。", "12月4日"),
    ("落款：二〇二四年十二月二十日", "二〇二四年十二月二十日"),
    ("全年召开专题会议4次。", None),
])
def test_a_question_asking_when_is_led_by_the_day_the_sentence_names(sentence: str, day: str | None) -> None:
    from rag.compose import _day

    assert _day(sentence) == day


@pytest.mark.parametrize(("question", "person"), [
    ("镇党委书记叫什么名字？", True), ("领导小组组长是谁？", True), ("What is the name of the party secretary?", True),
    ("那个乡村文艺晚会叫什么？", False), ("这个学习机制叫什么名字？", False),
    ("What is the name of the learning mechanism?", False),
])
def test_a_name_is_a_persons_only_when_a_person_is_asked_about(question: str, person: bool) -> None:
    from rag.lexicon import asks_person

    assert asks_person(question) == person


@pytest.mark.parametrize(("sentence", "titles", "holder"), [
    ("成立了以街道党工委书记、办事处主任为指挥长的指挥部", "指挥长", "街道党工委书记、办事处主任"),
    ("领导小组由镇党委书记任组长", "组长", "镇党委书记"),
    ("党委书记为组长，党委副书记、镇长为副组长", "副组长", "党委副书记、镇长"),
    ("党委书记为组长，党委副书记、镇长为副组长", "组长", "党委书记"),
    ("全镇开展普法宣传活动", "组长", None),
])
def test_a_role_is_answered_by_the_office_that_holds_it(sentence: str, titles: str, holder: str | None) -> None:
    from rag.compose import _role_holder

    assert _role_holder(sentence, titles) == holder


@pytest.mark.parametrize(("question", "asked"), [
    ("设立了七个邻里服务站的那份报告是哪个乡的？", True), ("这份报告是哪个镇的？", True),
    ("Which township's report mentions the workstation?", True),
    ("哪个乡镇的化解率最高？", False), ("哪些乡镇的报告提到法律顾问？", False),
])
def test_a_question_asking_whose_report_says_something(question: str, asked: bool) -> None:
    from rag.lexicon import IDENTITY_QUESTION

    assert bool(IDENTITY_QUESTION.search(question)) == asked


@pytest.mark.parametrize(("question", "asked"), [
    ("哪些报告是繁体字的？", True), ("有几份繁體報告？", True),
    ("Which reports are written in traditional Chinese characters?", True),
    ("What is the traditional way of mediation?", False), ("哪些乡镇提到繁体字？", False),
])
def test_a_question_about_the_script_of_the_reports(question: str, asked: bool) -> None:
    from rag.lexicon import META_SCRIPT
    from rag.text import to_simplified

    assert bool(META_SCRIPT.search(to_simplified(question))) == asked


@pytest.mark.parametrize("question", ["Which township's report mentions mediation?", "What town reported the most cases?",
                                      "Each township must report."])
def test_a_question_word_before_town_is_no_place(index: Index, question: str) -> None:
    assert make_plan(question, Filters(), [], index).unknown_places == []


@pytest.mark.parametrize(("question", "filler"), [
    ("大中街道司法所去年帮忙审了几份合同？", {"去年", "帮忙"}),
    ("留下街道一年请律师大概花多少钱？", {"大概", "一年"}),
    ("哪些乡镇专门讲了防范电信诈骗？", {"专门"}),
])
def test_spoken_filler_is_no_topic(question: str, filler: set[str]) -> None:
    heads = {head(k) for k in keywords(question)}
    assert heads and not heads & filler


@pytest.mark.parametrize(("question", "word", "alternative"), [
    ("新加了几个摄像头？", "新加", "新增"), ("天网建了多少个点位？", "天网", "雪亮工程"),
])
def test_spoken_words_find_the_reports_words(question: str, word: str, alternative: str) -> None:
    term = next(k for k in keywords(question) if head(k) == word)
    assert alternative in term.split("|")


def test_a_question_asking_when_in_spoken_words() -> None:
    from rag.lexicon import FACT_QUESTION, WHEN_QUESTION

    assert WHEN_QUESTION.search("第二次会议是啥时候开的？") and FACT_QUESTION.search("第二次会议是啥时候开的？")


# ---------------------------------------------------------------- rules that must not fire (a review's reproductions)


@pytest.mark.parametrize(("sentence", "titles"), [("成立由镇党委书记任组长、镇长任副组长的领导小组", "党委书记|委书记|书记"),
                                                  ("成立法治工作办公室主任副主任由综合办人员兼任", "主任"),
                                                  ("镇党委书记和镇长任双组长", "书记")])
def test_words_after_a_title_that_are_no_name(sentence: str, titles: str) -> None:
    """任 and 和 are surnames, but 任组长 and 和镇长 are no names."""
    assert not _person(sentence, titles, "")


@pytest.mark.parametrize("question", ["大中街道什么时候公开政府信息？", "When was the command post's work plan issued?",
                                      "岳溪镇政府信息公开时间是多久？"])
def test_a_question_about_work_done_is_no_question_about_the_reports_date(question: str) -> None:
    from rag.lexicon import META_DATE
    from rag.text import to_simplified

    assert not META_DATE.search(to_simplified(question).lower())


def test_a_question_with_a_topic_between_its_frame_words_is_no_library_question(index: Index) -> None:
    plan = make_plan("长乐乡有没有召开党委会听取法治建设报告？", Filters(), [], index)
    assert existence_answer(plan.effective, plan.townships, plan.years, list(index.reports.values()), plan.topic) is None


@pytest.mark.parametrize("question", ["What did the report in traditional Chinese say about legal advisers?",
                                      "繁体字报告里提到了哪些普法活动？"])
def test_a_content_question_about_traditional_reports_is_no_listing(index: Index, question: str) -> None:
    from rag.metadata_answers import metadata_answer

    plan = make_plan(question, Filters(), [], index)
    assert metadata_answer(plan.effective, list(index.reports.values()), plan.topic) is None


@pytest.mark.parametrize("spelling", ["dacheng town", "lulang town"])
def test_a_rare_reading_of_a_character_finds_no_township(spelling: str) -> None:
    """Only the readings place names use both ways (都: du, dou) are tried: 大盛 is no "Dacheng", 六郎 no "Lulang"."""
    places = Places.build(["大盛镇", "六郎镇"], [], [], [])
    assert not any(p.search(spelling) for p, _, _ in places.romanised)


@pytest.mark.parametrize("question", ["哪些街道提到法治进城市社区？", "哪个街道赴山区开展普法？", "哪个乡镇进古镇宣传？"])
def test_a_verb_before_a_common_place_word_makes_no_place(index: Index, question: str) -> None:
    assert parse_scope(question, index).unknown_places == []


def test_a_question_word_in_front_of_a_place_is_not_part_of_its_name(index: Index) -> None:
    assert make_plan("Did Xinglong town hire a lawyer?", Filters(), [], index).unknown_places == ["Xinglong town"]


def test_the_counted_noun_of_an_english_count_is_its_head() -> None:
    assert asks_quantity("How many staff training sessions did Gaoguan hold?") == "次"
    assert asks_quantity("How many people attended the lectures?") == "人"


@pytest.mark.parametrize(("header", "date"), [(["- 成文时间:2026年01月21日"], "2026-01-21"),
                                              (["时间:2023-02-28 15:36 浏览量:1"], "2023-02-28")])
def test_more_labels_of_a_page_date(header: list[str], date: str) -> None:
    assert page_date(header, "") == date


@pytest.mark.parametrize(("question", "unit"), [("庆隆镇有几个干部拿到了执法资格？", "人"), ("多少个调解员参加了培训？", "人"),
                                                 ("设立了几个调解室？", "个"), ("How many vehicles were inspected?", "辆"),
                                                 ("How many brochures were handed out?", "份"),
                                                 ("How many agency service stations were set up?", "个"),
                                                 ("How many village (community) civil full-agency service stations "
                                                  "did Yuexi town set up?", "个")])  # a long phrase, an aside
def test_a_count_of_people_or_things_in_the_words_staff_use(question: str, unit: str) -> None:
    """几个干部 counts people (answered by 8名); an English count names its unit by the noun (vehicles: 辆)."""
    assert asks_quantity(question) == unit


@pytest.mark.parametrize(("question", "filler"), [("鲍沟镇一年下来出了多少个政府文件？", {"下来"}),
                                                  ("哪些乡镇说自己缺懂法的人才？", {"自己"})])
def test_more_spoken_filler_is_no_topic(question: str, filler: set[str]) -> None:
    heads = {head(k) for k in keywords(question)}
    assert heads and not heads & filler


def test_striving_to_create_is_creating() -> None:
    term = next(k for k in keywords("哪些乡镇在争创民主法治示范村？") if "争创" in k.split("|"))
    assert "创建" in term.split("|")


@pytest.mark.parametrize(("sentence", "question", "name"), [
    ("建立“1+3+N”学习机制,即以习近平法治思想为1个学习核心", "学习机制叫什么？", "“1+3+N”"),
    ("建成镇“一站式”矛盾纠纷调处中心和“湾事芜优”诉源治理工作站，打造“最优解”", "诉源治理工作站叫什么？", "“湾事芜优”"),
    ("成立一支“蒲公英”普法志愿者队伍", "普法志愿者队伍叫什么名字？", "“蒲公英”"),
    ("开展“法律进乡村”活动12场", "学习机制叫什么？", None),  # no quoted name before the asked thing: no guess
])
def test_a_thing_is_named_by_the_quoted_term_before_it(sentence: str, question: str, name: str | None) -> None:
    from rag.compose import _quoted_name
    from rag.text import compact

    assert _quoted_name(sentence, keywords(question), compact(question)) == name


@pytest.mark.parametrize("question", ["哪些乡镇街道属于福建省？", "Which townships' reports cover the year 2023?"])
def test_which_reports_in_still_other_wordings(question: str) -> None:
    from rag.text import to_simplified

    assert META_CORPUS.search(to_simplified(question).lower())


def test_townships_that_report_a_figure_is_no_question_about_the_library() -> None:
    assert not META_CORPUS.search("which townships report the number of foreign tourists they received?")
