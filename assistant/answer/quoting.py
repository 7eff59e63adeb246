"""Choosing what to quote: the sentences of the top passages that best answer the question.

It needs no LLM, and every sentence it shows is a verbatim sentence of the chunk it cites, so
an answer can be wrong only by choosing the wrong passage, never by inventing text. Sentences
are scored by the idf-weighted share of the question's content words they contain, plus a prior
for the passage's rank, plus a bonus when the sentence states what kind of thing the question
asks for (a period for "いつまでに", a fine for "罰則は"). The best sentence of each of the two
top passages is kept (often a law and the order that fills in its detail). When a chosen
sentence introduces a list (次に掲げる…, 次の方法…), the list items that follow it are
included, because in law text the items are the answer; a chosen list item is quoted under the
sentence that introduces its list, because an item alone does not say what it is a list of: a
condition ("…虚偽の報告をしたとき。") without its penalty ("…罰金に処する。") would mislead.
Which sentence introduces which items, in labelled law text and across chunks, is ``lists.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer.confidence import content_tokens, covers
from assistant.answer.lists import (
    LAW_KINDS,
    Neighbour,
    is_item,
    items_continued,
    leads_of,
    list_items_after,
)
from assistant.answer.referents import referent_sentences
from assistant.japanese import normalize, split_sentences
from assistant.law.numbering import KANJI_NUMBER
from assistant.scores import zscores
from assistant.sentences import MIN_SENTENCE_CHARS
from assistant.types import AnswerSentence, Chunk, Citation, DocumentKind, Hit


@dataclass(frozen=True)
class QuotingWeights:
    """How sentences are scored and kept; each value is a setting (README: configuration).

    ``rank_prior``: added by the rank of the sentence's passage. ``bare_item``: factor of a
    list item without 。, which means little without its introducer. ``cue_bonus``: added when
    the sentence states what was asked (a period for いつまでに). ``diverse_passages``: the best
    sentence of each of this many top passages is kept. ``passages``: sentences come from the
    passages a user sees as the sources.
    """

    rank_prior: tuple[float, ...] = (0.30, 0.18, 0.10, 0.05, 0.0)
    bare_item: float = 0.7
    cue_bonus: float = 0.3
    diverse_passages: int = 2
    passages: int = 5
    semantic_weight: float = 0.1
    referent: float = 0.5


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence with where it came from and how well it answers."""

    text: str
    hit_rank: int
    index: int
    score: float


