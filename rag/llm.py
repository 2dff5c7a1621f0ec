"""The LLM mode: a streamed answer from any OpenAI-compatible endpoint, with checked [n] citations.

The endpoint is data (RAG_LLM_BASE_URL, RAG_LLM_MODEL, RAG_LLM_API_KEY), the prompt is a file in
prompts/, and every failure of the endpoint surfaces as LLMError so that the caller can fall back
to the extractive answer with a visible note.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.config import Settings, SettingsError
from rag.models import Citation

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

NOT_FOUND = "所提供的报告中没有找到相关内容"
PLACEHOLDERS: tuple[str, ...] = ("sources", "question")
MAX_HISTORY_MESSAGES = 6  # the last three exchanges; older turns only cost context
_NO_KEY = "not-needed"  # local servers (Ollama, vLLM) accept any key, the client insists on one


class LLMError(RuntimeError):
    """The endpoint failed (HTTP error, refused, timeout, broken stream); fall back to extractive."""


class PromptError(ValueError):
    """A prompt file is missing or invalid; the message names the file."""


# ---------------------------------------------------------------- settings


def llm_enabled(settings: Settings) -> bool:
    """True when an LLM endpoint is configured.

    Raises:
        SettingsError: the base URL is set but RAG_LLM_MODEL is not.
    """
    if not (settings.llm_base_url or "").strip():
        return False
    if not (settings.llm_model or "").strip():
        raise SettingsError(
            "RAG_LLM_BASE_URL is set but RAG_LLM_MODEL is not: set RAG_LLM_MODEL to the model name "
            "the endpoint serves (e.g. qwen2.5:7b for Ollama), or unset RAG_LLM_BASE_URL"
        )
    return True


# ---------------------------------------------------------------- prompts


class Prompt(BaseModel):
    """A prompt file: system and user templates with {sources} and {question} placeholders."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    system: str
    user: str
    temperature: float | None = Field(None, ge=0, le=2)

    @model_validator(mode="after")
    def _check_placeholders(self) -> Prompt:
        used: set[str] = set()
        for key in ("system", "user"):
            try:
                fields = [f for _, f, _, _ in string.Formatter().parse(getattr(self, key)) if f is not None]
            except ValueError as e:
                raise ValueError(f"{key}: {e} (write literal braces as {{{{ and }}}})") from e
            unknown = sorted(set(fields) - set(PLACEHOLDERS))
            if unknown:
                raise ValueError(
                    f"{key}: unknown placeholder "
                    + ", ".join("{" + f + "}" for f in unknown)
                    + "; known: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                )
            used.update(fields)
        missing = [p for p in PLACEHOLDERS if p not in used]
        if missing:
            raise ValueError("missing placeholder " + ", ".join("{" + p + "}" for p in missing))
        return self

    def render(self, *, sources: str, question: str) -> tuple[str, str]:
        """The (system, user) messages with the placeholders filled in."""
        return (
            self.system.format(sources=sources, question=question),
            self.user.format(sources=sources, question=question),
        )


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """Load and validate prompts_dir/<name>.toml.

    Args:
        name: the prompt's file name without .toml, e.g. "answer".
        prompts_dir: defaults to the project's prompts/ (callers with Settings pass settings.prompts_dir).

    Raises:
        PromptError: the file is missing, is not valid TOML, has an unknown key, or a placeholder
            is missing or unknown. The message names the file.
    """
    folder = Path(prompts_dir) if prompts_dir is not None else Settings.model_fields["prompts_dir"].default
    if not re.fullmatch(r"[\w-]+", name):
        raise PromptError(f"invalid prompt name {name!r}: use the file name without .toml, e.g. 'answer'")
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
        raise PromptError(f"prompt file not found: {path} (available: {', '.join(known) or 'none'})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise PromptError(f"{path}: not valid UTF-8 TOML: {e}") from e
    try:
        return Prompt.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            (".".join(str(x) for x in err["loc"]) + ": " if err["loc"] else "")
            + (
                "unknown key"
                if err["type"] == "extra_forbidden"
                else err["msg"].removeprefix("Value error, ")
            )
            for err in e.errors()
        )
        raise PromptError(f"{path}: {problems}") from e


# ---------------------------------------------------------------- sources


def format_sources(sources: list[Citation]) -> str:
    """The numbered sources for the prompt, numbered 1..N in list order (the [n] the model cites).

    Example: '[1] 大铭乡（德化县，2023年）· 二、存在问题及短板 > （二）…\\n“quote”'.
    """
    if not sources:
        return "（无资料）"
    blocks = []
    for i, c in enumerate(sources, 1):
        where = [p for p in (c.county, f"{c.year}年" if c.year else None) if p]
        label = (c.township or Path(c.source).stem) + (f"（{'，'.join(where)}）" if where else "")
        if c.section:
            label += f"· {c.section}"
        blocks.append(f"[{i}] {label}\n“{c.quote.strip()}”")
    return "\n\n".join(blocks)


# ---------------------------------------------------------------- streaming


def _history_messages(history: list[dict[str, str]] | None) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage

    messages: list[BaseMessage] = []
    for turn in (history or [])[-MAX_HISTORY_MESSAGES:]:
        role, content = turn.get("role"), turn.get("content")
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise ValueError(
                f"history entries are {{'role': 'user'|'assistant', 'content': str}}, got {turn!r}"
            )
        if role == "user":
            messages.append(HumanMessage(content))
        else:
            # Earlier answers cite earlier sources: their [n] would point at the wrong passages now.
            messages.append(AIMessage(_MARKER.sub("", content)))
    return messages


def stream_llm_answer(
    question: str,
    sources: list[Citation],
    history: list[dict[str, str]] | None,
    settings: Settings,
) -> Iterator[str]:
    """Stream an answer that cites the numbered sources as [n].

    The prompt, settings and history are checked when called; the endpoint is contacted when the
    iterator is first advanced. The timeout applies to connecting and to each wait for data (time to
    the first token, or a stall mid-answer), not to the whole answer.

    Args:
        question: the user's question.
        sources: the passages the answer may use; [n] refers to sources[n-1].
        history: earlier turns, [{"role": "user"|"assistant", "content": str}], oldest first.
        settings: llm_base_url, llm_model, llm_api_key, llm_timeout and prompts_dir are used.

    Yields:
        Text deltas as they arrive (a leading <think>…</think> block of reasoning models is dropped).

    Raises:
        LLMError: while iterating, when the endpoint errs, refuses, times out, breaks off the stream
            or answers nothing. Before iterating: LLMError when no endpoint is configured,
            SettingsError / PromptError / ValueError for a bad setting, prompt file or history.
    """
    if not llm_enabled(settings):
        raise LLMError(
            "未配置大模型服务 / no LLM endpoint configured (set RAG_LLM_BASE_URL and RAG_LLM_MODEL)"
        )
    prompt = load_prompt("answer", settings.prompts_dir)
    from langchain_core.messages import HumanMessage, SystemMessage

    system, user = prompt.render(sources=format_sources(sources), question=question)
    messages = [SystemMessage(system), *_history_messages(history), HumanMessage(user)]
    return _strip_think(_stream(messages, prompt, settings))


def _stream(messages: list[BaseMessage], prompt: Prompt, settings: Settings) -> Iterator[str]:
    import httpx
    import openai
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        model=settings.llm_model or "",
        base_url=settings.llm_base_url,
        # Never fall back to OPENAI_API_KEY: it would be sent to whatever endpoint is configured.
        api_key=settings.llm_api_key or _NO_KEY,  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=0,  # the caller has a fallback; a retry would only double the wait
        temperature=prompt.temperature,
        streaming=True,
        stream_usage=False,  # some compatible servers reject stream_options
        use_responses_api=False,  # vLLM, Ollama, Qwen and DeepSeek speak chat completions
    )
    finish: str | None = None
    try:
        for chunk in model.stream(messages):
            finish = chunk.response_metadata.get("finish_reason") or finish
            if chunk.text:
                yield chunk.text
    except openai.APITimeoutError as e:
        raise LLMError(f"大模型服务响应超时 / LLM endpoint timed out after {settings.llm_timeout:g}s") from e
    except openai.APIConnectionError as e:
        raise LLMError(
            f"无法连接大模型服务或连接中断 / LLM connection failed or broke off: {_cause(e)}"
        ) from e
    except openai.APIStatusError as e:
        hint = (
            " (check RAG_LLM_BASE_URL, usually ending in /v1, and RAG_LLM_MODEL)"
            if e.status_code == 404
            else ""
        )
        raise LLMError(
            f"大模型服务返回错误 HTTP {e.status_code} / LLM endpoint returned HTTP {e.status_code}: "
            f"{_short(e.message)}{hint}"
        ) from e
    except (openai.OpenAIError, httpx.HTTPError, ValueError) as e:
        raise LLMError(f"大模型服务出错 / LLM endpoint error: {_short(str(e))}") from e
    if finish is None:
        raise LLMError("大模型回答不完整 / LLM stream ended without a finish_reason (cut off)")
    if finish == "content_filter":
        raise LLMError("大模型回答被内容过滤拦截 / LLM answer was blocked by a content filter")
    if finish == "length":
        log.warning("LLM answer hit the token limit and may be cut short")


