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
from pydantic import ValidationError  # noqa: E402

from rag.checks import MAX_QUESTION_CHARS, is_index_problem  # noqa: E402
from rag.config import Settings, get_settings  # noqa: E402
from rag.corpus import (  # noqa: E402
    CorpusError,
    MetaEdit,
    Passage,
    ReportList,
    add_reports,
    delete_report,
    edit_report,
    find_passage,
    list_reports,
    md_escape,
    replace_report,
    upload_allowed,
)
from rag.coverage import UNKNOWN_COUNTY, Coverage, index_coverage  # noqa: E402
from rag.models import Answer, Citation, Filters, town_label, year_label  # noqa: E402

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "achievements": "工作成效",
    "problems": "存在问题",
    "plans": "下一步计划",
    "leadership": "领导履职",
    "other": "其他",
}
EXAMPLES = [
    "哪些乡镇聘请了法律顾问？",
    "哪些乡镇提到执法人员不足？",
    "大铭乡2023年法治政府建设存在哪些问题？",
    "各乡镇下一步法治建设有什么计划？",
    "主要负责人如何履行推进法治建设第一责任人职责？",
]
STAGES = {"ingest": "正在读取报告", "embed": "正在计算向量、更新索引"}
CORPUS_HEADERS = ["乡镇", "区县", "省份", "年度", "成文日期", "分块数", "标题", "文件"]

CSS = """
#chat a.cite-link { text-decoration: none; cursor: pointer; }
.passage { line-height: 1.75; color: var(--body-text-color) !important; font-size: var(--text-md) !important; }
.passage .passage-section { font-weight: 600; margin-bottom: 4px; }
.passage mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.sources { font-size: 0.95em; }
.coverage-scroll { overflow-x: auto; }
.coverage table { border-collapse: collapse; font-size: 0.95em; }
.coverage th, .coverage td { border: 1px solid var(--border-color-primary); padding: 2px 8px; text-align: center;
  white-space: nowrap; }
.coverage tr.county th { text-align: left; background: var(--background-fill-secondary); }
.coverage td.missing { color: #b91c1c; font-weight: 600; }
.coverage td.have { color: #15803d; }
/* a source's passage is not copied on its own: the answer's copy button copies the answer with its sources */
#chat .message-row:has(.thought-group) + .message-buttons { display: none; }
#chat .message-row:has(.thought-group) { margin-top: 2px; margin-bottom: 2px; }
@media (max-width: 1000px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
}
"""


