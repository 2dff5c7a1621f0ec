#!/usr/bin/env python3
"""A generated corpus for benchmarks: N reports made from real ones, with the truth of a few questions.

    .venv/bin/python bench/corpus.py 200 /tmp/gen200 --seed 7

Templates are the seeds (``seeds/``) and, when the folder is beside the project, the report openings
in ``../shared/corpus-dev/reports/`` (their true metadata from ``metadata.jsonl``; elsewhere the
project's own metadata inference). Each generated township takes one template and gets several
consecutive years; templates are drawn in proportion to their length. A generated report is its
template with:

- the township and county names replaced by invented ones (made of characters written the same in
  both scripts, so a traditional-script template stays consistent), and every year shifted;
- figures (a number before a counting unit: 次, 件, 人…) perturbed;
- within each section, the paragraphs reshuffled and some dropped (so topics differ between reports);
- the template's look kept: traditional script, web-page chrome, a missing title line.

It writes ``reports/NNNNN.txt`` with a sidecar ``NNNNN.meta.json`` (true township, county, province,
year) and ``truth.jsonl`` in the schema of ``../shared/eval/dev.jsonl`` (id, type, question, cite,
forbid, keys, evidence) for questions whose answers follow from what was generated:

- list: "哪些乡镇提到{topic}？" cites every township with a report whose text holds the topic term
  (in simplified script, pinyin annotations dropped), forbids the townships none of whose reports
  holds it or even a sentence with all its characters (法治专题讲座 for 法治讲座: left out of both);
- fact: "{township}{year}年{clause}多少{unit}？" for a perturbed figure whose clause is unique in
  its report; the key is the new value;
- coverage: "{county}各乡镇{year}年在{topic}方面做了哪些工作？" cites the county's townships whose
  report of that year holds the topic, forbids townships of other counties.

Deterministic: the same templates, N and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rag.text import strip_pinyin, to_simplified, to_traditional  # noqa: E402

DEV_DIR = ROOT.parent / "shared" / "corpus-dev"
# Topic terms of the genre (not of any one report or question); a list question is asked for each
# term that some townships' reports hold and others do not.
TOPICS = (
    "法律顾问", "人民调解", "行政复议", "行政诉讼", "合法性审查", "法治讲座", "民法典", "信访",
    "安全生产", "扫黑除恶", "政务公开", "权责清单", "行政执法", "普法", "公职律师", "法律明白人",
    "网格", "禁毒", "矛盾纠纷", "执法人员",
)
_NAME_CHARS = "安和平青石清泉松桃梅竹永福宁新金玉明光山河川林田水花溪岩坪沙江湖塘桥口坝湾冲岭峰"
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_UNITS = "次件宗人场個个项項起份家名户戶篇期条條所处處支批场場"
_FIGURE = re.compile(rf"(?<![\d.．%])(\d{{1,5}})(?=(?:余|餘|多)?[{_UNITS}])")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[.、．](?!\d))")
_CLAUSE_STOP = re.compile(r"[，,。；;：:、！？!?\n（）()“”\"\s]")


@dataclass
class Template:
    """A real report used as a model, with its known names."""

    name: str
    text: str
    township: str
    county: str | None
    province: str | None
    year: int


@dataclass
class Generated:
    """One generated report: its file name, true metadata, text and perturbed figures."""

    file: str
    township: str
    county: str
    province: str | None
    year: int
    template: str
    text: str = field(repr=False)
    figures: list[tuple[str, int, str]] = field(default_factory=list, repr=False)  # (clause, value, 余人…)


def load_templates(seeds_dir: Path, dev_dir: Path | None = DEV_DIR) -> list[Template]:
    """The seeds and, when present, the corpus-dev openings, with township, county and year.

    A file whose township or year is unknown is left out: its names could not be replaced.
    """
    from rag.ingest import ingest_paths

    truth: dict[str, dict[str, object]] = {}
    folders = [Path(seeds_dir)]
    if dev_dir is not None and (Path(dev_dir) / "reports").is_dir():
        folders.append(Path(dev_dir) / "reports")
        meta = Path(dev_dir) / "metadata.jsonl"
        if meta.is_file():
            for line in meta.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    truth[row["file"]] = row
    out: list[Template] = []
    for folder in folders:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
        inferred = {Path(r.source).name: r for r in ingest_paths(files, root=folder).reports}
        for path in files:
            report = inferred.get(path.name)
            known = truth.get(path.name, {})
            town = known.get("township") if path.name in truth else (report.township if report else None)
            year = known.get("year") or (report.year if report else None)
            county = known.get("county") if path.name in truth else (report.county if report else None)
            province = known.get("province") or (report.province if report else None)
            if not town or not year:
                continue
            out.append(Template(path.name, path.read_text(encoding="utf-8"), str(town),
                                str(county) if county else None, str(province) if province else None, int(str(year))))
    return out


def _same_in_both_scripts(chars: str) -> list[str]:
    return [c for c in chars if to_traditional(c) == c and to_simplified(c) == c]


def _suffix(name: str) -> str:
    for s in ("街道", "镇", "乡", "县", "区", "市"):
        if name.endswith(s):
            return s
    return name[-1]


def _invent_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct two-character stems, none in ``taken``; three-character ones too when two-character
    stems run out (a province-sized corpus)."""
    chars = _same_in_both_scripts(_NAME_CHARS)
    pool = sorted({a + b for a in chars for b in chars if a != b} - taken)
    if count > len(pool):
        pool += sorted({a + b + c for a in chars for b in chars for c in chars if len({a, b, c}) == 3} - taken)
    if count > len(pool):
        raise ValueError(f"cannot invent {count} distinct names (at most {len(pool)})")
    return rng.sample(pool, count)


