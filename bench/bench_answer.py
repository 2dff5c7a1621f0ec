"""Answer latency on this machine: cold (first answer, loads the index) and warm (median, p95).

Run: .venv/bin/python bench/bench_answer.py   (uses the index under RAG_INDEX_DIR or index/)
Target from the issue: median warm answer latency under 1 s.
"""

from __future__ import annotations

import statistics
import time

QUESTIONS = [
    "哪些乡镇提到执法人员不足？",
    "共和镇2022年劳动纠纷调解成功率是多少？",
    "各乡镇在普法宣传方面做了哪些工作？",
    "大歇镇下一步有什么工作打算？",
    "How many legal advisers did Gonghe town hire?",
    "哪些鄉鎮提到矛盾糾紛調解？",
    "岳溪镇2020年存在哪些不足？",
    "高观镇组织了多少次法治讲座？",
]


def main() -> None:
    from rag import answer

    t = time.perf_counter()
    answer("预热：共和镇有哪些做法？")
    cold = time.perf_counter() - t
    first, repeat = [], []
    for rnd in range(3):
        for q in QUESTIONS:
            t = time.perf_counter()
            answer(q)
            (first if rnd == 0 else repeat).append(time.perf_counter() - t)
    print(f"cold first answer: {cold:.2f} s (loads the index and the model)")
    for name, xs in (("new questions", first), ("repeated questions", repeat)):
        xs.sort()
        median = statistics.median(xs)
        p95 = xs[int(0.95 * (len(xs) - 1))]
        print(f"warm, {name}: n={len(xs)} median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {xs[-1] * 1000:.0f} ms; median vs the 1 s target: {median:.3f}x")


def scaling() -> None:
    """Scoring every sentence of every report is the cost of 'consider every report': time it on the
    seeds' sentences repeated 20x and 100x (100 and 500 reports' worth)."""
    import numpy as np

    from rag.evidence import EvidenceTable, Unit, alternative_sides, keywords
    from rag.evidence_store import get_evidence
    from rag.index import get_index

    index = get_index()
    table = get_evidence(index)
    question = "哪些乡镇提到行政执法队伍的素质或业务能力有待提高？"
    kw, alts = keywords(question), alternative_sides(question)
    qvec = index.embedder.embed_query(question)
    for times in (20, 100):
        units = [
            Unit(f"{u.source}#{k}", u.start, u.end, u.text, u.norm, u.chunk, u.heading, u.context)
            for k in range(times)
            for u in table.units
        ]
        big = EvidenceTable(units, np.tile(table.unit_vectors(), (times, 1)))
        big.score(kw, qvec, list(range(len(units))), alts)  # document frequencies computed once
        t = time.perf_counter()
        big.score(kw, qvec, list(range(len(units))), alts)
        print(f"scoring {len(units)} sentences ({5 * times} reports' worth): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
    scaling()
