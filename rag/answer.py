"""answer(): the core of the product. Exact, complete, traceable to the quote.

Stages: resolve a follow-up against the history -> recognise the scope the question names (township,
county, year) -> classify (list / fact / general) -> score every sentence of every report in scope ->
decide per report whether it supports the question -> compose an extractive answer with citations, or
hand the chosen sources to the LLM when one is configured (falling back to extractive on any error).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from rag.checks import MAX_QUESTION_CHARS, QuestionError, check_filters, check_text
from rag.compose import LLM_SOURCES, compose_extractive
from rag.models import Answer, Citation, Filters
from rag.plan import Plan, classify, make_plan

__all__ = ["MAX_QUESTION_CHARS", "QuestionError", "answer", "answer_stream", "classify", "compose_extractive", "make_plan"]

log = logging.getLogger(__name__)





# ------------------------------------------------------------------ public API


def answer(
    question: str,
    *,
    filters: Filters | dict[str, Any] | None = None,
    history: list[dict[str, str]] | None = None,
) -> Answer:
    """Answer a question from the indexed reports.

    Args:
        question: the question, in simplified or traditional Chinese or in English.
        filters: metadata limits (township, county, year, year_from, year_to, kind).
        history: earlier turns, [{"role": "user"|"assistant", "content": "..."}], for follow-ups.

    Returns:
        An Answer whose citations quote the reports exactly (report.text[start:end] == quote).
    """
    result: Answer | None = None
    for event in answer_stream(question, filters=filters, history=history):
        if isinstance(event, Answer):
            result = event
    assert result is not None
    return result


def answer_stream(
    question: str,
    *,
    filters: Filters | dict[str, Any] | None = None,
    history: list[dict[str, str]] | None = None,
) -> Iterator[str | Answer]:
    """Like answer(), but yields text pieces as they are ready and the full Answer last."""
    from rag.config import get_settings
    from rag.index import get_index

    t0 = time.perf_counter()
    question = _check_question(question)
    flt = _check_filters(filters)
    history = _check_history(history)
    index = get_index()
    timings: dict[str, float] = {}

    plan = make_plan(question, flt, history, index)
    timings["plan"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    draft = compose_extractive(plan, index)
    timings["retrieve"] = time.perf_counter() - t1

    settings = get_settings()
    from rag.llm import llm_enabled

    if draft.found and llm_enabled(settings):
        yield from _llm_stream(plan, draft, history, settings, timings, t0)
        return
    yield from _pieces(draft.text)
    timings["total"] = time.perf_counter() - t0
    yield draft.model_copy(update={"timings": timings})


# ------------------------------------------------------------------ input checks


def _check_question(question: object) -> str:
    return check_text(question, "question")


def _check_filters(filters: Filters | dict[str, Any] | None) -> Filters:
    return check_filters(filters) or Filters()


def _check_history(history: object) -> list[dict[str, str]]:
    if history is None:
        return []
    if not isinstance(history, list):
        raise QuestionError("history: must be a list of {role, content}")
    out = []
    for i, turn in enumerate(history):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") or not isinstance(
            turn.get("content"), str
        ):
            raise QuestionError(f"history[{i}]: must be {{'role': 'user'|'assistant', 'content': str}}")
        out.append({"role": turn["role"], "content": turn["content"]})
    return _recent_history(out)


def _recent_history(history: list[dict[str, str]]) -> list[dict[str, str]]:
    """What an answer reads of the conversation: the last RAG_HISTORY_TURNS turns and, newest first, at most
    RAG_HISTORY_CHARS characters (a longer message keeps its beginning). Bounds the work a history can cause."""
    from rag.config import get_settings

    settings = get_settings()
    kept = history[-2 * settings.history_turns:] if settings.history_turns else []
    room = settings.history_chars
    out: list[dict[str, str]] = []
    for turn in reversed(kept):
        if room <= 0:
            break
        out.append({"role": turn["role"], "content": turn["content"][:room]})
        room -= len(out[-1]["content"])
    return out[::-1]


def _pieces(text: str) -> Iterator[str]:
    """Stream an extractive answer line by line (it is ready at once; this keeps one protocol)."""
    yield from text.splitlines(keepends=True)


# ------------------------------------------------------------------ LLM mode


def _llm_sources(chosen: list[Citation], extra: list[Citation]) -> list[Citation]:
    """The extractive citations first, then further relevant passages, numbered 1..n, no repeats."""
    out = list(chosen)
    seen = {(c.source, c.start, c.end) for c in out}
    for c in extra:
        if len(out) >= LLM_SOURCES:
            break
        if (c.source, c.start, c.end) not in seen and not any(
            c.source == o.source and c.start < o.end and o.start < c.end for o in out
        ):
            seen.add((c.source, c.start, c.end))
            out.append(c)
    return [c.model_copy(update={"n": i + 1}) for i, c in enumerate(out)]


def _llm_stream(plan: Plan, draft: Answer, history: list[dict[str, str]], settings: Any,
                timings: dict[str, float], t0: float) -> Iterator[str | Answer]:
    from rag.llm import LLMError, stream_llm_answer, validate_citations

    t1 = time.perf_counter()
    sources = _llm_sources(draft.citations, plan.extra)
    parts: list[str] = []
    try:
        for delta in stream_llm_answer(plan.effective, sources, history, settings):
            parts.append(delta)
            yield delta
    except LLMError as e:
        note = f"大模型服务不可用（{e}），已改用摘录式回答。"
        log.warning("LLM failed, falling back to extractive: %s", e)
        if parts:
            yield "\n\n"
        yield f"（{note}）\n"
        yield from _pieces(draft.text)
        timings["total"] = time.perf_counter() - t0
        yield draft.model_copy(update={"timings": timings, "notes": [note]})
        return
    timings["llm"] = time.perf_counter() - t1
    check = validate_citations("".join(parts), len(sources))
    notes = []
    if check.dropped:
        notes.append("已删除不对应任何来源的引用标记：" + "、".join(f"[{k}]" for k in check.dropped))
    if check.uncited:
        notes.append("以下内容没有引用来源，请核实：" + "；".join(check.uncited[:3]))
    found = not check.not_found
    # The citations are the sources the answer cites, numbered as in its text (the numbers were
    # already streamed). An answer that cites nothing keeps every source it was given, flagged above.
    cited = [c for c in sources if c.n in set(check.cited)] or (sources if found else [])
    timings["total"] = time.perf_counter() - t0
    yield Answer(
        question=plan.question,
        text=check.text,
        found=found,
        mode="llm",
        citations=cited,
        timings=timings,
        notes=notes,
        considered=draft.considered,
    )

