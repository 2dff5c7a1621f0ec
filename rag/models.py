"""The data that flows between stages: reports, chunks, hits, citations and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SectionKind = Literal["achievements", "problems", "plans", "leadership", "other"]
SECTION_KINDS: tuple[str, ...] = ("achievements", "problems", "plans", "leadership", "other")


class Chunk(BaseModel):
    """A retrievable passage: an exact span of a report's cleaned text."""

    model_config = ConfigDict(extra="forbid")

    id: str
    section: str = Field(description="heading path, joined with ' > '")
    kind: SectionKind = "other"
    start: int
    end: int
    text: str = Field(description="exactly report.text[start:end]")


class Report(BaseModel):
    """One ingested report: metadata in simplified Chinese, cleaned text in its original script."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="path relative to the corpus root")
    township: str | None = None
    county: str | None = None
    province: str | None = None
    year: int | None = Field(default=None, description="the year reported on, not the publishing year")
    date: str | None = Field(default=None, description="signing date, ISO yyyy-mm-dd")
    published: str | None = Field(default=None, description="the date of the web page the report was copied "
                                  "from (发布日期, 成文日期, 生成日期, or a bare date under the title), ISO yyyy-mm-dd")
    title: str = ""
    script: Literal["simplified", "traditional"] = "simplified"
    sha256: str = ""
    text: str = Field(default="", description="the cleaned text that chunk spans point into")
    chunks: list[Chunk] = Field(default_factory=list)


class Skipped(BaseModel):
    """A file that could not be ingested, and why."""

    source: str
    reason: str


class IngestResult(BaseModel):
    reports: list[Report] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)


class Hit(BaseModel):
    """A ranked search result."""

    rank: int
    score: float
    chunk_id: str
    township: str | None
    county: str | None
    province: str | None = None
    year: int | None
    source: str
    section: str
    kind: SectionKind
    start: int
    end: int
    text: str


class Citation(BaseModel):
    """The exact passage an answer rests on: report.text[start:end] == quote."""

    n: int
    township: str | None
    county: str | None
    year: int | None
    source: str
    section: str
    kind: SectionKind
    quote: str
    start: int
    end: int
    score: float
    chunk_id: str = ""


class Answer(BaseModel):
    question: str
    text: str
    found: bool
    mode: Literal["extractive", "llm"] = "extractive"
    citations: list[Citation] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list, description="visible notes, e.g. an LLM fallback")
    considered: int = Field(default=0, description="how many reports were considered")


class Filters(BaseModel):
    """Metadata filters for search() and answer(). Unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid")

    township: str | list[str] | None = None
    county: str | list[str] | None = None
    year: int | list[int] | None = None
    year_from: int | None = None
    year_to: int | None = None
    kind: SectionKind | list[SectionKind] | None = None


# ------------------------------------------------------------------ how a report is named to a user

UNKNOWN_TOWNSHIP = "乡镇未识别"
UNKNOWN_YEAR = "年份未知"


def town_label(township: str | None, source: str) -> str:
    """The township, or "乡镇未识别（file）" when ingestion could not find it (a sidecar fixes it)."""
    return township or f"{UNKNOWN_TOWNSHIP}（{source.rsplit('/', 1)[-1]}）"


def year_label(year: int | None, suffix: str = "年") -> str:
    return f"{year}{suffix}" if year else UNKNOWN_YEAR


def report_label(township: str | None, county: str | None, year: int | None, source: str) -> str:
    """青松镇（城口县，2024年）; unknown fields are said in words or left out, never None or empty brackets."""
    inner = "，".join(x for x in (county, year_label(year)) if x)
    return f"{town_label(township, source)}（{inner}）"
