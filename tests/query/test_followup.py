"""Follow-up rewriting: pure functions, no index needed (one test checks retrieval with it)."""

from __future__ import annotations

import pytest

from assistant.query.followup import (
    Conversation,
    TopicalTerms,
    Turn,
    key_phrases,
    needs_context,
    refers_back,
    rewrite_followup,
    subject_phrases,
)

GOCO = [Turn("GOCOとは何ですか？", "GOCOとは何ですか？")]


def test_key_phrases_are_runs_of_kanji_katakana_or_latin_without_generic_words() -> None:
    assert key_phrases("施設委託管理者（GOCO）とは何ですか？") == ["施設委託管理者", "GOCO"]
    assert key_phrases("サプライチェーンの強靱化に必要な手続を教えて") == [
        "サプライチェーン",
        "強靱化",
    ]


def test_a_provision_is_one_phrase_with_its_law_in_digits_or_kanji() -> None:
    assert key_phrases("外為法第55条の8の報告とは何ですか？") == ["外為法第55条の8", "報告"]
    assert key_phrases("第五十五条の八第一項の報告") == ["第五十五条の八第一項", "報告"]
    earlier = Conversation.replay(["外為法第55条の8の報告とは何ですか？"])
    assert earlier.searched("期限は？") == "外為法第55条の8について、期限は？"


def test_subjects_are_specific_terms_laws_and_acronyms_not_short_generic_nouns() -> None:
    assert subject_phrases("外為法の罰則は？") == ["外為法"]
    # A suffix of names alone is the generic word: 「命令に従わなかったら」 follows up.
    assert subject_phrases("命令に従わなかったらどうなりますか？") == []
    assert subject_phrases("計画を変えたいときは？") == []
    assert subject_phrases("GOCOの罰則は？") == ["GOCO"]
    assert subject_phrases("罰則はありますか？") == []


@pytest.mark.parametrize(
    "question",
    ["それはいつから使えますか？", "その期限は？", "この制度の対象は？", "When can it be used?"],
)
def test_pronouns_refer_back(question: str) -> None:
    assert refers_back(question)


@pytest.mark.parametrize(
    "question", ["それぞれの要件は何ですか？", "その他の物資も対象ですか？", "これまでの経緯は？"]
)
def test_words_that_only_look_like_pronouns_do_not(question: str) -> None:
    assert not refers_back(question)


def test_a_question_with_its_own_subject_needs_no_context() -> None:
    assert not needs_context("供給確保計画の認定を受けるには何が必要ですか？")
    assert needs_context("罰則はありますか？")


def test_pronoun_is_replaced_by_the_previous_subject() -> None:
    assert rewrite_followup("それはいつから使えますか？", GOCO) == "GOCOはいつから使えますか？"
    assert rewrite_followup("その要件は？", GOCO) == "GOCOの要件は？"


def test_question_without_subject_gets_the_previous_subject_in_front() -> None:
    assert rewrite_followup("罰則はありますか？", GOCO) == "GOCOについて、罰則はありますか？"


def test_same_as_before_keeps_its_words_and_gets_the_subject_in_front() -> None:
    # 同じ compares with the earlier turn: replaced by the subject it would read 「GOCOように」.
    assert (
        rewrite_followup("社長が交代しただけでも、同じように届出が必要ですか？", GOCO)
        == "GOCOについて、社長が交代しただけでも、同じように届出が必要ですか？"
    )


def test_standalone_questions_and_first_questions_are_left_alone() -> None:
    assert rewrite_followup("外為法の目的は何ですか？", GOCO) == "外為法の目的は何ですか？"
    assert rewrite_followup("それはいつからですか？", []) == "それはいつからですか？"


def test_a_chain_of_follow_ups_keeps_the_original_subject() -> None:
    first = rewrite_followup("それはいつから使えますか？", GOCO)
    history = [*GOCO, Turn("それはいつから使えますか？", first)]
    assert rewrite_followup("その対象は？", history) == "GOCOの対象は？"


def test_english_follow_up_is_prefixed_with_the_subject() -> None:
    history = [Turn("What is GOCO?", "What is GOCO?")]
    assert rewrite_followup("When can it be used?", history) == "GOCO: When can it be used?"


