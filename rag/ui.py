"""The chat door: a Gradio Blocks page in Chinese, with a 问答 tab and a 报告库 (corpus) tab.

Thin: callbacks turn widget values into a question, Filters and history, call the core `answer_stream()`,
and render what comes back. Rendering helpers are pure functions, so they are tested without a browser.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from an intranet server

import gradio as gr  # noqa: E402

from rag.api import MAX_QUESTION_CHARS, is_index_problem  # noqa: E402
from rag.config import Settings, get_settings  # noqa: E402
from rag.corpus import (  # noqa: E402
    Passage,
    ReportList,
    add_reports,
    find_passage,
    list_reports,
    md_escape,
    upload_allowed,
)
from rag.models import Answer, Citation, Filters  # noqa: E402

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "achievements": "工作成效",
    "problems": "存在问题",
    "plans": "下一步计划",
    "leadership": "领导履职",
    "other": "其他",
}
EXAMPLES = [
    "哪些乡镇提到执法人员不足？",
    "大铭乡2023年法治政府建设存在哪些问题？",
    "各乡镇下一步法治建设有什么计划？",
    "主要负责人如何履行推进法治建设第一责任人职责？",
]
STAGES = {"ingest": "正在读取报告", "embed": "正在计算向量、更新索引"}
CORPUS_HEADERS = ["乡镇", "区县", "省份", "年度", "成文日期", "分块数", "标题", "文件"]

CSS = """
.passage { line-height: 1.75; color: var(--body-text-color) !important; font-size: var(--text-md) !important; }
.passage .passage-section { font-weight: 600; margin-bottom: 4px; }
.passage mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.sources { font-size: 0.95em; }
/* a source's passage is not copied on its own: the answer's copy button copies the answer with its sources */
#chat .message-row:has(.thought-group) + .message-buttons { display: none; }
#chat .message-row:has(.thought-group) { margin-top: 2px; margin-bottom: 2px; }
@media (max-width: 1000px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
}
"""


@dataclass
class Turn:
    """One question and its answer, with each citation's passage already rendered."""

    question: str
    answer: Answer
    passages: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- pure helpers (tested without Gradio)


def make_filters(
    townships: Sequence[str] | None, years: Sequence[int | str] | None, kinds: Sequence[str] | None
) -> Filters | None:
    """Filters from the three dropdowns; None when nothing is selected."""
    values: dict[str, Any] = {}
    if townships:
        values["township"] = list(townships)
    if years:
        values["year"] = [int(y) for y in years]
    if kinds:
        values["kind"] = list(kinds)
    return Filters(**values) if values else None


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The conversation so far, as answer() takes it."""
    history: list[dict[str, str]] = []
    for t in turns:
        history.append({"role": "user", "content": t.question})
        history.append({"role": "assistant", "content": t.answer.text})
    return history


def source_line(c: Citation) -> str:
    """`[n] 乡镇 · 年度 · 章节 — “quote”` (markdown): what is copied with the answer."""
    place = c.township or "（乡镇不详）"
    year = f"{c.year}年" if c.year else "（年份不详）"
    section = c.section or KIND_LABELS.get(c.kind, c.kind)
    return f"[{c.n}] {md_escape(place)} · {year} · {md_escape(section)} — “{md_escape(c.quote)}”"


_MARKER = re.compile(r"\\\[(\d{1,3})\\\](?![(:])")


def answer_text(text: str) -> str:
    """Answer text as literal Markdown, except its citation markers [n] (never a link: no "(" after them)."""
    return _MARKER.sub(r"[\1]", md_escape(text))


def answer_markdown(a: Answer) -> str:
    """The answer text, its notes, then one line per source (township, year, section, quote).

    Everything but the product's own frame (注：, 来源：, the source lines' layout) is escaped: the answer text
    quotes reports (and an LLM may echo them), so an ``<img>`` or a ``[x](javascript:…)`` in a report stays text."""
    parts = [answer_text(a.text)]
    parts += [f"注：{md_escape(note)}" for note in a.notes]
    if a.citations:
        parts.append("来源：\n" + "\n".join(source_line(c) for c in a.citations))
    return "\n\n".join(parts)


def passage_html(p: Passage) -> str:
    """The section's text with the quoted span in <mark>."""

    def esc(s: str) -> str:
        return html.escape(s).replace("\n", "<br>")

    before, quote, after = p.text[: p.mark_start], p.text[p.mark_start : p.mark_end], p.text[p.mark_end :]
    section = f'<div class="passage-section">{html.escape(p.section)}</div>' if p.section else ""
    return f'<div class="passage">{section}<div>{esc(before)}<mark>{esc(quote)}</mark>{esc(after)}</div></div>'


