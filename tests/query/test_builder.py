"""The query builder's vector for English questions, with the hashing embedder (no model):
the Japanese forms of its legal terms weigh in, half and half with the English."""

from __future__ import annotations

import numpy as np

from assistant.embedding import HashingEmbedder
from assistant.index.keyword import JapaneseTokenizer
from assistant.query.builder import QueryBuilder
from assistant.terms import TermMap

TERMS = TermMap((("supply assurance plan", "供給確保計画"),))
EMBEDDER = HashingEmbedder(dimensions=256)


def _builder(english_terms_vector: bool = True) -> QueryBuilder:
    return QueryBuilder(
        EMBEDDER, JapaneseTokenizer(), TERMS, english_terms_vector=english_terms_vector
    )


def test_an_english_question_is_embedded_with_the_japanese_forms_of_its_terms() -> None:
    question = "Can a supply assurance plan be revoked?"
    query = _builder().build(question)
    own = np.asarray(EMBEDDER.embed_query(question))
    expanded = np.asarray(EMBEDDER.embed_query(f"{question} 供給確保計画"))
    assert query.keyword_text == f"{question} 供給確保計画"
    mean = (own + expanded) / np.linalg.norm(own + expanded)
    assert np.allclose(query.vector, mean)
    assert abs(float(np.linalg.norm(query.vector)) - 1.0) < 1e-6


def test_without_glossary_terms_or_the_setting_the_question_alone_is_embedded() -> None:
    plain = "What is the weather in Tokyo?"
    assert np.allclose(_builder().build(plain).vector, EMBEDDER.embed_query(plain))
    termed = "Can a supply assurance plan be revoked?"
    off = _builder(english_terms_vector=False).build(termed)
    assert np.allclose(off.vector, EMBEDDER.embed_query(termed))
    japanese = "供給確保計画の認定は取り消されますか？"
    alone = _builder(english_terms_vector=False).build(japanese).vector
    assert np.allclose(_builder().build(japanese).vector, alone)


def test_a_word_the_thesaurus_translates_carries_the_tokens_of_the_documents_terms() -> None:
    from assistant.query.understanding import Thesaurus

    builder = QueryBuilder(
        EMBEDDER,
        JapaneseTokenizer(),
        TERMS,
        thesaurus=Thesaurus((("インフラ", ("特定社会基盤",)),)),
    )
    query = builder.build("基幹インフラの設備を入れ替えるとき、何を出せばいいですか？")
    equivalents = dict(query.equivalents)
    assert "インフラ" in query.words
    assert equivalents["インフラ"] == (("特定", "社会", "基盤"),)
    assert "基幹" not in equivalents  # the thesaurus knows インフラ, not 基幹
    assert builder.build("Is infrastructure covered?").equivalents == ()
