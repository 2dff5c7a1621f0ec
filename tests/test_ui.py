"""The chat door, without a browser: rendering helpers, the streaming callback, uploads, the Blocks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from browser_helpers import (
    QUOTE,
    SOURCE,
    FakeCore,
    FakeIndexStoreError,
    FakeQuestionError,
    fake_answer,
    fake_citation,
    install_fake_core,
    isolate,
)

from rag import ui
from rag.config import Settings, get_settings
from rag.corpus import add_reports, section_passage, upload_allowed
from rag.models import Answer, Filters


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch) -> FakeCore:
    return install_fake_core(monkeypatch)


@pytest.mark.parametrize(
    ("townships", "years", "kinds", "expected"),
    [
        (None, None, None, None),
        ([], [], [], None),
        (["大铭乡"], None, None, Filters(township=["大铭乡"])),
        (None, [2023, "2022"], None, Filters(year=[2023, 2022])),
        (["大铭乡", "大歇镇"], [2024], ["problems", "plans"],
         Filters(township=["大铭乡", "大歇镇"], year=[2024], kind=["problems", "plans"])),
    ],
)
def test_make_filters(townships: Any, years: Any, kinds: Any, expected: Filters | None) -> None:
    assert ui.make_filters(townships, years, kinds) == expected


def test_history_of_turns() -> None:
    turns = [ui.Turn("哪些乡镇提到执法人员不足？", fake_answer("q1")), ui.Turn("大铭乡呢？", fake_answer("q2"))]
    assert ui.history_of(turns) == [
        {"role": "user", "content": "哪些乡镇提到执法人员不足？"},
        {"role": "assistant", "content": turns[0].answer.text},
        {"role": "user", "content": "大铭乡呢？"},
        {"role": "assistant", "content": turns[1].answer.text},
    ]


def test_answer_markdown_lists_each_source_with_township_year_section_and_quote() -> None:
    a = fake_answer("q").model_copy(update={"notes": ["LLM 超时，已改用摘录"]})
    text = ui.answer_markdown(a)
    assert text.startswith(a.text)  # the citation markers [n] stay as they are
    assert "注：LLM 超时，已改用摘录" in text
    assert f"[1] 大铭乡 · 2023年 · 四、存在的问题 — “{QUOTE}”" in text


def test_answer_markdown_escapes_markup_in_quotes() -> None:
    c = fake_citation().model_copy(update={"quote": "<b>*重点*</b>", "section": "一_二"})
    text = ui.answer_markdown(Answer(question="q", text="答[1]", found=True, citations=[c]))
    assert "\\<b\\>\\*重点\\*\\</b\\>" in text and "一\\_二" in text


def test_not_found_answer_has_no_sources() -> None:
    a = Answer(question="q", text="未找到相关内容。", found=False)
    assert ui.answer_markdown(a) == "未找到相关内容。"
    assert ui.render_turn(ui.Turn("q", a)) == [{"role": "user", "content": "q"},
                                                {"role": "assistant", "content": "未找到相关内容。"}]


def test_passage_is_the_quote_in_its_section_highlighted(core: FakeCore) -> None:
    report = core.report
    start = report.text.index(QUOTE)
    p = section_passage(report, start, start + len(QUOTE))
    assert p.text[p.mark_start:p.mark_end] == QUOTE
    assert report.text[p.start:p.end] == p.text
    html = ui.passage_html(p)
    assert f"<mark>{QUOTE}</mark>" in html
    assert "四、存在的问题" in html and "同时，部分执法人员" in html  # the section's other chunk
    assert "主要成效" not in html


def test_passage_html_escapes_report_text(core: FakeCore) -> None:
    report = core.report
    start = report.text.index("加强执法队伍建设")
    html = ui.passage_html(section_passage(report, start, start + 8))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<br>" in html  # line breaks kept


def test_long_sections_are_cut_around_the_quote(core: FakeCore) -> None:
    report = core.report
    long_text = report.text.replace("一是法治宣传形式单一。", "一是法治宣传形式单一。" + "前文" * 3000)
    report = report.model_copy(update={"text": long_text, "chunks": []})
    start = long_text.index(QUOTE)
    p = section_passage(report, start, start + len(QUOTE))
    assert len(p.text) <= 3000 and p.text[p.mark_start:p.mark_end] == QUOTE


def test_citation_passage_falls_back_to_the_quote(core: FakeCore) -> None:
    c = fake_citation().model_copy(update={"source": "gone.txt"})
    assert f"<mark>{QUOTE}</mark>" in ui.citation_passage(c)


def test_render_turn_puts_sources_under_the_answer_as_closed_sections(core: FakeCore) -> None:
    a = fake_answer("q")
    messages = ui.render_turn(ui.Turn("q", a, [ui.citation_passage(c) for c in a.citations]))
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]
    assert "来源" in messages[1]["content"]
    assert messages[2]["metadata"] == {"title": "查看原文 [1] 大铭乡 2023年 · 四、存在的问题", "status": "done"}
    assert f"<mark>{QUOTE}</mark>" in messages[2]["content"]


def test_respond_streams_then_shows_sources_and_passes_history_and_filters(core: FakeCore) -> None:
    earlier = [ui.Turn("哪些乡镇提到执法人员不足？", fake_answer("哪些乡镇提到执法人员不足？"))]
    steps = list(ui.respond(" 大铭乡呢？ ", earlier, ["大铭乡"], [2023], ["problems"]))
    cleared, first_chat, _ = steps[0]
    assert cleared == "" and first_chat[-2] == {"role": "user", "content": "大铭乡呢？"}
    partial = [chat[-1]["content"] for _, chat, _ in steps[1:-1]]
    assert partial == ["大铭乡提到基", "大铭乡提到基层行政执法人员配备不足[1]。"]  # streamed, growing
    _, chat, turns = steps[-1]
    assert len(turns) == 2 and turns[-1].question == "大铭乡呢？"
    assert any("<mark>" in m["content"] for m in chat[-1:])
    assert core.calls == [("answer", {
        "question": "大铭乡呢？",
        "filters": Filters(township=["大铭乡"], year=[2023], kind=["problems"]),
        "history": ui.history_of(earlier),
    })]


def test_respond_ignores_an_empty_question(core: FakeCore) -> None:
    with pytest.warns(UserWarning, match="请输入问题"):
        steps = list(ui.respond("   ", [], None, None, None))
    assert len(steps) == 1 and core.calls == []


def test_respond_shows_a_chinese_error(core: FakeCore) -> None:
    core.fail = RuntimeError("boom")
    with pytest.raises(gr.Error, match="回答失败"):
        list(ui.respond("问题", [], None, None, None))


@pytest.mark.parametrize(("message", "shown"), [
    ("question: too long (3000 characters, at most 2000)", "问题过长（3000字，最多2000字）"),
    ("question: must not be empty", "请输入问题"),
    ("question: must be a string", "问题必须是文字"),
    ("filters.year: Input should be a valid integer", "筛选条件“年度”有误（Input should be a valid integer）"),
    ("filters.kind: Input should be 'achievements'", "筛选条件“章节”有误（Input should be 'achievements'）"),
    ("filters: must be an object", "筛选条件有误（must be an object）"),
    ("history[3]: must be {'role': 'user'|'assistant', 'content': str}", "对话记录有误，请点“清空对话”后重新提问"),
    ("history: must be a list of {role, content}", "对话记录有误，请点“清空对话”后重新提问"),
    ("question: something new", "question: something new"),  # not one we know: the message as it is
])
def test_question_errors_are_shown_in_chinese(core: FakeCore, message: str, shown: str) -> None:
    assert ui.question_problem(message) == shown
    assert ui._reason(FakeQuestionError(message)) == shown
    core.fail = FakeQuestionError(message)
    with pytest.raises(gr.Error) as err:
        list(ui.respond("问题", [], None, None, None))
    assert err.value.message == f"回答失败：{shown}"


def test_real_question_error_from_answer_is_shown_in_chinese() -> None:
    from rag.answer import answer

    with pytest.raises(ValueError) as err:
        answer("问" * 3000)
    assert ui._reason(err.value) == "问题过长（3000字，最多2000字）"


def test_other_errors_show_only_their_type_or_the_index_message(core: FakeCore) -> None:
    assert ui._reason(RuntimeError("secret internals")) == "RuntimeError"
    assert ui._reason(FakeIndexStoreError("run `rag index --rebuild`")) == "run `rag index --rebuild`"


def test_load_corpus_lists_reports_and_fills_the_filters(core: FakeCore) -> None:
    info, rows, townships, years = ui.load_corpus()
    assert "共 **1** 份报告、**4** 个分块" in info and "2024-05-01 08:00 (UTC)" in info
    assert rows == [["大铭乡", "德化县", "福建省", 2023, "2024-01-10", 4, "大铭乡2023年法治政府建设年度报告", SOURCE]]
    assert townships.choices == [("大铭乡", "大铭乡")]
    assert years.choices == [("2023年", 2023)]


@pytest.mark.parametrize(("password", "given", "allowed"), [
    (None, None, True), (None, "x", True), ("pw", None, False), ("pw", "nope", False), ("pw", "pw", True),
])
def test_upload_password(password: str | None, given: str | None, allowed: bool) -> None:
    assert upload_allowed(Settings(upload_password=password), given) is allowed


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record build_index calls instead of embedding."""
    import rag.index
    from rag.index import BuildStats

    calls: list[dict[str, Any]] = []

    def fake_build(paths: Any, **kwargs: Any) -> BuildStats:
        calls.append({"paths": paths, **kwargs})
        if kwargs.get("on_progress"):
            kwargs["on_progress"](1, 1, "embed")
        return BuildStats(index_dir=str(kwargs["index_dir"]), embedder="fake", reports=6, chunks=60)

    monkeypatch.setattr(rag.index, "build_index", fake_build)
    return calls