def citation_passage(c: Citation) -> str:
    """A citation opened: its passage in its section, or the bare quote if the report is gone."""
    try:
        passage = find_passage(c.source, c.start, c.end)
    except Exception:  # the index may be rebuilding: the quote alone is still exact
        logger.exception("could not open %s", c.source)
        passage = None
    if passage is None:
        passage = Passage(source=c.source, township=c.township, year=c.year, section=c.section, start=c.start,
                          end=c.end, text=c.quote, mark_start=0, mark_end=len(c.quote))
    return passage_html(passage)


def source_title(c: Citation) -> str:
    year = f"{c.year}年" if c.year else ""
    section = c.section or KIND_LABELS.get(c.kind, c.kind)
    return f"查看原文 [{c.n}] {md_escape(c.township or '')} {year} · {md_escape(section)}".strip()


def render_turn(t: Turn) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": md_escape(t.question)},
        {"role": "assistant", "content": answer_markdown(t.answer)},
    ]
    for c, body in zip(t.answer.citations, t.passages, strict=False):
        messages.append({"role": "assistant", "content": body, "metadata": {"title": source_title(c), "status": "done"}})
    return messages


def render_chat(turns: list[Turn]) -> list[dict[str, Any]]:
    return [m for t in turns for m in render_turn(t)]


def corpus_rows(listing: ReportList) -> list[list[Any]]:
    return [
        [r.township or "", r.county or "", r.province or "", r.year or "", r.date or "", r.chunks, r.title, r.source]
        for r in listing.reports
    ]


def format_time(iso: str) -> str:
    """'2024-05-01T08:00:00+00:00' -> '2024-05-01 08:00 (UTC)'; anything else unchanged."""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = t.tzname() or ""
    return t.strftime("%Y-%m-%d %H:%M") + (f" ({zone})" if zone else "")


def corpus_info(listing: ReportList) -> str:
    chunks = sum(r.chunks for r in listing.reports)
    built = format_time(listing.built_at) if listing.built_at else "未知"
    return f"共 **{listing.count}** 份报告、**{chunks}** 个分块。索引建立时间：**{built}**"


# ---------------------------------------------------------------- uploads


# ---------------------------------------------------------------- the Blocks

_PROGRESS = gr.Progress()  # Gradio injects a live tracker for a parameter defaulting to a Progress


