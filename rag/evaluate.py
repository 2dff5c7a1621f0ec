"""Scoring answers and retrieval against a labelled question file (the schema of ../shared/eval/dev.jsonl).

The pass rule, the evidence rule and the text normalisation are those of the shared scorer
(../shared/eval/score.py), so that the figures agree with it on the same file; `rag eval` adds evidence
recall at 1/5/10 and MRR, township recall and precision for list questions, "not found" accuracy,
latency percentiles, and pass rates by wording and split (fields of tests/eval/questions.jsonl).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# As in the shared scorer: enough traditional -> simplified for township names and keys.
_T2S = str.maketrans("鎮鄉觀區縣銘歇嶽岳溪", "镇乡观区县铭歇岳岳溪")
_PINYIN = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
FACT_MAX_CHARS = 400
KS = (1, 5, 10)


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", _PINYIN.sub("", s or "")).translate(_T2S)


def any_in(alternatives: str, text: str) -> bool:
    return any(norm(a) in text for a in alternatives.split("|"))


def read_questions(path: Path | str, split: str | None = None) -> list[dict[str, Any]]:
    """The questions of a JSONL file; with ``split``, only those of that split."""
    items = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{i}: not JSON ({e.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or item.get("type") not in (
            "fact", "list", "none"
        ):
            raise ValueError(f"{path}:{i}: needs a question and a type of fact, list or none")
        if split is None or item.get("split") == split:
            items.append(item)
    return items


@dataclass
class Outcome:
    """One question's result."""

    item: dict[str, Any]
    ok: bool
    why: str
    found: bool
    cited: set[str]
    latency: float
    evidence_ranks: list[int | None] = field(default_factory=list)  # 1-based rank of each evidence string


def score_answer(item: dict[str, Any], a: Any) -> tuple[bool, str]:
    """The shared scorer's rule: found, every required township cited, none forbidden, keys in the text,
    and a fact answer at most FACT_MAX_CHARS long."""
    text = norm(a.text)
    cited = {norm(c.township) for c in a.citations}
    kind = item["type"]
    if kind == "none":
        return not a.found, f"found={a.found} cited={sorted(cited)}"
    missing = [t for t in item.get("cite", []) if t not in cited]
    wrong = [t for t in item.get("forbid", []) if t in cited]
    keys_missing = [k for k in item.get("keys", []) if not any_in(k, text)]
    too_long = kind == "fact" and len(re.sub(r"\[\d+\]", "", text)) > FACT_MAX_CHARS
    ok = a.found and not missing and not wrong and not keys_missing and not too_long
    why = []
    if not a.found:
        why.append("found=False")
    if missing:
        why.append("not cited: " + ",".join(missing))
    if wrong:
        why.append("wrongly cited: " + ",".join(wrong))
    if keys_missing:
        why.append("missing in text: " + ",".join(keys_missing))
    if too_long:
        why.append("answer too long for a fact")
    return ok, "; ".join(why) or "cited=" + ",".join(sorted(cited))


def evidence_ranks(item: dict[str, Any], hits: Sequence[Any]) -> list[int | None]:
    """For each evidence string, the rank of the first hit of a required township that holds it."""
    wanted = set(item.get("cite", []))
    ranks: list[int | None] = []
    for ev in item.get("evidence", []):
        rank = next(
            (i for i, h in enumerate(hits, start=1) if (not wanted or norm(h.township) in wanted) and any_in(ev, norm(h.text))),
            None,
        )
        ranks.append(rank)
    return ranks