def _report_file(folder: Path, name: str = "新报告.txt") -> Path:
    path = folder / name
    seed = next((Path(__file__).resolve().parent.parent / "seeds").glob("003_*.txt"))
    path.write_bytes(seed.read_bytes())
    return path


def test_good_upload_is_copied_and_indexed_incrementally(tmp_path: Path, builds: list[dict[str, Any]]) -> None:
    settings = get_settings()
    upload = _report_file(tmp_path)
    progress: list[tuple[int, int, str]] = []
    result = add_reports([upload], settings, on_progress=lambda *a: progress.append(a))
    assert result.ok, result.message
    assert (settings.data_dir / "新报告.txt").read_bytes() == upload.read_bytes()
    assert builds == [{"paths": [settings.data_dir], "index_dir": settings.index_dir, "embedder": settings.embedder,
                       "progress": False, "on_progress": builds[0]["on_progress"]}]
    assert progress == [(1, 1, "embed")]
    assert "已加入 1 份报告：新报告.txt" in result.message


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "空文件（empty"),
    ("binary.txt", bytes(range(256)) * 40, ""),
    ("english.txt", b"This is not a report at all, only English words. " * 20, "没有中文内容，不是报告（no Chinese text"),
    ("report.xls", "大铭乡法治政府建设年度报告".encode() * 10, "不支持的文件类型（unsupported"),
])
def test_a_bad_file_is_rejected_with_its_reason_and_nothing_changes(
    tmp_path: Path, builds: list[dict[str, Any]], name: str, content: bytes, reason: str
) -> None:
    settings = get_settings()
    good = _report_file(tmp_path)
    bad = tmp_path / name
    bad.write_bytes(content)
    before = sorted(settings.data_dir.rglob("*"))
    result = add_reports([good, bad], settings)
    assert not result.ok
    assert [n for n, _ in result.rejected] == [name]
    assert reason in result.rejected[0][1]
    assert name in result.message and "未做任何更改" in result.message
    assert sorted(settings.data_dir.rglob("*")) == before  # not even the good file
    assert builds == []