def candidate_sentences(
    hits: Sequence[Hit],
    question_tokens: Sequence[str],
    tokenize: Callable[[str], list[str]],
    idf: Callable[[str], float],
    similarity: Callable[[Sequence[str]], np.ndarray] | None = None,
    cues: Sequence[re.Pattern[str]] = (),
    weights: QuotingWeights | None = None,
    earlier: Neighbour | None = None,
    penalties: Collection[str] = (),
    equivalents: Mapping[str, Sequence[Sequence[str]]] | None = None,
) -> list[ScoredSentence]:
    """Every sentence of the top passages, scored against the question.

    ``similarity`` (the e5 cosine of the question to each sentence), when given, adds its
    standardized value times ``weights.semantic_weight``: a paraphrased question shares few words with
    the sentence that answers it ("いつまでに" / "遅滞なく"), but its meaning is close.
    ``cues`` (see ``answerability.answer_cues``) add ``weights.cue_bonus`` to a sentence that
    matches one: a question about a deadline is answered by the sentence that states a period.
    A bare list item counts the question's words in the sentences introducing it as well (found in
    the chunk before, with ``earlier``, when its list began there): 「十 金属鉱産物（…リチウム…）」
    answers a question about 特定重要物資 because its list is 「次に掲げる物資を特定重要物資
    として指定する」.
    A law sentence counts them in the paragraphs of its article it names as well (``referents``):
    「前項に規定する報告書の提出を受けたときは」 is about the report the paragraph before
    describes.
    ``equivalents`` (``Query.equivalents``): the documents' terms for a question word that the
    thesaurus or a law's definitions translate; a sentence using a whole term covers the word
    (「金額に納得できない」 is answered by 「決定に不服がある者は」), as retrieval and the
    abstention's coverage already read it.
    """
    weights = weights or QuotingWeights()
    terms_for = equivalents or {}
    semantic_weight = weights.semantic_weight
    words = content_tokens(question_tokens)
    total = sum(idf(w) for w in words) or 1.0
    found: list[tuple[str, int, int]] = [
        (sentence, rank, index)
        for rank, hit in enumerate(hits[: weights.passages])
        for index, sentence in enumerate(split_sentences(hit.chunk.text))
        if len(sentence) >= MIN_SENTENCE_CHARS
    ]
    context = {
        (rank, index): [
            split_sentences(c.text)[i] for c, i in leads_of(hits[rank].chunk, index, earlier)
        ]
        if not sentence.endswith("。")
        else []
        for sentence, rank, index in found
    }
    named_by = [referent_sentences(hit.chunk, earlier) for hit in hits[: weights.passages]]
    semantic = np.zeros(len(found))
    if similarity is not None and semantic_weight and len(found) > 1:
        semantic = semantic_weight * zscores(similarity([sentence for sentence, _, _ in found]))
    scored: list[ScoredSentence] = []
    for (sentence, rank, index), meaning in zip(found, semantic, strict=True):
        leads = context.get((rank, index), ())
        tokens = set(tokenize(sentence)).union(*(tokenize(t) for t in leads))
        named = set().union(*(tokenize(t) for t in named_by[rank][index])) - tokens
        coverage = (
            sum(idf(w) for w in words if covers(w, tokens, terms_for))
            + weights.referent * sum(idf(w) for w in words if covers(w, named, terms_for))
        ) / total
        prior = weights.rank_prior[min(rank, len(weights.rank_prior) - 1)]
        states_asked = bool(cues) and any(p.search(normalize(sentence)) for p in cues)
        cue = weights.cue_bonus if states_asked else 0.0
        # A bare list item (no 。) means little without the sentence that introduces it.
        weight = 1.0 if sentence.endswith("。") else weights.bare_item
        score = (coverage + prior + float(meaning) + cue) * weight
        scored.append(ScoredSentence(sentence, rank, index, score))
    return citing_items_first(hits[: weights.passages], scored, penalties)


# An article a law sentence cites: 「第五十五条の八の規定に基づく…」, 「第五十二条第一項」.
_CITED_ARTICLE = re.compile(
    r"第[〇一二三四五六七八九十百千]+条(?:の[〇一二三四五六七八九十百千]+)*"
)


# An order's or ordinance's name for an article of the law it carries out: 「法第三十八条」.
_LAW_ARTICLE = re.compile(rf"(?<![一-龥])法({_CITED_ARTICLE.pattern})")


def citing_items_first(
    hits: Sequence[Hit], scored: list[ScoredSentence], penalties: Collection[str]
) -> list[ScoredSentence]:
    """Within a penalty provision's items (``penalties``: the chunk ids the law graph knows
    as penalties), those citing an article another of the quoted passages is from (same
    document) take the best of the items' scores, in their order.

    A penalty article lists its breaches in the same words (「…の規定による報告をせず、又は虚偽
    の報告をしたとき。」 for 第五十五条の六, の七 and の八 alike), so the question's words cannot tell
    the items apart; the passages beside it can: when 第五十五条の八 itself is among the
    passages quoted, the item citing it is the one the answer is about. Only the items trade
    scores (no item gets a score none of its list had); a passage whose items cite none of
    the others, or all of them, is left as it is. What an item cites is read by a plain
    pattern of article numbers, not by ``law.references.parse_references`` as the law graph
    reads it (which would leave out another law's 第N条 named in an item).

    Penalties only: an item of a penalty article is *named by* the provision whose breach it
    punishes, while the items of other lists merely mention provisions (「第三十三条第二項第四号に
    おいて「貸付金融機関」という」), and preferring those put a loans item before the
    consultation item a question on 相談窓口 asked for (domain q053, in a first version)."""
    out = list(scored)
    by_rank: dict[int, list[int]] = {}
    for position, sentence in enumerate(scored):
        by_rank.setdefault(sentence.hit_rank, []).append(position)
    for rank, positions in by_rank.items():
        chunk = hits[rank].chunk
        if chunk.kind not in LAW_KINDS or chunk.chunk_id not in penalties:
            continue
        others = {
            h.chunk.article
            for h in hits
            if h.chunk.source == chunk.source and h.chunk.article not in ("", chunk.article)
        }
        items = [p for p in positions if is_item(chunk, scored[p].index)]
        citing = [p for p in items if others.intersection(_CITED_ARTICLE.findall(scored[p].text))]
        rest = [p for p in items if p not in citing]
        if not citing or not rest:
            continue
        scores = sorted((scored[p].score for p in items), reverse=True)
        movers = sorted(citing, key=lambda p: -scored[p].score) + sorted(
            rest, key=lambda p: -scored[p].score
        )
        for p, score in zip(movers, scores, strict=True):
            out[p] = replace(scored[p], score=score)
    return out


