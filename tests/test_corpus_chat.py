"""The chat's rendering of answers from the office's corpus: list answers as a table, no quote twice,
clickable [n], the conversation saved in the browser. Pure functions, on invented answers."""

from __future__ import annotations

from typing import Any

from rag import ui
from rag.models import Answer, Citation


def _c(n: int, township: str, quote: str, source: str | None = None, start: int = 0) -> Citation:
    return Citation(n=n, township=township, county="某县", year=2024, source=source or f"{township}.txt",
                    section="二、存在问题", kind="problems", quote=quote, start=start, end=start + len(quote), score=1.0)


def _list_answer(k: int) -> Answer:
    cites = [_c(i + 1, f"第{i + 1}镇", f"执法人员不足{i + 1}") for i in range(k)]
    lines = [f"共考察{k + 2}份报告，其中{k}个乡镇提到相关内容。"]
    lines += [f"- {c.township}（某县，2024年）：“{c.quote}”[{c.n}]" for c in cites]
    lines.append("其余报告（甲镇、乙镇）未见相关表述。")
    return Answer(question="哪些乡镇提到执法人员不足？", text="\n".join(lines), found=True, citations=cites)


def test_a_list_answer_is_a_summary_and_a_table() -> None:
    a = _list_answer(25)
    assert ui.is_list_answer(a)
    text = ui.answer_markdown(a)
    assert "执法人员不足1" not in text and "- 第1镇" not in text  # the rows are in the table, not in the text
    assert "其余报告（甲镇、乙镇）未见相关表述。" in text and "共 **25** 条引文" in text
    visible, count, rows, more = ui.table_view([ui.Turn(a.question, a)])
    assert visible and more and len(rows) == ui.TABLE_ROWS and count.startswith("共 25 条引文，先显示前 20 条")
    assert rows[0] == [1, "第1镇", "某县", 2024, "执法人员不足1", "二、存在问题"]
    _, count, rows, more = ui.table_view([ui.Turn(a.question, a)], show_all=True)
    assert len(rows) == 25 and not more and "先显示" not in count
    assert ui.table_view([]) == (False, "", [], False)


def test_one_report_or_no_bullets_is_not_a_list() -> None:
    one = Answer(question="q", text="- 一是[1]\n- 二是[2]", found=True,
                 citations=[_c(1, "甲镇", "一是", "a.txt"), _c(2, "甲镇", "二是", "a.txt", 10)])
    assert not ui.is_list_answer(one)
    prose = Answer(question="q", text="甲镇[1]，乙镇[2]。", found=True, citations=[_c(1, "甲镇", "x"), _c(2, "乙镇", "y")])
    assert not ui.is_list_answer(prose)


def test_the_same_quote_is_one_row_and_never_repeated_in_the_sources() -> None:
    a = _list_answer(3)
    dup = a.citations[0].model_copy(update={"n": 4})
    a = a.model_copy(update={"citations": [*a.citations, dup]})
    assert [r[0] for r in ui.citation_rows(a)] == [1, 2, 3]
    shown = Answer(question="q", text="大铭乡：“人员不足。”[1]\n另见[2]", found=True,
                   citations=[_c(1, "大铭乡", "人员不足。"), _c(2, "高观镇", "经费紧张。")])
    text = ui.answer_markdown(shown)
    assert text.count("人员不足。") == 1 and text.count("经费紧张。") == 1
    assert "[1] 大铭乡 · 2024年 · 二、存在问题\n" in text


def test_a_list_ends_before_the_next_paragraph() -> None:
    assert ui.end_lists("总述\n- 一[1]\n- 二[2]\n其余未见。") == "总述\n- 一[1]\n- 二[2]\n\n其余未见。"
    assert ui.end_lists("- 一\n\n其余") == "- 一\n\n其余"


def test_the_conversation_round_trips_through_the_browser_storage(monkeypatch: Any) -> None:
    monkeypatch.setattr(ui, "citation_passage", lambda c: f"<p>{c.quote}</p>")
    turns = [ui.Turn("问一", _list_answer(2)), ui.Turn("问二", _list_answer(3))]
    saved = ui.saved_turns(turns)
    chat, restored = ui.restore_turns([*saved, {"question": "坏的"}, "垃圾"])
    assert [t.question for t in restored] == ["问一", "问二"]
    assert restored[1].answer == turns[1].answer and restored[1].passages[0] == "<p>执法人员不足1</p>"
    assert chat[0] == {"role": "user", "content": "问一"}
    assert ui.restore_turns(None) == ([], [])
    assert len(ui.saved_turns([turns[0]] * 50)) == ui.SAVED_TURNS


def test_active_filters_are_shown_on_the_answer_and_on_the_folded_bar() -> None:
    assert ui.filter_label(["大歇镇"], [2024], ["problems"]) == "大歇镇 · 2024年 · 存在问题"
    assert ui.filter_label(None, [], None) == ""
    assert ui.filters_title(["大歇镇"], None, ["problems"]) == "筛选（已启用：大歇镇 · 存在问题）"
    assert ui.filters_title(None, None, None) == ui.FILTERS_TITLE
    a = Answer(question="q", text="答", found=False)
    shown = ui.render_turn(ui.Turn("q", a, [], "大歇镇 · 存在问题"))[1]["content"]
    assert shown.startswith("*已按 大歇镇 · 存在问题 筛选*")
    saved = ui.saved_turns([ui.Turn("q", a, [], "大歇镇")])
    assert ui.restore_turns(saved)[1][0].filters == "大歇镇"


def test_a_large_conversation_keeps_its_latest_questions(monkeypatch: Any) -> None:
    monkeypatch.setattr(ui, "SAVED_CHARS", 3000)
    turns = [ui.Turn(f"问{i}", _list_answer(5)) for i in range(6)]
    saved = ui.saved_turns(turns)
    assert 1 <= len(saved) < 6 and saved[-1]["question"] == "问5"
