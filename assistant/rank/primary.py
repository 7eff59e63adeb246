"""Ranking step: a passage that repeats a more authoritative document's words ranks after it.

A library collects copies: guidance quoting the law word for word, a council's notes pasting a
paragraph of the ordinance, a reference binder built of sentences from everywhere. For the
sentence that answers a question, each copy scores as high as the original (the reranker scores
sentences, and the sentence is the same), and which one wins is left to chance: with a thousand
passages of recombined law, JSQuAD and FAQ sentences added to the shipped corpus (the scale
benchmark), domain hit@1 fell from 0.58 to 0.44, the law's own provision ranked second or
fourth behind passages that merely contain its sentence. A compliance answer cites the source
that has force: the law before the order, the order before the ordinance, those before
guidance, then the article, then documents of no known kind.

So among the first ``depth`` hits, a passage whose best sentence for the question (by the same
stored sentence vectors the reranker reads) appears verbatim in a more authoritative hit, or
that contains that hit's best sentence, is a copy: the most authoritative such hit takes the
copy's place if it ranked lower, and the copies follow the other passages of the head. Passages
of one kind are never re-ordered.

The law a copy quotes need not be among the candidates at all: with ten thousand such passages
each repeating some law text, the provision itself falls out of the pool behind its copies. So
a copy's answering sentence is also looked up in the documents of the known kinds (law to
article): the passages holding it that the asker may read are brought into the head (from
further down the ranking, or from the index) and then ranked as above. A copy pastes runs of
text, not always whole sentences (「…（…に限る。」 cut inside its bracket), so both the lookup
and the check compare runs: the pieces between 。 and line breaks of at least fifteen
characters; a passage is brought in only when the runs it holds make up at least half of the
copy's sentence (a run-on passage sharing one clause with a law has not copied the law's
answer). The lookup is a sorted array of 64-bit keys of those runs, built once per snapshot
on the first question that needs it.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from dataclasses import replace

import numpy as np

from assistant.index.sentence_store import key_of, keys_of
from assistant.index.snapshot import Snapshot
from assistant.law.numbering import KANJI_NUMBER
from assistant.rank import RankContext
from assistant.sentences import SentenceScorer, chunk_sentences
from assistant.types import DocumentKind, Hit, Query

# Lower is more authoritative: the order in which a compliance answer prefers its sources.
AUTHORITY: dict[DocumentKind, int] = {
    DocumentKind.LAW: 0,
    DocumentKind.CABINET_ORDER: 1,
    DocumentKind.ORDINANCE: 2,
    DocumentKind.GUIDANCE: 3,
    DocumentKind.ARTICLE: 4,
    DocumentKind.OTHER: 5,
}
# A shared sentence shorter than this (「以下同じ。」, 「削除」) says nothing about copying.
MIN_SHARED_CHARS = 15
# The least authoritative kind with force (an ordinance): a passage of such a kind quoting
# another is not a copy unless it holds the other's whole sentence.
FORCE_RANK = AUTHORITY[DocumentKind.ORDINANCE]
# Where a copy breaks a quoted sentence: a copy pastes runs of text between these, whatever
# brackets they stand in (「…に限る。」 inside a parenthesis ends a run as much as a sentence's 。).
_RUN_END = re.compile(r"(?<=。)|\n")
_LINE_LABEL = re.compile(
    rf"^\s*(?:[0-9]+|{KANJI_NUMBER}(?:の{KANJI_NUMBER})*|[ァ-ヺ]|\((?:[0-9]+|{KANJI_NUMBER})\))\s"
)
# At most this many passages are brought in for one question (a copy's sentence repeated in
# many provisions, such as a boilerplate clause, brings the first few only).
MAX_BROUGHT_IN = 5


class SourceRuns:
    """Which passages of the known kinds of document (law to article) hold a run of text."""

    def __init__(self, snapshot: Snapshot) -> None:
        owners: list[str] = []
        texts: list[str] = []
        for cid in snapshot.keyword.chunk_ids:
            chunk = snapshot.chunks[cid]
            if AUTHORITY.get(chunk.kind, len(AUTHORITY)) >= AUTHORITY[DocumentKind.OTHER]:
                continue
            for run in dict.fromkeys(runs(chunk.search_text)):
                texts.append(run)
                owners.append(cid)
        keys = keys_of(texts)
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._owners = [owners[i] for i in order]

    def holding(self, text: str) -> list[str]:
        """The chunk ids holding any run of ``text``, in reading order, without repeats."""
        found: list[str] = []
        for run in runs(text):
            key = np.uint64(key_of(run))
            first = int(np.searchsorted(self._keys, key))
            last = int(np.searchsorted(self._keys, key, "right"))
            found.extend(c for c in self._owners[first:last] if c not in found)
        return found


@functools.lru_cache(maxsize=4096)
def runs(text: str) -> tuple[str, ...]:
    """The runs of a (normalized) text a copy would paste whole: its pieces between 。 and
    line breaks, without the paragraph number or item label a law line starts with (「２ 」,
    「一 」, 「イ 」), long enough to say something (see ``MIN_SHARED_CHARS``). Cached: one
    question reads a head sentence's runs once per other head passage and per holder."""
    unlabelled = "\n".join(_LINE_LABEL.sub("", line) for line in text.splitlines())
    pieces = (piece.strip() for piece in _RUN_END.split(unlabelled))
    return tuple(piece for piece in pieces if len(piece) >= MIN_SHARED_CHARS)