# Gradio's own strings: its i18n follows the browser's language, and some (a chat's "Copy message", a
# toast's "Warning") are English in every language. This is a Chinese office's tool, so these are shown in
# Chinese whatever the browser: GRADIO_ZH maps each English string to its Chinese.
GRADIO_ZH = {
    "Copy message": "复制", "Copy conversation": "复制全部对话", "Copied message": "已复制", "Copied conversation": "已复制",
    "Clear": "清空", "Warning": "提示", "Error": "错误", "Info": "信息", "Success": "成功", "Close": "关闭",
    "Loading...": "加载中……", "Sort ascending": "升序排列", "Sort descending": "降序排列", "Clear sort": "取消排序",
    "Filter": "筛选", "Clear filter": "取消筛选", "Search": "搜索", "Copy": "复制", "Copied": "已复制",
    "Download": "下载", "Fullscreen": "全屏", "Exit fullscreen mode": "退出全屏", "Exit fullscreen": "退出全屏",
    "Drop File Here": "将文件拖放到此处", "Click to Upload": "点击上传", "Remove": "移除", "Upload": "上传",
    "More tabs": "更多标签页", "Open cell menu": "打开列菜单", "Select all": "全选", "No results": "无结果",
    "Connection errored out.": "连接出错。", "Retry": "重试", "Undo": "撤销",
}
# Runs in the page once Gradio has loaded: (1) the strings above in Chinese, now and as the page changes;
# (2) a citation marker [n] in an answer becomes a link that opens that source below it (the message itself
# keeps a plain [n], so that the copy button copies plain text).
HEAD = r"""<script>
(function () {
  var ZH = __ZH__;
  function linkMarkers(node) {
    var parent = node.parentElement;
    if (!parent || !/\[\d+\]/.test(node.nodeValue) || parent.closest("a, .thought-group, .user-row")
        || !parent.closest("#chat .bot-row")) return;
    var frag = document.createDocumentFragment();
    node.nodeValue.split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (!m) { frag.appendChild(document.createTextNode(part)); return; }
      var a = document.createElement("a");
      a.href = "#cite-" + m[1];
      a.className = "cite-link";
      a.textContent = part;
      frag.appendChild(a);
    });
    parent.replaceChild(frag, node);
  }
  function fix(node) {
    if (node.nodeType === 3) {
      var t = node.nodeValue.trim();
      if (t && ZH[t]) node.nodeValue = node.nodeValue.replace(t, ZH[t]);
      else linkMarkers(node);
      return;
    }
    if (node.nodeType !== 1) return;
    ["aria-label", "title", "placeholder"].forEach(function (a) {
      var v = node.getAttribute(a);
      if (v && ZH[v]) node.setAttribute(a, ZH[v]);
    });
    Array.prototype.slice.call(node.childNodes).forEach(fix);
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (m) {
      if (m.type === "characterData") fix(m.target);
      else if (m.type === "attributes") fix(m.target);
      else m.addedNodes.forEach(fix);
    });
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true,
                                          attributeFilter: ["aria-label", "title", "placeholder"] });
  fix(document.body);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#cite-"]');
    if (!link) return;
    event.preventDefault();
    var n = link.getAttribute("href").slice(6);
    var rows = Array.prototype.slice.call(document.querySelectorAll("#chat .message-row"));
    var start = rows.findIndex(function (row) { return row.contains(link); });
    for (var i = start + 1; i < rows.length; i++) {
      if (rows[i].classList.contains("user-row")) break;
      if ((rows[i].innerText || "").indexOf("查看原文 [" + n + "]") !== -1) {
        var title = rows[i].querySelector(".thought-group .title") || rows[i];
        if (!rows[i].querySelector("mark")) title.click();
        rows[i].scrollIntoView({ behavior: "smooth", block: "center" });
        break;
      }
    }
  });
})();
</script>""".replace("__ZH__", json.dumps(GRADIO_ZH, ensure_ascii=False))


@dataclass
class Turn:
    """One question and its answer, with each citation's passage already rendered."""

    question: str
    answer: Answer
    passages: list[str] = field(default_factory=list)
    filters: str = ""  # the active filters, as filter_label() says them


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


def filter_label(townships: Sequence[str] | None, years: Sequence[int | str] | None,
                 kinds: Sequence[str] | None) -> str:
    """The active filters for people: '大歇镇 · 2024年 · 存在问题'; '' when none."""
    parts = [*(townships or []), *(f"{y}年" for y in years or []), *(KIND_LABELS.get(k, k) for k in kinds or [])]
    return " · ".join(str(p) for p in parts)


FILTERS_TITLE = "筛选：乡镇 · 年度 · 章节类型"


def filters_title(townships: Sequence[str] | None, years: Sequence[int | str] | None,
                  kinds: Sequence[str] | None) -> str:
    """The filter bar's title: says which filters are active even when the bar is folded."""
    active = filter_label(townships, years, kinds)
    return f"筛选（已启用：{active}）" if active else FILTERS_TITLE


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The conversation so far, as answer() takes it."""
    history: list[dict[str, str]] = []
    for t in turns:
        history.append({"role": "user", "content": t.question})
        history.append({"role": "assistant", "content": t.answer.text})
    return history


def source_line(c: Citation, with_quote: bool = True) -> str:
    """`[n] 乡镇 · 年度 · 章节 — “quote”` (markdown): what is copied with the answer. Without the quote when
    the answer's text already shows it (no quote twice)."""
    place = town_label(c.township, c.source)
    year = year_label(c.year)
    section = c.section or KIND_LABELS.get(c.kind, c.kind)
    line = f"[{c.n}] {md_escape(place)} · {year} · {md_escape(section)}"
    return f"{line} — “{md_escape(c.quote)}”" if with_quote else line


TABLE_ROWS = 20  # a list answer's table shows this many rows until expanded
TABLE_HEADERS = ["序号", "乡镇", "区县", "年度", "原文", "章节"]
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.、])\s")


