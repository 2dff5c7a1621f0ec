"""Issue 10, as an attacker and a careless operator would try it: the chat behind the API's credential, bounded
work per file and per question, a damaged index that says what to do, odd uploads refused with a reason.

The browser half (report markup inert in the real chat) is in test_browser.py."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_helpers import serve_in_thread
from click.testing import CliRunner

from rag.config import Settings, get_settings

TOKEN = "sec-test-token-7c1d"

# ---------------------------------------------------------------- one access rule for every door


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a real port with RAG_API_TOKEN set (no index: the access rule comes first)."""
    from rag.server import create_app

    folder = tmp_path_factory.mktemp("guarded")
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index", api_token=TOKEN,
                        upload_batch_mb=0.05, upload_daily_mb=0.12)
    with serve_in_thread(create_app(settings)) as base:
        yield base


JOIN = {"data": ["哪些乡镇提到执法人员不足？", [], None, None, None], "fn_index": 0, "session_hash": "abc123"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/gradio_api/queue/join", JOIN),
    ("post", "/gradio_api/queue/join", {**JOIN, "fn_index": 6, "data": []}),
    ("post", "/gradio_api/run/predict", {"data": []}),
    ("post", "/gradio_api/call/predict", {"data": []}),
    ("get", "/gradio_api/queue/data?session_hash=abc123", None),
    ("get", "/config", None),
    ("get", "/gradio_api/info", None),
])
def test_gradio_endpoints_refuse_a_request_without_the_credential(guarded: str, method: str, path: str,
                                                                  body: Any) -> None:
    r = httpx.request(method, guarded + path, json=body, timeout=30)
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "unauthorized"
    wrong = httpx.request(method, guarded + path, json=body, timeout=30,
                          headers={"Authorization": "Bearer not-it"}, cookies={"rag_token": "not-it"})
    assert wrong.status_code == 401


def test_upload_endpoint_refuses_without_the_credential(guarded: str) -> None:
    r = httpx.post(guarded + "/gradio_api/upload", files={"files": ("a.txt", b"x" * 100)}, timeout=30)
    assert r.status_code == 401


def test_the_chat_page_asks_once_then_the_cookie_opens_every_door(guarded: str) -> None:
    page = httpx.get(guarded + "/", timeout=30)
    assert page.status_code == 401 and 'name="token"' in page.text and "<gradio-app" not in page.text

    wrong = httpx.post(guarded + "/login", data={"token": "guess"}, timeout=30)
    assert wrong.status_code == 401 and "口令不正确" in wrong.text and "rag_token" not in wrong.headers.get("set-cookie", "")

    with httpx.Client(base_url=guarded, timeout=30) as browser:
        login = browser.post("/login", data={"token": TOKEN})
        assert login.status_code == 303 and login.headers["location"] == "/"
        assert "HttpOnly" in login.headers["set-cookie"] and "SameSite=Lax" in login.headers["set-cookie"]
        assert browser.get("/").status_code == 200
        assert browser.get("/config").status_code == 200


def test_an_embedding_page_passes_the_token_once_in_the_address(guarded: str) -> None:
    with httpx.Client(base_url=guarded, timeout=30) as frame:
        r = frame.get("/", params={"token": TOKEN, "lang": "zh"})
        assert r.status_code == 303 and r.headers["location"] == "/?lang=zh"  # the token leaves the address
        assert frame.get("/?lang=zh").status_code == 200
    assert httpx.get(guarded + "/", params={"token": "guess"}, timeout=30).status_code == 401


