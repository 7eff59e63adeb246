from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.terms import TermMap, load_terms
from tests.conftest import CORPUS


def test_longest_phrase_wins_and_question_is_kept() -> None:
    terms = TermMap((("supply assurance plan", "供給確保計画"), ("plan", "計画")))
    expanded = terms.expand("Who approves a supply assurance plan?")
    assert expanded.startswith("Who approves a supply assurance plan?")
    assert expanded.endswith("供給確保計画")
    assert TermMap((("fund", "基金"),)).expand("refunded amounts") == "refunded amounts"


def test_a_phrase_is_found_in_the_singular_or_the_plural() -> None:
    terms = TermMap((("specified critical products", "特定重要物資"), ("subsidy", "助成金")))
    assert terms.expand("Is cobalt a specified critical product?").endswith("特定重要物資")
    assert terms.expand("Which subsidies exist?").endswith("助成金")
    assert terms.expand("Are there specified critical productions?").endswith("?")
    assert TermMap((("process", "手続"),)).expand("two processes").endswith("手続")


def test_a_head_word_is_found_as_the_verb_or_noun_of_its_stem() -> None:
    def found(entry: str, question: str) -> bool:
        return TermMap(((entry, "訳"),)).expand(question).endswith("訳")

    assert found("compensation", "Will the government compensate us?")
    assert found("compensation", "Are we compensated?")
    assert found("designation", "Who designates them?")
    assert not found("designation", "Is the design data covered?")
    assert not found("designation", "We designed it.")
    assert found("attach", "What must be attached?")
    assert found("license", "Do we need a licence?")
    assert found("license", "Is it licensed?")
    assert found("defence", "the Ministry of Defense")
    assert found("losses", "a loss of sales")
    assert found("critical infrastructure", "a critical infrastructure operator")
    assert not found("fund", "refunded amounts")


def test_shipped_terms_cover_the_required_english_example() -> None:
    expanded = load_terms(CORPUS).expand(
        "Which law is used for prior reporting of technology transfers?"
    )
    assert "事前" in expanded and "報告" in expanded and "技術" in expanded


def test_bad_terms_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "terms-en-ja.yaml").write_text("terms: [broken", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"terms-en-ja\.yaml"):
        load_terms(tmp_path)
    (tmp_path / "terms-en-ja.yaml").write_text("other: 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="'terms' mapping"):
        load_terms(tmp_path)


def test_japanese_forms_of_an_acronym() -> None:
    terms = load_terms(CORPUS)
    assert "施設委託管理者" in terms.japanese_for("GOCO")
    assert terms.japanese_for("bafa") == ()