def _cause(e: BaseException) -> str:
    inner = e.__cause__ or e.__context__
    return _short(f"{type(inner).__name__}: {inner}" if inner else str(e))


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip_think(deltas: Iterable[str]) -> Iterator[str]:
    """Pass deltas through, minus leading whitespace and a leading <think>…</think> block.

    Reasoning models served by Ollama or vLLM without a reasoning parser put their thoughts in the
    content. An answer with nothing left is an LLMError.
    """
    head, emitted = "", False
    for delta in deltas:
        if emitted:
            yield delta
            continue
        head = (head + delta).lstrip()
        if head.startswith("<think>"):
            end = head.find("</think>")
            if end < 0:
                continue
            head = head[end + len("</think>") :].lstrip()
        if head and not "<think>".startswith(head):
            emitted = True
            yield head
    if not emitted and head and not head.startswith("<think>"):
        emitted = True
        yield head
    if not emitted:
        raise LLMError("大模型返回了空回答 / LLM returned an empty answer")


# ---------------------------------------------------------------- citations

_DIGITS = "[0-9０-９]{1,3}"  # four digits are a year (e.g. [2023]), never a source number
_MARKER = re.compile(rf"[ \t]*[\[［【]\s*({_DIGITS}(?:\s*[,，、;；\-–—~～至]\s*{_DIGITS})*)\s*[\]］】]")
_VALID = re.compile(r"\[(\d{1,3})\]")  # after rewriting, only valid markers have this form
_CLAIM = re.compile(r"[^。！？!?]*?(?:[。！？!?]+[”’」』）)\"]*(?:[ \t]*\[\d{1,3}\])*|$)")
_BULLET = re.compile(r"^(?:[#>*\-•·+]+|\d+[.、)）]|[（(]?[一二三四五六七八九十]+[)）、])\s*")
_BOILERPLATE = re.compile(
    NOT_FOUND
    + r"|^(?:以上(?:就)?是|希望|如需|如有|如果您|请问|欢迎|感谢|谢谢|您好|综上所述[，,：:]?$)"
    + r"|^根据(?:所)?提供的(?:资料|报告|来源|内容)[，,：:]?$"
)
MAX_RANGE = 20  # [1-300] is not a citation of 300 sources


