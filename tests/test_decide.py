"""The list decision (rag/decide.py): the fitting, the gate, and the fitted file (fast: no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.decide import (
    FEATURES,
    GATE_FEATURES,
    Candidate,
    Decision,
    Params,
    best_threshold,
    decide,
    fit_logistic,
    load_params,
)


def params(weights: list[float], bias: float = 0.0, threshold: float = 0.5) -> Params:
    n = len(weights)
    return Params(tuple(weights), bias, threshold, (0.0,) * n, (1.0,) * n)


def test_fit_logistic_separates_separable_data() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - x[:, 2] > 0).astype(float)
    w, b, mean, scale = fit_logistic(x, y, l2=0.1)
    p = Params(tuple(w), b, 0.5, tuple(mean), tuple(scale)).probability(x)
    assert ((p >= 0.5) == (y == 1)).mean() > 0.95
    assert w[0] > 0 > w[2]


def test_best_threshold_maximises_f1() -> None:
    p = np.array([0.9, 0.8, 0.4, 0.3, 0.2])
    y = np.array([1, 1, 1, 0, 0])
    assert best_threshold(p, y) == pytest.approx(0.4)


def cand(source: str, x0: float) -> Candidate:
    x = np.zeros(len(FEATURES))
    x[0] = x0
    return Candidate(source, None, x)


def test_decide_keeps_each_report_best_candidate_over_the_threshold() -> None:
    report = params([4.0] + [0.0] * (len(FEATURES) - 1), bias=-2.0)
    gate = params([0.0] * len(GATE_FEATURES), bias=5.0)  # always covered
    got = decide([cand("a", 1.0), cand("a", 0.9), cand("b", 0.1)], np.zeros(len(GATE_FEATURES)),
                 Decision(gate, report))
    assert [c.source for c in got] == ["a"] and got[0].x[0] == 1.0


def test_the_gate_says_not_covered_before_any_report_is_weighed() -> None:
    report = params([0.0] * len(FEATURES), bias=5.0)  # every report would pass
    gate = params([0.0] * len(GATE_FEATURES), bias=-5.0)  # never covered
    assert decide([cand("a", 1.0)], np.zeros(len(GATE_FEATURES)), Decision(gate, report)) == []


def test_the_shipped_decision_matches_the_code_and_says_how_it_was_fitted() -> None:
    d = load_params()
    assert len(d.report.weights) == len(FEATURES) and len(d.gate.weights) == len(GATE_FEATURES)
    data = json.loads((Path(__file__).resolve().parent.parent / "rag" / "data" / "decision.json").read_text("utf-8"))
    assert "split=calib" in data["fitted_on"] and data["heldout"]["questions"] > 0


def test_a_decision_fitted_for_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads((Path(__file__).resolve().parent.parent / "rag" / "data" / "decision.json").read_text("utf-8"))
    data["report"]["features"] = ["lexical"]
    bad = tmp_path / "decision.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="run bench/calibrate.py again"):
        load_params.__wrapped__(bad)
