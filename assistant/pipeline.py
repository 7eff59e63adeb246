"""The composition root: builds every stage from ``Settings`` and runs a query through them.

ingest -> index (write) ... query -> retrieve -> rank -> answer -> present. Each stage is
built here and nowhere else, so a new vector store, ranking step or answerer is one new file
plus its name in one of the registries below, chosen by a setting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from assistant.answer import Answerer
from assistant.answer.abstain import Abstention
from assistant.answer.confidence import DenseBands
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.quoting import QuotingWeights
from assistant.answer.related import annotate
from assistant.catalog import Catalog, load_catalog
from assistant.config import Settings
from assistant.embedding import Embedder, build_embedder
from assistant.index.keyword import BM25Parameters, JapaneseTokenizer
from assistant.index.law_links import LawLinkStore
from assistant.index.owner import IndexOwnership
from assistant.index.sentence_store import SentenceStore
from assistant.index.snapshot import IndexReader
from assistant.index.store import VectorStore
from assistant.index.token_store import TokenStore
from assistant.index.writer import IndexWriter
from assistant.japanese import kanji_article_numbers
from assistant.query import QueryBuilder
from assistant.query.understanding import load_thesaurus
from assistant.rank import RankContext, Ranker, RankingStep
from assistant.rank.answer_cues import AnswerCues
from assistant.rank.applies import ApplicableDocuments
from assistant.rank.boosts import DocumentBoosts
from assistant.rank.changes import ChangeProvisions
from assistant.rank.conversation import ConversationAnchors
from assistant.rank.primary import PrimarySources
from assistant.rank.provisions import NamedProvisions
from assistant.rank.quotes import QuotedWords
from assistant.rank.references import DelegationLinks, ReferenceLinks
from assistant.rank.sanctioned import SanctionedProvisions
from assistant.rank.sentence_rerank import SentenceReranker
from assistant.rank.subjects import SubjectProvisions
from assistant.retrieve import FusionWeights, Retriever
from assistant.sentences import SentenceIndexer, SentenceScorer, SentenceVectors
from assistant.subjects import SubjectIndex, load_subjects
from assistant.terms import TermMap, load_terms
from assistant.types import Answer, Hit, Query

# Vectors of the indexed sentences, kept next to the index (see SentenceStore), and the single
# file earlier versions kept them in (taken over into the store, then removed).
SENTENCES_FOLDER = "sentences"
LEGACY_SENTENCE_VECTORS_FILE = "sentence-vectors.npz"


def _chroma(settings: Settings, embedder: Embedder) -> VectorStore:
    from assistant.index.chroma import ChromaStore  # chromadb loads only when used

    return ChromaStore(settings, embedder)


def _memory(settings: Settings, embedder: Embedder) -> VectorStore:
    from assistant.index.memory import InMemoryStore

    return InMemoryStore()


VECTOR_STORES: dict[str, Callable[[Settings, Embedder], VectorStore]] = {
    "chroma": _chroma,
    "memory": _memory,
}


@dataclass(frozen=True)
class Parts:
    """What ranking steps and answerers are built from."""

    settings: Settings
    catalog: Catalog
    scorer: SentenceScorer
    subjects: SubjectIndex


RANKING_STEPS: dict[str, Callable[[Parts], RankingStep]] = {
    "boosts": lambda p: DocumentBoosts(
        p.catalog.sources_named_in,
        p.settings.boost_named_source,
        p.settings.boost_definition,
        p.catalog.law_implemented_by,
        p.settings.boost_implementing_source,
    ),
    "conversation": lambda p: ConversationAnchors(p.settings.conversation_bonus),
    "sentences": lambda p: SentenceReranker(
        p.scorer, p.settings.rerank_depth, p.settings.rerank_weight, p.settings.rerank_pool_weight
    ),
    "primary": lambda p: PrimarySources(p.scorer, p.settings.primary_depth),
    "subjects": lambda p: SubjectProvisions(p.subjects, p.settings.subjects_after),
    "provisions": lambda p: NamedProvisions(
        p.catalog.sources_named_in, p.settings.provisions_pinned
    ),
    "references": lambda p: ReferenceLinks(
        p.scorer,
        p.settings.reference_parents,
        p.settings.reference_links,
        p.settings.reference_tie,
    ),
    "cues": lambda p: AnswerCues(p.settings.cues_depth),
    "sanctioned": lambda p: SanctionedProvisions(p.settings.cues_depth),
    "changes": lambda p: ChangeProvisions(p.settings.changes_depth),
    "applies": lambda p: ApplicableDocuments(
        p.scorer.words, p.catalog.law_implemented_by, p.settings.applies_depth
    ),
    "quotes": lambda _p: QuotedWords(),
    "delegation": lambda p: DelegationLinks(
        p.scorer,
        p.settings.delegation_parents,
        p.settings.delegation_links,
        p.settings.delegation_tie,
    ),
}


def _extractive(parts: Parts, tokenizer: JapaneseTokenizer, terms: TermMap) -> ExtractiveAnswerer:
    s = parts.settings
    bands = DenseBands(
        s.evidence_dense_floor,
        s.evidence_dense_ceiling,
        s.evidence_dense_floor_en,
        s.evidence_dense_ceiling_en,
    )
    abstention = Abstention(
        s.abstain_threshold,
        s.abstain_threshold_en,
        bands,
        terms.japanese_for,
        lambda name: bool(parts.catalog.sources_named_in(name) or terms.japanese_for(name)),
        lambda name: bool(parts.catalog.sources_named_in(name)),
        tokenizer.tokenize,
        lambda text: terms.expand(text) != text,
    )
    weights = QuotingWeights(
        rank_prior=s.answer_rank_prior,
        bare_item=s.answer_bare_item_weight,
        cue_bonus=s.answer_cue_bonus,
        diverse_passages=s.answer_diverse_passages,
        passages=s.answer_passages,
        semantic_weight=s.answer_semantic_weight,
        referent=s.answer_referent_weight,
    )
    # A sentence's tokens, cached: the candidate passages' sentences come back question after
    # question, and SudachiPy is the slow part of choosing what to quote.
    tokens = functools.lru_cache(maxsize=50_000)(
        lambda text: tuple(tokenizer.tokenize(kanji_article_numbers(text)))
    )
    return ExtractiveAnswerer(
        parts.scorer,
        lambda text: list(tokens(text)),
        abstention,
        s.answer_sentences,
        s.answer_decisive_sentences,
        weights,
    )


def build_answerer(
    parts: Parts, tokenizer: JapaneseTokenizer, terms: TermMap, embedder: Embedder
) -> Answerer:
    """The extractive answerer, or the LLM one when configured (``ASSISTANT_ANSWERER``)."""
    extractive = _extractive(parts, tokenizer, terms)
    settings = parts.settings
    use_llm = settings.answerer == "llm" or (settings.answerer == "auto" and settings.llm_enabled)
    if not use_llm:
        return extractive
    from assistant.answer.llm import LLMAnswerer  # LangChain loads only when used

    return LLMAnswerer(extractive, settings, embedder)


class Pipeline:
    """Every stage, built once from the settings; ``run`` takes a query to its answer."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or build_embedder(settings)
        self.catalog = load_catalog(settings.corpus_dir)
        terms = load_terms(settings.corpus_dir)
        self.tokenizer = JapaneseTokenizer()
        self.store = VECTOR_STORES[settings.vector_store](settings, self.embedder)
        tokens = TokenStore(
            settings.index_dir / "keyword",
            self.tokenizer,
            BM25Parameters(settings.bm25_k1, settings.bm25_b),
        )
        # Only a Chroma server is shared by processes; an embedded index has one owner.
        shared = settings.vector_store == "chroma" and settings.chroma_mode == "http"
        embedded = settings.vector_store == "chroma" and settings.chroma_mode == "persistent"
        self.ownership = IndexOwnership(settings.index_dir, enabled=embedded)
        self.reader = IndexReader(
            self.store,
            tokens,
            LawLinkStore(settings.index_dir, self.catalog.law_implemented_by),
            settings.index_follow_s if shared else 0.0,
        )
        store = SentenceStore(settings.index_dir / SENTENCES_FOLDER, self.embedder.name)
        store.adopt(settings.index_dir / LEGACY_SENTENCE_VECTORS_FILE)
        vectors = SentenceVectors(self.embedder, store=store)
        self.scorer = SentenceScorer(
            vectors, settings.rerank_lexical_weight, self.tokenizer.tokenize
        )
        parts = Parts(settings, self.catalog, self.scorer, load_subjects(settings.corpus_dir))
        self.queries = QueryBuilder(
            self.embedder,
            self.tokenizer,
            terms,
            settings.max_question_chars,
            load_thesaurus(settings.corpus_dir) if settings.thesaurus else None,
            settings.english_terms_vector,
        )
        self.retriever = Retriever(
            self.store,
            settings.candidate_k,
            FusionWeights(
                settings.fusion_dense_weight,
                settings.fusion_words_weight,
                settings.fusion_bigrams_weight,
            ),
        )
        self.ranker = Ranker([RANKING_STEPS[name](parts) for name in settings.steps])
        self.answerer = build_answerer(parts, self.tokenizer, terms, self.embedder)
        self.sentences = SentenceIndexer(
            self.embedder,
            vectors,
            settings.sentence_vectors if self.uses_sentence_vectors else "off",
        )
        self.writer = IndexWriter(
            settings,
            self.store,
            self.embedder,
            self.catalog,
            publish=self.reader.refresh,
            embed=self.sentences.embed,
        )

    @property
    def uses_sentence_vectors(self) -> bool:
        """Whether any stage reads sentence vectors (else warm-up need not embed them)."""
        reranking = any(isinstance(s, SentenceReranker) and s.enabled for s in self.ranker.steps)
        return reranking or self.settings.answer_semantic_weight != 0

    @property
    def uses_anchors(self) -> bool:
        """Whether a ranking step reads a follow-up's anchors (else finding them, by searching
        the earlier turns again, would be wasted work on every follow-up)."""
        anchoring = any(
            isinstance(s, ConversationAnchors) and s.bonus != 0 for s in self.ranker.steps
        )
        return anchoring and self.settings.conversation_anchors > 0

    def search(self, query: Query) -> list[Hit]:
        """The ranked hits for a query: candidates, fused, then every ranking step."""
        snapshot = self.reader.snapshot
        hits = self.retriever.candidates(query, snapshot)
        return self.ranker.rank(query, hits, RankContext(snapshot, self.store))

    def run(self, query: Query, depth: int | None = None) -> Answer:
        """Search and answer on one snapshot; the answer keeps the first ``depth`` hits
        (default: k) as its ranking, and is answered from the first k."""
        with self.reader.reading() as snapshot:
            ranked = self.search(query)[: max(query.k, depth or 0)]
            answer = self.answerer.answer(query, ranked[: query.k], snapshot)
            answer = annotate(answer, snapshot, query.search_filter)
        return replace(answer, ranked=tuple(ranked))


def describe(pipeline: Pipeline) -> dict[str, Any]:
    """The stages a pipeline was built with (for logs and the README's architecture check)."""
    return {
        "vector_store": type(pipeline.store).__name__,
        "ranking_steps": [step.name for step in pipeline.ranker.steps],
        "answerer": type(pipeline.answerer).__name__,
    }
