"""The Assistant: the one object the CLI, the UI and the evaluation all call.

It wires the stages together (catalog, loaders, chunking, embedding, Chroma, keyword index,
retrieval, answering) and owns the rules that cut across them: questions are validated before
any work, abstention is decided from the evidence, and the retrieval snapshot is refreshed after
every ingest so that new documents are searchable at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.answering.abstain import ANSWER_TYPE_JA, abstention
from assistant.answering.answerability import (
    answer_cues,
    missing_answer_type,
    missing_article,
    missing_names,
)
from assistant.answering.confidence import Evidence, measure_evidence
from assistant.answering.extractive import candidate_sentences, format_answer, select_sentences
from assistant.answering.versions import version_notes
from assistant.catalog import Catalog, load_catalog
from assistant.config import Settings
from assistant.definitions import asks_for_definition
from assistant.embedding import Embedder, SentenceTransformerEmbedder, release_freed_memory
from assistant.errors import IndexStoreError, QuestionError
from assistant.index import ChromaStore, ManifestEntry
from assistant.indexer import Indexer, IngestReport
from assistant.japanese import is_english, kanji_article_numbers, normalize
from assistant.keyword import JapaneseTokenizer, TokenStore
from assistant.rerank import SentenceReranker, SentenceVectors, indexed_sentences
from assistant.retrieval import Retriever
from assistant.terms import load_terms
from assistant.types import Answer, AnswerSentence, Citation, Hit, SearchFilter

log = logging.getLogger(__name__)
# Vectors of the indexed sentences, kept next to the index (see SentenceVectors).
SENTENCE_VECTORS_FILE = "sentence-vectors.npz"
# How many of an answer's best sentences must state the kind of thing asked for (see ask).
DECISIVE_SENTENCES = 3


class Assistant:
    """Ingest documents and answer questions about them, with citations."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or SentenceTransformerEmbedder(
            settings.embedding_model, settings.embedding_batch_size, settings.embedding_dtype
        )
        self.catalog: Catalog = load_catalog(settings.corpus_dir)
        self._terms = load_terms(settings.corpus_dir)
        self._store = ChromaStore(settings, self.embedder)
        self._tokenizer = JapaneseTokenizer()
        tokens = TokenStore(settings.index_dir / "keyword", self._tokenizer)
        self.sentence_vectors = SentenceVectors(
            self.embedder, path=settings.index_dir / SENTENCE_VECTORS_FILE
        )
        self.retriever = Retriever(
            self._store,
            self.embedder,
            self._tokenizer,
            tokens,
            settings.candidate_k,
            self.catalog.sources_named_in,
            self._keyword_query,
            SentenceReranker(
                self.sentence_vectors,
                settings.rerank_depth,
                settings.rerank_weight,
                settings.rerank_pool_weight,
                settings.rerank_lexical_weight,
                self._tokenizer.tokenize,
            ),
            self.catalog.law_implemented_by,
        )
        self._indexer = Indexer(
            settings, self._store, self.embedder, self.catalog, publish=self.retriever.refresh
        )
        self._write_lock = threading.Lock()
        self._warm = False  # set by warm_up: every indexed sentence has its vector

    def _keyword_query(self, text: str) -> str:
        """What keyword search looks for: English questions get their Japanese legal terms."""
        return self._terms.expand(text) if is_english(text) else text

    def warm_up(self) -> None:
        """Load the model and make sure every indexed sentence has its vector.

        The sentence reranker scores every candidate's sentences and the answerer chooses among
        them; embedded lazily, one question over unseen passages would embed some four hundred
        sentences (tens of seconds), and the vectors would depend on which questions came first
        (see ``SentenceVectors``). Serving, evaluation and ``ask`` warm up first; the vectors
        are stored beside the index, so only the first start after an ingest embeds them (about
        a minute for the shipped corpus). Once warm, an ingest embeds the sentences it adds.
        """
        self.embedder.embed_query("warm-up")
        self._embed_indexed_sentences()
        self._warm = True

    def _embed_indexed_sentences(self) -> None:
        """Embed, in corpus order, the indexed sentences that have no vector yet, and store all.

        Corpus order and batches of 64 make the vectors the same whichever command built them
        (in bfloat16 a vector varies slightly with its batch).
        """
        reranker = self.retriever.reranker
        if not (reranker and reranker.enabled) and self.settings.answer_semantic_weight == 0:
            return  # nothing would use the sentence vectors
        snapshot = self.retriever.snapshot
        sentences = [s for chunk in snapshot.chunks.values() for s in indexed_sentences(chunk)]
        missing = [s for s in dict.fromkeys(sentences) if s not in self.sentence_vectors]
        started = time.perf_counter()
        for start in range(0, len(missing), 64):
            self.sentence_vectors.of(missing[start : start + 64])
            release_freed_memory()
        if missing or len(self.sentence_vectors) != len({normalize(s) for s in sentences}):
            self.sentence_vectors.save(sentences)
        if reranker is not None:
            reranker.read_words(snapshot.chunks.values())
        log.info(
            "embedded %d of %d sentences in %.0f s",
            len(missing),
            len(sentences),
            time.perf_counter() - started,
        )

    def ingest(self, paths: Sequence[Path], *, prune: bool = True) -> IngestReport:
        """Index files and folders, then make the result searchable at once.

        In a warm process (serving) the new passages' sentences are embedded here too, so the
        first questions about a document added in the chat are as fast as any. A cold one (the
        ``ingest`` command) leaves that to the next warm-up: the command stays a pure indexing
        step, and the sentences are embedded in corpus order as a whole.
        """
        with self._write_lock:
            report = self._indexer.ingest(paths, prune=prune)  # publishes to the retriever
            if self._warm and (report.added or report.updated):
                self._embed_indexed_sentences()
        return report

    def remove_document(self, source: str) -> bool:
        """Remove a document (by file name); False if it was not indexed."""
        with self._write_lock:
            removed = self._indexer.remove(source)  # publishes to the retriever
        return removed

    def documents(self) -> list[ManifestEntry]:
        """Every indexed document, by title."""
        return sorted(self.retriever.snapshot.manifest.values(), key=lambda e: e.source)

    def check_question(self, question: str) -> str:
        """Return the stripped question or raise QuestionError saying what is wrong with it."""
        text = question.strip()
        if not text:
            raise QuestionError("the question is empty")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionError(
                f"the question is {len(text)} characters long; the limit is {limit} "
                "(ASSISTANT_MAX_QUESTION_CHARS). Ask about one point at a time."
            )
        return text

    def search(
        self,
        query: str,
        k: int | None = None,
        search_filter: SearchFilter | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Ranked passages for a query (no answer)."""
        text = self.check_question(query)
        if not self.retriever.snapshot.manifest:
            raise IndexStoreError(
                "the index is empty: run `assistant ingest` (or the set-up command) first"
            )
        return self.retriever.search(text, k or self.settings.top_k, search_filter, mode)

    def evidence(self, question: str, hits: Sequence[Hit]) -> Evidence:
        """How well the hits support an answer (the abstention signal)."""
        keyword = self.retriever.snapshot.keyword
        return measure_evidence(
            self.retriever.tokenize(question),
            hits,
            keyword.tokens_of,
            keyword.idf,
            is_english(question),
        )

    def _unanswerable_because(
        self, query: str, hits: Sequence[Hit], sentences: Sequence[str], english: bool
    ) -> str | None:
        """Why the chosen sentences cannot answer the question, or None if they can."""
        answer_type = missing_answer_type(query, sentences)
        if answer_type:
            return (
                f"no {answer_type} is stated"
                if english
                else f"該当する{ANSWER_TYPE_JA[answer_type]}の記載がありません"
            )
        keyword = self.retriever.snapshot.keyword
        # English names (METI, Japan) cannot be matched against Japanese text.
        names = (
            []
            if english
            else [
                name
                for name in missing_names(
                    self._tokenizer.proper_nouns(query),
                    [keyword.tokens_of(h.chunk.chunk_id) for h in hits],
                )
                if not self._named_in(self._terms.japanese_for(name), hits)
            ]
        )
        if names:
            joined = "、".join(names)
            return (
                f"the documents do not mention {joined}"
                if english
                else f"文書に「{joined}」への言及がありません"
            )
        article = missing_article(query, hits)
        if article:
            return (
                f"the text of {article} was not found"
                if english
                else f"{article}の本文が見つかりません"
            )
        return None

    @staticmethod
    def _named_in(forms: Sequence[str], hits: Sequence[Hit]) -> bool:
        """Whether a passage uses one of a name's Japanese forms (GOCO: 施設委託管理者...)."""
        return any(normalize(form) in h.chunk.search_text for form in forms for h in hits)

    def ask(
        self,
        question: str,
        k: int | None = None,
        search_filter: SearchFilter | None = None,
        searched_query: str | None = None,
    ) -> Answer:
        """Answer a question from the indexed documents, or abstain and show what was found.

        ``searched_query`` is what to search for when it differs from the question shown (a
        follow-up rewritten with the conversation's subject).
        """
        text = self.check_question(question)
        query = self.check_question(searched_query) if searched_query else text
        with self.retriever.reading():  # one snapshot for the search and the evidence
            return self.answer_from_hits(text, query, self.search(query, k, search_filter))

    def answer_from_hits(self, question: str, query: str, hits: Sequence[Hit]) -> Answer:
        """The grounded answer (or abstention) that these hits support for this question."""
        english = is_english(question)
        evidence = self.evidence(query, hits)
        threshold = (
            self.settings.abstain_threshold_en if english else self.settings.abstain_threshold
        )
        if not hits or evidence.confidence < threshold:
            return abstention(question, query, hits[:3], english)
        keyword = self.retriever.snapshot.keyword
        query_vector = np.asarray(self.embedder.embed_query(kanji_article_numbers(query)))
        words = self.retriever.tokenize(query)
        if english:
            # English words match no Japanese sentence, and as words the index never saw they
            # would weigh most in every sentence's coverage; the glossary's Japanese terms for
            # them do match ("compensated" -> 補償).
            words = [
                w for w in self.retriever.tokenize(self._keyword_query(query)) if keyword.knows(w)
            ]
        scored = candidate_sentences(
            hits,
            words,
            self.retriever.tokenize,
            keyword.idf,
            similarity=lambda texts: self.sentence_vectors.similarities(query_vector, texts),
            semantic_weight=self.settings.answer_semantic_weight,
            cues=answer_cues(query),
        )

        def select(limit: int) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
            return select_sentences(
                hits,
                scored,
                limit,
                asks_for_definition(question),
                self.retriever.snapshot.preceding,
            )

        sentences, citations = select(self.settings.answer_sentences)
        # Whether the answer states what was asked (a date, an amount) is judged on its best
        # sentences only: a weaker one quoted for context must not turn a question the
        # documents do not answer ("次回公募の締切日") into an answer because it has some date.
        limit = self.settings.answer_sentences
        decisive = sentences if limit <= DECISIVE_SENTENCES else select(DECISIVE_SENTENCES)[0]
        problem = self._unanswerable_because(query, hits, [s.text for s in decisive], english)
        if not sentences or problem:
            return abstention(question, query, hits[:3], english, problem)
        answer = Answer(
            question=question,
            searched_query=query,
            text=format_answer(sentences),
            abstained=False,
            sentences=sentences,
            citations=citations,
            nearest=tuple(hits),
            language="en" if english else "ja",
            notes=version_notes(citations, english, self.retriever.snapshot.manifest),
        )
        return self._fluent(answer) if self.settings.llm_enabled else answer

    def _fluent(self, answer: Answer) -> Answer:
        """Rewrite a grounded answer with the configured LLM, keeping only supported sentences."""
        from assistant.answering.llm import rewrite_with_llm

        return rewrite_with_llm(answer, self.settings, self._semantic_support)

    def _semantic_support(self, sentence: str, passage: str) -> float:
        """Cross-language support in [0, 1]: e5 cosine 0.80 maps to 0, 0.90 to 1 (0.85 = 0.5)."""
        vectors = self.embedder.embed_passages([sentence, passage])
        cosine = sum(a * b for a, b in zip(vectors[0], vectors[1], strict=True))
        return min(1.0, max(0.0, (cosine - 0.80) / 0.10))
