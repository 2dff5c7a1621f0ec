"""The office's own corpus in a real browser (Debian's chromium, headless, Playwright) against a real `rag serve`:
upload two reports, delete one, replace one, edit its county and see the overview change; ask a list question,
see its table, export it to .xlsx and .docx and find every cited township and quote in both; seeds/ unchanged.

The reports uploaded are real report openings read at run time from ../shared/corpus-dev (never copied into
the project). Screenshots at 1366 px and 420 px: `DOCS_SHOTS=1 pytest tests/test_browser_corpus.py` renews docs/.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_helpers import CHROMIUM, free_port, launch_browser, tree_hash

from rag.config import ROOT

DEV_REPORTS = ROOT.parent / "shared" / "corpus-dev" / "reports"
LIST_QUESTION = "哪些乡镇聘请了法律顾问？"
SECTION_QUESTION = "大铭乡2023年法治政府建设存在哪些问题？"
# Screenshots go to test-output/browser/; with DOCS_SHOTS=1 to docs/ (the README's pictures) instead.
SHOTS = ROOT / "docs" if os.environ.get("DOCS_SHOTS") else ROOT / "test-output" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (install it with `make browser`)"),
    pytest.mark.skipif(not DEV_REPORTS.is_dir(), reason="../shared/corpus-dev/reports is absent"),
]


@pytest.fixture(scope="module")
def office_server(seeds_index: Path) -> Iterator[tuple[str, Path]]:
    """`rag serve` over a copy of the seeds index (the demo), with its own data dir, at /."""
    work = Path(tempfile.mkdtemp(prefix="rag-office-"))
    shutil.copytree(seeds_index, work / "index")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_INDEX_DIR=str(work / "index"), RAG_CORPUS_DIR=str(seeds_index.parent / "corpus"),
               RAG_DATA_DIR=str(work / "data"), GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            try:
                httpx.get(base + "/api/reports", timeout=120).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield base, work
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_browser() as b:
        yield b


def _own(base: str) -> dict[str, dict[str, Any]]:
    return {r["source"]: r for r in httpx.get(base + "/api/reports", timeout=60).json()["reports"] if r["own"]}


def _pick(page: Any, source: str) -> None:
    page.locator("#manage-report input").click()
    page.get_by_role("option").filter(has_text=source).click()


def _shot(page: Any, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(700)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=width > 500)


def test_manage_the_corpus_then_export_a_list_answer(office_server: tuple[str, Path], browser: Any,
                                                     tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    base, work = office_server
    seeds_before = tree_hash(ROOT / "seeds")
    # an English browser: the page, Gradio's own strings included, is Chinese all the same
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(base + "/")
    page.get_by_role("tab", name="报告库").click()
    page.locator("#coverage").get_by_text("乡镇").first.wait_for()

    # upload two reports
    first, second, third = (DEV_REPORTS / n for n in ("02_dazhong.txt", "03_dongfangshan.txt", "06_youqing.txt"))
    page.locator("#upload-files input[type=file]").set_input_files([str(first), str(second)])
    page.locator("#upload").click()
    page.locator("#upload-status").get_by_text("已加入 2 份报告").wait_for()
    assert set(_own(base)) == {first.name, second.name}
    assert {p.name for p in (work / "data").iterdir()} == {first.name, second.name}

    # delete one
    page.get_by_text("管理本单位报告").click()
    _pick(page, first.name)
    page.locator("#delete").click()
    page.locator("#manage-status").get_by_text(f"已删除报告 {first.name}").wait_for()
    assert set(_own(base)) == {second.name}

    # replace the other
    _pick(page, second.name)
    page.locator("#replace-file input[type=file]").set_input_files(str(third))
    page.locator("#replace").click()
    page.locator("#manage-status").get_by_text(f"已用新文件替换报告 {second.name}").wait_for()
    replaced = _own(base)[second.name]
    assert (work / "data" / second.name).read_bytes() == third.read_bytes()

    # edit its county: the overview follows
    assert "浏览器测试县" not in page.locator("#coverage").inner_text()
    _pick(page, second.name)
    page.locator("#edit-county input, #edit-county textarea").first.fill("浏览器测试县")
    page.locator("#edit-save").click()
    page.locator("#manage-status").get_by_text(f"已修改报告 {second.name}").wait_for()
    page.locator("#coverage").get_by_text("浏览器测试县").first.wait_for()
    assert _own(base)[second.name]["county"] == "浏览器测试县"
    assert replaced["township"] is None or replaced["township"] in page.locator("#coverage").inner_text()
    _shot(page, "screenshot-corpus", 1366)
    _shot(page, "screenshot-corpus", 420)
    page.set_viewport_size({"width": 1366, "height": 900})

    # a list question: a table under the chat, exported to both formats
    page.get_by_role("tab", name="问答").click()
    page.locator("#question textarea").fill(LIST_QUESTION)
    page.locator("#send").click()
    page.locator("#cite-count").get_by_text("条引文").wait_for()
    files = {}
    for fmt, button in (("xlsx", "#export-xlsx"), ("docx", "#export-docx")):
        with page.expect_download() as download:
            page.locator(button).click()
        files[fmt] = tmp_path / f"answer.{fmt}"
        download.value.save_as(files[fmt])
    _shot(page, "screenshot-list", 1366)
    _shot(page, "screenshot-list", 420)
    page.set_viewport_size({"width": 1366, "height": 900})

    # the conversation is kept across a reload, with the past questions
    page.reload()
    page.locator("#chat").get_by_text(LIST_QUESTION).first.wait_for()
    page.locator("#cite-count").get_by_text("条引文").wait_for()
    page.locator("#past-questions input").click()
    page.get_by_role("option", name=LIST_QUESTION).wait_for()
    page.locator("#header").click()

    # a marker [n] opens its source; Gradio's own buttons speak Chinese
    page.locator("#question textarea").fill(SECTION_QUESTION)
    page.locator("#send").click()
    page.locator("#chat").get_by_text("来源").last.wait_for()
    assert page.locator("#chat mark").count() == 0
    page.locator('#chat a[href^="#cite-"]').last.click()
    page.locator("#chat mark").first.wait_for()
    assert page.locator('[aria-label="复制"]').count() > 0
    assert page.locator('[aria-label="Copy message"], [aria-label="Copy conversation"]').count() == 0
    context.close()

    answer = httpx.post(base + "/api/answer", json={"question": LIST_QUESTION}, timeout=120).json()
    assert len({c["source"] for c in answer["citations"]}) >= 2
    wb = load_workbook(io.BytesIO(files["xlsx"].read_bytes()))
    cells = {str(c.value) for row in wb["来源"].iter_rows() for c in row}
    doc = Document(str(files["docx"]))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for c in answer["citations"]:
        assert c["quote"] in cells and c["quote"] in text
        assert c["township"] in cells and c["township"] in text
    assert tree_hash(ROOT / "seeds") == seeds_before
