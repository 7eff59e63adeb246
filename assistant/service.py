"""The Assistant: the one object the CLI, the UI and the evaluation call, through public
methods only.

It is a thin facade over the pipeline (``assistant.pipeline``): it builds a ``Query`` for each
question and runs it; the index writer serializes the commits of concurrent writes. The rules
of each stage live in the stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from assistant.access.principal import Principal
from assistant.access.visibility import Visibility, VisibilityScope, public_scope, visibility_scope
from assistant.catalog import Catalog
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import IndexStoreError
from assistant.index.snapshot import Snapshot
from assistant.index.writer import IngestReport, IngestWatch
from assistant.pipeline import Pipeline
from assistant.query import Conversation, check_question
from assistant.query.followup import TopicalTerms
from assistant.types import Answer, Chunk, Hit, ManifestEntry, Query, SearchFilter

# How many turns back a chain of follow-ups is searched again to find what the last one was
# answered from (each costs one search).
FOLLOW_UP_CHAIN = 3


class Assistant:
    """Ingest documents and answer questions about them, with citations."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.pipeline = Pipeline(settings, embedder)
        self._warm = False  # set by warm_up: every indexed sentence has its vector
        # The snapshot the topical terms were read from, and them (``_topical``).
        self._topical_cache: tuple[Snapshot, TopicalTerms | None] | None = None

    @property
    def catalog(self) -> Catalog:
        """The corpus catalog (titles, kinds, versions of the known documents)."""
        return self.pipeline.catalog

    @property
    def embedder(self) -> Embedder:
        """The embedding model every stage shares."""
        return self.pipeline.embedder

    def warm_up(self, *, words: bool = True) -> None:
        """Load the model and make sure every indexed sentence has its stored vector.

        The sentence reranker scores every candidate's sentences and the answerer chooses among
        them; embedded lazily, one question over unseen passages would embed some four hundred
        sentences (tens of seconds). Ingest stores them with their chunks (see
        ``SentenceIndexer``), so warm-up only checks which chunks are covered: an index built
        before that, or by a process that did not store them, is completed here once.

        With ``words``, also read every sentence's keyword tokens (``warm_words``): some
        28,000 texts and 8 s at 10,000 chunks, worth it before measuring a warm process's
        latency, waste for one question (``ask`` tokenizes the few hundred it reads) and done
        in the background by ``serve`` so its page does not wait.
        """
        self.embedder.embed_query("warm-up")
        self.pipeline.sentences.fill(self._chunks())
        self._warm = True
        if words:
            self.warm_words()

    def warm_words(self) -> None:
        """Tokenize the indexed sentences and headers the reranker's lexical score reads, so
        no question waits for SudachiPy (only while they fit its word cache)."""
        self.pipeline.scorer.warm_words(self._chunks())

    def _chunks(self) -> list[Chunk]:
        return list(self.pipeline.reader.snapshot.chunks.values())

    def follow(self) -> None:
        """Take in what another process wrote to a shared (Chroma server) index: a new
        snapshot with its keyword index and law links, the sentence vectors that process
        stored, and (when warm) vectors for sentences still missing. A no-op except every
        ``index_follow_s`` seconds in ``http`` mode; every question and listing calls it."""
        if self.pipeline.reader.follow():
            self.pipeline.scorer.vectors.refresh()
            if self._warm:
                self.pipeline.sentences.fill(self._chunks())

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = True,
        visibility: Visibility | None = None,
        owner: str = "",
        watch: IngestWatch | None = None,
    ) -> IngestReport:
        """Index files and folders, then make the result searchable at once.

        The new passages' sentences are embedded and stored with them (``SentenceIndexer``),
        so the first questions about a document added in the chat are as fast as any.
        """
        with self.pipeline.ownership.writing():  # refused while another process serves
            report = self.pipeline.writer.ingest(  # publishes to the reader
                paths, prune=prune, visibility=visibility, owner=owner, watch=watch
            )
        return report

    def remove_document(self, source: str) -> bool:
        """Remove a document (by file name); False if it was not indexed."""
        with self.pipeline.ownership.writing():
            return self.pipeline.writer.remove(source)

    def own_index(self) -> None:
        """Hold the embedded index for this process's lifetime (``serve``): other processes'
        writes are refused with a message, since this one would never see them."""
        self.pipeline.ownership.hold()

    def documents(self, principal: Principal | None = None) -> list[ManifestEntry]:
        """The indexed documents ``principal`` may read (None: public ones), by file name."""
        self.follow()
        return self.pipeline.reader.snapshot.documents(scope_of(principal))

    def all_documents(self) -> list[ManifestEntry]:
        """Every indexed document, whoever may read it: for rights checks, never for display."""
        return sorted(self.pipeline.reader.snapshot.manifest.values(), key=lambda e: e.source)

    def document_chunks(self, chunk: Chunk, principal: Principal | None = None) -> list[Chunk]:
        """The committed chunks of ``chunk``'s document that ``principal`` may read, in
        reading order (for context views)."""
        return self.pipeline.reader.snapshot.section_of(chunk, scope_of(principal))

    def check_question(self, question: str) -> str:
        """Return the stripped question or raise QuestionError saying what is wrong with it."""
        return check_question(question, self.settings.max_question_chars)

    def query(
        self,
        question: str,
        k: int | None = None,
        search_filter: SearchFilter | None = None,
        searched_query: str | None = None,
        mode: str = "hybrid",
        context: str = "",
        principal: Principal | None = None,
        anchors: tuple[str, ...] = (),
    ) -> Query:
        """The analysed question (validated, normalized, embedded and tokenized once).

        The filter's visibility scope is always set here from ``principal`` (None: public
        documents only), whatever the caller's filter said, so no caller can widen it.
        """
        scoped = replace(search_filter or SearchFilter(), scope=scope_of(principal))
        self.follow()
        query = self.pipeline.queries.build(
            question,
            searched_query,
            k=k or self.settings.top_k,
            search_filter=scoped,
            mode=mode,
            context=context,
            anchors=anchors,
        )
        if not self.pipeline.reader.snapshot.manifest:
            raise IndexStoreError(
                "the index is empty: run `assistant ingest` (or the set-up command) first"
            )
        return query

    def search(
        self,
        question: str,
        k: int | None = None,
        search_filter: SearchFilter | None = None,
        mode: str = "hybrid",
        principal: Principal | None = None,
    ) -> list[Hit]:
        """Ranked passages for a question (no answer)."""
        query = self.query(question, k, search_filter, mode=mode, principal=principal)
        with self.pipeline.reader.reading():
            return self.pipeline.search(query)[: query.k]

    def ask(
        self,
        question: str,
        k: int | None = None,
        search_filter: SearchFilter | None = None,
        searched_query: str | None = None,
        *,
        history: Sequence[str] = (),
        mode: str = "hybrid",
        depth: int | None = None,
        principal: Principal | None = None,
    ) -> Answer:
        """Answer a question from the indexed documents, or abstain and show what was found.

        ``searched_query`` is what to search for when it differs from the question shown (a
        follow-up rewritten with the conversation's subject). The answer is made from the first
        k passages; ``depth`` keeps more of the ranking in ``Answer.ranked`` (the evaluation
        reads ranks up to ten). ``history`` is the conversation's earlier questions, oldest
        first: a follow-up is then searched with what it refers to (``query.followup``).
        """
        context = ""
        anchors: tuple[str, ...] = ()
        if history:
            conversation = self.conversation(history)
            context = conversation.context(question)
            if searched_query is None:
                searched = conversation.searched(question)
                searched_query = searched if searched != question.strip() else None
            if self.pipeline.uses_anchors and conversation.referent(question) is not None:
                anchors = self._anchors(conversation, search_filter, principal)
        query = self.query(
            question,
            k,
            search_filter,
            searched_query,
            mode,
            context=context,
            principal=principal,
            anchors=anchors,
        )
        return self.pipeline.run(query, depth)

    def conversation(self, history: Sequence[str]) -> Conversation:
        """The conversation after these earlier questions, with what names a topic in the
        indexed documents (``query.followup.TopicalTerms``; None when they define no terms)."""
        return Conversation.replay(history, self._topical())

    def _topical(self) -> TopicalTerms | None:
        """Read once per snapshot: a new snapshot (an ingest) may define new terms."""
        snapshot = self.pipeline.reader.snapshot
        if self._topical_cache is None or self._topical_cache[0] is not snapshot:
            defined = snapshot.definitions.terms()
            topical = (
                TopicalTerms.build(
                    defined,
                    lambda phrase: bool(self.catalog.sources_named_in(phrase)),
                    self.pipeline.queries.thesaurus.entries,
                )
                if defined
                else None
            )
            self._topical_cache = (snapshot, topical)
        return self._topical_cache[1]

    def _anchors(
        self,
        conversation: Conversation,
        search_filter: SearchFilter | None,
        principal: Principal | None,
    ) -> tuple[str, ...]:
        """The passages the conversation's last turn was answered from, found again: its
        question searched as it was then, with the anchors of the turns it followed up on (a
        chain of follow-ups keeps its provision), at most ``FOLLOW_UP_CHAIN`` turns back.

        Searching again instead of remembering keeps one path for the chat, ``assistant chat``,
        ``ask --history`` and the evaluation, which know only the earlier questions; the index
        is the same between two turns unless a document was added in between, and then the
        follow-up is anchored on what the index holds now.
        """
        keep = self.settings.conversation_anchors
        turns = conversation.turns
        start = len(turns) - 1
        while start > 0 and turns[start].context and len(turns) - start < FOLLOW_UP_CHAIN:
            start -= 1
        anchors: tuple[str, ...] = ()
        for turn in turns[start:]:
            searched = turn.searched_query if turn.searched_query != turn.question else None
            earlier = self.query(
                turn.question,
                None,
                search_filter,
                searched,
                context=turn.context,
                principal=principal,
                anchors=anchors if turn.context else (),
            )
            with self.pipeline.reader.reading():
                ranked = self.pipeline.search(earlier)
            anchors = tuple(h.chunk.chunk_id for h in ranked[:keep])
        return anchors


def scope_of(principal: Principal | None) -> VisibilityScope:
    """What ``principal`` may read; public documents only when nobody is named."""
    return public_scope() if principal is None else visibility_scope(principal)