def is_list_answer(a: Answer) -> bool:
    """An answer that lists places (two bullets or more, citing two reports or more): shown as a table."""
    bullets = sum(1 for line in a.text.splitlines() if _BULLET.match(line))
    return bullets >= 2 and len({c.source for c in a.citations}) >= 2


def end_lists(text: str) -> str:
    """A blank line between a list and the paragraph after it, so that Markdown does not fold that
    paragraph ("其余报告…未见相关表述") into the last bullet."""
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.strip() and not _BULLET.match(line) and _BULLET.match(lines[i - 1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


_MARKER = re.compile(r"\\\[(\d{1,3})\\\](?![(:])")


def answer_text(text: str) -> str:
    """Answer text as literal Markdown, except its citation markers [n] (never a link: no "(" after them)."""
    return _MARKER.sub(r"[\1]", md_escape(text))


def answer_markdown(a: Answer) -> str:
    """The answer text, its notes, then one line per source (township, year, section; the quote when the text
    does not show it). A list answer keeps only its summary: its rows are in the table under the chat.

    Everything but the product's own frame (注：, 来源：, the source lines' layout) is escaped: the answer text
    quotes reports (and an LLM may echo them), so an ``<img>`` or a ``[x](javascript:…)`` in a report stays text."""
    if is_list_answer(a):
        summary = [answer_text(line) for line in a.text.splitlines() if line.strip() and not _BULLET.match(line)]
        unique = len(citation_rows(a))
        parts = ["\n\n".join(summary), f"共 **{unique}** 条引文，见对话下方的“来源表”（可排序，可导出 Excel / Word）。"]
        parts += [f"注：{md_escape(note)}" for note in a.notes]
        return "\n\n".join(parts)
    parts = [answer_text(end_lists(a.text))]
    parts += [f"注：{md_escape(note)}" for note in a.notes]
    if a.citations:
        parts.append("来源：\n" + "\n".join(source_line(c, c.quote not in a.text) for c in a.citations))
    return "\n\n".join(parts)


def citation_rows(a: Answer) -> list[list[Any]]:
    """One row per distinct quote: [n, 乡镇, 区县, 年度, 原文, 章节] (values as text, never markup)."""
    seen: set[tuple[str, int, int]] = set()
    rows: list[list[Any]] = []
    for c in a.citations:
        if (c.source, c.start, c.end) in seen:
            continue
        seen.add((c.source, c.start, c.end))
        rows.append([c.n, c.township or "", c.county or "", c.year or "", c.quote, c.section])
    return rows


def table_view(turns: list[Turn], show_all: bool = False) -> tuple[bool, str, list[list[Any]], bool]:
    """(visible, the count line, the rows, whether an "expand" button is needed) for the last answer."""
    if not turns or not is_list_answer(turns[-1].answer):
        return False, "", [], False
    rows = citation_rows(turns[-1].answer)
    shown = rows if show_all or len(rows) <= TABLE_ROWS else rows[:TABLE_ROWS]
    count = f"共 {len(rows)} 条引文" + ("" if len(shown) == len(rows) else f"，先显示前 {TABLE_ROWS} 条")
    return True, count + "。点表头的 ⋮ 可按该列排序。", shown, len(shown) < len(rows)


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
    return f"查看原文 [{c.n}] {md_escape(town_label(c.township, c.source))} {year} · {md_escape(section)}".strip()


def render_turn(t: Turn) -> list[dict[str, Any]]:
    shown = answer_markdown(t.answer)
    if t.filters:
        shown = f"*已按 {md_escape(t.filters)} 筛选*\n\n{shown}"
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": md_escape(t.question)},
        {"role": "assistant", "content": shown},
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


def coverage_html(cov: Coverage) -> str:
    """The overview as an HTML table: per county, its townships x years, with each missing report marked."""
    e = html.escape
    if not cov.counties:
        return '<div class="coverage">报告库中还没有注明乡镇和年度的报告。</div>'
    head = "".join(f"<th>{y}</th>" for y in cov.years)
    body = []
    for block in cov.counties:
        county = block.county or UNKNOWN_COUNTY
        body.append(f'<tr class="county"><th colspan="{len(cov.years) + 1}">{e(county)}'
                    f"（{block.reports} 份，缺 {block.missing} 份）</th></tr>")
        for row in block.townships:
            cells = "".join(
                f'<td class="have" title="{e("、".join(row.reports[y]))}">✓{len(row.reports[y]) if len(row.reports[y]) > 1 else ""}</td>'
                if y in row.reports else '<td class="missing">缺</td>'
                for y in cov.years
            )
            body.append(f"<tr><td>{e(row.township)}</td>{cells}</tr>")
    by_year = "，".join(f"{y}年 {n} 份" for y, n in cov.by_year.items())
    by_county = "，".join(f"{e(c)} {n} 份" for c, n in cov.by_county.items())
    unplaced = f"<p>未注明乡镇或年度的报告 {len(cov.unplaced)} 份：{e('、'.join(cov.unplaced))}</p>" if cov.unplaced else ""
    return (
        f'<div class="coverage"><p>共 {cov.townships} 个乡镇、{cov.reports} 份报告。按年度：{by_year}。按区县：{by_county}。</p>'
        f'<div class="coverage-scroll"><table><thead><tr><th>乡镇</th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>{unplaced}</div>'
    )


def own_choices(listing: ReportList) -> list[tuple[str, str]]:
    """The office's own reports (not the demo) as (label, source) for the manage dropdown."""
    return [(f"{town_label(r.township, r.source)} · {year_label(r.year, '年度')} · {r.source}", r.source)
            for r in listing.reports if r.own]


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
            with gr.Accordion(FILTERS_TITLE, open=False, elem_id="filters") as filter_bar, gr.Row():
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
            with gr.Row(equal_height=True):
                past = gr.Dropdown(label="历史问题（保存在本浏览器中）", choices=[], scale=4, elem_id="past-questions")
                xlsx_btn = gr.DownloadButton("导出 Excel", visible=False, scale=1, min_width=100, elem_id="export-xlsx")
                docx_btn = gr.DownloadButton("导出 Word", visible=False, scale=1, min_width=100, elem_id="export-docx")
            with gr.Accordion("来源表", open=True, visible=False, elem_id="cite-box") as cite_box:
                cite_count = gr.Markdown(elem_id="cite-count")
                cite_table = gr.Dataframe(headers=TABLE_HEADERS, interactive=False, wrap=True, elem_id="cite-table",
                                          column_widths=["60px", "100px", "120px", "70px", "440px", "240px"])
                show_all = gr.Button("显示全部", size="sm", visible=False, elem_id="cite-all")
        saved = gr.BrowserState([], storage_key="fazhi-rag-chat")
        with gr.Tab("报告库", id="corpus-tab"):
            info = gr.Markdown(elem_id="corpus-info")
            table = gr.Dataframe(headers=CORPUS_HEADERS, interactive=False, wrap=True, elem_id="corpus-table",
                                 datatype="str",  # plain text: a report's title is never markup
                                 column_widths=["9%", "11%", "8%", "9%", "13%", "8%", "24%", "18%"])
            refresh = gr.Button("刷新列表", size="sm")
            with gr.Accordion("覆盖情况：各区县乡镇 × 年度", open=True, elem_id="coverage-box"):
                overview = gr.HTML(elem_id="coverage")
            with gr.Accordion("管理本单位报告：删除 · 替换 · 修改乡镇/区县/年度", open=False, elem_id="manage-box"):
                gr.Markdown("演示报告（seeds/）不能在此更改；本单位上传的报告可以。每次更改都会增量更新索引，失败则不做任何更改。")
                target = gr.Dropdown(label="报告", choices=[], elem_id="manage-report")
                with gr.Row():
                    new_township = gr.Textbox(label="乡镇", elem_id="edit-township", min_width=120)
                    new_county = gr.Textbox(label="区县", elem_id="edit-county", min_width=120)
                    new_year = gr.Textbox(label="年度", elem_id="edit-year", min_width=90)
                save_meta = gr.Button("保存元数据", elem_id="edit-save")
                new_file = gr.File(label="替换用的新文件", type="filepath", elem_id="replace-file")
                with gr.Row():
                    replace_btn = gr.Button("用新文件替换", elem_id="replace")
                    delete_btn = gr.Button("删除该报告", variant="stop", elem_id="delete")
                manage_status = gr.Markdown(elem_id="manage-status")
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
        after_outputs = [cite_box, cite_count, cite_table, show_all, xlsx_btn, docx_btn, past, saved]
        for trigger in (question.submit, send.click):
            trigger(respond, chat_inputs, chat_outputs, **answering).then(  # type: ignore[arg-type]
                after_answer, turns, after_outputs, api_visibility="private")
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            respond, chat_inputs, chat_outputs, **answering  # type: ignore[arg-type]
        ).then(after_answer, turns, after_outputs, api_visibility="private")
        clear.click(lambda: ("", [], []), None, chat_outputs, api_visibility="private").then(
            after_answer, turns, after_outputs, api_visibility="private")
        chatbot.clear(lambda: [], None, turns, api_visibility="private").then(
            after_answer, turns, after_outputs, api_visibility="private")
        for dropdown in (townships, years, kinds):
            dropdown.change(lambda t, y, k: gr.Accordion(label=filters_title(t, y, k)), [townships, years, kinds],
                            filter_bar, api_visibility="private")
        show_all.click(expand_table, turns, [cite_count, cite_table, show_all], api_visibility="private")
        past.select(lambda q: q or gr.skip(), past, question, api_visibility="private")
        demo.load(restore_turns, saved, [chatbot, turns], api_visibility="private").then(
            after_answer, turns, after_outputs, api_visibility="private")

        corpus_outputs = [info, table, townships, years]
        overview_outputs = [overview, target]
        demo.load(load_corpus, None, corpus_outputs, api_visibility="private").then(
            load_overview, None, overview_outputs, api_visibility="private")
        refresh.click(load_corpus, None, corpus_outputs, api_visibility="private").then(
            load_overview, None, overview_outputs, api_visibility="private")

        def on_manage(action: str, source: str | None, given: str, township: str, county: str, year: str,
                      file: str | None) -> tuple[Any, ...]:
            message, changed = manage(settings, action, source, given, township, county, year, file)
            refreshed = (*load_corpus(), *load_overview()) if changed else [gr.skip()] * (len(corpus_outputs) + 2)
            return (message, *refreshed)

        manage_outputs = [manage_status, *corpus_outputs, *overview_outputs]
        def manage_fn(action: str) -> Callable[..., tuple[Any, ...]]:
            def run(source: str | None, given: str, township: str, county: str, year: str,
                    file: str | None) -> tuple[Any, ...]:
                return on_manage(action, source, given, township, county, year, file)

            run.__name__ = f"on_{action}"
            return run

        for button, action in ((save_meta, "edit"), (replace_btn, "replace"), (delete_btn, "delete")):
            button.click(
                manage_fn(action),
                [target, password, new_township, new_county, new_year, new_file], manage_outputs,
                api_visibility="private", concurrency_limit=1,
            )

        def on_upload(paths: list[str] | None, given: str, progress: gr.Progress = _PROGRESS) -> tuple[Any, ...]:
            if not upload_allowed(settings, given):
                return ("上传密码不正确，未做任何更改。", gr.skip(), *[gr.skip()] * len(corpus_outputs))

            def report(done: int, total: int, stage: str) -> None:
                progress((done, total), desc=STAGES.get(stage, stage))

            result = add_reports([Path(p) for p in paths or []], settings, on_progress=report)
            corpus = (*load_corpus(), *load_overview()) if result.added else [gr.skip()] * (len(corpus_outputs) + 2)
            return (result.message, None if result.ok else gr.skip(), *corpus)

        password.change(None, password, None, js=_remember_upload_password(root))
        upload.click(on_upload, [files, password], [upload_status, files, *corpus_outputs, *overview_outputs],
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
    turn = Turn(question, final, [citation_passage(c) for c in final.citations],
                filter_label(townships, years, kinds))
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


def load_overview() -> tuple[Any, ...]:
    """The coverage overview and the manage dropdown, from the index."""
    try:
        listing = list_reports()
        cov = index_coverage()
    except Exception as e:
        logger.exception("could not read the coverage")
        return (f"<p>{html.escape(_reason(e))}</p>", gr.skip())
    return coverage_html(cov), gr.Dropdown(choices=own_choices(listing), value=None)


def manage(settings: Settings, action: str, source: str | None, given: str, township: str, county: str, year: str,
           file: str | None) -> tuple[str, bool]:
    """Run one corpus action from the 报告库 tab: (the message, whether the corpus changed)."""
    if not upload_allowed(settings, given):
        return "上传密码不正确，未做任何更改。", False
    if not source:
        return "请先选择要管理的报告。", False
    try:
        if action == "delete":
            result = delete_report(source, settings)
        elif action == "replace":
            if not file:
                return "请先选择替换用的新文件。", False
            result = replace_report(source, Path(file), settings)
        else:
            fields: dict[str, Any] = {k: v.strip() for k, v in (("township", township), ("county", county)) if v.strip()}
            if year.strip():
                if not year.strip().isdigit():
                    return "年度应为四位数字，如 2024。", False
                fields["year"] = int(year.strip())
            result = edit_report(source, MetaEdit(**fields), settings)
    except CorpusError as e:
        return md_escape(e.message), False
    except ValidationError as e:  # MetaEdit's own checks (e.g. a year out of range)
        err = e.errors()[0]
        label = {"township": "乡镇", "county": "区县", "year": "年度"}.get(str(err["loc"][0]), str(err["loc"][0]))
        return f"{label}有误（{md_escape(str(err['msg']))}），未做任何更改。", False
    return md_escape(result.message), True


SAVED_TURNS = 30  # the conversation kept in the browser: at most the last this many questions,
SAVED_CHARS = 1_500_000  # and within this size (localStorage holds about 5 MB per site)


def saved_turns(turns: list[Turn]) -> list[dict[str, Any]]:
    """The conversation as JSON for the browser's localStorage (the passages are rendered again on load);
    the oldest questions are dropped first when it would grow too large."""
    items = [{"question": t.question, "answer": t.answer.model_dump(mode="json"), "filters": t.filters}
             for t in turns[-SAVED_TURNS:]]
    sizes = [len(json.dumps(i, ensure_ascii=False)) for i in items]
    while len(items) > 1 and sum(sizes) > SAVED_CHARS:
        items.pop(0)
        sizes.pop(0)
    return items


def restore_turns(saved: Any) -> tuple[list[dict[str, Any]], list[Turn]]:
    """The conversation saved in this browser, shown again; anything unreadable is dropped."""
    turns: list[Turn] = []
    for item in saved if isinstance(saved, list) else []:
        try:
            a = Answer.model_validate(item["answer"])
            turns.append(Turn(str(item["question"]), a, [citation_passage(c) for c in a.citations],
                              str(item.get("filters") or "")))
        except (KeyError, TypeError, ValueError):
            continue
    return render_chat(turns), turns


def after_answer(turns: list[Turn]) -> tuple[Any, ...]:
    """After each answer: the list table, the export buttons, the past questions and the saved conversation."""
    visible, count, rows, more = table_view(turns)
    last = turns[-1].answer if turns else None
    files = export_files(last) if last is not None and last.citations else (None, None)
    questions = list(dict.fromkeys(reversed([t.question for t in turns])))
    return (
        gr.Accordion(visible=visible), count, rows, gr.Button(visible=more, value="显示全部"),
        gr.DownloadButton(value=files[0], visible=files[0] is not None),
        gr.DownloadButton(value=files[1], visible=files[1] is not None),
        gr.Dropdown(choices=questions, value=None), saved_turns(turns),
    )


def expand_table(turns: list[Turn]) -> tuple[Any, ...]:
    _, count, rows, more = table_view(turns, show_all=True)
    return count, rows, gr.Button(visible=more)


def export_files(a: Answer) -> tuple[str | None, str | None]:
    """The answer written as .xlsx and .docx in a fresh temporary folder (served by Gradio's file cache)."""
    import tempfile

    from rag.export import export_answer, export_name

    try:
        folder = Path(tempfile.mkdtemp(prefix="fazhi-export-"))
        paths = []
        for fmt in ("xlsx", "docx"):
            path = folder / export_name(a, fmt)
            path.write_bytes(export_answer(a, fmt))
            paths.append(str(path))
    except Exception:
        logger.exception("export failed")
        return None, None
    return paths[0], paths[1]
