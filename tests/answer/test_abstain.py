"""The abstention's view of a question's compounds, on a small index without a model."""

from dataclasses import replace
from pathlib import Path

from assistant.answer.abstain import Abstention
from assistant.index.keyword import JapaneseTokenizer
from assistant.types import Evidence
from tests.fakes import chunk, memory_snapshot, query

TOKENIZER = JapaneseTokenizer()


def test_a_compound_is_unknown_when_no_passage_uses_it_and_nothing_translates_it(
    tmp_path: Path,
) -> None:
    chunks = [
        chunk("a", "特定重要物資の安定供給を確保する。登記事項証明書を添付する。"),
        chunk("b", "特定社会基盤事業者は、設備の導入を届け出る。", position=1),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    text = "登記識別情報と特定重要物資とインフラ設備と経産省所管"
    _tokens, _names, compounds = TOKENIZER.analyse_fully(text)
    asked = replace(
        query(text),
        compounds=tuple(compounds),
        # the thesaurus translates インフラ (to 特定社会基盤): the mapping decides its coverage
        equivalents=(("インフラ", (("特定", "社会", "基盤"),)),),
    )
    glossary = {"経産省所管"}.__contains__  # a term the glossary knows is not unknown
    abstention = Abstention(known=glossary)
    assert [c.text for c in abstention.unknown_compounds(asked, snapshot)] == ["登記識別情報"]


def test_a_weak_answer_names_the_compounds_no_passage_uses() -> None:
    abstention = Abstention()
    weak = Evidence(0.8, 0.1, 0.05, unknown=("登記識別情報",))
    assert abstention.weak_reason(query("登記識別情報の管理"), weak) == (
        "文書に「登記識別情報」への言及がありません"
    )
    english = query("How is a registry password kept?", language="en")
    assert "do not mention 登記識別情報" in (abstention.weak_reason(english, weak) or "")
    assert abstention.weak_reason(query("x"), Evidence(0.8, 0.1, 0.05)) is None
    two = Evidence(0.8, 0.1, 0.05, unknown=("今年度", "半導体向け助成金"))
    assert abstention.weak_reason(query("今年度の半導体向け助成金"), two) == (
        "文書に「今年度」「半導体向け助成金」への言及がありません"
    )
