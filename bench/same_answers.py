#!/usr/bin/env python3
"""Proof that a speed change changed no answer: every answer, search and sentence scoring of a question
file, written in full, so that the files written before and after the change can be compared.

    PYTHONHASHSEED=0 RAG_INDEX_DIR=/tmp/idx RAG_EMBEDDER=hash .venv/bin/python bench/same_answers.py \\
        QUESTIONS.jsonl [MORE.jsonl ...] --out before.jsonl
    ... the change ...
    (same command) --out after.jsonl
    .venv/bin/python bench/same_answers.py --compare before.jsonl after.jsonl

Written per question: the answer (text, found, considered, every citation with its span and score),
the top 10 of search() (chunk ids and fused scores) and the evidence table's scoring of every sentence
of the index for the question (unit, lexical, dense, score, matched words), all exact, timings left
out. PYTHONHASHSEED is fixed because some orders follow set iteration (equal scores keep it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def record(question: str) -> dict[str, Any]:
    """Everything observable about one question, timings aside."""
    from rag import answer, search
    from rag.candidates import score_sentences
    from rag.evidence_store import get_evidence
    from rag.index import get_index

    a = answer(question)
    hits = search(question, k=10)
    index = get_index()
    table = get_evidence(index)
    scored, kw, _table = score_sentences(index, question, question, range(len(table.units)))
    rows = [[s.unit, repr(s.lexical), repr(s.dense), repr(s.score), s.matched] for s in scored]
    return {
        "question": question,
        "text": a.text,
        "found": a.found,
        "considered": a.considered,
        "citations": [c.model_dump() for c in a.citations],
        "search": [[h.chunk_id, h.source, repr(h.score)] for h in hits],
        "keywords": kw,
        "scored": len(rows),
        "scored_sha1": hashlib.sha1(json.dumps(rows, ensure_ascii=False).encode()).hexdigest(),
    }


def compare(before: Path, after: Path) -> int:
    old = [json.loads(x) for x in before.read_text(encoding="utf-8").splitlines() if x.strip()]
    new = [json.loads(x) for x in after.read_text(encoding="utf-8").splitlines() if x.strip()]
    differ = [o["question"] for o, n in zip(old, new, strict=False) if o != n]
    if len(old) != len(new):
        print(f"{before}: {len(old)} questions, {after}: {len(new)}")
        return 1
    for q in differ:
        print(f"differs: {q}")
    print(f"{len(old) - len(differ)} of {len(old)} questions identical")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="question files (JSON lines with 'question')")
    ap.add_argument("--out", type=Path, help="where to write the records")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None or not args.files:
        ap.error("question files and --out, or --compare BEFORE AFTER")
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    questions = [
        json.loads(line)["question"]
        for f in args.files
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with open(args.out, "w", encoding="utf-8") as out:
        for q in questions:
            out.write(json.dumps(record(q), ensure_ascii=False) + "\n")
    print(f"{len(questions)} questions written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
