"""Query understanding without a model: preambles removed, everyday words mapped, topic switches."""

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.query.followup import Turn, rewrite_followup
from assistant.query.understanding import Thesaurus, load_thesaurus, strip_preamble
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("question", "core"),
    [
        (
            "出向してきたばかりで恐縮ですが、施設委託管理者とは何ですか？",
            "施設委託管理者とは何ですか？",
        ),
        (
            "省内で回答案を作っているのですが、報告の期限はいつと書けばよいでしょうか。",
            "報告の期限はいつと書けばよいでしょうか。",
        ),
        ("基本的なことですみません。許可申請書は何通出しますか？", "許可申請書は何通出しますか？"),
        ("支援法人の業務は何ですか？よろしくお願いします。", "支援法人の業務は何ですか？"),
        ("ところで、保全指定の期間はどのくらいですか？", "保全指定の期間はどのくらいですか？"),
        ("企業の担当者です。毎年何か報告が要りますか？", "毎年何か報告が要りますか？"),
    ],
)
def test_courtesies_and_scene_setting_are_removed(question: str, core: str) -> None:
    assert strip_preamble(question) == core


@pytest.mark.parametrize(
    "question",
    [
        "計画の認定を申請したいのですが、どんな書類を付ける必要がありますか？",  # content, kept
        "弊社は電力会社です。届出は必要ですか？",  # who asks, in the documents' words
        "恐縮ですが？",  # nothing would be left
        "GOCOとは何ですか？",
        "担当大臣は誰ですか？",
    ],
)
def test_a_question_that_is_all_content_is_left_alone(question: str) -> None:
    assert strip_preamble(question) == question


def test_the_thesaurus_adds_the_documents_terms_for_everyday_words_once() -> None:
    thesaurus = Thesaurus(
        (("インフラ事業者", ("特定社会基盤事業者",)), ("会社", ("事業者", "法人")))
    )
    assert thesaurus.terms_for("インフラ事業者の会社は届出が必要ですか") == [
        "特定社会基盤事業者",
        "事業者",
        "法人",
    ]
    assert thesaurus.terms_for("特定社会基盤事業者の届出") == []
    merged = thesaurus.merged({"支援法人": ("安定供給確保支援法人",), "会社": ("x",)})
    assert merged.terms_for("支援法人の会社") == ["安定供給確保支援法人", "事業者", "法人"]


def test_the_shipped_thesaurus_loads_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    assert load_thesaurus(CORPUS).terms_for("補助金はいつ出ますか") == ["助成金", "助成"]
    assert load_thesaurus(tmp_path).entries == ()
    (tmp_path / "thesaurus.yaml").write_text("words:\n  会社: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="会社"):
        load_thesaurus(tmp_path)


def test_a_follow_up_that_announces_a_new_subject_is_searched_on_its_own() -> None:
    history = [Turn("施設委託管理者とは何ですか？", "施設委託管理者とは何ですか？")]
    switched = "話は変わりますが、期間はどのくらいですか？"
    assert rewrite_followup(switched, history) == switched
    assert "施設委託管理者" in rewrite_followup("期間はどのくらいですか？", history)
    # the phrases as people vary them, in Japanese and English
    for opening in (
        "話題は変わりますが、",
        "別の質問ですが、",
        "全く違う話ですが、",
        "On a different topic: ",
        "Changing the subject, ",
        "A separate question: ",
    ):
        assert rewrite_followup(f"{opening}期間はどのくらいですか？", history) == (
            f"{opening}期間はどのくらいですか？"
        )
        assert strip_preamble(f"{opening}期間はどのくらいですか？") == "期間はどのくらいですか？"


def test_a_long_clause_with_a_courtesy_word_in_it_carries_the_subject_and_stays() -> None:
    question = "供給確保計画に書かなければならない事項について回答案に列挙したいのですが、根拠になる条文はどこですか。"
    assert strip_preamble(question) == question
    sentence = "コンデンサーやセンサーのメーカーから、自社製品が対象になるのかという照会がありました。施行令での書きぶりを確認させてください。"
    assert strip_preamble(sentence) == sentence
