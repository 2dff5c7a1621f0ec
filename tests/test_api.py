"""The HTTP door. In-process (TestClient, a fake core, table-driven) and over real HTTP against the real
`rag serve` over the seeds (a real uvicorn server on 127.0.0.1, the real answer())."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_helpers import (
    QUOTE,
    ROOT_PATH,
    SOURCE,
    FakeCore,
    FakeIndexStoreError,
    FakeQuestionError,
    RealServer,
    auth,
    install_fake_core,
    isolate,
    parse_sse,
    real_server,
    serve_in_thread,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rag.config import Settings, get_settings
from rag.models import Answer, Filters

QUESTION = "哪些乡镇提到执法人员不足？"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def app() -> FastAPI:
    from rag.server import create_app

    return create_app(Settings(index_dir=Path("/nonexistent/index"), corpus_dir=Path("/nonexistent/corpus")))


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch) -> FakeCore:
    return install_fake_core(monkeypatch)


@pytest.fixture
def client(app: FastAPI, core: FakeCore) -> Iterator[TestClient]:
    settings = app.state.settings
    yield TestClient(app)
    app.state.settings = settings


# ---------------------------------------------------------------- in-process, fake core


def test_answer_returns_answer_json(client: TestClient, core: FakeCore) -> None:
    history = [{"role": "user", "content": "大铭乡呢？"}, {"role": "assistant", "content": "……"}]
    r = client.post("/api/answer", json={"question": f"  {QUESTION} ", "filters": {"year": 2023, "kind": "problems"},
                                         "history": history})
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert answer.citations[0].township == "大铭乡"
    assert answer.citations[0].quote == QUOTE
    assert core.calls == [("answer", {"question": QUESTION, "filters": Filters(year=2023, kind="problems"),
                                      "history": history})]


def test_answer_streams_server_sent_events(client: TestClient) -> None:
    with client.stream("POST", "/api/answer", json={"question": QUESTION, "stream": True}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(r.read().decode())
    names = [name for name, _ in events]
    assert names == ["delta", "delta", "answer"]
    streamed = "".join(json.loads(data)["text"] for name, data in events if name == "delta")
    final = Answer.model_validate_json(events[-1][1])
    assert streamed == final.text
    assert final.citations[0].township == "大铭乡"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "question"),
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "问" * 2001}, "question"),
        ({"question": 123}, "question"),
        ({"question": ["a"]}, "question"),
        ({"question": "q", "filters": {"colour": "red"}}, "filters.colour"),
        ({"question": "q", "filters": {"year": "abc"}}, "filters.year"),
        ({"question": "q", "filters": {"kind": "bogus"}}, "filters.kind"),
        ({"question": "q", "filters": "大铭乡"}, "filters"),
        ({"question": "q", "history": "earlier"}, "history"),
        ({"question": "q", "history": [{"role": "bot", "content": "x"}]}, "history.0.role"),
        ({"question": "q", "history": [{"role": "user"}]}, "history.0.content"),
        ({"question": "q", "stream": "yes"}, "stream"),
        ({"question": "q", "top_k": 3}, "top_k"),
        (["q"], "body"),
    ],
)
def test_answer_rejects_bad_requests_naming_the_field(client: TestClient, core: FakeCore, body: Any, field: str) -> None:
    r = client.post("/api/answer", json=body)
    assert r.status_code == 422, r.text
    error = r.json()
    assert error["error"] == "invalid_request"
    assert error["field"] == field
    assert field in error["message"]
    assert core.calls == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b"", "application/json"), (b"question=q", "application/x-www-form-urlencoded")],
)
def test_malformed_bodies_get_a_json_error(client: TestClient, content: bytes, content_type: str) -> None:
    r = client.post("/api/answer", content=content, headers={"content-type": content_type})
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_request"
    assert r.json()["field"] == "body"


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/api/answer", {"question": QUESTION}, "history: too many turns"),
    ("/api/search", {"query": QUESTION}, "filters.township: no such township"),
])
def test_core_input_errors_are_422(client: TestClient, core: FakeCore, path: str, body: dict[str, Any],
                                   message: str) -> None:
    core.fail = FakeQuestionError(message)
    r = client.post(path, json=body)
    assert r.status_code == 422
    assert r.json()["field"] == message.split(":")[0] and r.json()["message"] == message


def test_unexpected_errors_are_json_500(client: TestClient, core: FakeCore) -> None:
    core.fail = RuntimeError("boom")
    r = TestClient(client.app, raise_server_exceptions=False).post("/api/answer", json={"question": QUESTION})
    assert r.status_code == 500
    assert r.json() == {"error": "internal_error", "message": "RuntimeError: the request failed", "field": None,
                        "errors": []}


def test_index_problems_are_503_with_their_message(client: TestClient, core: FakeCore) -> None:
    core.fail = FakeIndexStoreError("index in /x was built with another embedder: run `rag index --rebuild`")
    r = TestClient(client.app, raise_server_exceptions=False).get("/api/reports")
    assert r.status_code == 503
    assert r.json()["error"] == "index_unavailable"
    assert "rag index --rebuild" in r.json()["message"]


def test_stream_reports_errors_as_an_event(client: TestClient, core: FakeCore) -> None:
    core.fail = RuntimeError("boom")
    r = client.post("/api/answer", json={"question": QUESTION, "stream": True})
    assert [name for name, _ in parse_sse(r.text)] == ["error"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"query": "执法人员不足"}, 200, None),
        ({"query": "执法人员不足", "k": 3, "filters": {"township": ["大铭乡"]}}, 200, None),
        ({"query": ""}, 422, "query"),
        ({"query": "q", "k": 0}, 422, "k"),
        ({"query": "q", "k": "many"}, 422, "k"),
        ({"question": "q"}, 422, "query"),
    ],
)
def test_search(client: TestClient, core: FakeCore, body: dict[str, Any], status: int, field: str | None) -> None:
    r = client.post("/api/search", json=body)
    assert r.status_code == status, r.text
    if status == 200:
        assert r.json()[0]["township"] == "大铭乡"
        assert core.calls[0][1]["k"] == body.get("k", 10)
    else:
        assert r.json()["field"] == field


@pytest.mark.parametrize(("method", "path", "status", "allow"), [
    ("GET", "/api/answer", 405, "POST"),
    ("GET", "/api/search", 405, "POST"),
    ("PUT", "/api/reports", 405, "GET, POST"),
    ("GET", "/api/reports/a.txt/meta", 405, "PATCH, DELETE"),  # DELETE: a report named a.txt/meta
    ("DELETE", "/api/passage", 405, "GET"),
    ("PUT", "/api/docs", 405, "GET"),
    ("POST", "/api/openapi.json", 405, "GET, HEAD"),
    ("GET", "/api/nope", 404, None),
    ("POST", "/api/nope/deeper", 404, None),
    ("GET", "/api", 404, None),
    ("GET", "/api/", 404, None),
    ("GET", "/api/docs/assets/nope.js", 404, None),
])
@pytest.mark.parametrize("root_path", ["", ROOT_PATH])
def test_every_path_under_api_answers_with_the_error_body(core: FakeCore, root_path: str, method: str, path: str,
                                                          status: int, allow: str | None) -> None:
    """Not the chat's {"detail": "Not Found"} (Gradio is mounted at /): the API's own ErrorBody."""
    from rag.api import ErrorBody
    from rag.server import create_app

    client = TestClient(create_app(Settings(root_path=root_path)))
    for prefix in {"", root_path}:
        r = client.request(method, prefix + path)
        assert r.status_code == status, r.text
        assert set(r.json()) == set(ErrorBody.model_fields)
        body = ErrorBody.model_validate(r.json())
        assert body.error == {404: "not_found", 405: "method_not_allowed"}[status]
        assert r.headers.get("allow") == allow
        if allow:
            assert body.message == f"{method} is not allowed on {prefix}{path}; use {allow}"
        elif not path.startswith("/api/docs/assets"):
            assert body.message == f"no API endpoint {prefix}{path} (the API is described at {root_path}/api/docs)"
    assert client.post(f"{root_path}/api/search", json={"query": QUESTION}).status_code == 200  # still routed


def test_reports_lists_metadata_chunk_counts_and_build_date(client: TestClient) -> None:
    r = client.get("/api/reports")
    assert r.status_code == 200
    body = r.json()
    assert body["built_at"] == "2024-05-01T08:00:00+00:00"
    assert body["count"] == 1
    assert body["reports"][0] == {
        "source": SOURCE, "township": "大铭乡", "county": "德化县", "province": "福建省", "year": 2023,
        "date": "2024-01-10", "title": "大铭乡2023年法治政府建设年度报告", "chunks": 4, "own": False,
    }


def test_passage_shows_the_quote_in_its_section(client: TestClient, core: FakeCore) -> None:
    start = core.report.text.index(QUOTE)
    r = client.get("/api/passage", params={"source": SOURCE, "start": start, "end": start + len(QUOTE)})
    assert r.status_code == 200
    p = r.json()
    assert p["text"][p["mark_start"]:p["mark_end"]] == QUOTE
    assert p["section"] == "四、存在的问题"
    assert "部分执法人员法律和业务能力不足" in p["text"]  # the section's second chunk too
    assert "主要成效" not in p["text"] and "下一步计划" not in p["text"]  # not other sections
    assert client.get("/api/passage", params={"source": "nope.txt", "start": 0, "end": 5}).status_code == 404
    assert client.get("/api/passage", params={"source": SOURCE, "start": -1, "end": 5}).json()["field"] == "start"


@pytest.mark.parametrize(
    ("token", "header", "status"),
    [
        (None, None, 200),
        (None, "Bearer anything", 200),
        ("s3cret", None, 401),
        ("s3cret", "Bearer wrong", 401),
        ("s3cret", "Basic s3cret", 401),
        ("s3cret", "s3cret", 401),
        ("s3cret", "Bearer s3cret", 200),
        ("s3cret", "bearer s3cret", 200),
    ],
)
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/answer", {"question": QUESTION}),
    ("POST", "/api/search", {"query": QUESTION}),
    ("GET", "/api/reports", None),
])
def test_token(client: TestClient, token: str | None, header: str | None, status: int, method: str, path: str,
               body: dict[str, Any] | None) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"api_token": token})  # type: ignore[attr-defined]
    headers = {"Authorization": header} if header else {}
    r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == status, r.text
    if status == 401:
        assert r.json()["error"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"


def test_token_is_checked_before_the_body(client: TestClient, core: FakeCore) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"api_token": "s3cret"})  # type: ignore[attr-defined]
    assert client.post("/api/answer", json={"question": ""}).status_code == 401
    assert core.calls == []


@pytest.mark.parametrize("path", ["/healthz", "/api/docs", "/api/openapi.json", "/", "/gradio.js", "/examples/embed.html"])
def test_open_pages_need_no_token(client: TestClient, path: str) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"api_token": "s3cret"})  # type: ignore[attr-defined]
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("root_path", ["", ROOT_PATH])
def test_docs_page_works_offline(core: FakeCore, root_path: str) -> None:
    """/api/docs loads Swagger UI from this app, never from a CDN, under a sub-path too."""
    from rag.server import create_app

    client = TestClient(create_app(Settings(root_path=root_path)))
    for prefix in {"", root_path}:  # a proxy that strips the prefix, and one that keeps it
        page = client.get(f"{prefix}/api/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text
        assert "cdn." not in page.text and "http" not in page.text  # no asset off-host, no scheme at all
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        spec = re.findall(r"url: '([^']+)'", page.text)
        assert len(assets) == 3 and spec == [f"{root_path}/api/openapi.json"]
        for url in [*assets, *spec]:
            assert url.startswith(f"{root_path}/api/"), url
            r = client.get(url)
            assert r.status_code == 200 and r.content, url
        assert "SwaggerUIBundle" in client.get(f"{root_path}/api/docs/assets/swagger-ui-bundle.js").text


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/answer", "/api/search", "/api/reports", "/healthz"} <= set(spec["paths"])
    assert "422" in spec["paths"]["/api/answer"]["post"]["responses"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert "法治报告问答" in client.get("/").text  # the chat is mounted at /


def test_sub_path_behind_a_reverse_proxy(core: FakeCore) -> None:
    from rag.server import create_app

    client = TestClient(create_app(Settings(root_path="fazhi/")))
    for prefix in ("", ROOT_PATH):  # a proxy that strips the prefix, and one that keeps it
        assert client.get(f"{prefix}/api/reports").status_code == 200
        assert client.get(f"{prefix}/healthz").json()["status"] == "ok"
        assert client.get(f"{prefix}/config").json()["root"] == f"http://testserver{ROOT_PATH}"
    assert f"{ROOT_PATH}/api/openapi.json" in client.get(f"{ROOT_PATH}/api/docs").text
    assert client.get(f"{ROOT_PATH}/api/openapi.json").json()["servers"] == [{"url": ROOT_PATH}]


@pytest.mark.parametrize(("origin", "allowed"), [("http://intranet.example", True), ("http://evil.example", False)])
def test_cors_origins_are_configurable(core: FakeCore, origin: str, allowed: bool) -> None:
    from rag.server import create_app

    client = TestClient(create_app(Settings(cors_origins=["http://intranet.example"])))
    r = client.options("/api/answer", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "authorization,content-type"})
    assert (r.headers.get("access-control-allow-origin") == origin) is allowed
    r = client.post("/api/answer", json={"question": QUESTION}, headers={"Origin": origin})
    assert (r.headers.get("access-control-allow-origin") == origin) is allowed


@pytest.mark.parametrize(("max_file_mb", "limit"), [(50, 50 * 2**20), (0.5, 2**19)])
def test_upload_limit_is_the_ingestion_limit(core: FakeCore, max_file_mb: float, limit: int) -> None:
    from rag.server import create_app

    client = TestClient(create_app(Settings(max_file_mb=max_file_mb)))
    assert client.get("/config").json()["max_file_size"] == limit  # 0.5 MB was int(0.5) = "0mb"


def test_create_app_defaults_to_get_settings(core: FakeCore, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.server import create_app

    monkeypatch.setenv("RAG_API_TOKEN", "from-env")
    get_settings.cache_clear()
    client = TestClient(create_app())
    assert client.get("/api/reports").status_code == 401
    assert client.get("/api/reports", headers=auth("from-env")).status_code == 200


def test_python_app_py_starts_the_same_server(monkeypatch: pytest.MonkeyPatch) -> None:
    import runpy

    import rag.server
    from rag.config import get_settings

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(rag.server, "serve", lambda **kw: calls.append(kw))
    monkeypatch.setenv("RAG_PORT", "8123")
    get_settings.cache_clear()
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
    assert calls == [{"host": "127.0.0.1", "port": 8123}]


@pytest.mark.parametrize(("env", "message"), [
    ({"RAG_PROT": "8123"}, "Error: unknown setting RAG_PROT; known: RAG_API_TOKEN"),
    ({"RAG_PORT": "http"}, "Error: invalid setting RAG_PORT='http': Input should be a valid integer"),
])
def test_python_app_py_with_a_bad_setting_says_which_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], message: str
) -> None:
    import runpy

    import rag.server
    from rag.config import get_settings

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(rag.server, "serve", lambda **kw: calls.append(kw))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
    assert exit_.value.code == 2 and calls == []
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def test_real_http_with_a_fake_core(app: FastAPI, core: FakeCore) -> None:
    """The same app served by a real uvicorn on 127.0.0.1: the streaming is real HTTP chunking."""
    with serve_in_thread(app) as base:
        with httpx.stream("POST", base + "/api/answer", json={"question": QUESTION, "stream": True}) as r:
            chunks = [c for c in r.iter_text()]
        assert r.status_code == 200
        assert [n for n, _ in parse_sse("".join(chunks))] == ["delta", "delta", "answer"]
        r = httpx.post(base + "/api/answer", content=b"{", headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["field"] == "body"


# ---------------------------------------------------------------- real HTTP, the real pipeline over the seeds


@pytest.fixture(scope="module")
def server(seeds_index: Path) -> RealServer:
    return real_server(seeds_index, seeds_index.parent / "corpus")


@pytest.mark.slow
def test_real_answer_cites_daming(server: RealServer) -> None:
    """The curl call of the issue: `POST /api/answer {"question": "哪些乡镇提到执法人员不足？"}`."""
    r = httpx.post(server.base + "/api/answer", json={"question": QUESTION}, headers=auth(server.token), timeout=120)
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert "大铭乡" in {c.township for c in answer.citations}
    reports = httpx.get(server.base + "/api/reports", headers=auth(server.token), timeout=60).json()["reports"]
    texts = {r["source"]: r for r in reports}
    for c in answer.citations:  # the quote is exactly the cited span of the report's text
        passage = httpx.get(server.app + "/api/passage", params={"source": c.source, "start": c.start, "end": c.end},
                            headers=auth(server.token), timeout=60).json()
        assert passage["text"][passage["mark_start"]:passage["mark_end"]] == c.quote
        assert c.source in texts


@pytest.mark.slow
def test_real_stream_and_search(server: RealServer) -> None:
    r = httpx.post(server.app + "/api/answer", json={"question": QUESTION, "stream": True}, headers=auth(server.token),
                   timeout=120)
    events = parse_sse(r.text)
    assert events[-1][0] == "answer"
    assert "大铭乡" in Answer.model_validate_json(events[-1][1]).text
    hits = httpx.post(server.base + "/api/search", json={"query": "执法人员配备不足", "k": 3}, headers=auth(server.token),
                      timeout=60).json()
    assert 1 <= len(hits) <= 3 and all(h["text"] for h in hits)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("headers", "body", "status", "field"),
    [
        ({}, {"question": QUESTION}, 401, None),
        ({"Authorization": "Bearer wrong"}, {"question": QUESTION}, 401, None),
        ("token", {"question": ""}, 422, "question"),
        ("token", {"question": QUESTION, "filters": {"township": "大铭乡", "colour": "red"}}, 422, "filters.colour"),
        ("token", {"question": "问" * 2001}, 422, "question"),
    ],
)
def test_real_http_errors(server: RealServer, headers: Any, body: dict[str, Any], status: int, field: str | None) -> None:
    sent = auth(server.token) if headers == "token" else headers
    r = httpx.post(server.base + "/api/answer", json=body, headers=sent, timeout=60)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert r.json()["field"] == field


@pytest.mark.slow
def test_real_server_pages(server: RealServer) -> None:
    """`rag serve` serves the chat at / (and under its sub-path) to who holds the token, the API docs, and
    healthz without a token."""
    for url in (server.base + "/", server.app + "/"):
        r = httpx.get(url, timeout=30, headers=auth(server.token))
        assert r.status_code == 200 and "<gradio-app" in r.text
        r = httpx.get(url, timeout=30)  # no credential: the login form, not the chat
        assert r.status_code == 401 and "<gradio-app" not in r.text and 'name="token"' in r.text
    assert httpx.get(server.app + "/api/docs", timeout=30).status_code == 200
    assert httpx.get(server.base + "/healthz", timeout=30).json() == {"status": "ok", "index": True}
