"""Helpers for the front-door tests (API, UI, browser): a fake core for the fast tests, a real uvicorn server
in a thread, and the real `rag serve` (a subprocess) over the session's seeds index (conftest's seeds_index)."""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.config import ROOT, get_settings
from rag.models import Answer, Chunk, Citation, Hit, Report

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium (`make browser`), never a browser download
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextmanager
def launch_browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def tree_hash(folder: Path) -> str:
    """One hash of a folder's file names and contents (to show that nothing in it changed)."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        h.update(f.relative_to(folder).as_posix().encode())
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------- isolation


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the index and the corpus at tmp_path (never the repo's index/ or seeds/)."""
    for key in [k for k in os.environ if k.startswith("RAG_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "corpus").mkdir(exist_ok=True)
    get_settings.cache_clear()
    return tmp_path


# ---------------------------------------------------------------- a fake core

SECTION = "四、存在的问题"
TEXT = (
    "大铭乡2023年法治政府建设年度报告\n"
    "一、主要成效\n全面推行行政执法“三项制度”，执法案卷评查合格率100%。\n"
    f"{SECTION}\n"
    "一是法治宣传形式单一。随着行政执法重心向乡下移，现有基层的行政执法人员配备不足。"
    "同时，部分执法人员法律和业务能力不足，执法水平不高。\n"
    "五、下一步计划\n加强执法队伍建设<script>alert(1)</script>。"
)
QUOTE = "随着行政执法重心向乡下移，现有基层的行政执法人员配备不足。"
SOURCE = "003_daming.txt"


def _chunk(i: int, section: str, kind: str, start: int, end: int) -> Chunk:
    return Chunk(id=f"{SOURCE}#{i}", section=section, kind=kind, start=start, end=end, text=TEXT[start:end])  # type: ignore[arg-type]


def fake_report() -> Report:
    s1 = TEXT.index("一、主要成效")
    s2 = TEXT.index(SECTION)
    mid = TEXT.index("同时，")
    s3 = TEXT.index("五、下一步计划")
    chunks = [
        _chunk(0, "一、主要成效", "achievements", s1, s2),
        _chunk(1, SECTION, "problems", s2, mid),
        _chunk(2, SECTION, "problems", mid, s3),
        _chunk(3, "五、下一步计划", "plans", s3, len(TEXT)),
    ]
    return Report(source=SOURCE, township="大铭乡", county="德化县", province="福建省", year=2023,
                  date="2024-01-10", title="大铭乡2023年法治政府建设年度报告", text=TEXT, chunks=chunks)


def fake_citation(n: int = 1) -> Citation:
    start = TEXT.index(QUOTE)
    return Citation(n=n, township="大铭乡", county="德化县", year=2023, source=SOURCE, section=SECTION,
                    kind="problems", quote=QUOTE, start=start, end=start + len(QUOTE), score=0.9,
                    chunk_id=f"{SOURCE}#1")


def fake_answer(question: str) -> Answer:
    return Answer(question=question, text="大铭乡提到基层行政执法人员配备不足[1]。", found=True,
                  citations=[fake_citation()], considered=1)


def fake_hit() -> Hit:
    c = fake_citation()
    return Hit(rank=1, score=0.9, chunk_id=c.chunk_id, township=c.township, county=c.county, year=c.year,
               source=c.source, section=c.section, kind=c.kind, start=c.start, end=c.end, text=c.quote)


class FakeQuestionError(ValueError):
    pass


class FakeIndexStoreError(RuntimeError):
    pass


@dataclass
class FakeCore:
    """Records every call; `fail` makes the next answer, search or index load raise it."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail: Exception | None = None
    built: list[dict[str, Any]] = field(default_factory=list)
    report: Report = field(default_factory=fake_report)

    def answer_stream(self, question: str, *, filters: Any = None, history: Any = None) -> Iterator[str | Answer]:
        self.calls.append(("answer", {"question": question, "filters": filters, "history": history}))
        if self.fail is not None:
            raise self.fail
        final = fake_answer(question)
        yield from (final.text[:6], final.text[6:])
        yield final

    def answer(self, question: str, *, filters: Any = None, history: Any = None) -> Answer:
        *_, last = self.answer_stream(question, filters=filters, history=history)
        assert isinstance(last, Answer)
        return last

    def search(self, query: str, k: int = 10, filters: Any = None) -> list[Hit]:
        self.calls.append(("search", {"query": query, "k": k, "filters": filters}))
        if self.fail is not None:
            raise self.fail
        return [fake_hit()]

    def build_index(self, paths: Any = None, **kwargs: Any) -> Any:
        from rag.index.build import BuildStats

        self.built.append({"paths": paths, **kwargs})
        return BuildStats(index_dir=str(kwargs.get("index_dir")), embedder="fake", reports=2, chunks=8)

    def get_index(self, settings: Any = None) -> Any:
        if self.fail is not None:
            raise self.fail
        manifest = types.SimpleNamespace(built_at="2024-05-01T08:00:00+00:00")
        return types.SimpleNamespace(reports={self.report.source: self.report}, manifest=manifest)


def install_fake_core(monkeypatch: pytest.MonkeyPatch) -> FakeCore:
    """Replace rag.answer, rag.retrieve and rag.index (as the doors import them) with a FakeCore."""
    import rag.index.build  # noqa: F401  (the real BuildStats, before rag.index is replaced)

    core = FakeCore()
    answer_mod = types.ModuleType("rag.answer")
    answer_mod.answer = core.answer  # type: ignore[attr-defined]
    answer_mod.answer_stream = core.answer_stream  # type: ignore[attr-defined]
    answer_mod.QuestionError = FakeQuestionError  # type: ignore[attr-defined]
    retrieve_mod = types.ModuleType("rag.retrieve")
    retrieve_mod.search = core.search  # type: ignore[attr-defined]
    index_mod = types.ModuleType("rag.index")
    index_mod.get_index = core.get_index  # type: ignore[attr-defined]
    index_mod.build_index = core.build_index  # type: ignore[attr-defined]
    index_mod.IndexStoreError = FakeIndexStoreError  # type: ignore[attr-defined]
    for name, mod in (("rag.answer", answer_mod), ("rag.retrieve", retrieve_mod), ("rag.index", index_mod)):
        monkeypatch.setitem(sys.modules, name, mod)
    return core


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, lifespan: str = "off") -> Iterator[str]:
    """A real uvicorn server on a free 127.0.0.1 port, in a thread; yields its base URL. The chat's queue
    answers only with lifespan="on" (Gradio starts it at start-up)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_folder(folder: Path, port: int) -> Iterator[str]:
    """A tiny static web server for `folder` on 127.0.0.1:port (another origin than the app)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


ROOT_PATH = "/fazhi"
API_TOKEN = "test-token-3f9a"


@dataclass
class RealServer:
    """`rag serve` in a subprocess, over the seeds copied into a temp corpus, with a token and a sub-path."""

    base: str  # http://127.0.0.1:PORT (the server answers both at / and at ROOT_PATH)
    app: str  # the chat as a reverse proxy under ROOT_PATH would forward it: base + ROOT_PATH
    token: str
    intranet_port: int  # an "intranet page" origin, http://127.0.0.1:<port>, allowed by RAG_CORS_ORIGINS
    workdir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


_REAL: RealServer | None = None


def real_server(index_dir: Path, corpus_dir: Path) -> RealServer:
    """The one real server of this test session, started on first use over an index already built."""
    global _REAL
    if _REAL is not None and _REAL.process.poll() is None:
        return _REAL
    _REAL = spawn_server(index_dir, corpus_dir)
    return _REAL


def spawn_server(index_dir: Path, corpus_dir: Path, **settings: str) -> RealServer:
    """`rag serve` in a subprocess over this index, with API_TOKEN and ROOT_PATH (and `settings` as RAG_*)."""
    workdir = Path(tempfile.mkdtemp(prefix="rag-serve-"))
    port, intranet_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_INDEX_DIR=str(index_dir), RAG_CORPUS_DIR=str(corpus_dir), RAG_DATA_DIR=str(workdir / "data"),
               RAG_API_TOKEN=API_TOKEN,
               RAG_CORS_ORIGINS=f"http://127.0.0.1:{intranet_port}", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONUNBUFFERED="1")
    env.update({f"RAG_{k.upper()}": v for k, v in settings.items()})
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--root-path", ROOT_PATH],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    server = RealServer(base, base + ROOT_PATH, API_TOKEN, intranet_port, workdir, log, process)
    atexit.register(server.stop)
    _wait_ready(server)
    return server


def _wait_ready(server: RealServer, timeout: float = 180) -> None:
    """Wait until the server is up and has loaded the index."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"rag serve exited:\n{server.log.read_text(errors='replace')[-3000:]}")
        try:
            health = httpx.get(server.base + "/healthz", timeout=2).json()
            if health.get("index"):
                # the first /api/reports call waits for the index to load
                httpx.get(server.base + "/api/reports", headers=auth(server.token), timeout=120).raise_for_status()
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"rag serve not ready in {timeout} s:\n{server.log.read_text(errors='replace')[-3000:]}")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def parse_sse(body: str) -> list[tuple[str, str]]:
    """[(event, data)] from a text/event-stream body."""
    events = []
    for block in body.strip().split("\n\n"):
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        events.append((name, "\n".join(data)))
    return events


def choose_files(page: Any, box: str, files: list[Path], timeout_ms: int = 30_000, tries: int = 3) -> None:
    """Put ``files`` into the Gradio file box ``box`` (a CSS selector) and wait until it shows their names.

    Gradio binds the hidden input's change handler only once the box has rendered; a file set before that (right
    after a tab switch, on a loaded machine) is dropped without a trace, and a user would simply choose it again.
    So the box is awaited first, and the choice is made again when no name shows within ``timeout_ms``."""
    page.locator(box).wait_for(state="visible")
    last: Exception | None = None
    for _ in range(tries):
        page.locator(f"{box} input[type=file]").set_input_files([str(f) for f in files])
        try:
            for f in files:
                page.locator(box).get_by_text(f.name).first.wait_for(timeout=timeout_ms)
            return
        except Exception as e:  # playwright's TimeoutError: choose again
            last = e
    assert last is not None
    raise last
