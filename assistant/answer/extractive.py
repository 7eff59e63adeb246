"""The default answerer: quotes the sentences of the top passages that best answer the question.

It needs no LLM, and every sentence it shows is a verbatim sentence of the chunk it cites, so
an answer can be wrong only by choosing the wrong passage, never by inventing text. Which
sentences to quote is decided in ``quoting.py``; whether to answer at all in ``abstain.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.answer.abstain import Abstention
from assistant.answer.answerability import answer_cues, on_subject
from assistant.answer.confidence import content_tokens
from assistant.answer.quoting import (
    QuotingWeights,
    candidate_sentences,
    format_answer,
    select_sentences,
)
from assistant.answer.versions import version_notes
from assistant.definitions import asks_for_definition
from assistant.index.snapshot import Snapshot
from assistant.sentences import SentenceScorer
from assistant.types import Answer, AnswerSentence, Chunk, Citation, DocumentKind, Hit, Query


class ExtractiveAnswerer:
    """Quotes up to ``sentences`` sentences; whether the answer states what was asked (a date,
    an amount) is judged on its best ``decisive`` ones only: a weaker sentence quoted for
    context must not turn a question the documents do not answer ("次回公募の締切日") into an
    answer because it has some date."""

    def __init__(
        self,
        scorer: SentenceScorer,
        tokenize: Callable[[str], list[str]],
        abstention: Abstention,
        sentences: int = 5,
        decisive: int = 3,
        weights: QuotingWeights | None = None,
    ) -> None:
        self._scorer = scorer
        self._tokenize = tokenize
        self.abstention = abstention
        self.sentences = sentences
        self.decisive = decisive
        self.weights = weights or QuotingWeights()

    def answer(self, query: Query, hits: Sequence[Hit], snapshot: Snapshot) -> Answer:
        """The grounded answer (or abstention) that these hits support for this query."""
        keyword = snapshot.keyword
        evidence = self.abstention.evidence(query, hits, snapshot)
        if self.abstention.too_weak(query, hits, evidence):
            return self.abstention.decline(
                query, hits, evidence, self.abstention.weak_reason(query, evidence)
            )
        outside = self.abstention.out_of_scope(query, snapshot)
        if outside:
            return self.abstention.decline(query, hits, evidence, outside)
        words = list(query.words)
        if query.text != query.question and not query.english:
            # A follow-up searched with the conversation's subject (「保全指定について、補償額に
            # 納得できない場合は…」): the subject found the passages; within them the sentence
            # answering is the one with the question's own words (不服, not 保全指定 again).
            words = self._tokenize(query.question)
        if query.english:
            # English words match no Japanese sentence, and as words the index never saw they
            # would weigh most in every sentence's coverage; the glossary's Japanese terms for
            # them do match ("compensated" -> 補償).
            words = [w for w in query.keyword_words if keyword.knows(w)]
        vector = np.asarray(query.vector)
        cues = answer_cues(query.text)
        scored = candidate_sentences(
            hits,
            words,
            self._tokenize,
            keyword.idf,
            similarity=lambda texts: self._scorer.similarities(vector, texts),
            cues=cues,
            weights=self.weights,
            earlier=snapshot.preceding,
            penalties=snapshot.references.penalties if snapshot.references else (),
            equivalents=_equivalents_not_cued(query, cues),
        )
        follow = asks_for_definition(query.question)

        def select(limit: int) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
            return select_sentences(
                hits,
                scored,
                limit,
                follow,
                snapshot.preceding,
                self.weights.diverse_passages,
                later=snapshot.following_in_article,
                kinds=cues,
                carried_out=lambda chunk: carried_out_by(chunk, snapshot),
            )

        sentences, citations = select(self.sentences)
        decisive = sentences if self.sentences <= self.decisive else select(self.decisive)[0]
        # A quoted list item comes with the sentences introducing it (select_sentences), so an
        # item of a penalty article is read with the fine its opening sentence states.
        texts = [s.text for s in decisive]
        subject = on_subject(texts, content_tokens(words), self._tokenize)
        # A penalty may be stated by any sentence of the answer (a two-part question's second
        # part is often answered beyond the decisive few: 「何年保存…。罰則もあるんですか」).
        anywhere = [s.text for s in sentences]
        problem = self.abstention.reason(query, hits, texts, keyword, subject, anywhere)
        if not sentences or problem:
            return self.abstention.decline(query, hits, evidence, problem)
        return Answer(
            question=query.question,
            searched_query=query.text,
            text=format_answer(sentences),
            abstained=False,
            sentences=sentences,
            citations=citations,
            nearest=tuple(hits),
            language=query.language,
            notes=version_notes(citations, query.english, snapshot.manifest),
            evidence=evidence,
        )


def carried_out_by(chunk: Chunk, snapshot: Snapshot) -> list[Chunk]:
    """The law chunks an order's or ordinance's chunk cites (the provisions it carries out:
    「法第三十八条の帳簿」), by the reference graph; none for a law's own chunk."""
    graph = snapshot.references
    if graph is None or chunk.kind == DocumentKind.LAW:
        return []
    cited = (snapshot.chunks.get(cid) for cid in graph.references_of(chunk.chunk_id))
    return [c for c in cited if c is not None and c.kind == DocumentKind.LAW]


def _equivalents_not_cued(
    query: Query, cues: Sequence[re.Pattern[str]]
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The question's translated words whose terms are not what a cue asked for recognizes.

    「罰則」 translates to 罰金, 拘禁刑, 処する: every penalty sentence would cover it, and the
    cue bonus already rewards a sentence for stating a penalty; counted twice, a fine for another
    breach that shares a word more outranks the items about the breach asked about.
    """
    return {
        word: terms
        for word, terms in query.equivalents
        if not any(cue.search("".join(term)) for term in terms for cue in cues)
    }
