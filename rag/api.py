"""The HTTP door: `/api/answer`, `/api/search`, `/api/reports`, `/api/passage`.

Thin: each route validates its input with a pydantic model and calls the same core functions as the chat
UI and the CLI. The core is imported inside the routes, so that importing this module stays cheap.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.checks import MAX_QUESTION_CHARS, is_index_problem
from rag.config import Settings, get_settings
from rag.corpus import MetaEdit, Passage, ReportList, find_passage, list_reports
from rag.coverage import Coverage, MissingReports
from rag.models import Answer, Filters, Hit

logger = logging.getLogger(__name__)

MAX_HISTORY_MESSAGES = 40

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)]


class HistoryMessage(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=20_000)]


class AnswerRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "哪些乡镇提到执法人员不足？", "filters": {"year": 2023}}]},
    )

    question: Question = Field(description=f"the question, 1 to {MAX_QUESTION_CHARS} characters")
    filters: Filters | None = Field(default=None, description="township, county, year, year_from, year_to, kind")
    history: list[HistoryMessage] = Field(
        default_factory=list, max_length=MAX_HISTORY_MESSAGES, description="earlier turns, oldest first"
    )
    stream: StrictBool = Field(default=False, description="stream server-sent events: `delta` texts, then `answer`")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"query": "执法人员不足", "k": 5}]})

    query: Question
    k: int = Field(default=10, ge=1, le=100, description="number of hits")
    filters: Filters | None = None


class ErrorBody(BaseModel):
    error: str = Field(description="a short machine-readable code")
    message: str
    field: str | None = Field(default=None, description="the first offending field, dotted, e.g. filters.year")
    errors: list[dict[str, Any]] = Field(default_factory=list)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or wrong bearer token"},
    422: {"model": ErrorBody, "description": "invalid request; `field` names the offending field"},
}

_bearer = HTTPBearer(auto_error=False, description="required when RAG_API_TOKEN is set")


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Reject the request unless it carries the configured bearer token (no token configured: open)."""
    expected = _settings(request).api_token
    if not expected:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise StarletteHTTPException(401, "missing or wrong bearer token (Authorization: Bearer <token>)")


router = APIRouter(prefix="/api", dependencies=[Depends(require_token)], responses=ERRORS)


