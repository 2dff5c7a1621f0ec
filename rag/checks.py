"""Checks of what callers pass to the core (answer(), search()), shared by every door.

A bad argument raises QuestionError whose message starts with the argument's name
("question: must not be empty", "filters.year: ..."), so that each door can name the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from rag.models import Filters

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """A question or its arguments are unusable; the message names the field."""


def check_text(value: object, field: str) -> str:
    """A question or query: a non-empty string of at most MAX_QUESTION_CHARS, stripped."""
    if not isinstance(value, str):
        raise QuestionError(f"{field}: must be a string")
    text = value.strip()
    if not text:
        raise QuestionError(f"{field}: must not be empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"{field}: too long ({len(text)} characters, at most {MAX_QUESTION_CHARS})")
    return text


def check_filters(filters: Filters | dict[str, Any] | None) -> Filters | None:
    """None, a Filters, or a dict checked through Filters (empty values ignored, unknown keys named)."""
    if filters is None or isinstance(filters, Filters):
        return filters
    if not isinstance(filters, dict):
        raise QuestionError("filters: must be an object (dict or Filters)")
    unknown = {str(key) for key in filters} - set(Filters.model_fields)
    if unknown:
        raise QuestionError(
            f"filters.{sorted(unknown)[0]}: unknown filter; known: {', '.join(Filters.model_fields)}"
        )
    try:
        return Filters(**{k: v for k, v in filters.items() if v not in (None, "", [])})
    except ValidationError as e:
        err = e.errors()[0]
        raise QuestionError(f"filters.{err['loc'][0]}: {err['msg']}") from None


def is_index_problem(exc: BaseException) -> bool:
    """True for the index store's own errors (missing, incompatible, damaged), whose messages say what to run."""
    try:
        from rag.index import IndexStoreError
    except ImportError:
        return False
    return isinstance(exc, IndexStoreError)
