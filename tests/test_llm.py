"""The LLM mode against a real HTTP fake of an OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from fake_openai import fake_openai_server

from rag.config import Settings, SettingsError
from rag.llm import (
    NOT_FOUND,
    LLMError,
    PromptError,
    format_sources,
    llm_enabled,
    load_prompt,
    stream_llm_answer,
    validate_citations,
)
from rag.models import Citation

ANSWER = "大铭乡提到执法人员数量不足[1]。共和镇劳动纠纷调解成功率达到98.5%[2]。"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback only, whatever the user's shell exports (a proxy would swallow 127.0.0.1)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)


def _citation(
    n: int, township: str, quote: str, section: str = "二、存在问题及短板 > （二）执法力量"
) -> Citation:
    return Citation(
        n=n,
        township=township,
        county="德化县",
        year=2023,
        source=f"{township}.docx",
        section=section,
        kind="problems",
        quote=quote,
        start=0,
        end=len(quote),
        score=1.0,
    )


SOURCES = [
    _citation(1, "大铭乡", "执法人员数量不足，专业素质有待提高。"),
    _citation(2, "共和镇", "全年调解劳动纠纷200件，调解成功率达到98.5%。", section="一、主要成效"),
    _citation(3, "盖德镇", "法治宣传形式较为单一。"),
]


def _settings(base_url: str | None, timeout: float = 2.0, **kw: object) -> Settings:
    return Settings(llm_base_url=base_url, llm_model="fake", llm_api_key="x", llm_timeout=timeout, **kw)


# ---------------------------------------------------------------- streaming


def test_stream_yields_several_deltas_that_join_to_the_answer() -> None:
    with fake_openai_server([ANSWER], chunk_size=4) as server:
        deltas = list(
            stream_llm_answer("哪些乡镇提到执法人员不足？", SOURCES, None, _settings(server.base_url))
        )
    assert len(deltas) >= 5
    assert "".join(deltas) == ANSWER
    assert len(server.requests) == 1 and server.requests[0]["stream"] is True


def test_request_carries_system_prompt_sources_question_and_history() -> None:
    history = [
        {"role": "user", "content": "大铭乡有什么问题？"},
        {"role": "assistant", "content": "大铭乡执法人员不足[1]。"},
    ]
    with fake_openai_server([ANSWER]) as server:
        "".join(stream_llm_answer("共和镇呢？", SOURCES, history, _settings(server.base_url)))
    body = server.requests[0]
    assert body["model"] == "fake"
    assert server.headers[0]["authorization"] == "Bearer x"
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    system, *_, last = body["messages"]
    assert "法治政府建设" in system["content"] and NOT_FOUND in system["content"]
    assert body["messages"][1]["content"] == "大铭乡有什么问题？"
    assert body["messages"][2]["content"] == "大铭乡执法人员不足。"  # stale [n] stripped from history
    assert "共和镇呢？" in last["content"]
    assert (
        "[1] 大铭乡（德化县，2023年）· 二、存在问题及短板 > （二）执法力量\n“执法人员数量不足"
        in last["content"]
    )
    assert "[2] 共和镇（德化县，2023年）· 一、主要成效" in last["content"]
    assert "[3] 盖德镇" in last["content"]


def test_empty_api_key_sends_a_placeholder() -> None:
    with fake_openai_server([ANSWER]) as server:
        settings = Settings(llm_base_url=server.base_url, llm_model="fake", llm_timeout=2)
        "".join(stream_llm_answer("问题", SOURCES, None, settings))
    assert (
        server.headers[0]["authorization"].startswith("Bearer ")
        and len(server.headers[0]["authorization"]) > 7
    )


def test_leading_think_block_is_dropped() -> None:
    with fake_openai_server(["<think>先想一想哪些来源相关。</think>\n\n" + ANSWER], chunk_size=3) as server:
        text = "".join(stream_llm_answer("问题", SOURCES, None, _settings(server.base_url)))
    assert text == ANSWER


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("error", "HTTP 500"),
        ("slow", "timed out"),
        ("broken-stream", "broke off"),
        ("truncated", "finish_reason"),
    ],
)
def test_endpoint_failures_raise_llm_error_quickly(mode: str, reason: str) -> None:
    with fake_openai_server([ANSWER], mode=mode, delay=3.0) as server:  # type: ignore[arg-type]
        started = time.monotonic()
        with pytest.raises(LLMError, match=reason) as info:
            for _ in stream_llm_answer("问题", SOURCES, None, _settings(server.base_url, timeout=0.5)):
                pass
        assert time.monotonic() - started < 1.5
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))  # Chinese and English


def test_half_streamed_answer_then_failure_raises_after_the_deltas() -> None:
    deltas: list[str] = []
    with fake_openai_server([ANSWER], mode="broken-stream", broken_after=3) as server:
        with pytest.raises(LLMError):
            for delta in stream_llm_answer("问题", SOURCES, None, _settings(server.base_url)):
                deltas.append(delta)
    assert "".join(deltas) == ANSWER[:9]


def test_connection_refused_raises_llm_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    with pytest.raises(LLMError, match="connection failed"):
        list(stream_llm_answer("问题", SOURCES, None, _settings(f"http://127.0.0.1:{port}/v1")))


def test_empty_answer_raises_llm_error() -> None:
    with fake_openai_server([""]) as server:
        with pytest.raises(LLMError, match="empty"):
            list(stream_llm_answer("问题", SOURCES, None, _settings(server.base_url)))


def test_bad_history_is_rejected_before_any_request() -> None:
    with fake_openai_server([ANSWER]) as server:
        with pytest.raises(ValueError, match="role"):
            stream_llm_answer(
                "问题", SOURCES, [{"role": "system", "content": "x"}], _settings(server.base_url)
            )
    assert server.requests == []


def test_fake_server_answers_non_streaming_and_lists_models() -> None:
    from langchain_openai import ChatOpenAI

    with fake_openai_server(["第一", "第二"]) as server:
        model = ChatOpenAI(model="fake", base_url=server.base_url, api_key="x", max_retries=0)  # type: ignore[arg-type]
        assert [model.invoke("a").content, model.invoke("b").content, model.invoke("c").content] == [
            "第一",
            "第二",
            "第二",
        ]
        import httpx

        assert httpx.get(server.base_url + "/models").json()["data"][0]["id"] == "fake"


# ---------------------------------------------------------------- citations


def test_validate_drops_unknown_source_and_keeps_valid_ones() -> None:
    check = validate_citations("大铭乡执法人员不足[1][2]。共和镇调解成功率达到98.5%[9]。", 3)
    assert check.text == "大铭乡执法人员不足[1][2]。共和镇调解成功率达到98.5%。"
    assert check.cited == [1, 2]
    assert check.dropped == [9]
    assert check.uncited == ["共和镇调解成功率达到98.5%。"]


def test_validate_flags_claim_without_marker_and_ignores_boilerplate() -> None:
    text = "## 执法力量\n以下乡镇提到执法人员不足：\n- 大铭乡：执法人员数量不足[1]\n盖德镇法治宣传形式较为单一。\n希望以上信息对您有帮助。"
    check = validate_citations(text, 3)
    assert check.uncited == ["盖德镇法治宣传形式较为单一。"]
    assert check.cited == [1]


@pytest.mark.parametrize(
    ("text", "clean", "cited", "dropped"),
    [
        ("调解成功率达到98.5%[1,2]。", "调解成功率达到98.5%[1][2]。", [1, 2], []),
        ("调解成功率达到98.5%［2］。", "调解成功率达到98.5%[2]。", [2], []),
        ("调解成功率达到98.5%【3】。", "调解成功率达到98.5%[3]。", [3], []),
        ("调解成功率达到98.5%[1-3]。", "调解成功率达到98.5%[1][2][3]。", [1, 2, 3], []),
        ("调解成功率达到98.5%[2、7]。", "调解成功率达到98.5%[2]。", [2], [7]),
        ("调解成功率达到98.5% [0]。", "调解成功率达到98.5%。", [], [0]),
        ("依据闽政[2023]5号文件开展执法[2]。", "依据闽政[2023]5号文件开展执法[2]。", [2], []),
    ],
)
def test_validate_marker_forms(text: str, clean: str, cited: list[int], dropped: list[int]) -> None:
    check = validate_citations(text, 3)
    assert (check.text, check.cited, check.dropped) == (clean, cited, dropped)
    assert check.uncited == ([] if cited else [clean])  # a claim left with no valid marker is flagged


def test_validate_orders_cited_by_first_use_and_detects_not_found() -> None:
    assert validate_citations("甲乡建立了法律顾问制度[3]。乙镇也建立了该制度[1][3]。", 3).cited == [3, 1]
    assert validate_citations(NOT_FOUND + "。", 3).not_found
    assert validate_citations(NOT_FOUND + "。", 3).uncited == []
    assert not validate_citations(ANSWER, 3).not_found


def test_format_sources_numbers_in_order_and_tolerates_missing_metadata() -> None:
    bare = Citation(
        n=7, township=None, county=None, year=None, source="reports/某镇2022.pdf", section="",
        kind="other", quote=" 原文 ", start=0, end=4, score=0.1,
    )  # fmt: skip
    text = format_sources([SOURCES[0], bare])
    assert text.startswith(
        "[1] 大铭乡（德化县，2023年）· 二、存在问题及短板 > （二）执法力量\n“执法人员数量不足"
    )
    assert text.endswith("\n\n[2] 某镇2022\n“原文”")
    assert format_sources([]) == "（无资料）"


# ---------------------------------------------------------------- prompts and settings


def test_shipped_prompt_loads() -> None:
    prompt = load_prompt("answer")
    system, user = prompt.render(sources="[1] 来源", question="问题？")
    assert "所提供的报告中没有找到相关内容" in system and "哪些乡镇" in system
    assert "[1] 来源" in user and "问题？" in user


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('system = "只依据资料"\nuser = "{sources} {question}"\nmodel = "x"\n', "model: unknown key"),
        ('system = "只依据资料"\nuser = "{sources}"\n', r"missing placeholder \{question\}"),
        ('system = "{context}"\nuser = "{sources} {question}"\n', r"unknown placeholder \{context\}"),
        ('system = "只依据资料"\n', "user: Field required"),
        ("system = \n", "not valid UTF-8 TOML"),
    ],
)
def test_invalid_prompt_is_rejected_naming_the_file(tmp_path: Path, content: str, error: str) -> None:
    (tmp_path / "answer.toml").write_text(content, encoding="utf-8")
    with pytest.raises(PromptError, match=error) as info:
        load_prompt("answer", tmp_path)
    assert str(tmp_path / "answer.toml") in str(info.value)


def test_missing_prompt_lists_the_available_ones(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('system = "x"\nuser = "{sources}{question}"\n', encoding="utf-8")
    with pytest.raises(PromptError, match=r"answer\.toml.*available: other"):
        load_prompt("answer", tmp_path)


def test_prompts_dir_setting_is_used(tmp_path: Path) -> None:
    (tmp_path / "answer.toml").write_text(
        'system = "自定义系统提示"\nuser = "{sources}\\n{question}"\n', encoding="utf-8"
    )
    with fake_openai_server([ANSWER]) as server:
        "".join(stream_llm_answer("问题", SOURCES, None, _settings(server.base_url, prompts_dir=tmp_path)))
    assert server.messages[0] == {"role": "system", "content": "自定义系统提示"}


def test_llm_enabled() -> None:
    assert llm_enabled(Settings()) is False
    assert llm_enabled(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen2.5:7b")) is True
    with pytest.raises(SettingsError, match="RAG_LLM_MODEL"):
        llm_enabled(Settings(llm_base_url="http://127.0.0.1:9/v1"))


def test_stream_without_endpoint_raises_llm_error() -> None:
    with pytest.raises(LLMError, match="RAG_LLM_BASE_URL"):
        stream_llm_answer("问题", SOURCES, None, Settings())
