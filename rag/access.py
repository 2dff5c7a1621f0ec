"""One access rule for every door of the server: with RAG_API_TOKEN set, the chat (Gradio's page, its
config and its own endpoints /gradio_api/queue/join, /gradio_api/upload, /gradio_api/run…, /gradio_api/call…)
needs the same credential as the HTTP API.

The credential is `Authorization: Bearer <token>` or the `rag_token` cookie. The chat page asks for it once
(a small login form), or an embedding page passes it as `?token=` in the chat's address: the server then
sets the cookie (HttpOnly, SameSite=Lax) and redirects to the address without the token. The API under /api/
checks the bearer token itself (rag.api.require_token); /healthz and static files stay open.

Uploads through the chat are also guarded here: with RAG_UPLOAD_PASSWORD set, /gradio_api/upload needs it in the
`rag_upload` cookie (the chat's password field sets it as it is typed; the upload callback checks it again
before anything reaches the corpus); one upload request may carry at most RAG_UPLOAD_BATCH_MB and the server
accepts at most RAG_UPLOAD_DAILY_MB a day.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.config import Settings

COOKIE = "rag_token"
UPLOAD_COOKIE = "rag_upload"  # the upload password as typed in the chat (set by the page's own script)
LOGIN = "/login"
# Paths that never need the credential: the API checks its own token; health, static files and the embed example.
OPEN_EXACT = ("/healthz", "/gradio.js", "/favicon.ico", "/examples/embed.html", LOGIN)
OPEN_PREFIXES = ("/api/", "/assets/", "/static/")


def is_open(path: str) -> bool:
    """Paths that never need the credential (the API under /api/ checks its own)."""
    return path in OPEN_EXACT or path == "/api" or path.startswith(OPEN_PREFIXES)
UPLOAD_PATH = "/gradio_api/upload"


def _cookie_value(scope: Scope, name: str) -> str:
    headers = dict(scope.get("headers") or [])
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed cookie header is no credential
        return ""
    return unquote(jar[name].value) if name in jar else ""


def _matches(given: str, expected: str) -> bool:
    return bool(given) and secrets.compare_digest(given.encode(), expected.encode())


def has_credential(scope: Scope, token: str) -> bool:
    """True when the request carries the token as a bearer header or in the rag_token cookie."""
    headers = dict(scope.get("headers") or [])
    given = ""
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth[:7].lower() == "bearer ":
        given = auth[7:].strip()
    return _matches(given or _cookie_value(scope, COOKIE), token)


def login_page(root: str, wrong: bool = False) -> bytes:
    """The product's own form: one field, posted to <root>/login."""
    note = '<p class="err">口令不正确。</p>' if wrong else ""
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>法治报告问答 · 登录</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:360px;margin:80px auto;color:#1f2937}}
input{{width:100%;padding:8px;margin:8px 0;box-sizing:border-box}}.err{{color:#b91c1c}}</style></head>
<body><h2>法治报告问答</h2><p>请输入访问口令（RAG_API_TOKEN）。</p>{note}
<form method="post" action="{html.escape(root)}{LOGIN}"><input type="password" name="token" autofocus
 autocomplete="current-password"><button type="submit">进入</button></form></body></html>""".encode()


class DailyBudget:
    """Bytes accepted per calendar day (UTC), shared by the threads of one server process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.day = ""
        self.used = 0
        self.lock = threading.Lock()

    def take(self, n: int) -> bool:
        with self.lock:
            today = time.strftime("%Y-%m-%d", time.gmtime())
            if today != self.day:
                self.day, self.used = today, 0
            if self.used + n > self.limit:
                return False
            self.used += n
            return True


class AccessMiddleware:
    """The credential check for the chat's paths, the login form and the upload caps (see the module doc)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.token = settings.api_token or ""
        self.upload_password = settings.upload_password or ""
        self.batch = int(settings.upload_batch_mb * 2**20)
        self.daily = DailyBudget(int(settings.upload_daily_mb * 2**20))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        root = str(scope.get("root_path", "")).rstrip("/")
        path = str(scope.get("path", ""))
        if root and (path == root or path.startswith(root + "/")):
            path = path[len(root):] or "/"
        if self.token and not is_open(path) and not has_credential(scope, self.token):
            await self._refuse(scope, receive, send, root, path)
            return
        if self.token and path == LOGIN and scope["type"] == "http" and scope["method"] == "POST":
            await self._login(receive, send, root)
            return
        if path == UPLOAD_PATH and scope["type"] == "http":
            problem = self._upload_problem(scope)
            if problem:
                status, code = (403, "forbidden") if "RAG_UPLOAD_PASSWORD" in problem else (413, "upload_too_large")
                await _send(send, status, json.dumps({"error": code, "message": problem}, ensure_ascii=False).encode(),
                            "application/json")
                return
        await self.app(scope, receive, send)

    def _upload_problem(self, scope: Scope) -> str | None:
        if self.upload_password and not _matches(_cookie_value(scope, UPLOAD_COOKIE), self.upload_password):
            return "上传密码不正确：请先输入上传密码，再选择文件 (RAG_UPLOAD_PASSWORD)"
        headers = dict(scope.get("headers") or [])
        try:
            size = int(headers.get(b"content-length", b""))
        except ValueError:
            return "an upload needs a Content-Length header"
        if size > self.batch:
            return f"upload of {size / 2**20:.1f} MB is over RAG_UPLOAD_BATCH_MB={self.batch / 2**20:g} MB per batch"
        if not self.daily.take(size):
            return f"uploads today are over RAG_UPLOAD_DAILY_MB={self.daily.limit / 2**20:g} MB; try again tomorrow"
        return None

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, root: str, path: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.pop("token", "")
        if given and secrets.compare_digest(given.encode(), self.token.encode()):
            # an embedding page passed the token: keep it in a cookie, show the address without it
            target = f"{root}{path}" + (f"?{urlencode(query)}" if query else "")
            await _send(send, 303, b"", "text/plain", [(b"location", target.encode()), _cookie(self.token, root)])
            return
        if scope["method"] == "GET" and path in ("/", ""):
            await _send(send, 401, login_page(root, wrong=bool(given)), "text/html; charset=utf-8")
            return
        body = {"error": "unauthorized",
                "message": "missing or wrong credential: log in at the chat page, or send Authorization: Bearer <token>"}
        await _send(send, 401, json.dumps(body).encode(), "application/json", [(b"www-authenticate", b"Bearer")])

    async def _login(self, receive: Receive, send: Send, root: str) -> None:
        body = b""
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if len(body) > 4096 or not message.get("more_body"):
                break
        given = dict(parse_qsl(body[:4096].decode("utf-8", errors="replace"))).get("token", "")
        if given and secrets.compare_digest(given.encode(), self.token.encode()):
            await _send(send, 303, b"", "text/plain", [(b"location", f"{root}/".encode()), _cookie(self.token, root)])
        else:
            await _send(send, 401, login_page(root, wrong=True), "text/html; charset=utf-8")


def _cookie(token: str, root: str) -> tuple[bytes, bytes]:
    value = f"{COOKIE}={token}; Path={root or '/'}; HttpOnly; SameSite=Lax"
    return (b"set-cookie", value.encode("latin-1"))


async def _send(send: Send, status: int, body: bytes, media: str,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    all_headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
