"""The law as law, end to end with the real model over the shipped corpus (issue #15's checks):
an article's text is quoted, a list is quoted with its item numbers, and a company's penalty
question brings the penalty and the 両罰規定 together."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.present.answer import answer_to_dict

pytestmark = pytest.mark.integration
FEFTA = "324AC0000000228_gaitameho.md"
ORDER = "504CO0000000394_suishinho-sekorei.md"


def test_the_text_of_an_article_is_quoted(real_assistant: Any) -> None:
    answer = real_assistant.ask("推進法第七条には何と書いてありますか？")
    assert not answer.abstained
    cited = {(c.chunk.source, c.chunk.article) for c in answer.citations}
    assert any(article == "第七条" and "504AC" in source for source, article in cited)
    assert "特定重要物資" in answer.text


def test_a_list_is_quoted_with_its_item_numbers_and_cited_to_the_items(real_assistant: Any) -> None:
    answer = real_assistant.ask("特定重要物資にはどんな物資がありますか？")
    assert not answer.abstained
    listed = [c for c in answer_to_dict(answer)["citations"] if c["source"] == ORDER]
    assert listed and listed[0]["article"] == "第一条"
    assert listed[0]["item"].startswith("第一号") or listed[0]["item"].startswith("第")
    assert "一 抗菌性物質製剤" in answer.text
    # The list runs over two chunks of 第一条; the answer quotes it to its last item, citing both.
    assert "リチウム" in answer.text and "十六 ロケットの部品" in answer.text
    assert [c["item"] for c in listed][:2] == ["第一号から第九号まで", "第九号から第十六号まで"]


def test_a_company_penalty_question_cites_the_penalty_and_the_company_fine(
    real_assistant: Any,
) -> None:
    answer = real_assistant.ask(
        "許可を受けずに規制対象の技術を海外に提供した場合、会社にはどんな罰則がありますか？"
    )
    assert not answer.abstained
    articles = {c.chunk.article for c in answer.citations if c.chunk.source == FEFTA}
    assert "第七十二条" in articles, articles
    # 第六十九条の七 (第二十五条第一項・第四項) and 第七十条 (第二十五条第三項・第五項・第六項)
    # both punish providing technology without the licence 第二十五条 requires.
    assert articles & {"第六十九条の七", "第七十条"}, articles
    assert "億円以下の罰金" in answer.text


def test_a_scheme_asked_by_its_everyday_name_brings_the_statutes_that_never_name_it(
    real_assistant: Any,
) -> None:
    # The subject index (corpus/subjects.yaml): 外為法第五十五条の八 says neither 技術 nor 移転.
    asked = "海外の子会社に製造技術を移転する前に国へ報告する制度の根拠条文はどれですか？"
    answer = real_assistant.ask(asked)
    assert not answer.abstained
    top = {(h.chunk.source, h.chunk.article) for h in answer.ranked[:5]}
    assert (FEFTA, "第五十五条の八") in top, top
    # The follow-up continues the scheme: its deadline is the ordinance's 「遅滞なく」.
    follow_up = real_assistant.ask("その報告書はいつまでに出せばいいですか？", history=[asked])
    assert not follow_up.abstained
    assert "遅滞なく" in follow_up.text
    cited = {(c.chunk.source, c.chunk.article) for c in follow_up.citations}
    assert ("410M50000400008_boeki-kankei-boekigai-torihiki-shorei.md", "第十条") in cited
