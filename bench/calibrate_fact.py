"""Fit the keyword share a sentence must hold to answer a question that is not a list (rag.compose's
fact, yes/no and general answers); print cross-validated and held-out figures.

    .venv/bin/python bench/calibrate_fact.py --index-dir /tmp/idx-all --extra-index /tmp/idx-seeds
    .venv/bin/python bench/calibrate_fact.py --index-dir /tmp/idx-all --extra-index /tmp/idx-seeds --write

A question is answered from its sentences only when the best of them holds this share of the question's
keyword weight (IDF-weighted, rag.evidence); below it the answer says the reports do not cover it. The
data: the fact questions (label 1: the reports answer them) and the not-covered questions asked as facts
(label 0) of tests/eval/questions.jsonl, each asked of every index given (the seeds + corpus-dev index, and
the seeds alone, where a question answered by another township is left out). Questions that the
content path does not answer (a year the library lacks, a question about the reports themselves, a whole
section) are left out: the cut decides nothing for them.

The cut is the median of the best accuracy cuts of ``--rounds`` bootstrap samples of question groups, on the
``calib`` half; leave-one-group-out cross-validation there and the ``heldout`` half are printed, with the
figures of the former hand-set cut (0.45) beside them. It is written into rag/data/decision.json ("fact"),
which rag.decide.fact_min_lexical reads. The share does not depend on the embedder: one cut for all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FORMER_CUT = 0.45  # the hand-set value this replaces


def collect(items: list[dict[str, Any]], index: Any) -> list[dict[str, Any]]:
    """Each content-answered non-list question with the best keyword share of a sentence in its scope."""
    from rag.compose import _score
    from rag.coverage import coverage_question
    from rag.evaluate import norm
    from rag.metadata_answers import existence_answer, metadata_answer
    from rag.models import Filters
    from rag.plan import make_plan, reports_in_scope

    held = {norm(r.township) for r in index.reports.values() if r.township}
    out = []
    for item in items:
        if item["type"] == "fact" and not set(item.get("cite", [])) <= held:
            continue  # asked of an index without the township that answers it (the seeds alone)
        plan = make_plan(item["question"], Filters(), [], index)
        if plan.qtype == "list" or coverage_question(plan.effective) is not None:
            continue
        if existence_answer(plan.effective, plan.townships, plan.years, list(index.reports.values()), plan.topic):
            continue
        reports, reason = reports_in_scope(plan, index)
        if reason or not reports or metadata_answer(plan.effective, reports, plan.topic) is not None:
            continue
        scored, kw, _ = _score(plan, index, reports)
        if plan.section_mode:
            continue
        best = max((s.lexical for s in scored), default=0.0) if kw else 0.0
        out.append({"item": item, "x": float(best), "y": int(item["type"] == "fact"),
                    "group": item.get("group", item["id"])})
    return out


def accuracy(part: list[dict[str, Any]], cut: float) -> tuple[int, int, int, int]:
    """(right, questions, facts answered, not-covered said so) at a cut."""
    facts = sum(1 for q in part if q["y"] and q["x"] >= cut)
    nones = sum(1 for q in part if not q["y"] and q["x"] < cut)
    return facts + nones, len(part), facts, nones


def show(name: str, part: list[dict[str, Any]], cut: float) -> dict[str, float]:
    right, n, facts, nones = accuracy(part, cut)
    n_facts = sum(q["y"] for q in part)
    print(f"{name}: {right}/{n} right at {cut:.3f} (facts answered {facts}/{n_facts}, "
          f"not covered said so {nones}/{n - n_facts})")
    return {"right": right, "questions": n, "facts_answered": facts, "facts": n_facts, "not_covered_right": nones,
            "not_covered": n - n_facts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", default=str(ROOT / "tests" / "eval" / "questions.jsonl"))
    ap.add_argument("--index-dir", default=None, help="index to answer from (default: RAG_INDEX_DIR)")
    ap.add_argument("--extra-index", action="append", default=[], help="another index the questions are asked of")
    ap.add_argument("--also", action="append", default=[], metavar="FILE=INDEX",
                    help="more labelled questions (dev.jsonl's schema) and the index they are about, all used "
                         "for fitting (split calib)")
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--write", action="store_true", help="write the cut into rag/data/decision.json")
    args = ap.parse_args()
    if args.index_dir:
        import os

        os.environ["RAG_INDEX_DIR"] = args.index_dir

    from calibrate import bagged_cut

    from rag.decide import PARAMS_FILE, best_accuracy_cut
    from rag.evaluate import read_questions
    from rag.index import get_index, load_index

    items = [q for q in read_questions(args.questions) if q["type"] in ("fact", "none")]
    index = get_index()
    data = collect(items, index)
    for extra_dir in args.extra_index:
        data += collect(items, load_index(extra_dir, index.manifest.embedder_spec))
    for pair in args.also:
        path, _, where = pair.partition("=")
        more = [dict(q, split="calib", group=f"{Path(path).stem}:{q.get('group', q['id'])}")
                for q in read_questions(path) if q["type"] in ("fact", "none")]
        data += collect(more, load_index(where, index.manifest.embedder_spec))
    calib = [q for q in data if q["item"].get("split") == "calib"]
    held = [q for q in data if q["item"].get("split") == "heldout"]
    print(f"{len(data)} questions answered from content ({len(calib)} calib, {len(held)} heldout; "
          f"{sum(1 - q['y'] for q in data)} not covered)")

    def fitted(part: list[dict[str, Any]]) -> float:
        return bagged_cut(best_accuracy_cut, np.array([q["x"] for q in part]), np.array([q["y"] for q in part]),
                          [q["group"] for q in part], args.rounds)

    groups = sorted({q["group"] for q in calib})
    right = 0
    for g in groups:  # leave-one-group-out: each group decided by the cut fitted without it
        cut = fitted([q for q in calib if q["group"] != g])
        right += accuracy([q for q in calib if q["group"] == g], cut)[0]
    print(f"calib, leave-one-group-out ({len(groups)} groups): {right}/{len(calib)} right")
    final = fitted(calib)
    s_calib = show("calib, fitted on all of it", calib, final)
    s_held = show(f"heldout ({len(held)} questions, never seen)", held, final)
    show("calib, the former hand-set cut", calib, FORMER_CUT)
    show("heldout, the former hand-set cut", held, FORMER_CUT)
    facts = sorted(q["x"] for q in calib if q["y"])
    nones = sorted(q["x"] for q in calib if not q["y"])
    print(f"calib: facts' best share from {facts[0]:.3f} (then {', '.join(f'{x:.2f}' for x in facts[1:5])}); "
          f"not covered up to {nones[-1]:.3f} (before: {', '.join(f'{x:.2f}' for x in nones[-5:-1])})")
    if args.write:
        stored = json.loads(PARAMS_FILE.read_text(encoding="utf-8"))
        stored["fact"] = {
            "min_lexical": round(final, 4),
            "fitted_on": f"{Path(args.questions).name} split=calib"
                         + "".join(f" + {Path(p.partition('=')[0]).name}" for p in args.also)
                         + f" ({len(calib)} questions answered from content)",
            "cv_calib_right": right,
            "calib": s_calib,
            "heldout": s_held,
        }
        PARAMS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote 'fact' into {PARAMS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