def run(items: Iterable[dict[str, Any]], answer: Callable[[str], Any], search: Callable[..., Any],
        on_result: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    out = []
    for item in items:
        t = time.perf_counter()
        a = answer(item["question"])
        latency = time.perf_counter() - t
        ok, why = score_answer(item, a)
        ranks = evidence_ranks(item, search(item["question"], k=max(KS))) if item.get("evidence") else []
        o = Outcome(item, ok, why, a.found, {norm(c.township) for c in a.citations}, latency, ranks)
        if on_result:
            on_result(o)
        out.append(o)
    return out


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))] if s else 0.0


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """The figures `rag eval` prints."""
    by_type: dict[str, list[int]] = {}
    by_wording: dict[str, list[int]] = {}
    by_split: dict[str, list[int]] = {}
    for o in outcomes:
        for table, key in ((by_type, o.item["type"]), (by_wording, o.item.get("wording")),
                           (by_split, o.item.get("split"))):
            if key:
                row = table.setdefault(key, [0, 0])
                row[0] += o.ok
                row[1] += 1
    ranks = [r for o in outcomes for r in o.evidence_ranks]
    recall = {f"@{k}": _rate(sum(1 for r in ranks if r is not None and r <= k), len(ranks)) for k in KS}
    mrr = round(sum(1 / r for r in ranks if r) / len(ranks), 4) if ranks else None
    lists = [o for o in outcomes if o.item["type"] == "list"]
    true_pos = sum(len(o.cited & set(o.item.get("cite", []))) for o in lists)
    wanted = sum(len(o.item.get("cite", [])) for o in lists)
    cited = sum(len(o.cited) for o in lists)
    list_wordings: dict[str, list[int]] = {}
    for o in lists:
        row = list_wordings.setdefault(o.item.get("wording") or "plain", [0, 0])
        row[0] += o.ok
        row[1] += 1
    nones = [o for o in outcomes if o.item["type"] == "none"]
    answerable = [o for o in outcomes if o.item["type"] != "none"]
    latencies = [o.latency for o in outcomes]
    passed = sum(o.ok for o in outcomes)
    return {
        "questions": len(outcomes),
        "passed": passed,
        "pass_rate": _rate(passed, len(outcomes)),
        "by_type": {k: {"passed": v[0], "of": v[1], "rate": _rate(*v)} for k, v in sorted(by_type.items())},
        "by_wording": {k: {"passed": v[0], "of": v[1], "rate": _rate(*v)} for k, v in sorted(by_wording.items())},
        "by_split": {k: {"passed": v[0], "of": v[1], "rate": _rate(*v)} for k, v in sorted(by_split.items())},
        "list_by_wording": {k: {"passed": v[0], "of": v[1], "rate": _rate(*v)} for k, v in sorted(list_wordings.items())},
        "evidence": {"strings": len(ranks), "recall": recall, "mrr": mrr},
        "list_townships": {"recall": _rate(true_pos, wanted), "precision": _rate(true_pos, cited),
                           "wanted": wanted, "cited": cited, "right": true_pos,
                           "forbidden_cited": sum(len(o.cited & set(o.item.get("forbid", []))) for o in lists)},
        "not_found": {"none_said_not_found": _rate(sum(not o.found for o in nones), len(nones)),
                      "answerable_said_not_found": _rate(sum(not o.found for o in answerable), len(answerable))},
        "latency_s": {"p50": round(statistics.median(latencies), 4) if latencies else 0.0,
                      "p95": round(_percentile(latencies, 0.95), 4), "max": round(max(latencies, default=0.0), 4)},
    }


def format_summary(s: dict[str, Any]) -> list[str]:
    def rates(table: dict[str, Any]) -> str:
        return ", ".join(f"{k} {v['passed']}/{v['of']}" for k, v in table.items())

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{100 * x:.0f}%"

    ev, lt, nf, lat = s["evidence"], s["list_townships"], s["not_found"], s["latency_s"]
    lines = [f"按类型: {rates(s['by_type'])}"]
    if s["by_wording"]:
        lines.append(f"按措辞: {rates(s['by_wording'])}; 列举题按措辞: {rates(s['list_by_wording'])}")
    if s["by_split"]:
        lines.append(f"按划分: {rates(s['by_split'])}")
    lines += [
        f"证据召回 @1 {pct(ev['recall']['@1'])} @5 {pct(ev['recall']['@5'])} @10 {pct(ev['recall']['@10'])}; "
        f"MRR {ev['mrr'] if ev['mrr'] is not None else '–'}（{ev['strings']} 条证据）",
        f"列举题乡镇: 召回 {pct(lt['recall'])}（{lt['right']}/{lt['wanted']}）, 精确 {pct(lt['precision'])}"
        f"（{lt['right']}/{lt['cited']}）, 误引禁止乡镇 {lt['forbidden_cited']} 次",
        f"“未找到”: 无答案题答未找到 {pct(nf['none_said_not_found'])}; 有答案题误答未找到 {pct(nf['answerable_said_not_found'])}",
        f"回答延迟 s: p50 {lat['p50']:.3f} p95 {lat['p95']:.3f} max {lat['max']:.3f}",
        f"answers passed {s['passed']}/{s['questions']} ({pct(s['pass_rate'])}); "
        f"evidence recall@5 {pct(ev['recall']['@5'])}",
    ]
    return lines
