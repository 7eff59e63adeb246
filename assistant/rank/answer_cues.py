"""Ranking step: a passage that can state the kind of answer asked for ranks before one that cannot.

「いつまでに届け出る必要がありますか」 is answered by a sentence stating a time (「遅滞なく」,
「三十日以内に」, 「導入の日の…前までに」), 「罰則はありますか」 by one stating a punishment
(「…罰金に処する」), 「手数料はいくらですか」 by an amount in 円. A passage holding none of these
may share every word of the question and still cannot answer it: the duty to notify is not the
penalty for not notifying, and a follow-up 「もし届け出なかったら罰則はありますか？」 searched near
the duty finds the duty first. So among the first ``depth`` hits, those whose text states a cue
the question asks for (``answer.answerability.ANSWER_CUES``: the same patterns the answer's
sentences are chosen by) move ahead of those that state none, in their order; the scores stay
with the positions, so the list stays sorted. A question asking for no such kind, or a head
where every passage (or none) states one, is left as it is. The law numbers a provision cites
(「令和四年法律第四十三号」) state no date or period and are read past.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.answerability import answer_cues, without_law_numbers
from assistant.rank import RankContext
from assistant.rank.primary import AUTHORITY, FORCE_RANK
from assistant.types import Hit, Query


class AnswerCues:
    """Moves the head's provisions that state no asked-for kind of answer behind the others."""

    name = "cues"

    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the first ``depth`` partitioned, order kept within each part: first
        those that state an asked-for cue or cannot be known not to, then the silent provisions."""
        cues = answer_cues(query.search_text)
        head, tail = hits[: self.depth], hits[self.depth :]
        if not cues or len(head) < 2:
            return hits
        silent = [
            AUTHORITY.get(h.chunk.kind, len(AUTHORITY)) <= FORCE_RANK
            and not any(cue.search(without_law_numbers(h.chunk.search_text)) for cue in cues)
            for h in head
        ]
        if all(silent) or not any(silent):
            return hits
        order = [h for h, s in zip(head, silent, strict=True) if not s]
        order += [h for h, s in zip(head, silent, strict=True) if s]
        moved = [replace(h, score=place.score) for h, place in zip(order, head, strict=True)]
        return moved + tail
