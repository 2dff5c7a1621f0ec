"""Metadata accuracy on the development corpus: township, year and county against the truth a person
read from each report (../shared/corpus-dev/metadata.jsonl).

    PYTHONPATH=$PWD .venv/bin/python bench/metadata_eval.py [CORPUS_DIR] [--json] [--robust]

A null in the truth makes no claim and is not counted; a county found where the truth has none is
listed as "extra" for a person to judge, not counted wrong.

--robust also reruns the township on altered copies (in a temporary folder): every township's name
replaced by an invented one (the rules must not depend on the names they were developed on), and
every short line naming the township removed (title, fields, signature: only the body is left).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest import ingest_paths, load_report
from rag.text import to_simplified, to_traditional

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


INVENTED_STEMS = ("青禾", "云栖", "石溪", "柳湾", "桂岭", "松涛", "白鹭")
_SUFFIXES = ("瑶族乡", "街道", "镇", "乡")


def _altered(text: str, township: str, mode: str, k: int) -> tuple[str, str | None]:
    """A copy of a report altered by mode ("rename" or "untitled") and the township it should get."""
    suffix = next((x for x in _SUFFIXES if township.endswith(x)), "")
    stem = township[: len(township) - len(suffix)]
    if mode == "rename":
        new = INVENTED_STEMS[k % len(INVENTED_STEMS)]
        for old, repl in ((stem, new), (to_traditional(stem), to_traditional(new))):
            text = text.replace(old, repl)
        return text, new + suffix
    kept = [ln for ln in text.split("\n")
            if not (stem in to_simplified(ln) and len(ln) < 80 and not re.search("[。，,；]", ln))]
    return "\n".join(kept), None  # the body may or may not name it: counted, not required


Miss = tuple[str, "str | None", str]  # file, found, expected


def robustness(corpus: Path) -> dict[str, tuple[int, int, list[Miss]]]:
    """mode -> (right, of, misses) for the township on altered copies of the named reports."""
    truth = [json.loads(ln) for ln in (corpus / "metadata.jsonl").read_text(encoding="utf-8").splitlines() if ln.strip()]
    out: dict[str, tuple[int, int, list[Miss]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("rename", "untitled"):
            right, total, misses = 0, 0, list[Miss]()
            for k, row in enumerate(r for r in truth if r["township"]):
                text = (corpus / "reports" / row["file"]).read_text(encoding="utf-8")
                altered, want = _altered(text, row["township"], mode, k)
                path = Path(tmp) / f"{mode}_{row['file']}"
                path.write_text(altered, encoding="utf-8")
                got = load_report(path).township
                want = want or row["township"]
                total += 1
                if got == want:
                    right += 1
                else:
                    misses.append((row["file"], got, want))
            out[mode] = (right, total, misses)
    return out


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
    if "--robust" in argv:
        for mode, (right, total, misses) in robustness(corpus).items():
            print(f"township on {mode} copies: right {right} of {total}")
            for file, got, want in misses:
                print(f"  miss  {file}: {got!r}, expected {want!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