@router.post(
    "/answer",
    response_model=Answer,
    summary="Answer a question with citations",
    responses={200: {"content": {"text/event-stream": {}}, "description": "the Answer, or an SSE stream"}},
)
def post_answer(body: AnswerRequest) -> Any:
    """Answer `question` over the indexed reports. With `"stream": true` the response is server-sent
    events: `delta` events (`{"text": ...}`) as the answer is composed, then one `answer` event with the
    complete Answer JSON (or an `error` event)."""
    from rag.answer import QuestionError, answer, answer_stream

    history = [m.model_dump() for m in body.history]
    if body.stream:
        events = answer_stream(body.question, filters=body.filters, history=history)
        return StreamingResponse(
            _sse(events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    try:
        return answer(body.question, filters=body.filters, history=history)
    except QuestionError as e:  # the core's own input checks, if ours let something through
        return _invalid(str(e))


@router.post(
    "/answer/export",
    summary="Answer a question and return it as an Excel or Word file",
    responses={200: {"content": {t: {} for t in ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document")},
                     "description": "the question, the answer and every citation (quote, section, file, date)"}},
)
def post_answer_export(body: AnswerRequest, format: Annotated[Literal["xlsx", "docx"], Query()] = "xlsx") -> Any:
    """The same answer as `/api/answer` (`stream` is ignored), as a .xlsx or .docx download."""
    from urllib.parse import quote

    from rag.answer import QuestionError, answer
    from rag.export import MEDIA_TYPES, export_answer, export_name

    try:
        a = answer(body.question, filters=body.filters, history=[m.model_dump() for m in body.history])
    except QuestionError as e:
        return _invalid(str(e))
    name = export_name(a, format)
    return Response(export_answer(a, format), media_type=MEDIA_TYPES[format], headers={
        "Content-Disposition": f"attachment; filename=answer.{format}; filename*=UTF-8''{quote(name)}"})


@router.post("/search", response_model=list[Hit], summary="Hybrid search over the report passages")
def post_search(body: SearchRequest) -> Any:
    from rag.answer import QuestionError
    from rag.retrieve import search

    try:
        return search(body.query, k=body.k, filters=body.filters)
    except QuestionError as e:  # the core's own input checks, if ours let something through
        return _invalid(str(e))


@router.get("/reports", response_model=ReportList, summary="List the indexed reports")
def get_reports() -> ReportList:
    return list_reports()


@router.get("/coverage", response_model=Coverage, summary="Townships x years, grouped by county, with the gaps")
def get_coverage() -> Coverage:
    from rag.coverage import index_coverage

    return index_coverage()


@router.get("/coverage/missing", response_model=MissingReports, summary="Which townships have no report for a year")
def get_missing(year: Annotated[int, Query(ge=1990, le=2100)]) -> MissingReports:
    from rag.coverage import index_coverage, missing_reports

    return missing_reports(index_coverage(), year)


@router.get("/passage", response_model=Passage, summary="A cited span shown in its section")
def get_passage(
    source: Annotated[str, Query(min_length=1)],
    start: Annotated[int, Query(ge=0)],
    end: Annotated[int, Query(ge=0)],
) -> Passage:
    """The section around `report.text[start:end]` (a citation's span), for showing a quote in context."""
    passage = find_passage(source, start, end)
    if passage is None:
        raise StarletteHTTPException(404, f"no span {start}:{end} in report {source!r}")
    return passage


# ---------------------------------------------------------------- managing the corpus (admin)

_CORPUS_STATUS = {"not_found": 404, "not_managed": 409, "duplicate": 409, "conflict": 409, "bad_file": 422,
                  "invalid": 422, "index_failed": 500}


class ActionBody(BaseModel):
    message: str = Field(description="what was done, in Chinese")
    sources: list[str] = Field(default_factory=list, description="the reports concerned, as now indexed")


def require_admin(request: Request) -> None:
    """Corpus changes need the API token (checked for every /api/ route) or, when only an upload password is
    set, that password in the X-Upload-Password header."""
    from rag.corpus import upload_allowed

    settings = _settings(request)
    if settings.api_token:
        return
    if not upload_allowed(settings, request.headers.get("x-upload-password")):
        raise StarletteHTTPException(403, "corpus changes need the upload password (header X-Upload-Password)")


def _corpus_call(action: Any) -> Any:
    from rag.corpus import CorpusError

    try:
        result = action()
    except CorpusError as e:
        body = ErrorBody(error=e.code, message=e.message)
        return JSONResponse(body.model_dump(), status_code=_CORPUS_STATUS.get(e.code, 400))
    return ActionBody(message=result.message, sources=result.sources)


def _saved_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """The uploaded file under its own base name in `folder`, refused beyond `limit` bytes."""
    name = Path(upload.filename or "").name
    if not name:
        raise StarletteHTTPException(422, "file: the upload has no file name")
    path = folder / name
    size = 0
    with open(path, "wb") as out:
        while block := upload.file.read(1 << 20):
            size += len(block)
            if size > limit:
                raise StarletteHTTPException(413, f"file: larger than {limit // 2**20} MB (RAG_MAX_FILE_MB)")
            out.write(block)
    return path


@router.post("/reports", response_model=ActionBody, summary="Add report files (all checked first)",
             dependencies=[Depends(require_admin)])
def post_reports(request: Request, files: Annotated[list[UploadFile], File(description="report files")]) -> Any:
    from rag.corpus import add_reports

    settings = _settings(request)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [_saved_upload(f, Path(tmp), int(settings.max_file_mb * 2**20)) for f in files]
        result = add_reports(paths, settings)
    if not result.ok:
        body = ErrorBody(error="bad_file", message=result.message,
                         errors=[{"field": name, "message": reason} for name, reason in result.rejected])
        return JSONResponse(body.model_dump(), status_code=422)
    return ActionBody(message=result.message, sources=result.added)


@router.delete("/reports/{source:path}", response_model=ActionBody, summary="Delete one of the office's reports",
               dependencies=[Depends(require_admin)])
def delete_report_route(request: Request, source: str) -> Any:
    from rag.corpus import delete_report

    return _corpus_call(lambda: delete_report(source, _settings(request)))


@router.put("/reports/{source:path}/file", response_model=ActionBody, summary="Replace a report with a new file",
            dependencies=[Depends(require_admin)])
def put_report_file(request: Request, source: str, file: Annotated[UploadFile, File(description="the new file")]) -> Any:
    from rag.corpus import replace_report

    settings = _settings(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = _saved_upload(file, Path(tmp), int(settings.max_file_mb * 2**20))
        return _corpus_call(lambda: replace_report(source, path, settings))


@router.patch("/reports/{source:path}/meta", response_model=ActionBody,
              summary="Edit a report's township, county or year (its sidecar), and re-index it",
              dependencies=[Depends(require_admin)])
def patch_report_meta(request: Request, source: str, body: MetaEdit) -> Any:
    from rag.corpus import edit_report

    return _corpus_call(lambda: edit_report(source, body, _settings(request)))


def _sse(events: Iterator[str | Answer]) -> Iterator[str]:
    from rag.answer import QuestionError

    try:
        for item in events:
            if isinstance(item, Answer):
                yield _event("answer", item.model_dump_json())
            else:
                yield _event("delta", json.dumps({"text": item}, ensure_ascii=False))
    except QuestionError as e:
        yield _event("error", _invalid_body(str(e)).model_dump_json())
    except Exception as e:
        logger.exception("streamed answer failed")
        if is_index_problem(e):  # damaged, missing, mismatched: the message says what to run
            yield _event("error", ErrorBody(error="index_unavailable", message=str(e)).model_dump_json())
            return
        yield _event("error", ErrorBody(error="internal_error", message="the answer failed").model_dump_json())


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def add_api_fallback(app: FastAPI) -> None:
    """Every other path under /api/ answers in the ErrorBody shape too: 405 (with Allow) for a route
    called with the wrong method, 404 otherwise. Without this the chat, mounted at /, would answer them
    with its own {"detail": "Not Found"}. Call it after the last /api/ route."""

    def api_fallback(request: Request) -> None:
        path = request.url.path
        allowed = _allowed_methods(request.app, request.scope, api_fallback)
        if allowed:
            raise StarletteHTTPException(
                405, f"{request.method} is not allowed on {path}; use {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        docs = f"{str(request.scope.get('root_path', '')).rstrip('/')}/api/docs"
        raise StarletteHTTPException(404, f"no API endpoint {path} (the API is described at {docs})")

    for path in ("/api", "/api/{rest:path}"):
        app.add_api_route(path, api_fallback, methods=list(_METHODS), include_in_schema=False)


def _allowed_methods(app: FastAPI, scope: Any, fallback: Any) -> list[str]:
    """The methods some route (other than the fallback and the mounts) would take on this request's path."""
    from starlette.routing import Match, Mount

    routes = [r for r in app.router.routes if not isinstance(r, Mount) and getattr(r, "endpoint", None) is not fallback]
    return [m for m in _METHODS if any(r.matches({**scope, "method": m})[0] == Match.FULL for r in routes)]


def add_error_handlers(app: FastAPI) -> None:
    """JSON errors of one shape (ErrorBody) for validation, HTTP and unexpected errors."""
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _field(e), "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid request"}
    body = ErrorBody(
        error="invalid_request", message=f"{first['field']}: {first['message']}", field=first["field"],
        errors=errors,
    )
    return JSONResponse(body.model_dump(), status_code=422)


# pydantic names the member of a union that failed (`year.int`, `year.list[int]`): not a field.
_UNION_TAG = re.compile(r"^(int|str|float|bool|list\[.*\]|dict\[.*\]|literal\[.*\]|function-.*)$")


def _invalid_body(message: str) -> ErrorBody:
    """The core's "field: reason" messages as an ErrorBody."""
    field, sep, _ = message.partition(":")
    return ErrorBody(error="invalid_request", message=message, field=field.strip() if sep else None)


def _invalid(message: str) -> JSONResponse:
    return JSONResponse(_invalid_body(message).model_dump(), status_code=422)


def _field(error: Any) -> str:
    loc = [str(p) for p in error.get("loc", ())]
    if error.get("type") == "json_invalid":
        return "body"
    if len(loc) > 1 and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    while len(loc) > 1 and _UNION_TAG.match(loc[-1]):
        loc.pop()
    return ".".join(loc)


_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    body = ErrorBody(error=_CODES.get(exc.status_code, "http_error"), message=str(exc.detail))
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=headers)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("request failed: %s %s", request.method, request.url.path, exc_info=exc)
    if is_index_problem(exc):  # e.g. built with another embedder: the message says how to fix it
        body = ErrorBody(error="index_unavailable", message=str(exc))
        return JSONResponse(body.model_dump(), status_code=503)
    body = ErrorBody(error="internal_error", message=f"{type(exc).__name__}: the request failed")
    return JSONResponse(body.model_dump(), status_code=500)
