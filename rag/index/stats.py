"""What a build did, for people (summary) and programs (the lists and counts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.models import Skipped


class BuildStats(BaseModel):
    """What a build did. Lists hold report sources (paths relative to their corpus root)."""

    index_dir: str
    embedder: str
    rebuilt: bool = False
    written: bool = False  # False when nothing changed and no new generation was written
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    reports: int = 0
    chunks: int = 0
    chunks_embedded: int = 0
    passages_embedded: int = 0  # distinct sentences and chunk headers sent to the embedder
    passages_cached: int = 0  # passages whose vector came from the embedding cache or a repeat in this build
    chars_embedded: int = 0
    seconds: float = 0.0

    def summary(self, lang: Literal["zh", "en"] = "zh") -> str:
        """One or a few lines for people: counts, time, and each skipped file with its reason."""
        if lang == "en":
            head = (
                f"index {self.index_dir}: {self.reports} reports, {self.chunks} chunks "
                f"({len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped); "
                f"{self.chunks_embedded} chunks embedded with {self.embedder} in {self.seconds:.1f} s"
            )
            lines = [head] + [f"skipped {s.source}: {s.reason}" for s in self.skipped]
        else:
            head = (
                f"索引 {self.index_dir}：共 {self.reports} 份报告、{self.chunks} 个段落"
                f"（新增 {len(self.added)}，更新 {len(self.changed)}，移除 {len(self.removed)}，"
                f"未变 {len(self.unchanged)}，跳过 {len(self.skipped)}）；"
                f"用 {self.embedder} 嵌入 {self.chunks_embedded} 个段落，耗时 {self.seconds:.1f} 秒"
            )
            lines = [head] + [f"跳过 {s.source}：{s.reason}" for s in self.skipped]
        return "\n".join(lines)