class PrimarySources:
    """Ranks copies of a more authoritative hit's answering sentence after that hit."""

    name = "primary"

    def __init__(self, scorer: SentenceScorer, depth: int = 15) -> None:
        self.scorer = scorer
        self.depth = depth
        self._lock = threading.Lock()
        self._sources: tuple[weakref.ref[Snapshot], SourceRuns] | None = None

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with each copy's source moved up to it and the copies after the head."""
        head, tail = hits[: self.depth], hits[self.depth :]
        if not head or not query.vector.size:
            return hits
        best = [self._best_sentence(query, h) for h in head]
        brought = self._sources_of_copies(query, head, best, tail, context)
        if brought:
            taken = {h.chunk.chunk_id for h in brought}
            head = head + [replace(h, score=head[-1].score) for h in brought]
            tail = [h for h in tail if h.chunk.chunk_id not in taken]
            best += [self._best_sentence(query, h) for h in brought]
        ranks = [AUTHORITY.get(h.chunk.kind, len(AUTHORITY)) for h in head]
        if len(head) < 2 or len(set(ranks)) < 2:
            return head + tail
        texts = [h.chunk.search_text for h in head]
        sources = [
            _source(i, ranks, best, texts) if ranks[i] > min(ranks) else None
            for i in range(len(head))
        ]
        if all(s is None for s in sources):
            return head + tail
        order: list[int] = []
        copies: list[int] = []
        for i, source in enumerate(sources):
            if source is None:
                if i not in order:
                    order.append(i)
                continue
            if source not in order:
                order.append(source)
            copies.append(i)
        order += [i for i in copies if i not in order]
        # The head keeps its scores position by position, so the list stays sorted by score.
        moved = [replace(head[i], score=h.score) for i, h in zip(order, head, strict=True)]
        return moved + tail

    def _sources_of_copies(
        self,
        query: Query,
        head: list[Hit],
        best: list[str],
        tail: list[Hit],
        context: RankContext,
    ) -> list[Hit]:
        """Passages outside the head, readable by the asker, that hold a run of a head
        passage's answering sentence while being more authoritative than it."""
        copies = [
            (sentence, authority)
            for hit, sentence in zip(head, best, strict=True)
            if (authority := AUTHORITY.get(hit.chunk.kind, len(AUTHORITY))) > FORCE_RANK
        ]
        if not copies:
            return []  # law, order and ordinance are retrieved on their own merits
        snapshot = context.snapshot
        lookup = self._lookup(snapshot)
        present = {h.chunk.chunk_id for h in head}
        wanted: list[str] = []
        for sentence, authority in copies:
            for cid in lookup.holding(sentence):
                chunk = snapshot.chunks.get(cid)
                if (
                    chunk is not None
                    and _mostly_in(sentence, chunk.search_text)
                    and cid not in present
                    and cid not in wanted
                    and AUTHORITY[chunk.kind] < authority
                    and snapshot.allows(chunk, query.search_filter)
                ):
                    wanted.append(cid)
        wanted = wanted[:MAX_BROUGHT_IN]
        later = {h.chunk.chunk_id: h for h in tail}
        fresh = [cid for cid in wanted if cid not in later]
        made = {h.chunk.chunk_id: h for h in context.new_hits(fresh, query, head[-1].score)}
        return [later.get(cid) or made[cid] for cid in wanted]

    def _lookup(self, snapshot: Snapshot) -> SourceRuns:
        """The run lookup of ``snapshot``, built on first use (one per snapshot)."""
        with self._lock:
            if self._sources is None or self._sources[0]() is not snapshot:
                self._sources = (weakref.ref(snapshot), SourceRuns(snapshot))
            return self._sources[1]

    def _best_sentence(self, query: Query, hit: Hit) -> str:
        sentences = chunk_sentences(hit.chunk)  # never empty: the chunk itself at least
        return sentences[int(self.scorer.similarities(query.vector, sentences).argmax())]


def _source(i: int, ranks: list[int], best: list[str], texts: list[str]) -> int | None:
    """The most authoritative hit (the earliest among equals) that hit ``i`` copies from."""
    found: int | None = None
    for j in range(len(ranks)):
        if ranks[j] >= ranks[i] or (found is not None and ranks[j] >= ranks[found]):
            continue
        # Documents with force repeat each other's bracketed phrases (「（以下「X」という。」)
        # without copying; a run counts only in a copy without force.
        loose = ranks[i] > FORCE_RANK
        if _shares(best[i], texts[j], loose) or _shares(best[j], texts[i], loose):
            found = j
    return found


def _shares(sentence: str, text: str, loose: bool) -> bool:
    """Whether ``text`` holds ``sentence`` whole, or (``loose``) any run of it."""
    if not loose:
        return len(sentence) >= MIN_SHARED_CHARS and sentence in text
    return any(run in text for run in runs(sentence))


def _mostly_in(sentence: str, text: str) -> bool:
    """Whether the runs of ``sentence`` that ``text`` holds make up at least half of it."""
    return 2 * sum(len(run) for run in runs(sentence) if run in text) >= len(sentence)