def test_the_same_file_again_changes_nothing(tmp_path: Path, builds: list[dict[str, Any]]) -> None:
    settings = get_settings()
    upload = _report_file(tmp_path)
    assert add_reports([upload], settings).added == ["新报告.txt"]
    again = add_reports([upload], settings)
    assert again.ok and again.added == [] and "已在报告库中（内容相同）：新报告.txt" in again.message


def test_same_name_with_other_content_is_rejected(tmp_path: Path, builds: list[dict[str, Any]]) -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "新报告.txt").write_text("旧内容", encoding="utf-8")
    result = add_reports([_report_file(tmp_path)], settings)
    assert not result.ok and "同名文件" in result.message
    assert (settings.data_dir / "新报告.txt").read_text(encoding="utf-8") == "旧内容"


def test_a_failed_build_removes_the_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.index

    def broken_build(paths: Any, **kwargs: Any) -> Any:
        raise rag.index.IndexMismatchError("built with another embedder: run `rag index --rebuild`")

    monkeypatch.setattr(rag.index, "build_index", broken_build)
    settings = get_settings()
    result = add_reports([_report_file(tmp_path)], settings)
    assert not result.ok and "rag index --rebuild" in result.message
    assert not (settings.data_dir / "新报告.txt").exists()


def test_no_files(builds: list[dict[str, Any]]) -> None:
    result = add_reports([], get_settings())
    assert not result.ok and "请先选择" in result.message


