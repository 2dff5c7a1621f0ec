"""A fake OpenAI-compatible server on 127.0.0.1, for tests that must not touch the network.

Real HTTP (``http.server`` in a thread, random free port), so the real client stack is exercised:
``POST /v1/chat/completions`` (JSON, or SSE ``chat.completion.chunk`` lines ending with
``data: [DONE]`` when ``"stream": true``) and ``GET /v1/models``.

Usage::

    with fake_openai_server(responses=["大铭乡……[1]。"]) as server:
        settings = Settings(llm_base_url=server.base_url, llm_model="fake", llm_api_key="x")
        ...
        assert server.requests[0]["messages"][0]["role"] == "system"

Modes:
    ok             canned responses, one per request (the last one repeats), streamed in small deltas
    error          HTTP ``status`` (500) with an OpenAI-style JSON error body
    slow           waits ``delay`` seconds before answering (longer than the client's timeout)
    broken-stream  sends ``broken_after`` deltas, then drops the connection mid-body
    truncated      sends ``broken_after`` deltas and ends the body cleanly, with no finish_reason
                   and no ``[DONE]`` (what a proxy that cuts a stream short looks like)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["ok", "error", "slow", "broken-stream", "truncated"]
MODES: tuple[str, ...] = ("ok", "error", "slow", "broken-stream", "truncated")


@dataclass
class FakeOpenAI:
    """What the context manager yields: where to connect, and what the server received."""

    base_url: str
    mode: Mode
    responses: list[str]
    delay: float = 5.0
    chunk_size: int = 3
    broken_after: int = 2
    status: int = 500
    model: str = "fake"
    requests: list[dict[str, Any]] = field(default_factory=list)
    """JSON bodies of the chat completion requests, in order."""
    headers: list[dict[str, str]] = field(default_factory=list)
    """Headers of the chat completion requests, in order."""
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The messages of the last chat completion request."""
        return list(self.requests[-1]["messages"]) if self.requests else []

    def record(self, body: dict[str, Any], headers: dict[str, str]) -> str:
        """Record a chat request and return its canned answer (the last one repeats)."""
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            index = min(len(self.requests), len(self.responses)) - 1
            return self.responses[index] if self.responses else ""


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def _make_handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # chunked streams, like uvicorn behind vLLM
        timeout = 10  # an idle or stuck client cannot hold a handler thread forever

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._send_json(
                    200,
                    {"object": "list", "data": [{"id": fake.model, "object": "model", "owned_by": "fake"}]},
                )
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
                return
            text = fake.record(body, {k.lower(): v for k, v in self.headers.items()})

            if fake.mode == "error":
                self._send_json(
                    fake.status,
                    {"error": {"message": "fake server error", "type": "server_error", "code": fake.status}},
                )
                return
            if fake.mode == "slow" and fake.stop.wait(fake.delay):
                self.close_connection = True  # shutting down: drop the request
                return
            try:
                if body.get("stream"):
                    self._stream(text)
                else:
                    self._send_json(200, self._completion(text, body))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. a timeout in slow mode)

        def _completion(self, text: str, body: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", fake.model),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": len(text),
                    "total_tokens": 10 + len(text),
                },
            }

        def _stream(self, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            pieces = _pieces(text, fake.chunk_size)
            if fake.mode in ("broken-stream", "truncated"):
                pieces = pieces[: fake.broken_after]
            self._event(_chunk(fake.model, {"role": "assistant", "content": ""}))
            for piece in pieces:
                self._event(_chunk(fake.model, {"content": piece}))
            if fake.mode == "broken-stream":
                return  # no terminating zero-length chunk: the body is cut off mid-stream
            if fake.mode == "ok" or fake.mode == "slow":
                self._event(_chunk(fake.model, {}, finish_reason="stop"))
                self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")

        def _event(self, data: dict[str, Any]) -> None:
            self._write_chunk(b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n")

        def _write_chunk(self, payload: bytes) -> None:
            self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            self.wfile.flush()

        def _send_json(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(payload)

    return Handler


@contextmanager
def fake_openai_server(
    responses: Sequence[str] = ("所提供的报告中没有找到相关内容",),
    mode: Mode = "ok",
    *,
    delay: float = 5.0,
    chunk_size: int = 3,
    broken_after: int = 2,
    status: int = 500,
    model: str = "fake",
) -> Iterator[FakeOpenAI]:
    """Run a fake OpenAI-compatible server for the duration of the ``with`` block.

    Args:
        responses: canned assistant answers, one per chat request; the last one repeats.
        mode: ok | error | slow | broken-stream | truncated (see the module docstring).
        delay: seconds the slow mode waits before answering (cut short at shutdown).
        chunk_size: characters per streamed delta.
        broken_after: deltas sent before a broken or truncated stream stops.
        status: HTTP status of the error mode.
        model: the model name the server reports.

    Yields:
        A FakeOpenAI with ``base_url`` (``http://127.0.0.1:<port>/v1``) and the recorded ``requests``.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
    fake = FakeOpenAI(
        base_url="",
        mode=mode,
        responses=list(responses),
        delay=delay,
        chunk_size=max(1, chunk_size),
        broken_after=broken_after,
        status=status,
        model=model,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()  # wakes a slow handler
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