def test_follow_up_retrieves_with_the_earlier_subject(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    query = rewrite_followup("それはいつから使えますか？", GOCO)
    answer = fake_assistant.ask("それはいつから使えますか？", searched_query=query)
    assert answer.searched_query == "GOCOはいつから使えますか？"
    assert answer.question == "それはいつから使えますか？"
    hits = fake_assistant.search(query, k=3)
    assert any("GOCO" in hit.chunk.text for hit in hits)


def test_a_follow_up_is_searched_with_the_latest_question_that_stood_on_its_own() -> None:
    from assistant.query.followup import Conversation, topic_of

    conversation = Conversation.replay(
        [
            "インフラ事業者の設備導入の届出制度について教えてください。",
            "届出のあと、どれくらい待てば導入できますか？",
        ]
    )
    assert conversation.context("審査が長引くことはあるんですか？") == (
        "インフラ事業者の設備導入の届出制度について教えてください。"
    )
    assert conversation.context("特定重要物資の指定はどう行われますか？") == ""
    assert topic_of("同じ手続が必要ですか？", GOCO) == GOCO[0].question  # 同じ refers back
    assert topic_of("罰則はありますか？", []) == ""


def test_a_follow_up_refers_to_the_turn_just_before_and_a_new_subject_to_none() -> None:
    conversation = Conversation.replay(
        ["インフラ事業者の設備導入の届出制度について教えてください。", "審査は長引きますか？"]
    )
    first, second = conversation.turns
    assert first.context == ""  # it stood on its own
    assert second.context == first.question  # searched with the question it followed up on
    assert conversation.referent("もし届け出なかったら罰則はありますか？") == second
    assert conversation.referent("話は変わりますが、GOCOとは何ですか？") is None
    assert conversation.referent("特定重要物資の指定はどのように行われますか？") is None
    assert Conversation().referent("それはいつからですか？") is None


def test_a_demonstrative_before_a_noun_is_read_as_the_earlier_phrase_that_noun_ends() -> None:
    earlier = (
        "供給確保計画の認定を受けると、安定供給確保支援法人から助成金を受けられると聞きました。"
    )
    conversation = Conversation.replay([earlier])
    question = "その支援法人の指定を受けられないのは、どのような法人ですか？"
    # that phrase alone, and the question then stands on its own (no earlier turn's passages)
    assert conversation.searched(question) == (
        "安定供給確保支援法人の指定を受けられないのは、どのような法人ですか？"
    )
    assert conversation.context(question) == ""
    assert conversation.referent(question) is None
    # a noun no earlier phrase ends with keeps the earlier subjects and the earlier turn
    assert "供給確保計画" in conversation.searched("その期限を過ぎたら？")
    assert conversation.referent("その期限を過ぎたら？") == conversation.turns[0]

    # an earlier phrase that names no topic of the documents is not a referent
    def topical(phrase: str) -> bool:
        return "特許" in phrase

    patents = Conversation.replay(
        ["特許出願の非公開制度とは？", "一定期間が過ぎたら外国に出願できますか？"], topical
    )
    assert patents.searched("その期間は何か月ですか？") != "一定期間は何か月ですか？"
    assert patents.referent("その期間は何か月ですか？") == patents.turns[1]


def test_question_words_are_never_carried_over_as_the_subject() -> None:
    asked = [
        Turn(
            "特定社会基盤事業者は何日以内に通知しますか？",
            "特定社会基盤事業者は何日以内に通知しますか？",
        )
    ]
    assert rewrite_followup("応諾しなかったらどうなりますか？", asked) == (
        "特定社会基盤事業者について、応諾しなかったらどうなりますか？"
    )
    english = "What is a facility management contractor under the act?"
    assert rewrite_followup("Who designates it?", [Turn(english, english)]) == (
        "facility management contractor: Who designates it?"
    )


def test_an_english_subject_is_a_run_of_words_not_its_first_two() -> None:
    assert key_phrases("What is a specified critical product, and who designates it?") == [
        "specified critical product",
        "designates",
    ]
    assert subject_phrases("Must it notify the ministry before installing equipment?") == [
        "installing equipment"
    ]
    earlier = Conversation.replay(["What is a specified critical product?"])
    assert earlier.searched("Who designates them?") == (
        "specified critical product: Who designates them?"
    )


TOPICAL = TopicalTerms.build(
    ["供給確保計画", "施設委託管理者", "特定社会基盤事業者", "指定"],
    lambda phrase: "外為法" in phrase,
    [("インフラ事業者", ("特定社会基盤事業者",)), ("書類", ("書面", "申請書"))],
)


def test_a_phrase_is_topical_when_the_documents_define_it_name_it_or_map_it() -> None:
    assert TOPICAL("供給確保計画") and TOPICAL("半導体の供給確保計画")
    assert TOPICAL("外為法") and TOPICAL("特許法")  # a document's alias; any law's name
    assert TOPICAL("インフラ事業者")  # the thesaurus maps it to a defined term
    assert TOPICAL("GOCO")
    assert not TOPICAL("申請書") and not TOPICAL("立入検査") and not TOPICAL("提出期限")
    assert not TOPICAL("書類")  # mapped, but to words every procedure uses
    assert not TOPICAL("指定")  # a two-character defined term is an everyday word


def test_a_question_naming_only_what_every_procedure_has_follows_the_conversation() -> None:
    plan = [
        Turn(
            "供給確保計画の認定はどうやって受けますか？",
            "供給確保計画の認定はどうやって受けますか？",
        )
    ]
    asked = "申請書はどの大臣に出しますか？"
    assert rewrite_followup(asked, plan) == asked  # 申請書 counts as a subject of its own
    assert rewrite_followup(asked, plan, TOPICAL) == f"供給確保計画について、{asked}"
    switch = "外為法の罰則はどうなっていますか？"
    assert rewrite_followup(switch, plan, TOPICAL) == switch
    conversation = Conversation.replay([plan[0].question], TOPICAL)
    assert conversation.searched(asked) == f"供給確保計画について、{asked}"
    assert conversation.context(asked) == plan[0].question
    assert conversation.referent(asked) is conversation.turns[-1]
