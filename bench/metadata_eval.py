"""Metadata accuracy on the development corpus: township, year and county against the truth a person
read from each report (../shared/corpus-dev/metadata.jsonl).

    PYTHONPATH=$PWD .venv/bin/python bench/metadata_eval.py [CORPUS_DIR] [--json]

A null in the truth makes no claim and is not counted; a county found where the truth has none is
listed as "extra" for a person to judge, not counted wrong.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest import ingest_paths

FIELDS = ("township", "year", "county")


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)  # file, field, want, got
    extra: list[tuple[str, str, object]] = field(default_factory=list)  # file, field, got
    found: dict[str, dict[str, object]] = field(default_factory=dict)


def evaluate(corpus: Path) -> Score:
    """Ingest corpus/reports and compare township, year and county with corpus/metadata.jsonl."""
    truth = [json.loads(ln) for ln in (corpus / "metadata.jsonl").read_text(encoding="utf-8").splitlines() if ln.strip()]
    result = ingest_paths([corpus / "reports"])
    got = {r.source: r for r in result.reports}
    score = Score()
    for row in truth:
        report = got.get(row["file"])
        score.found[row["file"]] = {f: getattr(report, f, None) for f in (*FIELDS, "province")}
        for f in FIELDS:
            want, have = row.get(f), getattr(report, f, None)
            if want is None:
                if f == "township" and have is not None:
                    score.misses.append((row["file"], f, want, have))  # a report that names no township
                elif have is not None:
                    score.extra.append((row["file"], f, have))
                continue
            score.total[f] += 1
            if have == want:
                score.right[f] += 1
            else:
                score.misses.append((row["file"], f, want, have))
    return score


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0]) if args else Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-dev"
    if not (corpus / "metadata.jsonl").is_file():
        print(f"{corpus}: no metadata.jsonl here (pass the corpus-dev folder)", file=sys.stderr)
        return 2
    score = evaluate(corpus)
    if "--json" in argv:
        print(json.dumps({"right": score.right, "total": score.total, "misses": score.misses,
                          "extra": score.extra, "found": score.found}, ensure_ascii=False, indent=2))
        return 0
    for f in FIELDS:
        print(f"{f:9s} right {score.right[f]:2d} of {score.total[f]}")
    for file, f, want, have in score.misses:
        print(f"  miss  {file}: {f} {have!r}, expected {want!r}")
    for file, f, have in score.extra:
        print(f"  extra {file}: {f} {have!r} (no claim in the truth)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