def following_sentence(hits: Sequence[Hit], best: ScoredSentence) -> ScoredSentence | None:
    """The sentence that follows ``best`` in the document, from a top passage that has it.

    A definition often takes two sentences ("X(…)の活用も検討します。…という制度で…"), and
    the first may end its chunk; the overlapping next chunk, when retrieved, holds the second.
    """
    for rank, hit in enumerate(hits[:3]):
        sentences = split_sentences(hit.chunk.text)
        if best.text in sentences:
            index = sentences.index(best.text)
            if index + 1 < len(sentences) and len(sentences[index + 1]) >= MIN_SENTENCE_CHARS:
                return ScoredSentence(sentences[index + 1], rank, index + 1, best.score)
    return None


def select_sentences(
    hits: Sequence[Hit],
    scored: Sequence[ScoredSentence],
    limit: int,
    follow_best: bool = False,
    earlier: Neighbour | None = None,
    diverse_passages: int = 2,
    later: Neighbour | None = None,
    kinds: Sequence[re.Pattern[str]] = (),
    carried_out: Callable[[Chunk], Sequence[Chunk]] | None = None,
) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Pick the best sentences (in reading order) and number the passages they cite.

    The best sentence of each of the top ``diverse_passages`` passages comes first, then the best
    of the rest, up to ``limit``; none scoring under half the best. Without the first rule three
    sentences of the top passage crowd out the one sentence of the second that answers (the
    order's "三月以内" under the law's "報告を求めることができる"). With ``follow_best`` (a
    definition question) the sentence after the best one is kept too. ``earlier`` gives the
    chunk before a chunk in its document, where the introducer of a list that spans chunks is;
    ``later`` the chunk after, where a list that runs to the end of its chunk goes on.
    ``kinds``: what a question asking several things asks for (``answer_cues``: a period and a
    penalty in 「何年保存…。保存していなかったら罰則も…」); after those passages, the best
    sentence stating each kind comes next, so the second thing asked is not crowded out by
    more sentences on the first. A law sentence stating it that names the provision of the
    answer's best sentence comes before the others (``_names_quoted``; ``carried_out`` gives
    the law provisions an order's passage carries out, which it names as 「法第三十八条」).
    """
    unique: dict[str, ScoredSentence] = {}
    for candidate in sorted(scored, key=lambda s: -s.score):
        unique.setdefault(candidate.text, candidate)  # overlapping chunks repeat sentences
    ranked = list(unique.values())
    if not ranked:
        return (), ()
    floor = ranked[0].score * 0.5
    kept = [ranked[0]]
    for rank in range(diverse_passages):
        own = next((s for s in ranked if s.hit_rank == rank), None)
        if len(kept) < limit and own and own.score >= floor and own not in kept:
            kept.append(own)
    for delegating in list(kept):
        detail = _delegated_detail(hits, ranked, delegating)
        if len(kept) < limit and detail is not None and detail not in kept:
            kept.append(detail)
    # The provisions of the best sentence: a second kind asked is stated best by one naming them.
    best_quotes = _provisions_of(ranked[0], hits, carried_out) if len(kinds) > 1 else set()
    for kind in kinds if len(kinds) > 1 else ():
        stating_ones = [
            c
            for c in ranked
            if c.score >= KIND_FLOOR * ranked[0].score and _states(kind, c, hits, earlier)
        ]
        linked = [c for c in stating_ones if _names_quoted(c, hits, best_quotes)]
        stating = next(iter(linked or stating_ones), None)
        if len(kept) < limit and stating and stating not in kept:
            kept.append(stating)
    for candidate in ranked:
        if len(kept) >= limit or candidate.score < floor:
            break
        if candidate not in kept:
            kept.append(candidate)
    if hits[ranked[0].hit_rank].chunk.kind not in LAW_KINDS:
        provision = next(
            (
                c
                for c in ranked
                if c.hit_rank < LAW_BESIDE_COMMENTARY_RANKS
                and hits[c.hit_rank].chunk.kind in LAW_KINDS
            ),
            None,
        )
        strong = provision is not None and provision.score >= KIND_FLOOR * ranked[0].score
        if len(kept) < limit and provision and strong and provision not in kept:
            kept.append(provision)
    follower = following_sentence(hits, ranked[0]) if follow_best else None
    if follower and all(follower.text != s.text for s in kept):
        kept.append(follower)
    units = sorted((_quoted_units(hits, item, earlier, later) for item in kept), key=lambda u: u[0])
    markers: dict[str, int] = {}
    cited: dict[str, Chunk] = {}
    sentences: list[AnswerSentence] = []
    for _, quoted in units:
        for chunk, text in quoted:
            if any(text == s.text for s in sentences):
                continue  # overlapping chunks and shared introducers repeat sentences
            marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
            cited.setdefault(chunk.chunk_id, chunk)
            sentences.append(AnswerSentence(text, marker))
    citations = tuple(
        Citation(
            marker,
            cited[chunk_id],
            " ".join(s.text for s in sentences if s.marker == marker),
        )
        for chunk_id, marker in markers.items()
    )
    return tuple(sentences), citations


# A law sentence leaving a detail to an order (「政令で定める要件に該当するもの」), and an order's
# sentence stating it for an article of the law it carries out (「法第六十六条第一項の政令で定める
# 要件は、…」; an ordinance's 「令第十七条第六項の経済産業省令で定める手続」 for the cabinet
# order): group 1 names which, group 2 the article.
_DELEGATES = re.compile(r"令で定め")
_STATES_DELEGATED = re.compile(
    rf"^(?:\d+\s+)?(法|令)(第{KANJI_NUMBER}条(?:の{KANJI_NUMBER})*)[^。]{{0,40}}?令で定める"
)
# Whom an order's 「法」 and an ordinance's 「令」 mean.
_CALLED = {"法": DocumentKind.LAW, "令": DocumentKind.CABINET_ORDER}


def _delegated_detail(
    hits: Sequence[Hit], ranked: Sequence[ScoredSentence], delegating: ScoredSentence
) -> ScoredSentence | None:
    """The best sentence of another passage stating what ``delegating`` leaves to an order.

    The law says 「政令で定める要件に該当するものに限る」; what the requirement is, the asker's
    question, is in the cabinet order's 「法第六十六条第一項の政令で定める要件は、…とする。」,
    which shares few words with the question and scores under the law's long sentence. The
    ranking brings that order passage next to the law's (``rank.references.DelegationLinks``);
    quoting the law sentence without it would answer 「どんな要件か」 with 「政令で定める要件」.
    So it is kept whatever its score, as a list's introducer is kept with its items.
    """
    chunk = hits[delegating.hit_rank].chunk
    if chunk.kind not in LAW_KINDS or not chunk.article or not _DELEGATES.search(delegating.text):
        return None
    for candidate in ranked:
        other = hits[candidate.hit_rank].chunk
        if other.source == chunk.source or other.kind not in LAW_KINDS:
            continue
        match = _STATES_DELEGATED.match(normalize(candidate.text))
        if match and _CALLED[match.group(1)] == chunk.kind and match.group(2) == chunk.article:
            return candidate
    return None


# When the best sentence is commentary (an article, guidance), the best sentence of a law,
# order or ordinance among this many top passages is quoted beside it (down to KIND_FLOOR)
# if the answer has room left: an answer a firm relies on cites the provision with force, not
# only a description of it; a question about the commentary itself fills the answer with it.
LAW_BESIDE_COMMENTARY_RANKS = 3

# A sentence stating a second kind asked for is kept down to this share of the best score
# (others: half): it shares fewer of the question's words, which name mostly the first thing.
KIND_FLOOR = 0.3


def _provisions_of(
    sentence: ScoredSentence,
    hits: Sequence[Hit],
    carried_out: Callable[[Chunk], Sequence[Chunk]] | None,
) -> set[tuple[str, str]]:
    """The (document, article) pairs a sentence quotes: its own article, and for an order's or
    ordinance's sentence the law articles it names as 「法第三十八条」 (those of the provisions
    its passage carries out, so that 法 is known to mean that law)."""
    chunk = hits[sentence.hit_rank].chunk
    quoted: set[tuple[str, str]] = set()
    if chunk.article and chunk.kind in LAW_KINDS:
        quoted.add((chunk.source, chunk.article))
    named = set(_LAW_ARTICLE.findall(sentence.text))
    if named and carried_out is not None:
        quoted.update((c.source, c.article) for c in carried_out(chunk) if c.article in named)
    return quoted


def _names_quoted(
    sentence: ScoredSentence, hits: Sequence[Hit], quoted: set[tuple[str, str]]
) -> bool:
    """Whether a law sentence names another article of its law that the answer quotes.

    A second thing asked (「…の罰則も知りたい」) is stated by many provisions in the same words:
    the penalty articles list every breach of the law, and one of another duty's fines may share
    more of the question's words (支援法人, 基金) than the item that punishes the duty the answer
    is about (「第二十条又は第三十八条の規定に違反して帳簿を備えず…」). The law's own
    cross-reference tells them apart: the item naming the quoted provision is the one asked for.
    """
    chunk = hits[sentence.hit_rank].chunk
    if chunk.kind not in LAW_KINDS:
        return False
    cited = set(_CITED_ARTICLE.findall(sentence.text)) - {chunk.article}
    return any((chunk.source, article) in quoted for article in cited)


def _states(
    kind: re.Pattern[str], sentence: ScoredSentence, hits: Sequence[Hit], earlier: Neighbour | None
) -> bool:
    """Whether a sentence, read with the sentences introducing it when it is a list item,
    states what ``kind`` recognizes (a penalty's item 「帳簿を保存しなかったとき。」 states the
    fine of its article's opening sentence)."""
    chunk = hits[sentence.hit_rank].chunk
    leads = [split_sentences(c.text)[i] for c, i in leads_of(chunk, sentence.index, earlier)]
    return any(kind.search(normalize(text)) for text in (sentence.text, *leads))


def _quoted_units(
    hits: Sequence[Hit],
    item: ScoredSentence,
    earlier: Neighbour | None,
    later: Neighbour | None,
) -> tuple[tuple[int, int], list[tuple[Chunk, str]]]:
    """What quoting ``item`` takes, in reading order, and where it sorts (passage rank, place).

    A bare item is quoted as its whole list, from the introducer on, to the list's end in the
    chunks that follow. A clause item (a condition ending in とき。) is quoted under its
    introducers, alone: the other conditions of a penalty list are not what was asked; its own
    sub-items (イ, ロ) follow it. An item whose introducer ended the previous chunk is quoted
    under it from that chunk, which the answer then cites too.
    """
    chunk = hits[item.hit_rank].chunk
    chain = leads_of(chunk, item.index, earlier)
    leads = [(lead, split_sentences(lead.text)[index]) for lead, index in chain]
    if leads and not item.text.endswith("。"):
        owner, head = chain[-1]
        items = [(owner, extra) for extra in list_items_after(owner, head)]
        place = head if owner is chunk else item.index
        return (item.hit_rank, place), [*leads, *items, *items_continued(owner, head, later)]
    own = [(chunk, extra) for extra in list_items_after(chunk, item.index)]  # a nested list
    own += items_continued(chunk, item.index, later)
    return (item.hit_rank, item.index), [*leads, (chunk, item.text), *own]


def format_answer(sentences: Sequence[AnswerSentence]) -> str:
    """Answer text: each sentence followed by its citation marker."""
    lines: list[str] = []
    for sentence in sentences:
        lines.append(f"{sentence.text} [{sentence.marker}]")
    return "\n".join(lines)
