"""The chat in a real browser: Debian's chromium, headless, driven by Playwright, against the real `rag serve`
(the real answer() over the seeds), under a sub-path as behind a reverse proxy, on a narrow laptop screen.

Screenshots go to test-output/browser/ (printed); look at them after a change to the UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    RealServer,
    choose_files,
    free_port,
    launch_browser,
    real_server,
    serve_folder,
    spawn_server,
)

from rag.config import ROOT

VIEWPORT = {"width": 900, "height": 700}
QUESTION = "哪些乡镇聘请了法律顾问？"  # a list answer of several townships on the seeds
SHOTS = ROOT / "test-output" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (install it with `make browser`)"),
]


@pytest.fixture(scope="module")
def server(seeds_index: Path) -> RealServer:
    return real_server(seeds_index, seeds_index.parent / "corpus")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_browser() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(90_000)  # a cold first answer on 2 shared cores
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")
    return SHOTS


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def ask(root: Any, question: str) -> None:
    """Type a question into the chat under `root` (a page, frame or element) and send it."""
    root.locator("#question textarea").fill(question)
    root.locator("#send").click()


def enter(page: Any, server: RealServer) -> None:
    """Open the chat as an embedding portal does under RAG_API_TOKEN: the token once in the address."""
    page.goto(f"{server.app}/?token={server.token}")
    assert "token=" not in page.url  # kept in a cookie, not in the address


def test_chat_streams_an_answer_with_sources_and_opens_one(server: RealServer, page: Any, shots: Path,
                                                          tmp_path: Path) -> None:
    enter(page, server)
    chat = page.locator("#chat")
    example = chat.get_by_text(QUESTION)
    example.wait_for()  # example questions on the first screen
    page.screenshot(path=shots / "1-first-screen.png")

    example.click()  # an example asks itself
    answer = chat.locator(".bot").first
    answer.get_by_text("大铭乡").first.wait_for()
    chat.get_by_text("来源").wait_for()  # the sources follow the streamed text
    # a list answer: a short summary in the chat, its quotes in the table under it
    assert re.search(r"共 \d+ 条引文", answer.inner_text()), answer.inner_text()
    table = page.locator("#cite-table")
    table.get_by_text("大铭乡").first.wait_for(state="attached")
    page.screenshot(path=shots / "2-answer.png")

    source = chat.get_by_text(re.compile(r"查看原文 \[\d+\] 大铭乡")).first
    source.click()
    mark = chat.locator("mark").first
    mark.wait_for()
    quote = mark.inner_text()
    assert "法律顾问" in quote
    assert quote in table.inner_text()  # the highlighted sentence is the cited quote
    passage = mark.locator("xpath=ancestor::div[contains(@class, 'passage')]").inner_text()
    assert len(passage) > len(quote)  # shown inside its section
    page.wait_for_timeout(300)  # let the chat's own autoscroll settle first
    mark.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=shots / "3-source-opened.png")

    ask(page, "大铭乡呢？")  # a follow-up, answered with the history
    expect(page.locator("#chat .user")).to_have_count(2)
    chat.get_by_text("来源").nth(1).wait_for()

    page.locator("#clear").click()
    expect(page.locator("#chat .user")).to_have_count(0)
    chat.get_by_text(QUESTION).wait_for()  # the examples of the first screen again

    page.get_by_role("tab", name="报告库").click()
    table = page.locator("#corpus-table")
    table.get_by_text("大铭乡").first.wait_for()
    assert "共 **" not in page.locator("#corpus-info").inner_text()
    assert re.search(r"共 5 份报告、\d+ 个分块。索引建立时间：\d{4}-\d\d-\d\d", page.locator("#corpus-info").inner_text())

    bad = tmp_path / "不是报告.txt"
    bad.write_text("hello, not a report", encoding="utf-8")
    choose_files(page, "#upload-files", [bad])
    page.locator("#upload").click()
    status = page.locator("#upload-status")
    status.get_by_text("未做任何更改").wait_for()
    assert "不是报告.txt" in status.inner_text() and "no Chinese text" in status.inner_text()
    assert re.search(r"共 5 份报告", page.locator("#corpus-info").inner_text())  # nothing else changed
    page.screenshot(path=shots / "4-corpus.png", full_page=True)


def test_filters_limit_the_sources(server: RealServer, page: Any, shots: Path) -> None:
    enter(page, server)
    page.get_by_text("筛选：乡镇 · 年度 · 章节类型").click()
    page.locator("#f-township input").click()
    page.get_by_role("option", name="共和镇").click()
    page.locator("#f-township").get_by_text("共和镇").first.wait_for()
    page.locator("#header").click()  # close the option list
    ask(page, QUESTION)
    page.locator("#chat").get_by_text("来源").wait_for()
    cited = re.findall(r"^\[\d+\] (\S+) · ", page.locator("#chat .bot").first.inner_text(), re.M)
    assert cited and set(cited) == {"共和镇"}, cited
    page.screenshot(path=shots / "7-filtered.png")


def test_embedded_in_an_intranet_page(server: RealServer, page: Any, shots: Path) -> None:
    """examples/embed.html served by another origin (allowed by RAG_CORS_ORIGINS), as an intranet portal would."""
    page.set_viewport_size({"width": 900, "height": 1500})
    with serve_folder(ROOT / "examples", server.intranet_port) as intranet:
        # Under RAG_API_TOKEN the iframe gets the token; a web component on another origin sends no cookie
        # (Gradio fetches with credentials "same-origin"), so it is shown by the same-origin test below.
        page.goto(f"{intranet}/embed.html?app={server.app}/&token={server.token}")
        frame = page.frame_locator("#chat-iframe")
        ask(frame, "大铭乡2023年法治政府建设存在哪些问题？")
        frame.locator("#chat").get_by_text("来源").wait_for()
        page.locator("#chat-iframe").screenshot(path=shots / "6-embed-iframe.png")


def test_embedded_in_a_page_of_the_same_origin(server: RealServer, page: Any, shots: Path) -> None:
    """Both ways, as a portal behind the same reverse proxy would embed the chat; the token passed once."""
    page.set_viewport_size({"width": 900, "height": 1500})
    _use_embedded_chat(page, f"{server.app}/examples/embed.html?token={server.token}", shots)


def test_the_chat_asks_for_the_token_once(server: RealServer, page: Any) -> None:
    page.goto(server.app + "/")
    page.locator("input[name=token]").fill("wrong")
    page.locator("button[type=submit]").click()
    page.get_by_text("口令不正确").wait_for()
    page.locator("input[name=token]").fill(server.token)
    page.locator("button[type=submit]").click()
    page.locator("#question textarea").wait_for()
    page.goto(server.app + "/")  # the cookie: not asked again
    page.locator("#question textarea").wait_for()


def test_embed_page_is_served_by_the_app_too(server: RealServer, page: Any) -> None:
    page.goto(f"{server.app}/examples/embed.html?token={server.token}")  # no ?app=: the server it came from
    assert page.locator("#app-url").inner_text() == f"{server.app}/"
    page.frame_locator("#chat-iframe").locator("#question textarea").wait_for()
    page.locator("#chat-wc #question textarea").wait_for()


def test_api_docs_render_with_every_off_host_request_blocked(server: RealServer, page: Any, shots: Path) -> None:
    """Swagger UI at /api/docs, as on an intranet that reaches no CDN: it renders the API's operations."""
    off_host: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(server.base):
            route.continue_()
        else:
            off_host.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{server.app}/api/docs")
    for path in ("/api/answer", "/api/search", "/api/reports", "/api/passage"):
        expect(page.locator(f'.opblock-summary-path[data-path="{path}"]').first).to_be_visible()
    page.screenshot(path=shots / "7-api-docs.png")
    assert off_host == []


