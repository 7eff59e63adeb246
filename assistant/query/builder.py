"""Query understanding: a question -> the one ``Query`` value every later stage reads.

The question is checked, its article numbers written in kanji as the laws write them
(「第55条の8」 -> 「第五十五条の八」), its language detected, and it is embedded and tokenized
here, once: before this module existed the same question was embedded twice and tokenized four
times on its way to an answer. English questions also get, for keyword search, the Japanese
forms of the legal terms they contain (``corpus/terms-en-ja.yaml``), since English words match
no Japanese passage.
"""

from __future__ import annotations

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import QuestionError
from assistant.index.keyword import JapaneseTokenizer
from assistant.japanese import is_english, kanji_article_numbers
from assistant.query.understanding import Thesaurus, answer_kinds, strip_preamble
from assistant.terms import TermMap
from assistant.types import Query, SearchFilter


def check_question(question: str, limit: int) -> str:
    """The stripped question, or QuestionError saying what is wrong with it."""
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > limit:
        raise QuestionError(
            f"the question is {len(text)} characters long; the limit is {limit} "
            "(ASSISTANT_MAX_QUESTION_CHARS). Ask about one point at a time.",
            length=len(text),
            limit=limit,
        )
    return text


class QueryBuilder:
    """Builds ``Query`` values: validation, normalization, language, vector, words."""

    def __init__(
        self,
        embedder: Embedder,
        tokenizer: JapaneseTokenizer,
        terms: TermMap,
        max_chars: int = 1000,
        thesaurus: Thesaurus | None = None,
        english_terms_vector: bool = True,
    ) -> None:
        self._embedder = embedder
        self._english_terms_vector = english_terms_vector
        self._tokenizer = tokenizer
        self._terms = terms
        self.max_chars = max_chars
        self.thesaurus = thesaurus or Thesaurus()

    def build(
        self,
        question: str,
        searched: str | None = None,
        *,
        k: int = 5,
        search_filter: SearchFilter | None = None,
        mode: str = "hybrid",
        context: str = "",
        anchors: tuple[str, ...] = (),
    ) -> Query:
        """Analyse a question; ``searched`` is what to search for when it differs from the
        question shown (a follow-up rewritten with the conversation's subject), ``context``
        the earlier question a follow-up is about, searched along with it, and ``anchors``
        the passages that question was answered from (``rank.conversation``)."""
        shown = check_question(question, self.max_chars)
        text = check_question(searched, self.max_chars) if searched else shown
        search_text = kanji_article_numbers(strip_preamble(text))
        english = is_english(text)
        topic = kanji_article_numbers(strip_preamble(context)) if context.strip() else ""
        retrieval_text = f"{topic} {search_text}" if topic else search_text
        keyword_text = self._keyword_text(retrieval_text, english)
        tokens, names, compounds, countries = self._tokenizer.analyse_fully(search_text)
        words = tuple(tokens)
        keyword_words = (
            tuple(self._tokenizer.tokenize(keyword_text)) if keyword_text != search_text else words
        )  # a follow-up's or an expanded question's keyword text is another text
        return Query(
            question=shown,
            text=text,
            search_text=search_text,
            language="en" if english else "ja",
            keyword_text=keyword_text,
            words=words,
            keyword_words=keyword_words,
            names=tuple(names),
            countries=tuple(countries),
            vector=self._vector(retrieval_text, keyword_text, english),
            search_filter=search_filter or SearchFilter(),
            k=k,
            mode=mode,
            kinds=answer_kinds(search_text),
            anchors=anchors,
            equivalents=() if english else self._equivalents(search_text, words),
            compounds=() if english else tuple(compounds),
            follow_up=bool(topic) or searched is not None,
        )

    def _vector(self, retrieval_text: str, keyword_text: str, english: bool) -> np.ndarray:
        """The question's e5 vector. An English question's is the mean of its own and that of
        the question followed by the Japanese forms of its legal terms (the keyword text),
        renormalized: across languages e5-small matches 「供給確保計画」 to "supply assurance
        plan" only loosely, and the passages say 供給確保計画. Both halves count, so a term the
        glossary lacks still weighs through the English."""
        vector = np.asarray(self._embedder.embed_query(retrieval_text))
        if not (english and self._english_terms_vector) or keyword_text == retrieval_text:
            return vector
        mixed = vector + np.asarray(self._embedder.embed_query(keyword_text))
        norm = float(np.linalg.norm(mixed))
        return mixed / norm if norm else vector

    def _equivalents(
        self, search_text: str, words: tuple[str, ...]
    ) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
        """For each question word inside a thesaurus word, the tokens of its terms (see
        ``Query.equivalents``): 「基幹インフラ」 is covered by a passage on 特定社会基盤事業者."""
        mapped: dict[str, list[tuple[str, ...]]] = {}
        for word, terms in self.thesaurus.pairs_for(search_text):
            term_tokens = [tuple(self._tokenizer.tokenize(term)) for term in terms]
            for token in self._tokenizer.tokenize(word):
                if token in words:
                    mapped.setdefault(token, []).extend(t for t in term_tokens if t)
        return tuple((token, tuple(dict.fromkeys(terms))) for token, terms in mapped.items())

    def _keyword_text(self, search_text: str, english: bool) -> str:
        """What keyword search looks for: English questions get the Japanese forms of their
        legal terms, Japanese ones the documents' terms for their everyday words."""
        if english:
            return self._terms.expand(search_text)
        extra = self.thesaurus.terms_for(search_text)
        return f"{search_text} {' '.join(extra)}" if extra else search_text
