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
    answer(QUESTIONS[0])
    cold = time.perf_counter() - t
    warm = []
    for _ in range(3):
        for q in QUESTIONS:
            t = time.perf_counter()
            answer(q)
            warm.append(time.perf_counter() - t)
    warm.sort()
    median = statistics.median(warm)
    p95 = warm[int(0.95 * (len(warm) - 1))]
    print(f"cold first answer: {cold:.2f} s (loads the index and the model)")
    print(f"warm answers: n={len(warm)} median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {warm[-1] * 1000:.0f} ms")
    print(f"median vs the 1 s target: {median / 1.0:.2f}x")


if __name__ == "__main__":
    main()
