"""The benchmark corpus generator: deterministic, and its truth follows from what it generated."""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import Template, _perturb_figures, generate, load_templates, questions, write_corpus  # noqa: E402

from rag.text import to_simplified, to_traditional  # noqa: E402

SIMPLE = """甲乙镇2021年法治政府建设情况报告
发布机构：丙丁县甲乙镇
一、主要工作
（一）普法宣传
甲乙镇全年开展法治讲座12场，发放宣传资料300余份。
我镇聘请法律顾问1名，审查合同15件。
组织民法典宣传活动8次，覆盖群众2000人。
（二）矛盾调解
全年调处矛盾纠纷45宗，调解成功率98%。
落实《丙丁县法治政府建设实施方案（2021—2025年）》要求。
二、存在问题
执法人员业务能力有待提高。
信访事项办理还不够及时。
三、下一步打算
2022年，甲乙镇将继续推进安全生产执法。
"""


def templates() -> list[Template]:
    """Two invented reports: one simplified with a title, one traditional without."""
    trad = to_traditional(SIMPLE.replace("甲乙镇", "戊己乡").split("\n", 1)[1])
    return [
        Template("a.txt", SIMPLE, "甲乙镇", "丙丁县", "某省", 2021),
        Template("b.txt", trad, "戊己乡", "丙丁县", "某省", 2021),
    ]


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another(tmp_path: Path) -> None:
    a = generate(templates(), 12, seed=3)
    b = generate(templates(), 12, seed=3)
    assert [(r.file, r.township, r.year, r.text) for r in a] == [(r.file, r.township, r.year, r.text) for r in b]
    assert questions(a, seed=3) == questions(b, seed=3)
    write_corpus(tmp_path / "x", a, questions(a, seed=3))
    write_corpus(tmp_path / "y", b, questions(b, seed=3))
    for name in ("truth.jsonl", "reports.jsonl", "reports/00005.txt", "reports/00005.meta.json"):
        assert (tmp_path / "x" / name).read_bytes() == (tmp_path / "y" / name).read_bytes()
    c = generate(templates(), 12, seed=4)
    assert [r.text for r in c] != [r.text for r in a]


def test_names_years_and_script_are_replaced_consistently() -> None:
    reports = generate(templates(), 12, seed=1, years_per_township=3, drop=0.0)
    assert len(reports) == 12 and len({r.township for r in reports}) == 4
    by_town: dict[str, list[int]] = defaultdict(list)
    for r in reports:
        by_town[r.township].append(r.year)
        simple = to_simplified(r.text)
        assert "甲乙" not in simple and "戊己" not in simple and "丙丁" not in simple
        assert r.township in simple and r.county in simple
        if r.template == "b.txt":  # the traditional template stays traditional, names included
            assert to_traditional(r.township) in r.text and "鎮" not in r.township
            assert "法治政府建設" in r.text
        else:
            assert r.text.startswith(f"{r.township}{r.year}年法治政府建设情况报告")
        shift = r.year - 2021
        assert f"（{2021 + shift}—{2025 + shift}年）" in to_simplified(r.text)
        assert f"{2022 + shift}年" in r.text
    for years in by_town.values():
        assert sorted(years) == list(range(min(years), min(years) + 3))


def test_figures_are_perturbed_and_fact_truth_holds_the_new_value() -> None:
    text, figures = _perturb_figures("开展讲座12场，发放资料300余份，成功率98%，2021年，编号3号。", random.Random(0))
    assert [(c, t) for c, _v, t in figures] == [("开展讲座", "场"), ("发放资料", "余份")]
    values = [v for _c, v, _t in figures]
    assert values[0] != 12 and values[1] != 300 and all(v > 0 for v in values)
    assert text == f"开展讲座{values[0]}场，发放资料{values[1]}余份，成功率98%，2021年，编号3号。"
    reports = generate(templates(), 6, seed=2, drop=0.0)
    facts = [q for q in questions(reports, seed=2) if q["type"] == "fact"]
    assert facts
    texts = {(r.township, r.year): r.text for r in reports}
    for q in facts:
        town = q["cite"][0]
        year = int(re.search(r"(\d{4})年", q["question"]).group(1))  # type: ignore[union-attr]
        text = texts[(town, year)]
        assert q["evidence"][0] in text and q["evidence"][0].startswith(q["keys"][0])
        assert q["question"].startswith(f"{town}{year}年")


def test_list_and_coverage_truth_match_the_generated_texts() -> None:
    reports = generate(templates(), 30, seed=5, drop=0.4, townships_per_county=4)
    truth = questions(reports, seed=5)
    towns = {r.township for r in reports}
    text_of = defaultdict(str)
    for r in reports:
        text_of[r.township] += to_simplified(r.text)
    lists = [q for q in truth if q["type"] == "list"]
    assert lists, "dropping paragraphs makes some topics differ between townships"
    for q in lists:
        topic = q["evidence"][0]
        assert q["question"] == f"哪些乡镇提到{topic}？"
        assert set(q["cite"]) | set(q["forbid"]) <= towns and not set(q["cite"]) & set(q["forbid"])
        assert all(topic in text_of[t] for t in q["cite"]) and not any(topic in text_of[t] for t in q["forbid"])
        for t in towns - set(q["cite"]) - set(q["forbid"]):  # neither: a sentence holds all the term's characters
            assert any(all(c in s for c in topic) for s in re.split(r"[。；\n]", text_of[t]))
    for q in (q for q in truth if q["type"] == "coverage"):
        county, year, topic = re.match(r"(.+?)各乡镇(\d{4})年在(.+?)方面", q["question"]).groups()  # type: ignore[union-attr]
        same = [r for r in reports if r.county == county and r.year == int(year)]
        assert set(q["cite"]) == {r.township for r in same if topic in to_simplified(r.text)}
        assert not {r.county for r in reports if r.township in q["forbid"]} & {county}
    for q in truth:
        assert set(q) <= {"id", "type", "question", "cite", "forbid", "keys", "evidence"}


