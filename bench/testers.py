#!/usr/bin/env python3
"""The testers' question sets (tests/eval/testers/): each written by a tester who had not read the code,
hashed before its first run and never changed after it. Some sets come with reports the tester wrote
(`reports/`, with their true metadata in `truth.jsonl`): reports nobody developed the code on, which is the
nearest thing here to the reports a county office will load.

    .venv/bin/python bench/testers.py                      # every set, in a temporary folder
    .venv/bin/python bench/testers.py --cache /tmp/testers # keep the indexes (and their embedding caches)
    .venv/bin/python bench/testers.py --out after.json     # also write every question's result
    .venv/bin/python bench/testers.py --compare before.json after.json   # the questions that flipped

A set is a folder holding `questions.jsonl` (the schema of ../shared/eval/dev.jsonl) and either `reports/`
or `corpus.txt` (folders relative to the project root, one a line: `seeds`, `../shared/corpus-dev/reports`).
Each set is indexed and answered in its own process (`rag eval --index-dir … --corpus … --json`), so that
one set's index never answers another's. Printed per set: answers passed by type and, where the set has a
`truth.jsonl`, the metadata fields `rag ingest` gets right (township, county, province, year, signing date).
The first-run figures of each set are in its README.md: what the code of that day scored.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "eval" / "testers"
FIELDS = {"township": "township", "county": "county", "province": "province", "year": "year", "signed": "date"}


def corpus_of(folder: Path) -> list[Path]:
    if (folder / "reports").is_dir():
        return [folder / "reports"]
    lines = (folder / "corpus.txt").read_text(encoding="utf-8").split()
    return [(ROOT / line).resolve() for line in lines]


def rag(*args: str | Path) -> Any:
    done = subprocess.run([sys.executable, "-m", "rag", *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rag {' '.join(map(str, args))} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def metadata(folder: Path) -> tuple[int, int, list[str]]:
    """(fields right, fields the truth states, what is wrong) of `rag ingest` on the set's reports."""
    truth_file = folder / "truth.jsonl"
    if not truth_file.exists():
        return 0, 0, []
    got = {r["source"]: r for r in rag("ingest", folder / "reports", "--json")["reports"]}
    right = stated = 0
    wrong: list[str] = []
    for line in truth_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        truth = json.loads(line)
        mine = got.get(truth["file"], {})
        for field, key in FIELDS.items():
            if truth.get(field) in (None, ""):
                continue  # the report does not state it: no claim
            stated += 1
            if str(mine.get(key)) == str(truth[field]):
                right += 1
            else:
                wrong.append(f"{truth['file']} {field}: {mine.get(key)!r}, truth {truth[field]!r}")
    return right, stated, wrong


def run_set(folder: Path, cache: Path, rebuild: bool = False) -> dict[str, Any]:
    index = cache / folder.name
    if rebuild and index.exists():  # (what ingestion or chunking reads anew: a kept index holds the old)
        subprocess.run([sys.executable, "-m", "rag", "index", "--index-dir", str(index), "--rebuild",
                        *map(str, corpus_of(folder))], cwd=ROOT, capture_output=True, check=True)
    corpus = [a for c in corpus_of(folder) for a in ("--corpus", c)]
    summary = rag("eval", folder / "questions.jsonl", "--index-dir", index, *corpus, "--json")
    right, stated, wrong = metadata(folder)
    return {"passed": summary["passed"], "of": summary["questions"], "by_type": summary["by_type"],
            "results": {r["id"]: r["ok"] for r in summary["results"]},
            "why": {r["id"]: r["why"] for r in summary["results"] if not r["ok"]},
            "metadata": {"right": right, "stated": stated, "wrong": wrong}}


def compare(before_file: Path, after_file: Path) -> None:
    before, after = (json.loads(p.read_text(encoding="utf-8")) for p in (before_file, after_file))
    for name in sorted(set(before) & set(after)):
        for qid, ok in after[name]["results"].items():
            was = before[name]["results"].get(qid)
            if was is not None and was != ok:
                print(f"{name} {qid}: {'FAIL -> PASS' if ok else 'PASS -> FAIL'}")
    total = [sum(s["passed"] for s in d.values()) for d in (before, after)]
    print(f"passed: {total[0]} -> {total[1]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="folder for the sets' indexes (kept; default: a temporary one)")
    ap.add_argument("--set", action="append", default=[], help="only this set (repeatable)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the kept indexes (after a change to ingestion)")
    ap.add_argument("--out", type=Path, help="write every question's result here (JSON)")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return 0
    folders = sorted(p for p in SETS.iterdir() if (p / "questions.jsonl").exists())
    if args.set:
        folders = [p for p in folders if p.name in args.set]
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        results = {}
        for folder in folders:
            r = results[folder.name] = run_set(folder, cache, args.rebuild)
            types = ", ".join(f"{k} {v['passed']}/{v['of']}" for k, v in r["by_type"].items())
            meta = r["metadata"]
            shown = f"; metadata {meta['right']}/{meta['stated']}" if meta["stated"] else ""
            print(f"{folder.name}: answers passed {r['passed']}/{r['of']} ({types}){shown}", flush=True)
            for w in meta["wrong"]:
                print(f"    metadata wrong: {w}")
    passed, of = sum(r["passed"] for r in results.values()), sum(r["of"] for r in results.values())
    print(f"all sets: answers passed {passed}/{of} ({100 * passed / max(of, 1):.1f}%)")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
