"""The answer stage's sentence scoring, on hand-made units (fast: no model, no index)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.evidence import (
    EvidenceTable,
    Unit,
    alternative_sides,
    ask_parts,
    asked_unit,
    asks_quantity,
    either_modifier,
    figure_share,
    figures,
    head,
    keywords,
    only_denies,
    quoted_phrases,
    unheld_abbreviations,
)
from rag.text import compact


def table(*sentences: str, context: str = "") -> EvidenceTable:
    units = [Unit("r.txt", i * 100, i * 100 + len(s), s, compact(s), 0, False, compact(context)) for i, s in enumerate(sentences)]
    return EvidenceTable(units, np.zeros((len(units), 4), dtype=np.float32))


def test_keywords_drop_question_words_years_and_quantities() -> None:
    kw = keywords("高观镇2022年有多少人参加了法治理论考试？", drop=["高观镇"])
    assert "多少" not in kw and "2022" not in "".join(kw) and "高观镇" not in kw
    assert {"参加", "法治", "理论", "考试"} <= {head(k) for k in kw}


def test_keywords_match_the_synonyms_of_a_word() -> None:
    kw = keywords("哪些乡镇提到执法人员不足？")
    assert {head(k) for k in kw} == {"执法人员", "不足"}
    t = table("综合行政执法力量薄弱。", "执法人员积极性较高。", "今年天气很好。")
    scored = t.score(kw, None, [0, 1, 2])
    assert scored[0].unit == 0 and scored[0].lexical == pytest.approx(1.0)
    assert keywords("执法人员不足", synonyms=False) == ["执法人员", "不足"]


def test_keywords_of_either_script_are_the_same() -> None:
    assert keywords("人民調解委員會調處了多少宗矛盾糾紛") == keywords("人民调解委员会调处了多少宗矛盾纠纷")


def test_english_terms_come_through_the_glossary() -> None:
    kw = keywords("How many road traffic safety hazards were found?")
    assert {"隐患", "道路交通"} <= {w for k in kw for w in k.split("|")}


@pytest.mark.parametrize(
    ("question", "unit"),
    [("共和镇选聘了几名行政执法监督员？", "名"), ("收到多少宗调解申请", "宗"), ("调解成功率是多少", ""), ("谁是法律顾问", None)],
)
def test_asks_quantity(question: str, unit: str | None) -> None:
    assert asks_quantity(question) == unit


@pytest.mark.parametrize(
    ("question", "asks"),
    [("受理矛盾纠纷多少件，调解成功的百分比是多少", ["件", "%"]), ("大铭乡办理便民服务多少件，满意率是多少？", ["件", "%"]),
     ("检查多少次，检查车辆多少辆？", ["次", "辆"]), ("率先建成多少个调解室", []), ("共和镇调解成功率是多少？", [])],
)
def test_the_figures_a_question_asks_for(question: str, asks: list[str]) -> None:
    assert [a for a, _ in ask_parts(question)] == asks


@pytest.mark.parametrize(
    ("question", "unit"),
    [("哪些乡镇报告了化解纠纷的具体件数？", "件"), ("哪些鄉鎮報告了普法活動的場次？", "场"), ("组织了几次集中学法", "次"),
     ("执法检查的次数或查出的问题数量", None), ("审查合同的具体数量", None), ("How many cases were mediated?", "件"), ("How many people attended the lectures?", "人"),
     ("How many law-study sessions did the leaders hold?", "次"), ("How many were mediated?", None)],
)
def test_asked_unit(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit


def test_a_figure_counts_the_topic_only_in_its_own_clause() -> None:
    topic = {"普法|法治宣传": 3.0, "活动": 2.0}
    assert figure_share("累计开展16场法治宣传活动。", topic, unit="场") == pytest.approx(1.0)
    assert figure_share("开展法治宣传活动,发放宣传手册2500份。", topic, unit="场") == 0.0  # 份 counts no 场
    assert figure_share("开展法治宣传活动,发放宣传手册2500份。", topic) == 0.0  # not the figure's clause
    assert figure_share("参考合格率达到100%,开展活动3次。", topic, rate=True) == 0.0
    assert figure_share("法治宣传活动参与率达到95%。", topic, rate=True) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("question", "words"),
    [("Which townships mention COVID-19 prevention?", {"19"}),
     ("哪些乡镇说明了干部集中学了几回法律？", {"学了", "学"}),
     ("哪些乡镇提到第八个五年法治宣传教育规划？", {"五年", "规划"})],
)
def test_keywords_leave_out_what_no_report_writes(question: str, words: set[str]) -> None:
    assert not words & {head(k) for k in keywords(question)}


def test_a_five_year_plan_is_matched_by_its_short_name() -> None:
    assert {"八五", "普法"} <= {head(k) for k in keywords("哪些乡镇提到第八个五年法治宣传教育规划？")}
    assert {"七五", "普法"} <= {head(k) for k in keywords("哪些鄉鎮提到第七個五年普法規劃？")}


def test_figures_skip_enumeration_and_years() -> None:
    assert figures("8.柔性执法与告知承诺机制实施。") == []
    assert [f[2] for f in figures("2022年联处中心收到调解申请582宗,调解成功率达95%")] == ["582宗", "95%"]
    assert [f[2] for f in figures("在全乡设立七个服务站")] == ["七个"]


def test_full_width_decimals_and_ranges_are_one_figure() -> None:
    assert [f[2] for f in figures("考试平均成绩９２．６分，按时办结率９８．９％，追回工资３２．６万元")] == [
        "９２．６", "９８．９％", "３２．６万元"]
    assert [f[2] for f in figures("每个村培养3至5名，每村三至五名，培训3到4次")] == ["3至5名", "三至五名", "3到4次"]
    assert [f[2] for f in figures("2021至2025年规划")] == []  # years, no range of a count


def test_quoted_phrases() -> None:
    assert quoted_phrases("哪几个乡镇提到了行政执法“三项制度”？") == ["三项制度"]
    assert quoted_phrases("哪些乡镇学习了《民法典》") == ["民法典"]


def test_one_quoted_example_is_not_required() -> None:
    assert quoted_phrases("哪些乡镇搞了多部门联合执法检查，比如“综合查一次”？") == []
    assert quoted_phrases("哪些乡镇开展了联合检查，例如“一次进门、多项体检”？") == []
    # several examples listed are the names the asker knows the thing by: any of them
    assert quoted_phrases("哪些乡镇应用执法平台（如“执法+监管”平台、“粤执法”平台）？") == ["执法+监管|粤执法"]
    assert quoted_phrases("哪些乡镇推行“三官一律”和“法律明白人”？") == ["三官一律", "法律明白人"]


def test_one_side_of_or_quoted_and_english_quoted_words_are_not_required() -> None:
    assert quoted_phrases("哪些鄉鎮提到「綜合查一次」或多部門聯合開展執法檢查？") == []
    assert quoted_phrases("哪些乡镇给企业做了“法治体检”或涉企法律服务？") == []
    assert quoted_phrases("哪些乡镇开展了普法或“法律明白人”培训？") == []
    # 或 joining two other things: the quoted term is what both are given
    assert quoted_phrases("哪些乡镇组织律师给企业或合作社做“法治体检”？") == ["法治体检"]
    assert quoted_phrases("How many cases did Gonghe town enter into the \"two platforms\" in 2022?") == []
    assert quoted_phrases("Which townships follow the 'Fengqiao experience'?") == []
    assert quoted_phrases("哪些乡镇推行“1+3+N”学习机制？") == ["1+3+N"]


def test_a_magnitude_alone_is_no_figure() -> None:
    assert figures("把法律送进千家万户，开展“万人助万企”活动。") == []
    assert [f for _, _, f in figures("百余人参加，发放资料三万份、千余册。")] == ["百余人", "三万份", "千余册"]


def test_a_two_character_word_no_sentence_holds_is_read_as_an_abbreviation() -> None:
    """抽检 of a question, 抽样检查 of the reports (the first characters of two words, said twice or more);
    创成 is not 创建成果, said once."""
    t = table("对食品经营场所定时进行抽样检查。", "开展食品抽样检查3次。", "巩固创建成果。", "调解成功12件。")
    assert unheld_abbreviations(["食品", "抽检", "创成"], t) == ["食品", "抽检|抽样检查", "创成"]
    assert unheld_abbreviations(["调成"], table("调解成功12件。", "调解成功率98%。")) == ["调成|调解成功"]


def test_a_quoted_date_with_its_day_name_may_be_held_in_either_form() -> None:
    assert quoted_phrases("哪些乡镇借“6·26”国际禁毒日开展普法宣传？") == ["6.26|国际禁毒日"]
    assert quoted_phrases("哪些乡镇利用“3·15”开展宣传？") == ["3.15"]  # no name given: the date is required
    assert quoted_phrases("“6·26”当日开展了什么活动？") == ["6.26"]  # 当日 names no day
    t = table("利用国际禁毒日开展禁毒宣传。", "结合“6.26”开展禁毒宣传。", "开展禁毒宣传进校园活动。")
    kw = keywords("借国际禁毒日开展禁毒宣传")
    held = {s.unit for s in t.score(kw, None, [0, 1, 2], None, quoted_phrases("借“6·26”国际禁毒日开展禁毒宣传"))}
    assert held == {0, 1}


def test_alternatives_share_the_words_around_or() -> None:
    readings = alternative_sides("组织干部参加法治理论或学法考试")
    heads = [{head(k) for k in r} for r in readings]
    assert all("考试" in r for r in heads)  # 考试 belongs to both sides
    assert any("学法" in r and "理论" not in r for r in heads)


@pytest.mark.parametrize("question", ["哪些乡镇提到普法志愿者或法治工作志愿者？", "哪些鄉鎮提到普法志願者或法治工作志願者？"])
def test_two_phrases_with_one_head_keep_the_head_on_each_side(question: str) -> None:
    """"X志愿者或Y志愿者": 志愿者 is on both sides, so no reading drops it (a 普法 sentence without 志愿者 must not
    answer for the second side)."""
    readings = [{head(k) for k in r} for r in alternative_sides(question)]
    assert readings and all("志愿者" in r for r in readings)
    t = table("利用国家宪法日开展普法宣传工作。", "组织法治工作志愿者团队深入村社区开展帮扶。")
    scored = {s.unit: s for s in t.score(keywords(question), None, [0, 1], alternative_sides(question))}
    assert scored[1].lexical > 2 * scored[0].lexical


def test_a_word_both_clauses_of_or_say_is_no_shared_head() -> None:
    """"普法宣传方式单一或群众参与普法积极性不高": 普法 begins the left clause and stands inside the right one; it
    is no head the two share, so each clause is a reading of its own (a sentence saying only 宣传方式比较单一
    answers)."""
    readings = [{head(k) for k in r} for r in alternative_sides("普法宣传方式单一或群众参与普法积极性不高")]
    assert {"普法", "宣传方式", "单一"} in readings
    assert {"群众", "参与", "普法", "积极性", "不高"} in readings


@pytest.mark.parametrize("question", ["哪些乡镇开展了禁毒宣传或禁毒工作？", "哪些鄉鎮開展了禁毒宣傳或禁毒工作？"])
def test_the_word_both_sides_of_or_begin_with_modifies_each(question: str) -> None:
    """禁毒宣传或禁毒工作: 禁毒 is on both sides, and it is what the question is about."""
    readings = [{head(k) for k in r} for r in alternative_sides(question)]
    assert readings and all("禁毒" in r for r in readings)
    assert head(either_modifier(question) or "") == "禁毒"
    assert head(either_modifier("哪些乡镇提到普法志愿者或法治工作志愿者？") or "") == "志愿者"


@pytest.mark.parametrize(("question", "about"), [
    ("哪些乡镇开展过应急演练或者消防演练？", "演练"),
    ("哪些鄉鎮組織了防汛演練或地質災害演練？", "演练"),
    ("哪些乡镇的群众法律意识或法治观念淡薄？", "法律意识"),
    ("哪些乡镇报告了办理便民服务或政务服务事项的件数？", None),  # the head of both is 事项, after the pair
    ("哪些乡镇提到法治书屋或法治文化广场？", None),  # 法治 is the genre's word, no thing
])
def test_the_head_both_sides_of_or_end_on_is_what_the_question_is_about(question: str, about: str | None) -> None:
    """应急演练或者消防演练: a sentence on 应急 and 消防 without any 演练 answers neither side."""
    found = either_modifier(question)
    assert found is None if about is None else about in (found or "").split("|"), found


def test_a_sentence_covering_one_side_of_or_scores() -> None:
    t = table("普法宣传方式比较单一。", "今年天气很好。", "推进法治建设。", "法治政府建设。", "学习法治思想。")
    kw = keywords("法治宣传方式单一或群众参与积极性不高")
    plain = t.score(kw, None, [0, 1])
    with_or = t.score(kw, None, [0, 1], alternative_sides("法治宣传方式单一或群众参与积极性不高"))
    assert with_or[0].unit == 0 and with_or[0].lexical > plain[0].lexical >= 0


def test_required_phrase_excludes_sentences_without_it() -> None:
    t = table("监督行政执法“三项制度”落实情况。", "加强行政执法队伍建设和制度建设。")
    scored = t.score(keywords("行政执法三项制度"), None, [0, 1], required=["三项制度"])
    assert [s.unit for s in scored] == [0]


def test_heading_context_counts_at_a_discount() -> None:
    t = table("部分执法人员法律和业务能力不足。", context="（二）行政执法队伍建设有待加强。")
    kw = keywords("行政执法队伍业务能力有待提高")
    lexical, matched = t.coverage(kw, t.units[0])
    assert "业务" in matched and "有待" not in matched
    assert 0.5 < lexical < 1.0


def test_a_sentence_that_continues_the_one_before_holds_its_quoted_phrase() -> None:
    t = table("通过“两平台”录入案件516宗，", "其中录入行政处罚案件18宗。")
    scored = t.score(keywords("“两平台”录入行政处罚案件"), None, [0, 1], required=["两平台"])
    assert sorted(s.unit for s in scored) == [0, 1]


@pytest.mark.parametrize(("question", "dropped"), [
    ("哪些乡镇已有专职调解员队伍？", {"已有"}),
    ("哪些乡镇组建了两支法律服务团队？", {"两支"}),
    ("永和镇一年里办结了多少件信访件？", {"一年"}),
    ("哪些街道两名以上干部参加了执法证考试？", {"两名"}),
    ("车站街道三个月内共有多少起纠纷？", {"三个月", "共有"}),
])
def test_counts_spans_and_framing_words_are_no_topic(question: str, dropped: set[str]) -> None:
    """两支, 两名, 一年 and 三个月 count or time the topic; 已有 and 共有 frame the question."""
    heads = {head(k) for k in keywords(question)}
    assert heads and not heads & dropped


@pytest.mark.parametrize(("question", "kept"), [("哪些乡镇落实了一村一辅警？", "一村"), ("哪个乡镇实行一支队伍管执法？", "一支"),
                                               ("哪些乡镇推行一件事一次办？", "一件")])
def test_a_count_word_keeps_a_slogan_word(question: str, kept: str) -> None:
    """一 with a measure word is how slogans are made (一支队伍管执法, 一件事一次办): it stays a keyword."""
    assert kept in {head(k) for k in keywords(question)}


@pytest.mark.parametrize(("question", "whole", "pieces"), [
    ("哪些乡镇排查了严重精神障碍患者？", "精神障碍", {"严重", "患者"}),
    ("哪些乡镇谈到新冠肺炎疫情防控期间的执法？", "新冠", {"肺炎"}),
])
def test_a_synonym_phrase_the_question_says_whole_leaves_no_pieces(question: str, whole: str, pieces: set[str]) -> None:
    """A phrase of a synonym group in the question is one keyword: its pieces would ask a report that writes
    another word of the group (疫情防控 for 新冠肺炎疫情) for words it never needs."""
    kw = keywords(question)
    assert any(whole in k.split("|") for k in kw)
    assert not {head(k) for k in kw} & pieces


@pytest.mark.parametrize(("question", "whole", "other"), [
    ("哪些乡镇反映村民法治观念淡薄？", "法治观念", "法律意识"),
    ("哪些鄉鎮提到群眾法治觀念不強？", "法治观念", "法治意识"),
    ("哪些乡镇开展了法律学习？", "法律学习", "学法"),
])
def test_two_words_that_make_a_synonym_word_are_that_word(question: str, whole: str, other: str) -> None:
    """The tokenizer cuts 法治观念 into 法治 + 观念; side by side in the question they are the word of the
    synonym group, which a report writing 法律意识 holds."""
    kw = keywords(question)
    assert any(whole in k.split("|") and other in k.split("|") for k in kw)
    assert not {head(k) for k in kw} & {whole[:2], whole[2:]}


@pytest.mark.parametrize(("question", "weak"), [
    ("哪些乡镇提到群众法律意识淡薄？", "不强"),
    ("哪些乡镇反映部门之间衔接不畅？", "不畅"),
    ("哪些乡镇提到执法监管缺失？", "缺失"),
])
def test_the_genres_ways_of_saying_weak_are_shortcomings(question: str, weak: str) -> None:
    """淡薄, 不畅, 缺失 say what 不足 says: the question asks about a shortcoming, and the word is matched by
    its kind (a problems sentence), not as a topic of its own."""
    from rag.lexicon import SHORTCOMING
    from rag.plan import is_cue_word, kind_cues
    assert "problems" in kind_cues(question)
    assert SHORTCOMING.search(weak)
    assert [k for k in keywords(question) if is_cue_word(k)]


@pytest.mark.parametrize("question", [
    "哪些乡镇开展了宪法、民法典等法律的宣传？",
    "哪些鄉鎮開展了憲法、民法典等法律的宣傳？",
])
def test_examples_of_a_kind_are_readings_of_the_question(question: str) -> None:
    """"A、B等C": a report may name the kind C or one example only; each is a reading with the words after it."""
    readings = [{head(k) for k in r} for r in alternative_sides(question)]
    assert {"法律", "宣传"} in readings and any("宪法" in r and "宣传" in r for r in readings)
    assert any("民法典" in r and "宪法" not in r for r in readings)
    t = table("组织开展民法典宣传进村社活动。", "今年天气很好。")
    plain = t.score(keywords(question), None, [0, 1])
    read = t.score(keywords(question), None, [0, 1], alternative_sides(question))
    assert read[0].unit == 0 and read[0].lexical > plain[0].lexical


@pytest.mark.parametrize("question", ["哪些乡镇平等保护各类市场主体？", "哪些乡镇提到调解、信访等等？"])
def test_no_example_readings_without_a_kind(question: str) -> None:
    """平等 is no 等; "…等等" at the end names no kind."""
    assert alternative_sides(question) == []


@pytest.mark.parametrize("question", ["哪些乡镇报告了行政复议或行政诉讼的情况？", "哪些鄉鎮報告了行政復議或行政訴訟的情況？"])
def test_a_question_of_two_alternatives_only_is_answered_by_either(question: str) -> None:
    """"A或B" with nothing else: a sentence on B alone covers the question (one side is all of a reading)."""
    t = table("2022年共发生行政诉讼案件6宗。", "加强行政执法监督。")
    plain = t.score(keywords(question), None, [0, 1])
    read = t.score(keywords(question), None, [0, 1], alternative_sides(question))
    assert read[0].unit == 0 and read[0].lexical == pytest.approx(1.0) and plain[0].lexical < 0.9


def test_a_longer_question_keeps_one_word_readings_out() -> None:
    """"组织干部参加法治理论或学法考试": a reading of one word would let any 考试 sentence stand for the question."""
    assert all(len(r) >= 2 for r in alternative_sides("组织干部参加法治理论或学法考试"))


@pytest.mark.parametrize(("question", "absent"), [
    ("岳溪镇帮群众办事的代办员有多少人？", "员有"),
    ("网格员有多少个？", "员有"),
    ("大铭乡现在有几个行政执法人员？", "现在"),
    ("法治带头人和法律明白人加起来有多少人？", "起来"),
    ("柳塘那边培养了多少个调解员？", "那边"),
])
def test_spoken_frames_of_a_count_are_no_keywords(question: str, absent: str) -> None:
    """有 before 多少 is not glued to the word before it (代办员有 -> 员有), and 现在, 加起来, 那边 name no topic."""
    assert absent not in {head(k) for k in keywords(question)}


@pytest.mark.parametrize(("question", "unit"), [
    ("大铭乡现在有几个行政执法人员？", "人"),
    ("有几个村级调解员参加了培训？", "人"),
    ("几个干部参加了考试？", "人"),
    ("共和镇有多少个村居民主法治示范村？", "个"),  # 居民 inside 村居民主: no noun of people asked
])
def test_a_count_of_people_may_name_them_with_a_modifier(question: str, unit: str) -> None:
    assert asks_quantity(question) == unit


@pytest.mark.parametrize("question", ["哪几个乡镇提到了枫桥经验？", "哪几个镇说执法的人手不够用？"])
def test_which_few_townships_asks_for_no_figure(question: str) -> None:
    from rag.lexicon import FACT_QUESTION, FIGURE_QUESTION
    assert not FIGURE_QUESTION.search(question) and not FACT_QUESTION.search(question)
    assert asks_quantity(question) is None


@pytest.mark.parametrize("question", ["共和镇劳动关系联处中心调解成功率有多高？", "大铭乡的办结率有多大？"])
def test_how_high_asks_for_a_fact(question: str) -> None:
    from rag.lexicon import FACT_QUESTION
    assert FACT_QUESTION.search(question)


@pytest.mark.parametrize(("question", "readings"), [
    ("哪些乡镇在报告中给出了某项工作的百分比（如办结率、合格率、满意率）？", 3),
    ("哪些乡镇开展了特殊人群（比如社区矫正对象、吸毒人员）的管控？", 3),  # the kind alone, and each example
])
def test_examples_in_brackets_are_readings_of_the_question(question: str, readings: int) -> None:
    sides = alternative_sides(question)
    assert len(sides) == readings
    assert all(sum(1 for k in side if k.split("|")[0] in ("办结", "合格率", "满意率", "社区矫正", "吸毒")) <= 1
               for side in sides)


def test_english_terms_match_with_hyphens_and_plurals() -> None:
    from rag.evidence import english_keywords
    assert "便民服务" in english_keywords("How many convenience-service items were handled?")
    assert "便民服务" in english_keywords("Which townships report convenience services?")
    assert "问题" not in english_keywords("Did Yuexi town issue any normative documents?")  # issues, not issue


def test_a_traditional_measure_word_counts_in_its_family() -> None:
    from rag.evidence import counts_in
    assert counts_in("開展法治宣傳講座52場", "次") and counts_in("開展法治宣傳講座52場", "场")
    assert not counts_in("發放宣傳手冊2500份", "场")


@pytest.mark.parametrize(("sentence", "word"), [
    ("自八五普法以来共开展法治宣传讲座52场。", "法治讲座"),
    ("镇综合行政执法队开展巡查240余次。", "综合执法"),
    ("组织干部参加学法用法考试。", "学法考试"),
])
def test_a_four_character_word_is_found_with_a_word_between_its_halves(sentence: str, word: str) -> None:
    """Reports insert a modifier: 法治宣传讲座 is a 法治讲座, 综合行政执法 a 综合执法."""
    from rag.evidence import contains
    assert contains(compact(sentence), word)
    t = table(sentence, "今年天气很好。")
    assert t.score([word], None, [0, 1])[0].unit == 0


def test_a_four_character_word_is_not_found_across_a_clause() -> None:
    from rag.evidence import contains
    assert not contains(compact("法治建设，宣传讲座"), "法治讲座")
    assert not contains(compact("法治工作中举办了讲座"), "法治讲座")  # more than two between


@pytest.mark.parametrize(("question", "glued"), [
    ("哪些乡镇推行了民事或证照全程代办服务？", "民事或"),
    ("高观镇2022年由哪个村带头创成市级民主法治示范村？", "个村"),
    ("哪些乡镇有村获评民主法治示范村？", "有村"),
    ("哪些地方搞了“法律明白人”培养？", "地方"),
])
def test_or_and_question_words_are_never_glued_to_a_topic_word(question: str, glued: str) -> None:
    assert glued not in {head(k) for k in keywords(question)}


def test_a_sentence_that_only_says_a_thing_did_not_happen() -> None:
    from rag.evidence import denies, only_denies
    kw = keywords("行政诉讼案件")
    assert only_denies(compact("全年未发生行政复议、行政诉讼案件。"), kw)
    assert not only_denies(compact("镇政府作为被告的行政诉讼案件1件，未发生败诉。"), kw)
    assert denies(compact("未制定规范性文件。"), keywords("规范性文件"))
    assert not denies(compact("开展未成年人法治讲座12场。"), keywords("法治讲座"))  # a count, no denial


def test_the_corpus_place_names_are_kept_whole() -> None:
    kw = keywords("丁河村获得了什么荣誉称号？", places={"丁河村", "白沙岗镇"})
    assert head(kw[0]) == "丁河村" and "河村" not in {head(k) for k in kw}
    assert "荣誉称号" not in {head(k) for k in kw}  # the kind of answer, no topic


@pytest.mark.parametrize(("question", "left", "right"), [
    # the subject before the left modifier and the predicate after the right head belong to both sides
    ("哪些乡镇在存在的问题中提到执法人员业务能力或专业素质不足？",
     {"执法人员", "业务", "能力", "不足"}, {"执法人员", "专业", "素质", "不足"}),
    ("哪些乡镇提到普法志愿者或法治工作志愿者？", {"普法", "志愿者"}, {"法治", "工作", "志愿者"}),
])
def test_two_phrases_with_one_head_share_the_words_around_them(question: str, left: set[str], right: set[str]) -> None:
    sides = [{head(k) for k in side} for side in alternative_sides(question)]
    assert any(left <= side for side in sides) and any(right <= side for side in sides)
    assert not any(side <= {"专业", "素质", "不足"} for side in sides)  # never the right side without its subject


def test_a_leadership_cue_is_a_topic_word_of_a_list_question() -> None:
    """述法 names the leadership section, and is what "哪些乡镇组织了领导干部述法" asks about; 不足 only says
    what kind of statement answers."""
    from rag.plan import is_cue_word
    assert is_cue_word("述法") and not is_cue_word("述法", topical=("leadership",))
    assert is_cue_word("不足", topical=("leadership",))


@pytest.mark.parametrize(("question", "phrases"), [
    ("哪些乡镇提到应用执法信息平台（如“执法+监管”平台、“粤执法”平台）？", ["执法+监管|粤执法"]),
    ("哪些乡镇开展了“宪法宣传周”或“民法典宣传月”活动？", ["宪法宣传周|民法典宣传月"]),
    ("大铭乡的“法治带头人”“法律明白人”共有多少人？", ["法治带头人", "法律明白人"]),  # both counted
])
def test_quoted_phrases_listed_as_alternatives_are_one_requirement(question: str, phrases: list[str]) -> None:
    assert quoted_phrases(question) == phrases


@pytest.mark.parametrize(("question", "absent"), [
    ("大歇镇报告依据的县政府办公室通知文号是什么？", "文号"),
    ("哪些乡镇写明了法律顾问所在的律师事务所？", "所在"),
])
def test_the_kind_of_answer_and_frames_are_no_keywords(question: str, absent: str) -> None:
    assert absent not in {head(k) for k in keywords(question)}


@pytest.mark.parametrize(("question", "figure"), [
    ("哪些乡镇提到执法力量不足、执法人员数量不够？", False),  # a shortage in words
    ("哪些乡镇报告了执法人员的数量？", True),
])
def test_a_number_that_is_too_small_is_no_figure_asked(question: str, figure: bool) -> None:
    from rag.lexicon import FIGURE_QUESTION
    assert bool(FIGURE_QUESTION.search(question)) is figure


@pytest.mark.parametrize(("question", "words"), [
    ("哪些乡镇在报告中写了存在的不足或问题？", {"不足", "问题"}),  # not the tokenizer's 中写
    ("哪些乡镇在文中提到法律顾问？", {"法律顾问"}),
    ("报告里说了哪些乡镇聘请法律顾问？", {"聘请", "法律顾问"}),
])
def test_where_the_reports_say_it_is_no_keyword(question: str, words: set[str]) -> None:
    assert set(keywords(question, synonyms=False)) == words


@pytest.mark.parametrize("question", ["哪些乡镇写明了重大行政决策的项数？", "哪些乡镇给出了调解案件的件数？",
                                      "哪些乡镇写了法律明白人的户数？"])
def test_a_measure_word_with_shu_asks_a_count_and_names_no_topic(question: str) -> None:
    from rag.lexicon import FIGURE_QUESTION
    assert FIGURE_QUESTION.search(question)
    assert not {w for w in keywords(question, synonyms=False) if w.endswith("数")}


@pytest.mark.parametrize(("text", "denied"), [
    ("全年行政复议、行政诉讼案件数均为零。", True),
    ("全年行政诉讼案件0件，行政复议案件1件。", True),
    ("全年发生行政诉讼案件10件。", False),
    ("行政诉讼案件2件，均为胜诉。", False),
])
def test_a_zero_after_the_word_denies_it(text: str, denied: bool) -> None:
    from rag.evidence import denies
    assert denies(text, ["行政诉讼"]) is denied


@pytest.mark.parametrize("question", ["大歇镇全镇一共建了几个工作室？", "高观镇总共办了多少场讲座？",
                                      "全镇加起来培训了多少人次？"])
def test_a_total_before_the_verb_glues_no_word(question: str) -> None:
    """一共建了 -> 一 + 共建 + 了 in the tokenizer: 共建 is a word no report writes, and outweighed the topic."""
    words = keywords(question, synonyms=False)
    assert not [w for w in words if "共" in w or "计" in w or "起来" in w], words


def test_bracketed_examples_are_alternatives_and_split_at_marks_only() -> None:
    from rag.decide import Asked
    from rag.evidence import alternative_sides
    question = "哪些乡镇提到普法工作的短板（如宣传形式单一、群众参与度低）？"
    assert Asked.of(question).either  # no example's word is required of every sentence
    readings = alternative_sides("提到普法工作的短板（如宣传形式单一、群众参与度低）")
    assert not any("群众参" in w for r in readings for w in r), readings  # 参与 is one word


def test_a_left_side_with_its_subject_is_a_reading_of_its_own() -> None:
    """"干部有抵触心理或不愿学习新法规": the left clause alone answers it (its subject and its predicate)."""
    from rag.evidence import alternative_sides
    readings = [[head(w) for w in r] for r in alternative_sides("干部有抵触心理或不愿学习新法规")]
    assert ["干部", "抵触心理"] in readings or ["干部", "抵触", "心理"] in readings, readings


@pytest.mark.parametrize("question", ["大铭乡请的常年法律顾问是哪个律师？", "共和镇负责普法的是哪一名干部？"])
def test_which_lawyer_asks_for_a_person(question: str) -> None:
    from rag.lexicon import asks_person
    assert asks_person(question)


def test_a_report_does_what_a_question_asks_in_its_own_verb() -> None:
    from rag.evidence import expand
    assert {"推行", "实现", "开展"} <= set(expand("推行").split("|"))


def test_time_and_place_fillers_of_a_question_are_no_keywords() -> None:
    assert set(keywords("哪些乡镇本年度指导村里修订了村规民约？", synonyms=False)) == {"指导", "修订", "村规民约"}


def test_hands_are_staff() -> None:
    from rag.evidence import expand
    assert "工作人员" in expand("人手").split("|")


@pytest.mark.parametrize("question", ["哪些乡镇认为自己的普法力量不够？", "哪些乡镇觉得执法人员太少？",
                                      "哪些乡镇坦言经费紧张？"])
def test_verbs_of_holding_an_opinion_are_no_keywords(question: str) -> None:
    """认为, 觉得, 坦言 frame what a report says, like 反映 and 指出: no report writes them of its topic."""
    assert not {"认为", "觉得", "坦言"} & set(keywords(question, synonyms=False))


def test_english_terms_are_read_left_to_right_the_longest_at_each_place() -> None:
    """"food safety inspections": food safety + inspections; reading the longest term anywhere first took
    "safety inspections" and left "food" unread (then the work-safety checks answered)."""
    from rag.evidence import english_keywords
    got = english_keywords("How many food safety inspections did the town carry out?")
    assert any("食品安全" in k.split("|") for k in got) and not any("安全生产" in k for k in got), got
    assert any("安全生产" in k for k in english_keywords("How many safety inspections did the town carry out?"))


def test_examples_after_a_comma_are_alternatives_too() -> None:
    from rag.evidence import alternative_sides
    readings = [[head(w) for w in r] for r in alternative_sides("给出了工作的比率，例如办结率、满意率")]
    assert any("满意率" in r and "办结" not in r for r in readings), readings
    assert any("办结" in r and "满意率" not in r for r in readings), readings


def test_the_form_a_figure_is_asked_in_is_no_keyword() -> None:
    assert keywords("哪些乡镇以百分比形式报告了调解成功率？", synonyms=False) == ["调解", "成功率"]


def test_providing_a_service_is_doing_it() -> None:
    from rag.evidence import expand
    assert {"提供", "开展", "实现"} <= set(expand("提供").split("|"))


@pytest.mark.parametrize("question", ["共和镇的行政诉讼有几件？处理结果如何？", "大歇镇的复议案件审理结果是什么？"])
def test_asking_for_the_outcome_names_no_topic(question: str) -> None:
    assert "结果" not in keywords(question, synonyms=False)


def test_wei_counts_people() -> None:
    from rag.evidence import asks_quantity
    assert asks_quantity("竹溪镇请了几位律师？") == "位"


def test_how_explicitly_a_report_says_it_is_no_keyword() -> None:
    assert [head(k) for k in keywords("哪些乡镇明确说全年没有发生行政诉讼？")] == ["行政诉讼"]


@pytest.mark.parametrize(("question", "unit"), [("共和镇的调解员一共有几个？", "人"), ("大铭乡执法人员有几个？", "人"),
                                                 ("大歇镇有几个村社？", "个")])
def test_a_count_of_people_asked_after_the_noun_is_in_people(question: str, unit: str) -> None:
    from rag.evidence import asks_quantity
    assert asks_quantity(question) == unit


def test_what_a_thing_is_called_glues_no_word() -> None:
    """那个普法工作法叫什么: the tokenizer glued 法叫 before 叫什么 was read as the frame."""
    assert not [w for w in keywords("那个普法工作法叫什么？", synonyms=False) if "叫" in w]


@pytest.mark.parametrize(("text", "none"), [
    ("认真落实规范性文件备案审查制度，全年未制发规范性文件。", True),  # the rule named, none issued
    ("全年规范性文件数量为零。", True),
    ("全年未制发规范性文件，清理规范性文件3件。", False),  # a count of them in another clause
    ("全年制发规范性文件2件。", False),
])
def test_says_none_reads_a_denial_against_any_count(text: str, none: bool) -> None:
    from rag.evidence import says_none
    assert says_none(text, ["规范性文件"]) is none


def test_a_day_is_named_with_or_without_its_scope() -> None:
    from rag.evidence import expand
    assert "禁毒日" in expand("国际禁毒日").split("|") and "宪法日" in expand("国家宪法日").split("|")


def test_attending_to_a_thing_is_no_keyword() -> None:
    assert keywords("哪些乡镇关注未成年人的法治教育？", synonyms=False) == ["未成年人", "法治", "教育"]


@pytest.mark.parametrize(("question", "words"), [
    ("望岳镇2022年摸排出多少条矛盾纠纷？", ["摸排", "矛盾", "纠纷"]),  # not 摸 + 排出
    ("那起行政诉讼案件是怎么处理的？", ["行政诉讼", "案件", "处理"]),  # 那起: which one, no topic
])
def test_a_unit_is_kept_whole_and_a_demonstrative_count_is_no_keyword(question: str, words: list[str]) -> None:
    got = keywords(question, synonyms=False)
    assert [w for w in got if w != "望岳镇"] == words, got


@pytest.mark.parametrize("question", ["How many trainees did the courses have?",
                                      "How many training attendances were there in 2022?"])
def test_english_trainees_are_counted_in_people(question: str) -> None:
    """1500人次, not 十多场次 (the courses): trainees and attendances count people."""
    from rag.evidence import asks_quantity
    assert asks_quantity(question) == "人"


@pytest.mark.parametrize(("question", "unit"), [
    ("瀛西镇立案处罚了多少起？", "起"),  # cases, after a verb of penalty
    ("罚了多少钱？", "元"),
    ("罚款多少？", "元"),
    ("普法投入了多少？", "元"),
    ("花了多少时间？", ""),
])
def test_a_sum_of_money_is_asked_only_without_another_measure(question: str, unit: str) -> None:
    from rag.evidence import asks_quantity

    assert asks_quantity(question) == unit


@pytest.mark.parametrize(("question", "unit"), [
    ("白岩乡2024年一共接待了多少游客？", "人"),  # a bare 多少 before people
    ("接待多少来访群众", "人"),
    ("调解了多少纠纷", ""),  # before a thing: a bare count
    ("广场占地有多大？", "米"),  # a size: 平方米, 亩 of 米's family
    ("办结用了多长时间？", "天"),  # a time: 工作日, 小时 of 天's
    ("是在2022年几月份？", None),  # a month asked, no count
    ("调解周期缩短到几天？", "天"),
])
def test_the_unit_a_question_asks_in(question: str, unit: str | None) -> None:
    from rag.evidence import asks_quantity

    assert asks_quantity(question) == unit


@pytest.mark.parametrize(("question", "absent", "present"), [
    ("锦泉街道拆除的违法建筑一共有多大面积？", ["大面积", "面积"], ["违法建筑"]),
    ("How many cases came to Gonghe town through the 12345 hotline?", ["案件"], ["12345"]),
    ("How many legal aid cases did Gonghe handle?", [], ["法律援助", "案件"]),  # cases of a named kind stay
    ("哪些乡镇的法律顾问审查合同超过50份？", ["50", "超过"], ["合同"]),
])
def test_words_of_the_ask_are_no_topic(question: str, absent: list[str], present: list[str]) -> None:
    from rag.evidence import head, keywords

    heads = [head(k) for k in keywords(question)]
    assert not [w for w in absent if w in heads], heads
    assert all(any(w in k for k in keywords(question)) for w in present), heads


def test_words_that_begin_with_a_negation_negate_nothing() -> None:
    from rag.evidence import denies

    assert not denies("组织学习《未成年人保护法》《反有组织犯罪法》等法律", ["反有组织犯罪法"])
    assert not denies("为群众提供无偿法律咨询服务", ["法律咨询"])
    assert denies("全年未发生行政诉讼案件", ["行政诉讼"])


def test_count_values_read_digits_ten_thousands_and_chinese_numerals() -> None:
    from rag.evidence import count_values

    assert count_values("全年审查合同五十七份，出具意见书15份", "份") == [57.0, 15.0]
    assert count_values("培训2.3万人次", "人") == [23000.0]
    assert count_values("调解纠纷36件，培训120人", "件") == [36.0]


def test_figures_keep_area_length_and_time_units() -> None:
    units = [f for _, _, f in figures("占地约2600平方米，长120米，办结时限压缩至3个工作日")]
    assert units == ["2600平方米", "120米", "3个工作日"]


def test_a_rate_is_no_report_of_the_thing() -> None:
    """全年发生行政诉讼案件0件，镇长出庭应诉率保持100%: 应诉 is of 行政诉讼's group, but its rate reports no case."""
    kw = keywords("发生了行政诉讼案件")
    assert only_denies("全年发生行政诉讼案件0件，镇长出庭应诉率保持100%。", kw)
    assert not only_denies("全年发生行政诉讼案件1件，镇长出庭应诉率100%。", kw)


def test_attendances_are_no_headcount() -> None:
    """2600余人次 counts attendances: an answer to 多少人次 (asked in 人) and not to 几名."""
    from rag.lexicon import counts_as

    assert counts_as("2600余人次", "人") and not counts_as("2600余人次", "名") and not counts_as("2600余人次", "位")
    assert counts_as("8名", "人") and counts_as("46宗", "件") and not counts_as("3人", "件")


def test_a_compound_no_report_writes_is_cut_at_a_synonym() -> None:
    """业务水平 is one word to the tokenizer; no sentence writes it, so it is 业务 + 水平's group (能力…), and
    业务能力不强 answers it. A compound the corpus writes stays whole."""
    from rag.evidence import unheld_compounds

    t = table("部分调解员业务能力不强。", "组织开展业务培训。")
    kw = unheld_compounds(keywords("调解员的业务水平不够"), t)
    assert "业务水平" not in kw and "业务" in kw and any("能力" in k.split("|") for k in kw)
    held = table("调解员业务水平不高。")
    assert "业务水平" in unheld_compounds(keywords("调解员的业务水平不够"), held)
    cut = unheld_compounds(["执法装备"], table("为执法队配备执法记录仪等装备。"))
    assert cut == ["执法", "装备"]