def test_a_topic_written_with_pinyin_annotations_counts() -> None:
    annotated = SIMPLE.replace("全年调处矛盾纠纷45宗", "全年人民調(tiáo)解(jiě)委員會調處糾紛45宗")
    reports = generate([Template("a.txt", annotated, "甲乙镇", "丙丁县", "某省", 2021),
                        Template("b.txt", SIMPLE, "戊己乡", "丙丁县", "某省", 2021)], 16, seed=1, drop=0.0)
    holders = {r.township for r in reports if r.template == "a.txt"}
    assert holders and holders != {r.township for r in reports}
    mediation = [q for q in questions(reports) if q["question"] == "哪些乡镇提到人民调解？"]
    assert mediation and set(mediation[0]["cite"]) == holders


def test_a_loose_mention_is_neither_required_nor_forbidden() -> None:
    loose = SIMPLE.replace("全年开展法治讲座12场", "全年开展法治专题讲座12场")
    other = SIMPLE.replace("全年开展法治讲座12场", "全年开展宣传12场")
    reports = generate([Template("a.txt", SIMPLE, "甲乙镇", "丙丁县", "某省", 2021),
                        Template("b.txt", loose, "戊己乡", "丙丁县", "某省", 2021),
                        Template("c.txt", other, "庚辛镇", "丙丁县", "某省", 2021)], 30, seed=2, drop=0.0)
    by_template = {t: {r.township for r in reports if r.template == t} for t in ("a.txt", "b.txt", "c.txt")}
    assert all(by_template.values())
    talks = [q for q in questions(reports) if q["question"] == "哪些乡镇提到法治讲座？"][0]
    assert set(talks["cite"]) == by_template["a.txt"] and set(talks["forbid"]) == by_template["c.txt"]


def test_reshuffling_keeps_the_preamble_and_headings_in_place() -> None:
    reports = generate(templates()[:1], 9, seed=7, drop=0.3)
    heads = [ln for ln in SIMPLE.splitlines() if re.match(r"^[一二三（]", ln)]
    orders = set()
    for r in reports:
        lines = r.text.splitlines()
        assert lines[0].endswith("年法治政府建设情况报告") and lines[1].startswith("发布机构：")
        assert [ln for ln in lines if re.match(r"^[一二三（]", ln)] == heads
        orders.add(tuple(ln[:4] for ln in lines if not re.match(r"^[一二三（]", ln))[2:])
    assert len(orders) > 1


def test_templates_need_a_known_township_and_year(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(SIMPLE, encoding="utf-8")
    (seeds / "nameless.txt").write_text("一、主要工作\n我们做了很多工作。\n二、存在问题\n还有不足。\n", encoding="utf-8")
    found = load_templates(seeds, dev_dir=None)
    assert [(t.name, t.township, t.year) for t in found] == [("good.txt", "甲乙镇", 2021)]
    with pytest.raises(ValueError, match="no usable template"):
        generate([], 3)


def test_the_seeds_make_a_corpus_with_sidecars_the_ingestion_reads(tmp_path: Path) -> None:
    from rag.ingest import ingest_paths

    found = load_templates(ROOT / "seeds", dev_dir=None)
    assert len(found) == len(list((ROOT / "seeds").glob("*.txt")))
    reports = generate(found, 10, seed=0)
    folder = write_corpus(tmp_path / "gen", reports, questions(reports))
    ingested = {Path(r.source).name: r for r in ingest_paths([folder], root=folder).reports}
    for r in reports:
        meta = json.loads((folder / r.file).with_suffix(".meta.json").read_text(encoding="utf-8"))
        assert meta == {"township": r.township, "county": r.county, "province": r.province, "year": r.year}
        got = ingested[r.file]
        assert (got.township, got.county, got.year) == (r.township, r.county, r.year)


def test_the_bench_scores_answers_by_the_scorers_rules() -> None:
    from run import Tally, evidence_hits, score

    listed = {"type": "list", "cite": ["甲镇", "乙镇"], "forbid": ["丙镇"], "evidence": ["法律顾问"]}
    assert score(listed, "甲镇、乙镇", True, {"甲镇", "乙镇"})
    assert not score(listed, "甲镇", True, {"甲镇"})
    assert not score(listed, "…", True, {"甲镇", "乙镇", "丙镇"})
    assert not score(listed, "…", False, {"甲镇", "乙镇"})
    fact = {"type": "fact", "cite": ["甲镇"], "keys": ["12|十二"]}
    assert score(fact, "甲镇开展讲座 12 场。", True, {"甲镇"})
    assert not score(fact, "甲镇开展讲座13场。", True, {"甲镇"})
    assert not score(fact, "12场。" + "很" * 400, True, {"甲镇"})
    assert score({"type": "none"}, "", False, set())
    hits = [("丙镇", "丙镇聘请法律顾问"), ("乙镇", "乙镇聘请法律顾问")]
    assert evidence_hits(listed, hits, k=1) == (0, 1) and evidence_hits(listed, hits, k=2) == (1, 1)

    tally = Tally()  # 丁镇 is neither required nor forbidden (a loose mention): out of the precision
    tally.add(listed, "…", True, {"甲镇", "丁镇", "丙镇"}, hits, 0.1)
    row = tally.row()
    assert row["list_recall"] == 0.5 and row["list_precision"] == 0.5 and row["pass"] == 0.0