def _replace_name(text: str, old: str, new: str) -> str:
    for form in dict.fromkeys((old, to_traditional(old))):
        text = text.replace(form, new if form == old else to_traditional(new))
    return text


def _shift_years(text: str, delta: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def _perturb_figures(text: str, rng: random.Random) -> tuple[str, list[tuple[str, int, str]]]:
    """Each figure before a counting unit scaled by 0.6–1.6 (never left equal); (clause, value, unit) of each."""
    figures: list[tuple[str, int, str]] = []
    parts: list[str] = []
    last = 0
    for m in _FIGURE.finditer(text):
        old = int(m.group(1))
        new = max(1, round(old * rng.uniform(0.6, 1.6)))
        if new == old:
            new = old + 1
        parts.append(text[last : m.start()])
        parts.append(str(new))
        last = m.end()
        before = text[max(0, m.start() - 30) : m.start()]
        stops = list(_CLAUSE_STOP.finditer(before))
        # no stop within 30 characters: the clause is whole only when it starts the text
        clause = before[stops[-1].end() :] if stops else (before if m.start() <= 30 else "")
        unit_at = m.end() + (1 if text[m.end()] in "余餘多" else 0)
        figures.append((clause, new, text[m.end() : unit_at + 1]))
    parts.append(text[last:])
    return "".join(parts), figures


def _reshuffle(text: str, rng: random.Random, drop: float) -> str:
    """Within each section (lines between headings), paragraphs shuffled and some dropped; the
    lines before the first heading (title, chrome) and the headings stay in place."""
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if _HEADING.match(ln)), len(lines))
    out = lines[:first]
    block: list[str] = []

    def flush() -> None:
        body = [ln for ln in block if ln.strip()]
        rng.shuffle(body)
        kept = [ln for ln in body if rng.random() >= drop] or body[:1]
        out.extend(kept)
        block.clear()

    for ln in lines[first:]:
        if _HEADING.match(ln):
            flush()
            out.append(ln)
        else:
            block.append(ln)
    flush()
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def generate(
    templates: list[Template], n: int, *, seed: int = 0, years_per_township: int = 3,
    townships_per_county: int = 30, drop: float = 0.2,
) -> list[Generated]:
    """``n`` reports: ceil(n / years_per_township) townships, each from one template, over consecutive years."""
    if not templates:
        raise ValueError("no usable template (a report with a known township and year)")
    if n < 1 or years_per_township < 1:
        raise ValueError("n and years_per_township must be at least 1")
    rng = random.Random(seed)
    n_towns = -(-n // years_per_township)
    n_counties = -(-n_towns // townships_per_county)
    taken = {t.township[:2] for t in templates} | {(t.county or "")[:2] for t in templates}
    stems = _invent_names(rng, n_towns + n_counties, taken)
    counties = [s + rng.choice("县县区市") for s in stems[n_towns:]]
    out: list[Generated] = []
    # a template is drawn in proportion to its length, so that the openings of corpus-dev do not
    # make the corpus lighter than one of whole reports
    weights = [len(t.text) for t in templates]
    for t in range(n_towns):
        template = rng.choices(templates, weights=weights)[0]
        town = stems[t] + _suffix(template.township)
        county = counties[t // townships_per_county]
        end = rng.randint(2019, 2025)
        for k in range(years_per_township):
            if len(out) == n:
                break
            year = end - (years_per_township - 1 - k)
            text = _replace_name(template.text, template.township, town)
            if template.county:
                text = _replace_name(text, template.county, county)
            text = _shift_years(text, year - template.year)
            text = _reshuffle(text, rng, drop)
            text, figures = _perturb_figures(text, rng)
            out.append(Generated(f"{len(out):05d}.txt", town, county, template.province, year, template.name, text, figures))
    return out


def _simple(text: str) -> str:
    """The text as a reader sees it: pinyin annotations such as 調(tiáo) dropped, simplified script."""
    return to_simplified(strip_pinyin(text))


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def _loosely_mentions(text: str, term: str) -> bool:
    """A sentence holds every character of ``term`` (法治专题讲座 for 法治讲座): maybe a mention in
    other words, so such a township is neither required nor forbidden."""
    return any(all(c in s for c in term) for s in _SENTENCE_END.split(text))


def questions(reports: list[Generated], *, seed: int = 0, max_facts: int = 30, max_coverage: int = 10) -> list[dict[str, object]]:
    """Truth for list, fact and coverage questions, from the generated texts."""
    rng = random.Random(seed + 1)
    simple = {r.file: _simple(r.text) for r in reports}
    towns = sorted({r.township for r in reports})
    out: list[dict[str, object]] = []
    for i, topic in enumerate(TOPICS):
        holders = sorted({r.township for r in reports if topic in simple[r.file]})
        loose = {r.township for r in reports if _loosely_mentions(simple[r.file], topic)}
        if 0 < len(holders) < len(towns):
            out.append({"id": f"g-list-{i:02d}", "type": "list", "question": f"哪些乡镇提到{topic}？",
                        "cite": holders, "forbid": sorted(set(towns) - set(holders) - loose), "evidence": [topic]})
    facts = []
    for r in reports:
        counts: dict[tuple[str, str], int] = {}
        for clause, _value, unit in r.figures:
            counts[(clause, unit)] = counts.get((clause, unit), 0) + 1
        for clause, value, unit in r.figures:
            plain = _simple(clause).strip()
            cjk = sum("\u4e00" <= c <= "\u9fff" for c in plain)
            if counts[(clause, unit)] == 1 and 4 <= cjk == len(plain) <= 20:
                facts.append((r, plain, value, unit))
    for j, (r, clause, value, unit) in enumerate(rng.sample(facts, min(max_facts, len(facts)))):
        out.append({"id": f"g-fact-{j:02d}", "type": "fact",
                    "question": f"{r.township}{r.year}年{clause}多少{_simple(unit[-1])}？",
                    "keys": [str(value)], "cite": [r.township], "evidence": [f"{value}{unit}"]})
    groups: dict[tuple[str, int], list[Generated]] = {}
    for r in reports:
        groups.setdefault((r.county, r.year), []).append(r)
    options = []
    for (county, year), members in sorted(groups.items()):
        for topic in TOPICS:
            holders = sorted({r.township for r in members if topic in simple[r.file]})
            if len(holders) >= 2:
                options.append((county, year, topic, holders))
    for j, (county, year, topic, holders) in enumerate(rng.sample(options, min(max_coverage, len(options)))):
        others = sorted({r.township for r in reports if r.county != county})
        out.append({"id": f"g-cover-{j:02d}", "type": "coverage",
                    "question": f"{county}各乡镇{year}年在{topic}方面做了哪些工作？",
                    "cite": holders, "forbid": rng.sample(others, min(5, len(others))), "evidence": [topic]})
    return out


def write_corpus(out_dir: Path, reports: list[Generated], truth: list[dict[str, object]]) -> Path:
    """``out_dir/reports/`` (texts and sidecars), ``out_dir/truth.jsonl``, ``out_dir/reports.jsonl``."""
    folder = Path(out_dir) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    for r in reports:
        (folder / r.file).write_text(r.text, encoding="utf-8")
        meta = {"township": r.township, "county": r.county, "province": r.province, "year": r.year}
        (folder / r.file).with_suffix(".meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    lines = [json.dumps(q, ensure_ascii=False) for q in truth]
    (Path(out_dir) / "truth.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [json.dumps({k: v for k, v in asdict(r).items() if k not in ("text", "figures")}, ensure_ascii=False)
            for r in reports]
    (Path(out_dir) / "reports.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of reports")
    ap.add_argument("out", type=Path, help="output folder (reports/, truth.jsonl, reports.jsonl)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--years", type=int, default=3, help="years per township")
    ap.add_argument("--seeds-dir", type=Path, default=ROOT / "seeds")
    ap.add_argument("--dev-dir", type=Path, default=DEV_DIR, help="corpus-dev folder, used when present")
    args = ap.parse_args(argv)
    templates = load_templates(args.seeds_dir, args.dev_dir)
    reports = generate(templates, args.n, seed=args.seed, years_per_township=args.years)
    truth = questions(reports, seed=args.seed)
    write_corpus(args.out, reports, truth)
    kinds = {k: sum(q["type"] == k for q in truth) for k in ("list", "fact", "coverage")}
    print(f"{len(reports)} reports ({len({r.township for r in reports})} townships, {len(templates)} templates) "
          f"and {len(truth)} questions {kinds} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
