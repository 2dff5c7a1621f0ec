"""Chinese text helpers: script, width, punctuation, pinyin annotations, mojibake, sentences, numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.text import (
    cn_to_int,
    compact,
    is_traditional,
    iter_sentence_spans,
    normalize,
    repair_mojibake,
    split_sentences,
    strip_pinyin,
    to_halfwidth,
    to_simplified,
    to_traditional,
    unify_punct,
)


def test_script_conversion() -> None:
    assert to_simplified("鶴山市共和鎮人民政府") == "鹤山市共和镇人民政府"
    assert to_traditional("鹤山市共和镇") == "鶴山市共和鎮"
    assert is_traditional("黨政主要負責人履行推進法治建設第一責任人職責")
    assert not is_traditional("党政主要负责人履行推进法治建设第一责任人职责")
    assert to_simplified("") == ""


def test_normalize_for_indexing() -> None:
    assert to_halfwidth("ＡＢＣ１２３　") == "ABC123 "
    assert unify_punct("（一）【注】，：；") == "(一)[注],:;"
    assert normalize("村（社區）　２０２２年，執法") == "村(社区) 2022年,执法"
    assert compact("法治 政府\n建設") == "法治政府建设"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("我鎮(zhèn)以習(xí)近平", "我鎮以習近平"),
        ("區(qū)、村(社區(qū))應急", "區、村(社區)應急"),
        ("鶴山市(2022-2025年)", "鶴山市(2022-2025年)"),
        ("中歐合作區(qū)(江門)", "中歐合作區(江門)"),
        ("使用微信(WeChat)公众号", "使用微信(WeChat)公众号"),  # no tone mark and no annotated text around it
        ("嚴(yán)謹(jǐn)?shù)擔(dān)任", "嚴謹擔任"),  # a garbled annotation that lost its bracket
    ],
)
def test_strip_pinyin(raw: str, clean: str) -> None:
    assert strip_pinyin(raw) == clean


def test_strip_pinyin_toneless_in_annotated_text() -> None:
    assert strip_pinyin("鎮(zhèn)的(de)習(xí)區(qū)") == "鎮的習區"


@pytest.mark.parametrize(
    ("garbled", "fixed"),
    [
        # UTF-8 bytes read as GBK
        ("选聘5名鐨勫伐浣滀汉鍛樻媴浠伙紝", "选聘5名的工作人员担任，"),
        # GBK read one byte out of step after a lost byte (seed 004)
        ("公正嚴(yán)謹(jǐn)?shù)墓ぷ魅藛T擔(dān)任", "公正嚴(yán)謹(jǐn)?shù)的工作人員擔(dān)任"),
    ],
)
def test_repair_mojibake(garbled: str, fixed: str) -> None:
    assert repair_mojibake(garbled) == fixed


@pytest.mark.parametrize(
    "clean",
    [
        "大歇镇人民政府关于2024年法治政府建设情况的报告",
        "鶴山市共和鎮人民政府法律顧問管理制度",
        "日本語のテキスト。カタカナ",
        "选聘5名工作扎实、公正严谨的工作人员担任行政执法监督员",
        "",
    ],
)
def test_repair_mojibake_leaves_clean_text_alone(clean: str) -> None:
    assert repair_mojibake(clean) == clean


def test_repair_mojibake_on_the_seeds_changes_only_the_garbled_run() -> None:
    from pathlib import Path

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        fixed = repair_mojibake(text)
        if path.name.startswith("004"):
            assert fixed == text.replace("墓ぷ魅藛T", "的工作人員")
        else:
            assert fixed == text


@given(st.text(alphabet=st.sampled_from("法治政府建设乡镇村的工作人员，。、"), max_size=80))
def test_repair_mojibake_is_identity_on_common_text(text: str) -> None:
    assert repair_mojibake(text) == text


def test_sentences() -> None:
    text = "一是加强学习。二是推进“放管服”改革；三是完善机制！\n下一步？好"
    assert split_sentences(text) == ["一是加强学习。", "二是推进“放管服”改革；", "三是完善机制！", "下一步？", "好"]
    assert list(iter_sentence_spans("  甲。 乙。")) == [(2, 4), (5, 7)]


def test_sentence_keeps_closing_quote() -> None:
    assert split_sentences("他说：“依法行政。”然后") == ["他说：“依法行政。”", "然后"]


def test_cn_to_int() -> None:
    assert [cn_to_int(s) for s in ("七", "十", "十二", "二十三", "一百零五", "12", "x")] == [7, 10, 12, 23, 105, 12, None]