def _use_embedded_chat(page: Any, url: str, shots: Path) -> None:
    page.goto(url)

    frame = page.frame_locator("#chat-iframe")
    frame.locator("#question textarea").wait_for()

    component = page.locator("#chat-wc")
    ask(component, QUESTION)
    component.locator("#chat").get_by_text("来源").wait_for()
    assert "大铭乡" in component.locator("#chat .bot").first.inner_text()
    page.screenshot(path=shots / "5-embed-web-component.png", full_page=True)

    ask(frame, "大铭乡2023年法治政府建设存在哪些问题？")
    frame.locator("#chat").get_by_text("来源").wait_for()
    page.locator("#chat-iframe").screenshot(path=shots / "6-embed-iframe.png")


HOSTILE = """测试镇2023年法治政府建设工作报告<img src="http://127.0.0.1:{port}/title.png">

一、工作成效
测试镇全面推进依法行政，开展普法宣传活动十二场。

二、存在的问题
测试镇执法人员配备不足<img src="http://127.0.0.1:{port}/b.png" onerror="fetch('http://127.0.0.1:{port}/x')">，[点我](javascript:alert(1))仍需加强培训。

三、下一步计划
测试镇将继续加强执法队伍建设。
"""


def test_report_markup_stays_text_in_the_chat(browser: Any, tmp_path: Path, shots: Path) -> None:
    """A report with an <img> and a javascript: link: shown as text, no request to the image's URL, no link."""
    from rag.config import Settings
    from rag.index import build_index

    trap = free_port()  # nothing listens: a request would still be seen by the browser
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(HOSTILE.format(port=trap), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index([corpus], index_dir=settings.index_dir, embedder=settings.embedder, progress=False)
    server = spawn_server(settings.index_dir, corpus, upload_password="pw-hostile")
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        seen: list[str] = []
        page.on("request", lambda r: seen.append(r.url) if f":{trap}" in r.url else None)
        enter(page, server)
        ask(page, "测试镇存在哪些问题？")
        chat = page.locator("#chat")
        chat.get_by_text("来源").wait_for()
        chat.get_by_text(re.compile(r"查看原文 \[\d+\]")).first.click()
        chat.locator("mark").first.wait_for()
        page.get_by_role("tab", name="报告库").click()
        page.locator("#corpus-table [role=gridcell]").get_by_text("hostile.txt").first.wait_for()
        page.wait_for_timeout(1000)
        # an upload through the chat: the password typed first (the file box sends each file at once, and
        # /gradio_api/upload needs the password too)
        extra = tmp_path / "新增报告.txt"
        extra.write_text("某某镇2023年法治政府建设工作报告。\n一、工作成效\n某某镇开展普法宣传。", encoding="utf-8")
        page.locator("#upload-password input").fill("pw-hostile")
        choose_files(page, "#upload-files", [extra])
        page.locator("#upload").click()
        page.locator("#upload-status").get_by_text("已加入 1 份报告").wait_for()
        page.get_by_role("tab", name="问答").click()
        text = chat.inner_text()
        # shown as the report has it, without escape characters
        assert f'<img src="http://127.0.0.1:{trap}/b.png"' in text and "[点我](javascript:alert(1))" in text, text
        assert chat.locator(f'img[src*=":{trap}"]').count() == 0
        assert page.locator('a[href^="javascript:"]').count() == 0
        assert chat.locator(f'a[href*=":{trap}"]').count() == 0  # no bare-URL link either
        table = page.locator("#corpus-table")
        assert table.locator("img").count() == 0
        page.screenshot(path=shots / "8-hostile-report.png", full_page=True)
        assert seen == []
    finally:
        context.close()
        server.stop()
