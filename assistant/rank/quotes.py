"""Ranking step: the passages holding the words a question quotes come first.

A reader who quotes (「計画の認定要件にある『需給がひっ迫した場合に行う措置』とは」, 「『製造業X』と
言っていますが」) has the document's own words in front of them and asks about the passage that
uses them. Word scores blur that: the quote is split into common words (需給, 場合, 措置) that
the neighbouring ordinance, which says 「需給ひっ迫時における措置」, holds as well. So among the
candidates, those whose text holds a quoted phrase verbatim (NFKC, blanks ignored) take the
first positions, in their order, and the rest follow in theirs; the scores stay with the
positions, so the list stays sorted. A quote no candidate holds (the asker's own paraphrase:
『技術の移転について報告を出してください』 said by an official) changes nothing, nor does a quoted
term (「事前相談」, 「製造業X」: fewer than ``MIN_QUOTE_CHARS`` characters), which keyword search
already weighs.
"""

from __future__ import annotations

import re

from assistant.japanese import normalize
from assistant.rank import RankContext, scores_kept
from assistant.types import Hit, Query

# 「…」, 『…』 and “…” / "…" around the quoted words (the inner pair of 『』 inside 「」 as well).
_QUOTED = re.compile(r"「([^「」]+)」|『([^『』]+)』|“([^“”]+)”|\"([^\"]+)\"")
# A quote shorter than this is a term in quotation marks (「事前相談」, 「製造業X」), which keyword
# search already weighs and which many passages use: only a quoted phrase, the document's
# wording of a clause, picks out the passage it was copied from. (With terms counted, govfaq-
# dev's 「事前相談」を含む名称変更の手続 lost its answer to three passages saying 事前相談.)
MIN_QUOTE_CHARS = 8
_BLANKS = re.compile(r"\s+")


def quoted_phrases(text: str) -> list[str]:
    """The phrases a question quotes, NFKC-normalized and without blanks."""
    phrases = (
        _BLANKS.sub("", normalize(next(g for g in m.groups() if g is not None)))
        for m in _QUOTED.finditer(text)
    )
    return list(dict.fromkeys(p for p in phrases if len(p) >= MIN_QUOTE_CHARS))


class QuotedWords:
    """Moves the candidates that hold a quoted phrase ahead of those that hold none."""

    name = "quotes"

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with those holding every quoted phrase first (or, when none holds every
        one, those holding the most), each group in its order; the scores keep their places."""
        phrases = quoted_phrases(query.search_text)
        if not phrases or len(hits) < 2:
            return hits
        # Indexed text is normalized already; a chunk made elsewhere may not be.
        texts = [_BLANKS.sub("", normalize(h.chunk.search_text)) for h in hits]
        held = [sum(p in text for p in phrases) for text in texts]
        best = max(held)
        if best == 0 or all(count == best for count in held):
            return hits
        order = [h for h, n in zip(hits, held, strict=True) if n == best] + [
            h for h, n in zip(hits, held, strict=True) if n != best
        ]
        return scores_kept(order, hits)