class CitationCheck(BaseModel):
    """validate_citations()'s verdict on an answer."""

    text: str = Field(description="the answer with markers naming no source removed, others as [k]")
    cited: list[int] = Field(default_factory=list, description="valid source numbers, in order of first use")
    uncited: list[str] = Field(default_factory=list, description="claims of substance with no valid marker")
    dropped: list[int] = Field(default_factory=list, description="source numbers named but not given")
    not_found: bool = Field(False, description=f"the answer is '{NOT_FOUND}' and cites nothing")


def _marker_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    pending_range = False
    for token in re.findall(r"[0-9０-９]+|[\-–—~～至]", group):
        if not token[0].isdigit():
            pending_range = bool(numbers)
            continue
        k = int(token)
        if pending_range and numbers[-1] < k <= numbers[-1] + MAX_RANGE:
            numbers.extend(range(numbers[-1] + 1, k + 1))
        else:
            numbers.append(k)
        pending_range = False
    return numbers


def _is_claim(sentence: str, line: str) -> bool:
    if line.lstrip().startswith("#") or re.fullmatch(r"\s*\*\*[^*]+\*\*\s*[：:]?\s*", line):
        return False  # a heading
    core = _BULLET.sub("", sentence.strip()).replace("**", "").strip()
    core = _VALID.sub("", core).strip()
    if not core or core[-1] in "：:" or _BOILERPLATE.search(core):
        return False
    letters = re.sub(r"[\W_]", "", core)
    return len(letters) >= (4 if re.search(r"\d", letters) else 6)


def validate_citations(text: str, n_sources: int) -> CitationCheck:
    """Check an answer's [n] markers against the number of sources it was given.

    Markers are rewritten as half-width [k], one per source: [1,2], [1、2], ［2］ and 【2】 become
    [1][2] and [2], and [1-3] becomes [1][2][3]. A number outside 1..n_sources is removed and listed
    in `dropped`. A claim is a sentence (split at 。！？ and newlines) of substance: headings,
    list introductions ending in ：, very short lines and polite boilerplate are not claims.
    """
    dropped: list[int] = []

    def rewrite(m: re.Match[str]) -> str:
        valid: list[int] = []
        for k in _marker_numbers(m.group(1)):
            if 1 <= k <= n_sources:
                if k not in valid:
                    valid.append(k)
            elif k not in dropped:
                dropped.append(k)
        if not valid:
            return ""
        lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip(" \t"))]
        return lead + "".join(f"[{k}]" for k in valid)

    clean = _MARKER.sub(rewrite, text)
    cited = list(dict.fromkeys(int(k) for k in _VALID.findall(clean)))
    uncited = [
        sentence.strip()
        for line in clean.splitlines()
        for sentence in _CLAIM.findall(line)
        if sentence.strip() and not _VALID.search(sentence) and _is_claim(sentence, line)
    ]
    not_found = not cited and NOT_FOUND in clean
    return CitationCheck(text=clean, cited=cited, uncited=uncited, dropped=dropped, not_found=not_found)
