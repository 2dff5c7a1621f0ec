"""One server for the three doors: the HTTP API under /api/ (docs at /api/docs), /healthz, the chat UI at /,
and what embedding needs (/gradio.js for Gradio's web component, /examples/embed.html).

Behind a reverse proxy under a sub-path, set `root_path` (RAG_ROOT_PATH or `rag serve --root-path`): the
app then answers both at /… (a proxy that strips the prefix) and at /<root_path>/… (one that does not), and
builds its links with the prefix.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from rag import api
from rag.access import AccessMiddleware
from rag.config import ROOT, Settings, get_settings

logger = logging.getLogger(__name__)

EMBED_EXAMPLE = ROOT / "examples" / "embed.html"
DOCS_URL = "/api/docs"
DOCS_ASSETS = "/api/docs/assets"  # Swagger UI's JS, CSS and icon, served from the fastapi-offline package


def normalize_root_path(root_path: str | None) -> str:
    """'' or '/sub/path' (leading slash, no trailing slash)."""
    path = (root_path or "").strip().strip("/")
    return f"/{path}" if path else ""


class RootPathMiddleware:
    """Tell the app its public prefix (scope["root_path"]), as `uvicorn --root-path` would. Starlette's
    routing then matches /<prefix>/x and /x alike, and links, docs and Gradio's config use the prefix."""

    def __init__(self, app: ASGIApp, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "root_path": self.root_path}
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app: API, docs, healthz, embedding helpers, and the Gradio chat mounted at /."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from rag.ui import CSS, HEAD, build_ui

    settings = settings or get_settings()
    root_path = normalize_root_path(settings.root_path)
    settings = settings.model_copy(update={"root_path": root_path})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=_warm_up, name="rag-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="法治报告问答 API",
        description="Question answering with exact citations over township rule-of-law reports. "
        "Send `Authorization: Bearer <token>` when the server has RAG_API_TOKEN set.",
        version="0.1.0",
        docs_url=None,  # FastAPI's own page loads Swagger UI from a CDN: ours serves it locally (_add_docs)
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(AccessMiddleware, settings=settings)  # inside RootPathMiddleware: sees the prefix
    if root_path:
        app.add_middleware(RootPathMiddleware, root_path=root_path)
    if settings.cors_origins:
        # Gradio leaves CORS to the parent app when it has its own CORSMiddleware: one policy for all.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],  # Gradio's web component sends its own x-gradio-* headers
        )
    api.add_error_handlers(app)
    app.include_router(api.router)
    _add_docs(app)
    api.add_api_fallback(app)  # after every /api/ route, before the chat mounted at /

    @app.get("/healthz", tags=["health"], summary="Liveness and whether the index is usable; never needs the token")
    def healthz() -> dict[str, Any]:
        from rag.index.store import index_problem

        problem = index_problem(settings.index_dir)
        return {"status": "ok", "index": problem is None, **({"index_problem": problem} if problem else {})}

    @app.get("/gradio.js", include_in_schema=False)
    def gradio_js() -> FileResponse:
        # Gradio's web-component loader, served locally (an intranet page can't reach a CDN). It imports
        # ./assets/…, which the mounted Gradio app serves.
        return FileResponse(Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js",
                            media_type="text/javascript")

    @app.get("/examples/embed.html", include_in_schema=False)
    def embed_example() -> FileResponse:
        if not EMBED_EXAMPLE.is_file():
            raise HTTPException(404, "examples/embed.html is not part of this installation")
        return FileResponse(EMBED_EXAMPLE, media_type="text/html")

    gr.mount_gradio_app(
        app,
        build_ui(settings),
        path="/",
        root_path=root_path or None,
        css=CSS,
        head=HEAD,
        theme=_theme(gr),
        footer_links=[],
        run_history=False,
        max_file_size=int(settings.max_file_mb * 2**20),  # bytes, as ingestion counts them (0.5 MB is not 0)
        ssr_mode=False,
    )
    return app


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs with its assets served by this app: an intranet can't reach a CDN."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")
    openapi_url = app.openapi_url or "/api/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")  # the public prefix, as for the chat
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} – docs",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            # no call to the online validator at validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None},
        )


def _theme(gr: Any) -> Any:
    # System fonts: the default theme fetches web fonts from the internet, which an intranet can't reach.
    fonts = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif"]
    return gr.themes.Default(font=fonts, font_mono=["ui-monospace", "Consolas", "monospace"])


def _warm_up() -> None:
    """Load (or first build) the index and its embedder before the first question (best effort)."""
    try:
        from rag.index import get_index

        get_index()
    except Exception as e:  # no index yet: the first request will say so
        logger.warning("warm-up skipped: %s: %s", type(e).__name__, e)


def serve(host: str, port: int, root_path: str | None = None) -> None:
    """Serve the chat at /, the API under /api/ and its docs at /api/docs (blocking)."""
    import uvicorn

    settings = get_settings()
    if root_path is not None:
        settings = settings.model_copy(update={"root_path": root_path})
    app = create_app(settings)
    prefix = normalize_root_path(settings.root_path)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"法治报告问答: http://{shown}:{port}{prefix}/  (API docs: http://{shown}:{port}{prefix}/api/docs)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)