def build_ui(settings: Settings | None = None) -> gr.Blocks:
    """The chat page. Mount it with rag.server.create_app(), which also sets theme and CSS."""
    from rag.ingest import SUPPORTED

    settings = settings or get_settings()
    root = settings.root_path.rstrip("/")

    with gr.Blocks(title="法治报告问答") as demo:
        gr.Markdown(
            "## 法治报告问答\n"
            "就乡镇《法治政府建设年度报告》提问，每个回答都注明出处：乡镇、年度、章节和原文。"
            f"（[HTTP API 文档]({root}/api/docs)）",
            elem_id="header",
        )
        turns = gr.State([])
        with gr.Tab("问答", id="chat-tab"):
            with gr.Accordion("筛选：乡镇 · 年度 · 章节类型", open=False, elem_id="filters"), gr.Row():
                townships = gr.Dropdown(label="乡镇", choices=[], multiselect=True, min_width=200, elem_id="f-township")
                years = gr.Dropdown(label="年度", choices=[], multiselect=True, min_width=140, elem_id="f-year")
                kinds = gr.Dropdown(label="章节类型", choices=[(v, k) for k, v in KIND_LABELS.items()],
                                    multiselect=True, min_width=200, elem_id="f-kind")
            chatbot = gr.Chatbot(
                label="对话",
                elem_id="chat",
                height="calc(100vh - 290px)",
                min_height=320,
                max_height=760,
                placeholder="**你好！** 可以问各乡镇法治政府建设的成效、问题和计划。点击下方示例试一试：",
                examples=[{"text": q} for q in EXAMPLES],
                buttons=["copy", "copy_all"],
                feedback_options=None,
                latex_delimiters=[],  # \[ … \] or $$ … $$ in a report is text, not a formula
                group_consecutive_messages=False,
                autoscroll=True,
            )
            with gr.Row(equal_height=True):
                question = gr.Textbox(show_label=False, placeholder="输入问题，回车发送", scale=6, max_length=MAX_QUESTION_CHARS,
                                      elem_id="question", autofocus=True)
                send = gr.Button("发送", variant="primary", scale=1, min_width=70, elem_id="send")
                clear = gr.Button("清空对话", scale=1, min_width=90, elem_id="clear")
        with gr.Tab("报告库", id="corpus-tab"):
            info = gr.Markdown(elem_id="corpus-info")
            table = gr.Dataframe(headers=CORPUS_HEADERS, interactive=False, wrap=True, elem_id="corpus-table",
                                 datatype="str",  # plain text: a report's title is never markup
                                 column_widths=["9%", "11%", "8%", "9%", "13%", "8%", "24%", "18%"])
            refresh = gr.Button("刷新列表", size="sm")
            gr.Markdown(f"### 上传新报告\n支持 {' '.join(SUPPORTED)} 文件。所有文件都通过检查后才会加入报告库并增量更新索引；"
                        "任一文件不合格则整批不做任何更改，并说明原因。")
            # the password comes first: the file box sends each file as soon as it is chosen (see rag.access)
            password = gr.Textbox(label="上传密码", info="先输入密码，再选择文件", type="password",
                                  visible=bool(settings.upload_password), elem_id="upload-password")
            files = gr.File(label="报告文件", file_count="multiple", type="filepath", elem_id="upload-files")
            upload = gr.Button("上传并更新索引", variant="primary", elem_id="upload")
            upload_status = gr.Markdown(elem_id="upload-status")

        chat_inputs = [question, turns, townships, years, kinds]
        chat_outputs = [question, chatbot, turns]
        # Every way of asking shares RAG_CHAT_CONCURRENCY slots: a slow LLM answer takes one, others go on.
        answering = {"api_visibility": "private", "concurrency_limit": settings.chat_concurrency,
                     "concurrency_id": "answer"}
        for trigger in (question.submit, send.click):
            trigger(respond, chat_inputs, chat_outputs, **answering)  # type: ignore[arg-type]
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            respond, chat_inputs, chat_outputs, **answering  # type: ignore[arg-type]
        )
        clear.click(lambda: ("", [], []), None, chat_outputs, api_visibility="private")
        chatbot.clear(lambda: [], None, turns, api_visibility="private")

        corpus_outputs = [info, table, townships, years]
        demo.load(load_corpus, None, corpus_outputs, api_visibility="private")
        refresh.click(load_corpus, None, corpus_outputs, api_visibility="private")

        def on_upload(paths: list[str] | None, given: str, progress: gr.Progress = _PROGRESS) -> tuple[Any, ...]:
            if not upload_allowed(settings, given):
                return ("上传密码不正确，未做任何更改。", gr.skip(), *[gr.skip()] * len(corpus_outputs))

            def report(done: int, total: int, stage: str) -> None:
                progress((done, total), desc=STAGES.get(stage, stage))

            result = add_reports([Path(p) for p in paths or []], settings, on_progress=report)
            corpus = load_corpus() if result.added else [gr.skip()] * len(corpus_outputs)
            return (result.message, None if result.ok else gr.skip(), *corpus)

        password.change(None, password, None, js=_remember_upload_password(root))
        upload.click(on_upload, [files, password], [upload_status, files, *corpus_outputs],
                     api_visibility="private", concurrency_limit=1)
    return demo