def test_the_page_is_in_chinese_with_examples_filters_and_corpus(core: FakeCore) -> None:
    demo = ui.build_ui(Settings(upload_password="pw"))
    config = demo.get_config_file()
    props = [c.get("props", {}) for c in config["components"]]
    labels = {p.get("label") for p in props}
    assert {"乡镇", "年度", "章节类型", "对话", "报告文件", "上传密码"} <= labels
    chat = next(p for p in props if p.get("elem_id") == "chat")
    assert [e["text"] for e in chat["examples"]] == ui.EXAMPLES
    assert "copy" in chat["buttons"]
    password = next(p for p in props if p.get("elem_id") == "upload-password")
    assert password["visible"] is True
    hidden = ui.build_ui(Settings()).get_config_file()
    assert next(c["props"] for c in hidden["components"] if c["props"].get("elem_id") == "upload-password")[
        "visible"] is False
    # the UI's events are not a second, unauthenticated API
    assert all(d.get("api_visibility") == "private" for d in config["dependencies"])


def _upload_callback(demo: gr.Blocks) -> Any:
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "on_upload")


def test_upload_callback_checks_the_password_then_indexes(core: FakeCore, tmp_path: Path) -> None:
    on_upload = _upload_callback(ui.build_ui(get_settings().model_copy(update={"upload_password": "pw"})))
    path = str(_report_file(tmp_path))
    status, *_ = on_upload([path], "wrong", progress=lambda *a, **k: None)
    assert status == "上传密码不正确，未做任何更改。" and core.built == []
    status, files, info, rows, *_ = on_upload([path], "pw", progress=lambda *a, **k: None)
    assert "已加入 1 份报告" in status and files is None and len(core.built) == 1
    assert rows[0][0] == "大铭乡"  # the corpus tab is refreshed


@pytest.mark.slow
def test_upload_indexes_incrementally_with_the_real_index(tmp_path: Path) -> None:
    """The real ingestion and index: a one-report corpus, then one upload; only the new file is embedded."""
    from rag.index import build_index, get_index

    settings = get_settings()
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    shutil.copy(next(seeds.glob("002_*.txt")), settings.corpus_dir)
    build_index([settings.corpus_dir], index_dir=settings.index_dir, embedder=settings.embedder, progress=False)
    upload = tmp_path / "高观镇2022.txt"
    shutil.copy(next(seeds.glob("001_*.txt")), upload)
    progress: list[tuple[int, int, str]] = []

    result = add_reports([upload], settings, on_progress=lambda *a: progress.append(a))

    assert result.ok, result.message
    assert "已加入 1 份报告：高观镇2022.txt" in result.message and "现有 2 份报告" in result.message
    assert progress and progress[-1][0] == progress[-1][1]
    reports = get_index().reports
    assert set(reports) == {next(seeds.glob("002_*.txt")).name, "高观镇2022.txt"}
    assert (settings.data_dir / "高观镇2022.txt").is_file() and not (settings.corpus_dir / "uploads").exists()
    assert reports["高观镇2022.txt"].township == "高观镇"