def test_bearer_header_opens_the_chat_endpoints_too(guarded: str) -> None:
    r = httpx.get(guarded + "/config", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert r.status_code == 200


def test_health_and_static_files_stay_open(guarded: str) -> None:
    assert httpx.get(guarded + "/healthz", timeout=30).status_code == 200
    assert httpx.get(guarded + "/gradio.js", timeout=30).status_code == 200
    assert httpx.get(guarded + "/api/reports", timeout=30).status_code == 401  # the API's own check


def test_uploads_are_capped_per_batch_and_per_day(guarded: str) -> None:
    cookies = {"rag_token": TOKEN}
    big = httpx.post(guarded + "/gradio_api/upload", files={"files": ("a.txt", b"x" * 60_000)}, cookies=cookies,
                     timeout=30)
    assert big.status_code == 413 and "RAG_UPLOAD_BATCH_MB" in big.json()["message"]
    sizes = []
    for _ in range(4):  # 40 KB each: the daily 0.12 MB allows three
        r = httpx.post(guarded + "/gradio_api/upload", files={"files": ("a.txt", b"x" * 40_000)}, cookies=cookies,
                       timeout=30)
        sizes.append(r.status_code)
    assert sizes[:2] == [200, 200] and sizes[-1] == 413, sizes


def test_upload_endpoint_needs_the_upload_password_whichever_door(tmp_path: Path) -> None:
    from rag.server import create_app

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", upload_password="pw-9")
    with serve_in_thread(create_app(settings)) as base:
        url, files = base + "/gradio_api/upload", {"files": ("a.txt", b"x" * 100)}
        refused = httpx.post(url, files=files, timeout=30)
        assert refused.status_code == 403 and "RAG_UPLOAD_PASSWORD" in refused.json()["message"]
        assert httpx.post(url, files=files, cookies={"rag_upload": "guess"}, timeout=30).status_code == 403
        assert httpx.post(url, files=files, cookies={"rag_upload": "pw-9"}, timeout=30).status_code == 200


def test_daily_budget_starts_again_the_next_day(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.access import DailyBudget

    budget = DailyBudget(100)
    assert budget.take(60) and not budget.take(60)
    monkeypatch.setattr(time, "strftime", lambda fmt, t=None: "2999-01-01")
    assert budget.take(60)


def test_no_token_no_login(tmp_path: Path) -> None:
    from rag.server import create_app

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    with serve_in_thread(create_app(settings)) as base:
        assert httpx.get(base + "/config", timeout=30).status_code == 200


# ---------------------------------------------------------------- bounded work per file


def test_deeply_nested_html_is_refused_in_seconds(tmp_path: Path) -> None:
    from rag.ingest import IngestError, load_report

    path = tmp_path / "deep.html"
    n = 100_000
    path.write_text("<html><body>" + "<div>" * n + "某某镇法治政府建设工作报告。" * 50 + "</div>" * n + "</body></html>",
                    encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(IngestError, match="nested .* levels deep, over the 256"):
        load_report(path)
    assert time.perf_counter() - t0 < 10


def test_ordinary_nesting_is_still_read(tmp_path: Path) -> None:
    from rag.ingest.loaders import load_html

    body = "<div>" * 40 + "<p>某某镇二〇二三年法治政府建设工作报告正文。</p>" + "</div>" * 40
    assert "法治政府建设" in load_html(tmp_path / "p.html", f"<html><body>{body}</body></html>".encode())


def test_parse_time_budget_is_a_setting_named_in_the_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.ingest import IngestError
    from rag.ingest.loaders import load_text

    monkeypatch.setenv("RAG_PARSE_SECONDS", "0.000001")
    get_settings.cache_clear()
    page = "<html><body>" + "<div><p>某某镇法治政府建设。</p></div>" * 2000 + "</body></html>"
    with pytest.raises(IngestError, match=r"parse budget \(RAG_PARSE_SECONDS\)"):
        load_text(tmp_path / "slow.html", page.encode())


def test_a_long_text_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.ingest import IngestError, load_report

    monkeypatch.setenv("RAG_MAX_TEXT_MB", "0.1")
    get_settings.cache_clear()
    path = tmp_path / "long.txt"
    path.write_text("某某镇法治政府建设工作。\n" * 20_000, encoding="utf-8")  # ~0.7 MB
    t0 = time.perf_counter()
    with pytest.raises(IngestError, match=r"over the 0\.10 MB limit, RAG_MAX_TEXT_MB"):
        load_report(path)
    assert time.perf_counter() - t0 < 0.5


# ---------------------------------------------------------------- bounded history


def test_history_keeps_the_last_turns_and_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.answer import _check_history

    monkeypatch.setenv("RAG_HISTORY_TURNS", "2")
    monkeypatch.setenv("RAG_HISTORY_CHARS", "10")
    get_settings.cache_clear()
    history = []
    for i in range(5):
        history += [{"role": "user", "content": f"问{i}"}, {"role": "assistant", "content": f"答{i}" + "长" * 5}]
    kept = _check_history(history)
    # 2 turns = 4 messages at most; 10 characters newest first: 答4长长长长长 (7), 问4 (2), then 1 of 答3…
    assert kept == [{"role": "assistant", "content": "答"}, {"role": "user", "content": "问4"},
                    {"role": "assistant", "content": "答4长长长长长"}]
    monkeypatch.setenv("RAG_HISTORY_TURNS", "0")
    get_settings.cache_clear()
    assert _check_history(history) == []


@pytest.mark.slow
def test_a_20000_character_history_message_is_answered_in_under_a_second(use_seeds_index: Path) -> None:
    from rag.answer import answer

    answer("哪些乡镇提到执法人员不足？")  # load the index and the model first
    history = [{"role": "user", "content": "大铭乡的执法情况" * 2500},  # 20,000 characters
               {"role": "assistant", "content": "大铭乡提到执法人员不足。"}]
    t0 = time.perf_counter()
    a = answer("那存在哪些问题？", history=history)
    assert time.perf_counter() - t0 < 1.0
    assert a.text


# ---------------------------------------------------------------- a damaged index


INDEX_FILES = ["manifest.json", "reports.json", "vectors.npy", "sentence_vectors.npy", "sentence_spans.npy",
               "places.json", "dense.faiss"]


@pytest.fixture
def damaged(request: pytest.FixtureRequest, seeds_index: Path, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real seeds index with one file cut to half its size; settings point at it."""
    from rag.index import clear_index_cache
    from rag.index.store import read_manifest

    index_dir = tmp_path / "damaged-index"
    shutil.copytree(seeds_index, index_dir)
    manifest = read_manifest(index_dir)
    assert manifest is not None
    name = request.param
    path = index_dir / name if name == "manifest.json" else index_dir / manifest.generation / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    monkeypatch.setenv("RAG_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(seeds_index.parent / "corpus"))
    get_settings.cache_clear()
    clear_index_cache()
    return index_dir


REBUILD = "run `rag index --rebuild`"


@pytest.mark.parametrize("damaged", INDEX_FILES, indirect=True)
def test_each_truncated_index_file_gives_the_rebuild_message_at_every_door(damaged: Path) -> None:
    from fastapi.testclient import TestClient

    from rag.cli import cli
    from rag.index import IndexStoreError, load_index
    from rag.server import create_app

    with pytest.raises(IndexStoreError, match="is damaged .*" + REBUILD.replace("`", ".")):
        load_index(damaged)

    runner = CliRunner()
    for args in (["ask", "哪些乡镇提到执法人员不足？"], ["index"]):  # the incremental `rag index` too
        result = runner.invoke(cli, args)
        assert result.exit_code != 0 and not isinstance(result.exception, IndexStoreError)
        assert REBUILD in result.output and "Traceback" not in result.output, result.output

    app = create_app(get_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post("/api/answer", json={"question": "哪些乡镇提到执法人员不足？"})
        assert r.status_code == 503 and REBUILD in r.json()["message"], r.text
        streamed = client.post("/api/answer", json={"question": "哪些乡镇提到执法人员不足？", "stream": True})
        assert "event: error" in streamed.text and "index_unavailable" in streamed.text and REBUILD in streamed.text
        health = client.get("/healthz").json()
        assert health["index"] is False and REBUILD in health["index_problem"]


@pytest.mark.parametrize("damaged", ["vectors.npy"], indirect=True)
def test_the_chat_shows_the_same_message(damaged: Path) -> None:
    import gradio as gr

    from rag import ui

    with pytest.raises(gr.Error) as err:
        list(ui.respond("哪些乡镇提到执法人员不足？", [], None, None, None))
    assert REBUILD in err.value.message and "JSONDecodeError" not in err.value.message


def test_an_altered_file_of_the_same_size_is_found_by_its_hash(seeds_index: Path, tmp_path: Path) -> None:
    from rag.index import IndexStoreError, load_index
    from rag.index.store import index_problem, read_manifest

    index_dir = tmp_path / "index-copy"
    shutil.copytree(seeds_index, index_dir)
    manifest = read_manifest(index_dir)
    assert manifest is not None and "places.json" in manifest.contents
    path = index_dir / manifest.generation / "places.json"
    data = bytearray(path.read_bytes())
    data[-2] = ord(" ") if data[-2] != ord(" ") else ord("\t")
    path.write_bytes(bytes(data))
    assert index_problem(index_dir) is None  # /healthz checks sizes only: cheap
    with pytest.raises(IndexStoreError, match="has changed since it was written"):
        load_index(index_dir)


# ---------------------------------------------------------------- uploads


@pytest.mark.parametrize(("name", "reason"), [
    (".hidden_report.txt", "隐藏文件"),
    ("~$report.docx", "隐藏文件"),
    ("a\x07b.txt", "控制字符"),
    ("a" * 125 + ".txt", "文件名过长"),
])
def test_odd_upload_names_are_refused_with_a_reason(tmp_path: Path, name: str, reason: str) -> None:
    from rag.corpus import add_reports

    folder = tmp_path / "incoming"
    folder.mkdir()
    path = folder / name
    path.write_text("某某镇2023年法治政府建设工作报告。\n一、工作成效\n依法行政。", encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    result = add_reports([path], settings)
    assert not result.ok and not result.added and reason in result.message
    assert not (settings.corpus_dir / "uploads").exists()


def test_an_upload_batch_over_the_cap_changes_nothing(tmp_path: Path) -> None:
    from rag.corpus import add_reports

    path = tmp_path / "report.txt"
    path.write_text("某某镇法治政府建设工作报告。\n" * 5000, encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", upload_batch_mb=0.01)
    result = add_reports([path], settings)
    assert not result.ok and "RAG_UPLOAD_BATCH_MB" in result.message
    assert not (settings.corpus_dir / "uploads").exists()


def test_a_second_build_says_it_waits(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import threading

    from rag.index.store import build_lock

    entered = threading.Event()
    with build_lock(tmp_path):
        worker = threading.Thread(target=lambda: [entered.set() for _ in [build_lock(tmp_path).__enter__()]])
        worker.start()
        time.sleep(0.3)
        assert not entered.is_set()
        assert "waiting for the build in progress" in capfd.readouterr().err
    worker.join(timeout=5)
    assert entered.is_set()


# ---------------------------------------------------------------- concurrency


def chat_ask(base: str, question: str) -> dict[str, Any]:
    """One question through the chat's own door (queue/join, then its event stream); the final message."""
    import json
    import secrets

    session = secrets.token_hex(8)
    with httpx.Client(base_url=base, timeout=60) as client:
        join = client.post("/gradio_api/queue/join", json={
            "data": [question, None, [], [], []], "fn_index": 0, "session_hash": session, "event_data": None})
        assert join.status_code == 200, join.text
        with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "process_completed":
                        return dict(msg)
    raise AssertionError("no answer")


@pytest.mark.slow
def test_a_slow_llm_answer_does_not_block_other_chat_users(use_seeds_index: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from fake_openai import fake_openai_server

    from rag.server import create_app

    with fake_openai_server(["大铭乡提到执法人员不足[1]。"], mode="slow", delay=4.0) as llm:
        monkeypatch.setenv("RAG_LLM_BASE_URL", llm.base_url)
        monkeypatch.setenv("RAG_LLM_MODEL", "fake")
        monkeypatch.setenv("RAG_LLM_TIMEOUT", "20")
        get_settings.cache_clear()
        with serve_in_thread(create_app(get_settings()), lifespan="on") as base:
            chat_ask(base, "火星基地的建设情况如何？")  # warm: index and model loaded
            slow: dict[str, Any] = {}
            started = time.perf_counter()
            worker = threading.Thread(target=lambda: slow.update(chat_ask(base, "哪些乡镇提到执法人员不足？")))
            worker.start()
            deadline = time.monotonic() + 10
            while not llm.requests and time.monotonic() < deadline:  # the slow answer is at the LLM
                time.sleep(0.05)
            assert llm.requests
            t0 = time.perf_counter()
            other = chat_ask(base, "火星基地的建设情况如何？")  # found nothing: extractive, no LLM
            assert other["success"] and time.perf_counter() - t0 < 2.0
            worker.join(timeout=30)
            assert slow.get("success") and time.perf_counter() - started >= 4.0


@pytest.mark.parametrize(("path", "open_"), [
    ("/healthz", True), ("/api/answer", True), ("/api", True), ("/assets/index.js", True), ("/login", True),
    ("/apix", False), ("/healthz/x", False), ("/gradio_api/upload", False), ("/config", False), ("/", False),
    ("/gradio_api/file=/etc/passwd", False), ("/examples/other.html", False),
])
def test_only_health_static_and_the_api_skip_the_chat_credential(path: str, open_: bool) -> None:
    from rag.access import is_open

    assert is_open(path) is open_