def _remember_upload_password(root: str) -> str:
    """The page's own script: keep the typed upload password in the rag_upload cookie, which
    /gradio_api/upload needs when RAG_UPLOAD_PASSWORD is set."""
    from rag.access import UPLOAD_COOKIE

    path = json.dumps((root or "") + "/")
    return (f"(p) => {{ document.cookie = '{UPLOAD_COOKIE}=' + encodeURIComponent(p || '') + "
            f"'; path=' + {path} + '; SameSite=Strict'; return []; }}")


def pick_example(evt: gr.SelectData) -> str:
    value = evt.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def respond(
    question: str, turns: list[Turn], townships: list[str] | None, years: list[int] | None, kinds: list[str] | None
) -> Iterator[tuple[Any, list[dict[str, Any]], list[Turn]]]:
    """Stream the answer into the chat: text deltas first, then the final answer with its sources."""
    from rag.answer import answer_stream

    question = (question or "").strip()
    if not question:
        gr.Warning("请输入问题。")
        yield gr.skip(), render_chat(turns), turns
        return
    past = render_chat(turns)
    pending = [{"role": "user", "content": md_escape(question)}]
    yield "", [*past, *pending, {"role": "assistant", "content": "正在检索相关报告……"}], turns
    text = ""
    final: Answer | None = None
    try:
        for item in answer_stream(question, filters=make_filters(townships, years, kinds), history=history_of(turns)):
            if isinstance(item, Answer):
                final = item
            else:
                text += item
                yield gr.skip(), [*past, *pending, {"role": "assistant", "content": answer_text(text)}], turns
    except Exception as e:
        logger.exception("answer failed")
        raise gr.Error(f"回答失败：{html.escape(_reason(e), quote=False)}") from e
    if final is None:
        raise gr.Error("回答失败：没有得到完整的回答")
    turn = Turn(question, final, [citation_passage(c) for c in final.citations])
    turns = [*turns, turn]
    yield gr.skip(), render_chat(turns), turns


FILTER_LABELS = {"township": "乡镇", "county": "区县", "year": "年度", "year_from": "起始年度", "year_to": "截止年度",
                 "kind": "章节"}
# The core's QuestionError messages ("field: reason", see rag.answer) as a user reads them; others as they are.
QUESTION_PROBLEMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"question: too long \((\d+) characters, at most (\d+)\)"), lambda m: f"问题过长（{m[1]}字，最多{m[2]}字）"),
    (re.compile(r"question: must not be empty"), lambda m: "请输入问题"),
    (re.compile(r"question: must be a string"), lambda m: "问题必须是文字"),
    (re.compile(r"filters\.(\w+): (.+)"), lambda m: f"筛选条件“{FILTER_LABELS.get(m[1], m[1])}”有误（{m[2]}）"),
    (re.compile(r"filters: (.+)"), lambda m: f"筛选条件有误（{m[1]}）"),
    (re.compile(r"history(\[\d+\])?: .+"), lambda m: "对话记录有误，请点“清空对话”后重新提问"),
]


def question_problem(message: str) -> str:
    """A QuestionError's message in Chinese where it is one of ours, otherwise as it is."""
    for pattern, say in QUESTION_PROBLEMS:
        m = pattern.fullmatch(message)
        if m:
            return say(m)
    return message


def _reason(exc: Exception) -> str:
    """What a user may see of an error: what was wrong with the question, the index's own (actionable)
    messages, otherwise only its type."""
    from rag.answer import QuestionError

    if isinstance(exc, QuestionError):
        return question_problem(str(exc))
    return str(exc) if is_index_problem(exc) else type(exc).__name__


def load_corpus() -> tuple[Any, ...]:
    """The corpus tab and the filter choices, from the index."""
    try:
        listing = list_reports()
    except Exception as e:
        logger.exception("could not list the reports")
        return (f"索引无法读取：{md_escape(_reason(e))}", [], gr.skip(), gr.skip())
    townships = sorted({r.township for r in listing.reports if r.township})
    years = sorted({r.year for r in listing.reports if r.year}, reverse=True)
    return (
        corpus_info(listing),
        corpus_rows(listing),
        gr.Dropdown(choices=townships),
        gr.Dropdown(choices=[(f"{y}年", y) for y in years]),
    )
