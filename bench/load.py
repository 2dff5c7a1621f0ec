"""Load on this machine: N concurrent users for S seconds against the HTTP API, then against the chat's own
Gradio endpoint (/gradio_api/queue/join + its event stream), on 127.0.0.1 only.

Run: .venv/bin/python bench/load.py [--users 20] [--seconds 60] [--url http://127.0.0.1:PORT]
Without --url it serves the app itself on a free loopback port, over the index under RAG_INDEX_DIR (or index/),
with a throw-away RAG_API_TOKEN so that both doors are measured behind the credential, as in production.
Prints requests/s, errors and p50/p95 latency for each door.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "哪些乡镇提到执法人员不足？",
    "各乡镇在普法宣传方面做了哪些工作？",
    "大歇镇下一步有什么工作打算？",
    "岳溪镇2020年存在哪些不足？",
    "高观镇组织了多少次法治讲座？",
    "主要负责人如何履行推进法治建设第一责任人职责？",
]
MAX_USERS, MAX_SECONDS = 100, 600
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            (self.errors.append(error) if error else self.latencies.append(seconds))


def ask_api(client: httpx.Client, question: str) -> str | None:
    r = client.post("/api/answer", json={"question": question})
    if r.status_code != 200:
        return f"HTTP {r.status_code}"
    return None if r.json().get("citations") is not None else "no answer"


def ask_chat(client: httpx.Client, question: str, fn_index: int = 0) -> str | None:
    """One question through the chat's own door, as its page sends it: join the queue, read the stream."""
    session = secrets.token_hex(8)
    join = client.post("/gradio_api/queue/join", json={
        "data": [question, None, [], [], []], "fn_index": fn_index, "session_hash": session, "event_data": None,
    })
    if join.status_code != 200:
        return f"join HTTP {join.status_code}"
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        if stream.status_code != 200:
            return f"data HTTP {stream.status_code}"
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            if msg.get("msg") == "process_completed":
                return None if msg.get("success") else f"failed: {str(msg.get('output'))[:80]}"
    return "stream ended without an answer"


def run(name: str, base: str, token: str | None, users: int, seconds: float,
        ask: Callable[[httpx.Client, str], str | None]) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def user(offset: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for q in itertools.islice(itertools.cycle(QUESTIONS), offset, None):
                if time.monotonic() >= deadline:
                    return
                t = time.perf_counter()
                try:
                    error = ask(client, q)
                except httpx.HTTPError as e:
                    error = type(e).__name__
                tally.add(time.perf_counter() - t, error)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    done = sorted(tally.latencies)
    total = len(done) + len(tally.errors)
    p50 = statistics.median(done) * 1000 if done else float("nan")
    p95 = done[int(0.95 * (len(done) - 1))] * 1000 if done else float("nan")
    print(f"{name:5s} {users} users {wall:5.1f} s: {total / wall:7.1f} requests/s, {len(tally.errors)} errors, "
          f"p50 {p50:6.0f} ms, p95 {p95:6.0f} ms", flush=True)
    for e in sorted(set(tally.errors))[:5]:
        print(f"      error: {e} (x{tally.errors.count(e)})")
    return tally


def serve_here() -> tuple[str, str, Callable[[], None]]:
    """The app on a free loopback port in this process, behind a throw-away token."""
    import uvicorn

    token = secrets.token_urlsafe(16)
    os.environ["RAG_API_TOKEN"] = token
    from rag.config import get_settings
    from rag.server import create_app

    get_settings.cache_clear()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", token, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="a running server on 127.0.0.1 (default: serve one here)")
    parser.add_argument("--token", default=os.environ.get("RAG_API_TOKEN"), help="its RAG_API_TOKEN, if any")
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"--users must be 1..{MAX_USERS} and --seconds 0..{MAX_SECONDS}")
    stop: Callable[[], None] = lambda: None  # noqa: E731
    if args.url:
        if urlparse(args.url).hostname not in LOOPBACK:
            sys.exit("bench/load.py only loads a server on this machine (127.0.0.1, localhost, ::1)")
        base, token = args.url.rstrip("/"), args.token
    else:
        base, token, stop = serve_here()
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"} if token else {},
                          timeout=300) as warm:
            warm.post("/api/answer", json={"question": QUESTIONS[0]}).raise_for_status()  # load the index first
        run("api", base, token, args.users, args.seconds, ask_api)
        run("chat", base, token, args.users, args.seconds, ask_chat)
    finally:
        stop()


if __name__ == "__main__":
    main()
